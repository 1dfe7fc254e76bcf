"""One exception hierarchy for the whole pipeline.

Every error carries a message for people in Vietnamese first, English second, and an exit code.
Only the command line (``sohoa.cli``) maps errors to exit codes; stages raise, never exit.
"""

from __future__ import annotations


class SohoaError(Exception):
    """Base error: ``message_vi`` and ``message_en`` are sentences a clerk understands."""

    exit_code = 1
    reason = "error"

    def __init__(self, message_vi: str, message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        super().__init__(self.message_en)

    def for_people(self) -> str:
        """One line, Vietnamese first then English, as printed to a clerk."""
        if self.message_en == self.message_vi:
            return self.message_vi
        return f"{self.message_vi} / {self.message_en}"


class MissingDependencyError(SohoaError):
    """An external program or its data (Tesseract, the ``vie`` language pack) is missing."""

    exit_code = 3
    reason = "missing_dependency"


class InputFileError(SohoaError):
    """A file that cannot be read as a scan: not an image or PDF, truncated, too large, empty."""

    exit_code = 4
    reason = "bad_input"


class OcrTimeoutError(SohoaError):
    """Tesseract did not finish a page in its time limit; the page is reported as skipped."""

    exit_code = 5
    reason = "ocr_timeout"


class OcrFailedError(SohoaError):
    """Tesseract failed on a page for a reason other than time."""

    exit_code = 5
    reason = "ocr_failed"


class ConfigurationError(SohoaError):
    """Settings or environment are wrong (database URL, Airflow home, paths)."""

    exit_code = 2
    reason = "configuration"
