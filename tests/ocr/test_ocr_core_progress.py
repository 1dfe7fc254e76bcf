"""The progress bar of ``sohoa extract`` / ``ocr`` / ``eval``: silent off a terminal, a summary."""

from __future__ import annotations

import io

from sohoa import cli


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    progress = cli._Progress(3)
    for pages in (1, 2, 1):
        progress(pages)
    line = progress.summary(failed=1)
    assert err.getvalue() == ""  # nothing drawn
    assert "3 files, 4 pages, 1 failed" in line and "pages/min" in line
    assert line.index("tệp") < line.index("files")  # Vietnamese first


def test_bar_on_a_terminal_shows_pages_and_rate(monkeypatch):
    err = _Tty()
    monkeypatch.setattr(cli.sys, "stderr", err)
    progress = cli._Progress(2)
    progress(3)
    progress(1)
    progress.summary(failed=0)
    drawn = err.getvalue()
    assert "2/2 files" in drawn and "4 pages" in drawn and "pages/min" in drawn
