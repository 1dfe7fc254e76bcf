"""Validation with Great Expectations: one suite per record type, the runner and the routing.

``validate`` and ``ValidationReport`` import Great Expectations (seconds) on first use only, so
importing ``expectations`` (or ``expectations.routing``) stays cheap, e.g. at DAG parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from expectations.routing import route

if TYPE_CHECKING:
    from expectations.runner import ValidationReport, validate

__all__ = ["ValidationReport", "route", "validate"]


def __getattr__(name: str) -> Any:
    if name in ("validate", "ValidationReport"):
        from expectations import runner

        return getattr(runner, name)
    raise AttributeError(name)
