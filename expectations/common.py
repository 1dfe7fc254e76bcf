"""What every record type's suite starts with: required fields and value formats, each failure
tagged with the field and the reason code its flag carries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import great_expectations as gx
import great_expectations.expectations as gxe


def meta(field: str, reason: str) -> dict[str, str]:
    """An expectation's ``meta``: the field and reason code a failure turns into."""
    return {"field": field, "reason": reason}


def new_suite(
    name: str, required: Iterable[str], formats: Mapping[str, str]
) -> gx.ExpectationSuite:
    """A suite holding a not-null expectation per required field and a regex per format."""
    suite = gx.ExpectationSuite(name=name)
    for f in required:
        suite.add_expectation(
            gxe.ExpectColumnValuesToNotBeNull(column=f, meta=meta(f, "missing_required"))
        )
    for f, regex in formats.items():
        suite.add_expectation(
            gxe.ExpectColumnValuesToMatchRegex(column=f, regex=regex, meta=meta(f, "bad_format"))
        )
    return suite
