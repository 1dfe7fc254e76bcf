"""The Great Expectations suite for birth registrations, and the helper columns it needs.

GX has no built-in for "digit 4 of the personal ID against sex and century" or for partial ISO
dates, so ``prepare`` adds helper columns (prefixed ``_``) computed with the transforms'
own functions, and the suite expects on them with GX's pair expectations. Each expectation
carries ``meta = {"field", "reason"}``: the runner turns its unexpected rows into flags.
"""

from __future__ import annotations

import datetime as dt

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import meta as _meta
from expectations.common import new_suite
from expectations.id_checks import add_id_columns, id_expectations
from expectations.text_checks import text_expectations
from sohoa.national_format import NATIONAL_FIELDS
from sohoa.settings import Settings
from transforms.codes import _NATIONALITIES, ethnicity_table
from transforms.dates import year_of

DOC_TYPE = "birth_registration"
SUITE_NAME = "birth_registration"

REQUIRED = (
    "registration_number",
    "registration_date",
    "child_full_name",
    "child_sex",
    "child_date_of_birth",
)
ISO_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
REGEX = {
    "registration_number": r"^\d{1,6}$",
    "book_number": r"^\d{1,4}$",
    "registration_date": ISO_DATE,
    "child_date_of_birth": ISO_DATE,
    "registration_commune_code": r"^\d{5}$",
    "child_place_of_birth_province_code": r"^\d{2}$",
    "child_personal_id": r"^\d{12}$",
    "child_ethnicity_code": r"^\d{2}$",
    "mother_ethnicity_code": r"^\d{2}$",
    "father_ethnicity_code": r"^\d{2}$",
}


def _latest_day(iso: pd.Series) -> pd.Series:
    """The latest day a (possibly partial) ISO date can mean, as ISO text: 2013 → 2013-12-31."""
    s = iso.astype(object)
    full = s.where(s.str.len().ne(4), s + "-12-31")
    return full.where(full.str.len().ne(7), full + "-31")


def prepare(df: pd.DataFrame, settings: Settings, today: dt.date | None = None) -> pd.DataFrame:
    """The columns the suite reads: national fields plus ``_`` helper columns (a new frame)."""
    today = today or dt.date.today()
    out = df.reset_index(drop=True).copy()
    out["_today"] = today.isoformat()
    out["_registration_date_latest"] = _latest_day(out["registration_date"])
    child_year = year_of(out["child_date_of_birth"].astype(object))
    out["_parent_latest_birth_year"] = (child_year - settings.min_parent_age_years).astype("Int64")
    add_id_columns(
        out,
        "_",
        personal_id=out["child_personal_id"],
        sex=out["child_sex"],
        date_of_birth=out["child_date_of_birth"],
    )
    return out


def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
    """The suite (not yet added to a context)."""
    today = today or dt.date.today()
    suite = new_suite(SUITE_NAME, REQUIRED, REGEX)
    add = suite.add_expectation
    add(
        gxe.ExpectColumnValuesToBeInSet(
            column="child_sex", value_set=[0, 1, 2], meta=_meta("child_sex", "value_not_allowed")
        )
    )
    ethnicity_codes = sorted({code for code, _ in ethnicity_table().values()})
    nationality_codes = sorted(_NATIONALITIES)
    for who in ("child", "mother", "father"):
        f = f"{who}_ethnicity_code"
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column=f, value_set=ethnicity_codes, meta=_meta(f, "value_not_allowed")
            )
        )
        f = f"{who}_nationality"
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column=f, value_set=nationality_codes, meta=_meta(f, "value_not_allowed")
            )
        )
    # dates: not in the future (ISO text compares in date order, partial dates included)
    for f in ("registration_date", "child_date_of_birth"):
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
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_registration_date_latest",
            column_B="child_date_of_birth",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta("child_date_of_birth", "birth_after_registration"),
        )
    )
    add(
        gxe.ExpectColumnValuesToBeBetween(
            column="book_year",
            min_value=1900,
            max_value=today.year,
            meta=_meta("book_year", "year_out_of_range"),
        )
    )
    for who in ("mother", "father"):
        f = f"{who}_birth_year"
        add(
            gxe.ExpectColumnValuesToBeBetween(
                column=f, min_value=1880, max_value=today.year, meta=_meta(f, "year_out_of_range")
            )
        )
        add(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="_parent_latest_birth_year",
                column_B=f,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=_meta(f, "parent_too_young"),
            )
        )
    # personal ID digits 4-6 against sex, century and year of birth
    for expectation in id_expectations("_", "child_personal_id"):
        add(expectation)
    add(gxe.ExpectCompoundColumnsToBeUnique(
        column_list=["registration_number", "book_number", "book_year",
                     "registration_commune_code"],
        ignore_row_if="any_value_is_missing",
        meta=_meta("registration_number", "duplicate_registration")))  # fmt: skip
    for expectation in text_expectations(NATIONAL_FIELDS[DOC_TYPE]):
        add(expectation)
    return suite
