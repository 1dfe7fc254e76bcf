"""Errors of the database stage, in the project's one hierarchy (``sohoa.errors``)."""

from __future__ import annotations

from sohoa.errors import SohoaError


class LoadInputError(SohoaError):
    """What was handed to the loader does not fit the national format (all problems at once)."""

    exit_code = 6
    reason = "bad_load_input"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "; ".join(problems)
        super().__init__(
            f"Dữ liệu đưa vào cơ sở dữ liệu không hợp lệ: {listing}",
            f"Data handed to the database is not valid: {listing}",
        )


class LoadError(SohoaError):
    """The database refused a batch; nothing of the batch was written."""

    exit_code = 6
    reason = "load_failed"

    def __init__(self, batch_id: str, cause: Exception, statement: str | None = None) -> None:
        self.batch_id = batch_id
        self.statement = statement
        detail = f"{type(cause).__name__}: {cause}"
        super().__init__(
            f"Không ghi được lô {batch_id} vào cơ sở dữ liệu; lô không được ghi phần nào. {detail}",
            f"Could not load batch {batch_id}; nothing of it was written. {detail}",
        )
