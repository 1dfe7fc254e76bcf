"""The Great Expectations suite for death registrations, and the helper columns it needs.

Like ``expectations.birth``: ``prepare`` adds ``_`` helper columns computed with the transforms'
own functions and the suite expects on them. Dates: the death is not before the birth, not
after the registration and not in the future; the time of death is ``HH:MM``; the personal ID is
cross-checked against sex and year of birth; (number, book, book year, commune) is unique in
the batch.
"""

from __future__ import annotations

import datetime as dt

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.birth import ISO_DATE, _latest_day
from expectations.common import meta as _meta
from expectations.common import new_suite
from expectations.id_checks import add_id_columns, id_expectations
from expectations.text_checks import text_expectations
from sohoa.national_format import NATIONAL_FIELDS
from sohoa.settings import Settings
from transforms.codes import _NATIONALITIES, ethnicity_table
from transforms.flags import REASONS

DOC_TYPE = "death_registration"
SUITE_NAME = "death_registration"

# Reasons this suite adds (the shared table in transforms.flags wins if it has them).
for _reason, _messages in {
    "death_before_birth": ("Ngày chết trước ngày sinh", "The date of death is before the birth"),
    "death_after_registration": (
        "Ngày chết sau ngày đăng ký khai tử",
        "The date of death is after the registration date",
    ),
}.items():
    REASONS.setdefault(_reason, _messages)

REQUIRED = (
    "registration_number",
    "registration_date",
    "deceased_full_name",
    "date_of_death",
)
REGEX = {
    "registration_number": r"^\d{1,6}$",
    "book_number": r"^\d{1,4}$",
    "registration_date": ISO_DATE,
    "registration_commune_code": r"^\d{5}$",
    "deceased_date_of_birth": ISO_DATE,
    "deceased_ethnicity_code": r"^\d{2}$",
    "deceased_personal_id": r"^\d{12}$",
    "date_of_death": ISO_DATE,
    "time_of_death": r"^(?:[01]\d|2[0-3]):[0-5]\d$",
}


def prepare(df: pd.DataFrame, settings: Settings, today: dt.date | None = None) -> pd.DataFrame:
    """The columns the suite reads: national fields plus ``_`` helper columns (a new frame)."""
    today = today or dt.date.today()
    out = df.reset_index(drop=True).copy()
    out["_today"] = today.isoformat()
    out["_registration_date_latest"] = _latest_day(out["registration_date"])
    # the latest day a (partial) date of death can mean, against the earliest of the birth
    out["_date_of_death_latest"] = _latest_day(out["date_of_death"])
    add_id_columns(
        out,
        "_",
        personal_id=out["deceased_personal_id"],
        sex=out["deceased_sex"],
        date_of_birth=out["deceased_date_of_birth"],
    )
    return out


def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
    """The suite (not yet added to a context)."""
    today = today or dt.date.today()
    suite = new_suite(SUITE_NAME, REQUIRED, REGEX)
    add = suite.add_expectation
    add(gxe.ExpectColumnValuesToBeInSet(
        column="deceased_sex", value_set=[0, 1, 2],
        meta=_meta("deceased_sex", "value_not_allowed")))  # fmt: skip
    add(gxe.ExpectColumnValuesToBeInSet(
        column="deceased_ethnicity_code",
        value_set=sorted({code for code, _ in ethnicity_table().values()}),
        meta=_meta("deceased_ethnicity_code", "value_not_allowed")))  # fmt: skip
    add(gxe.ExpectColumnValuesToBeInSet(
        column="deceased_nationality", value_set=sorted(_NATIONALITIES),
        meta=_meta("deceased_nationality", "value_not_allowed")))  # fmt: skip
    for f in ("registration_date", "deceased_date_of_birth", "date_of_death"):
        add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_today", column_B=f, or_equal=True,
            ignore_row_if="either_value_is_missing", meta=_meta(f, "date_in_future")))  # fmt: skip
    add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="_date_of_death_latest", column_B="deceased_date_of_birth", or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=_meta("date_of_death", "death_before_birth")))  # fmt: skip
    add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="_registration_date_latest", column_B="date_of_death", or_equal=True,
        ignore_row_if="either_value_is_missing",
        meta=_meta("date_of_death", "death_after_registration")))  # fmt: skip
    for expectation in id_expectations("_", "deceased_personal_id"):
        add(expectation)
    add(gxe.ExpectColumnValuesToBeBetween(
        column="book_year", min_value=1900, max_value=today.year,
        meta=_meta("book_year", "year_out_of_range")))  # fmt: skip
    add(gxe.ExpectCompoundColumnsToBeUnique(
        column_list=["registration_number", "book_number", "book_year",
                     "registration_commune_code"],
        ignore_row_if="any_value_is_missing",
        meta=_meta("registration_number", "duplicate_registration")))  # fmt: skip
    for expectation in text_expectations(NATIONAL_FIELDS[DOC_TYPE]):
        add(expectation)
    return suite
