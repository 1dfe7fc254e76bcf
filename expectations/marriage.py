"""The Great Expectations suite for marriage registrations, and the helper columns it needs.

Like ``expectations.birth``: ``prepare`` adds ``_`` helper columns computed with the transforms'
own functions (ID digits 4-6, the latest birth date allowed by the marriage age), the suite
expects on them, and each expectation's ``meta = {"field", "reason"}`` becomes a flag.

Marriage age: Law on Marriage and Family 52/2014/QH13 art. 8(1)(a) — a man from full 20 years,
a woman from full 18, at registration. Kept in ``MIN_MARRIAGE_AGE`` [check].
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

DOC_TYPE = "marriage_registration"
SUITE_NAME = "marriage_registration"
SPOUSES = {"husband": 1, "wife": 2}
MIN_MARRIAGE_AGE = {"husband": 20, "wife": 18}  # years, full, at registration [check]

REASONS.setdefault(
    "under_marriage_age",
    (
        "Chưa đủ tuổi kết hôn vào ngày đăng ký (nam từ đủ 20, nữ từ đủ 18 tuổi)",
        "Under the marriage age on the registration date (men 20, women 18)",
    ),
)

REQUIRED = (
    "registration_number",
    "registration_date",
    "husband_full_name",
    "husband_date_of_birth",
    "wife_full_name",
    "wife_date_of_birth",
)
REGEX = {
    "registration_number": r"^\d{1,6}$",
    "book_number": r"^\d{1,4}$",
    "registration_date": ISO_DATE,
    "registration_commune_code": r"^\d{5}$",
    **{
        f"{who}_{f}": regex
        for who in SPOUSES
        for f, regex in (
            ("date_of_birth", ISO_DATE),
            ("ethnicity_code", r"^\d{2}$"),
            ("id_number", r"^(?:\d{9}|\d{12})$"),
        )
    },
}


def _years_before(iso: pd.Series, years: int) -> pd.Series:
    """ISO date ``years`` before each (full) date, as ISO text; 29 Feb → 28 Feb."""

    def shift(v: object) -> str | None:
        if not isinstance(v, str) or len(v) != 10:
            return None
        y, m, d = int(v[:4]), int(v[5:7]), int(v[8:10])
        if m == 2 and d == 29:
            d = 28
        return f"{y - years:04d}-{m:02d}-{d:02d}"

    return iso.astype(object).map(shift).astype(object)


def prepare(df: pd.DataFrame, settings: Settings, today: dt.date | None = None) -> pd.DataFrame:
    """The columns the suite reads: national fields plus ``_`` helper columns (a new frame)."""
    today = today or dt.date.today()
    out = df.reset_index(drop=True).copy()
    out["_today"] = today.isoformat()
    out["_registration_date_latest"] = _latest_day(out["registration_date"])
    for who, sex in SPOUSES.items():
        # a partial date of birth ("1990") compares below any full date of that year: lenient
        out[f"_{who}_latest_birth"] = _years_before(out["registration_date"], MIN_MARRIAGE_AGE[who])
        add_id_columns(
            out,
            f"_{who}_",
            personal_id=out[f"{who}_id_number"],
            sex=pd.Series(sex, index=out.index, dtype="Int64"),
            date_of_birth=out[f"{who}_date_of_birth"],
        )
    return out


def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
    """The suite (not yet added to a context)."""
    today = today or dt.date.today()
    suite = new_suite(SUITE_NAME, REQUIRED, REGEX)
    add = suite.add_expectation
    ethnicity_codes = sorted({code for code, _ in ethnicity_table().values()})
    nationality_codes = sorted(_NATIONALITIES)
    for who in SPOUSES:
        f = f"{who}_ethnicity_code"
        add(gxe.ExpectColumnValuesToBeInSet(column=f, value_set=ethnicity_codes,
                                            meta=_meta(f, "value_not_allowed")))  # fmt: skip
        f = f"{who}_nationality"
        add(gxe.ExpectColumnValuesToBeInSet(column=f, value_set=nationality_codes,
                                            meta=_meta(f, "value_not_allowed")))  # fmt: skip
    for f in ("registration_date", "husband_date_of_birth", "wife_date_of_birth"):
        add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_today", column_B=f, or_equal=True,
            ignore_row_if="either_value_is_missing", meta=_meta(f, "date_in_future")))  # fmt: skip
    for who in SPOUSES:
        f = f"{who}_date_of_birth"
        add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_registration_date_latest", column_B=f, or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta(f, "birth_after_registration")))  # fmt: skip
        add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=f"_{who}_latest_birth", column_B=f, or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta(f, "under_marriage_age")))  # fmt: skip
        # a 12-digit ID: digit 4 against the spouse's sex, digits 4-6 against the year of birth
        for expectation in id_expectations(f"_{who}_", f"{who}_id_number"):
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
