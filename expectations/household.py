"""Great Expectations suites for household books: the book-level suite and the member-row suite.

The book suite validates one row per book; ``prepare`` adds helper columns computed from the
nested ``members`` (the number of current heads, duplicated member numbers). The member suite
(``MEMBERS``, registered in ``expectations.runner._TABLE_SUITES``) validates the exploded member
rows; the runner maps a failing row back to its book's flags as ``members[i].<field>``.
"""

from __future__ import annotations

import datetime as dt

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import meta as _meta
from expectations.id_checks import add_id_columns, id_expectations
from expectations.text_checks import text_expectations
from sohoa.national_format import HOUSEHOLD_MEMBER_FIELDS, NATIONAL_FIELDS
from sohoa.settings import Settings
from transforms.codes import _NATIONALITIES, RELATIONSHIPS, ethnicity_table

DOC_TYPE = "household_registration"
SUITE_NAME = "household_registration"
TABLE = "members"
ISO_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"


def _heads(members: object) -> int:
    if not isinstance(members, list):
        return 0
    return sum(
        1 for m in members if m.get("relationship_to_head") == "HEAD" and not m.get("struck_out")
    )


def _duplicate_index(members: object) -> bool:
    if not isinstance(members, list):
        return False
    idx = [m.get("member_index") for m in members if m.get("member_index") is not None]
    return len(idx) != len(set(idx))


def prepare(df: pd.DataFrame, settings: Settings, today: dt.date | None = None) -> pd.DataFrame:
    """Book-level columns plus helpers: ``_current_heads``, ``_index_unique``, ``_today``."""
    today = today or dt.date.today()
    out = df.reset_index(drop=True).copy()
    out["_today"] = today.isoformat()
    members = out["members"] if "members" in out else pd.Series([[]] * len(out), dtype=object)
    has_members = members.map(lambda m: isinstance(m, list) and len(m) > 0)
    out["_current_heads"] = members.map(_heads).astype("Int64").where(has_members, pd.NA)
    out["_index_unique"] = ~members.map(_duplicate_index).astype(bool)
    return out


def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
    """The book-level suite (not yet added to a context)."""
    today = today or dt.date.today()
    suite = gx.ExpectationSuite(name=SUITE_NAME)
    add = suite.add_expectation
    for f in ("household_book_number", "head_full_name", "address_text"):
        add(gxe.ExpectColumnValuesToNotBeNull(column=f, meta=_meta(f, "missing_required")))
    for f, regex in {
        "household_book_number": r"^\d{1,12}$",
        "issue_date": ISO_DATE,
        "address_commune_code": r"^\d{5}$",
        "address_province_code": r"^\d{2}$",
    }.items():
        add(gxe.ExpectColumnValuesToMatchRegex(column=f, regex=regex, meta=_meta(f, "bad_format")))
    add(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_today",
            column_B="issue_date",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta("issue_date", "date_in_future"),
        )
    )
    add(
        gxe.ExpectColumnValuesToBeBetween(
            column="_current_heads", min_value=1, max_value=1, meta=_meta("members", "not_one_head")
        )
    )
    add(
        gxe.ExpectColumnValuesToBeInSet(
            column="_index_unique",
            value_set=[True],
            meta=_meta("members", "duplicate_member_index"),
        )
    )
    for expectation in text_expectations(NATIONAL_FIELDS[DOC_TYPE]):
        add(expectation)
    return suite


class MEMBERS:
    """The member-row suite: ``prepare`` and ``build_suite`` over exploded member rows."""

    SUITE_NAME = "household_registration.members"

    @staticmethod
    def prepare(rows: pd.DataFrame, settings: Settings, today: dt.date | None = None):
        today = today or dt.date.today()
        out = rows.reset_index(drop=True).copy()
        out["_today"] = today.isoformat()
        ident = out["id_number"].astype(object)
        twelve = ident.where(ident.str.len().eq(12).fillna(False).astype(bool), None)
        add_id_columns(
            out, "_", personal_id=twelve, sex=out["sex"], date_of_birth=out["date_of_birth"]
        )
        return out

    @staticmethod
    def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
        suite = gx.ExpectationSuite(name=MEMBERS.SUITE_NAME)
        add = suite.add_expectation
        for f in ("member_index", "full_name", "relationship_to_head"):
            add(gxe.ExpectColumnValuesToNotBeNull(column=f, meta=_meta(f, "missing_required")))
        for f in ("date_of_birth", "moved_in_date"):
            add(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=f, regex=ISO_DATE, meta=_meta(f, "bad_format")
                )
            )
            add(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="_today",
                    column_B=f,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    meta=_meta(f, "date_in_future"),
                )
            )
        add(
            gxe.ExpectColumnValuesToMatchRegex(
                column="id_number",
                regex=r"^(\d{9}|\d{12})$",
                meta=_meta("id_number", "malformed_id"),
            )
        )
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="sex", value_set=[0, 1, 2], meta=_meta("sex", "value_not_allowed")
            )
        )
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="relationship_to_head",
                value_set=sorted(RELATIONSHIPS),
                meta=_meta("relationship_to_head", "value_not_allowed"),
            )
        )
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="ethnicity_code",
                value_set=sorted({c for c, _ in ethnicity_table().values()}),
                meta=_meta("ethnicity_code", "value_not_allowed"),
            )
        )
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="nationality",
                value_set=sorted(_NATIONALITIES),
                meta=_meta("nationality", "value_not_allowed"),
            )
        )
        for expectation in id_expectations("_", "id_number"):
            add(expectation)
        for expectation in text_expectations(HOUSEHOLD_MEMBER_FIELDS):
            add(expectation)
        return suite
