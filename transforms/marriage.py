"""Marriage registration (Giấy chứng nhận kết hôn): raw OCR text → national-format columns.

Reads like the form: the registration header (number, book, date, authority → commune code),
then the husband and the wife (name, date of birth, ethnicity code, nationality, residence, the
identity paper's number). The identity paper is printed with its kind (``CCCD số 068…``,
``Chứng minh nhân dân số 250…``): its number is kept as printed, 9 digits (legacy CMND) or 12
(personal ID); a 12-digit number is cross-checked against the spouse's sex and year of birth.
The header block is shared with death registrations (``registration_header``).
"""

from __future__ import annotations

import re

import pandas as pd

from sohoa.settings import get_settings
from transforms import admin_units, dates, ids, registration
from transforms.birth import REFORM_DATE, _date, _ethnicity, _name, _nationality
from transforms.flags import FlagCollector
from transforms.text import clean_text, map_unique

DOC_TYPE = "marriage_registration"
SPOUSES = {"husband": 1, "wife": 2}  # ISO/IEC 5218 sex of each spouse

# national field → raw field whose confidence it inherits
SOURCES: dict[str, str] = {
    "registration_number": "registration_number",
    "registration_number_suffix": "registration_number",
    "book_number": "book_number",
    "book_year": "book_number",
    "registration_date": "registration_date",
    "registration_authority_text": "registration_authority_text",
    "registration_commune_code": "registration_authority_text",
    **{
        f"{who}_{f}": f"{who}_{src}"
        for who in SPOUSES
        for f, src in (
            ("full_name", "full_name"),
            ("date_of_birth", "date_of_birth"),
            ("ethnicity_code", "ethnicity"),
            ("nationality", "nationality"),
            ("residence_text", "residence_text"),
            ("id_number", "id_number"),
        )
    },
}

# A token of an ID number as OCR reads it: digits, the letters read for digits, separators.
_ID_TOKEN = re.compile(r"^[0-9OolI|.\-_,]+$")


def id_number_text(text: str) -> str:
    """The number part of a printed identity paper: the run of digit-like tokens at its end.

    ``CCCD số 068 301 446 774`` → ``068 301 446 774``; ``250195916`` stays. Text without such a
    run is returned whole (``ids.clean_id`` then reports it malformed)."""
    tokens = text.split()
    k = len(tokens)
    while k > 0 and _ID_TOKEN.match(tokens[k - 1]) and any(c.isdigit() for c in tokens[k - 1]):
        k -= 1
    return " ".join(tokens[k:]) if k < len(tokens) else text


def id_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(9 or 12 digits or None, reason or None) from printed identity papers."""
    return ids.clean_ids(map_unique(raw, id_number_text))


# Suffixes of civil-status books (Circular 04/2020/TT-BTP): TLKT = trích lục khai tử, TLKH = kết
# hôn, TLKS = khai sinh, BS = bản sao. OCR drops the hyphen ("TLKTBS").
_BOOK_SUFFIX = re.compile(r"^(TLK[TSH]|KT|KH|KS)[-–—.]?(BS)$")
# Ø (never Vietnamese) and O read for a zero inside a date: "ngày 20 tháng Ø7", "2O/05/2021".
_DATE_ZERO = re.compile(r"Ø|(?<=\d)[Oo](?=[\d/.\-\s]|$)|(?<=[\s/.\-])[Oo](?=\d)")


def repair_date_zeros(raw: pd.Series) -> pd.Series:
    """Dates as printed with Ø/O read for 0 mended (only next to digits or separators)."""
    return map_unique(raw, lambda v: _DATE_ZERO.sub("0", v))


def place_text(raw: pd.Series) -> pd.Series:
    """A place as written (residence, place of death): clean text, a stray dot after a comma
    where OCR read the end of a wrapped line (``huyện Đạ Huoai,. tỉnh``) dropped."""
    return clean_text(map_unique(raw, lambda v: re.sub(r",\s*[.·]+(?=\s)", ",", v)))


def date_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    """``transforms.birth._date`` on the date as printed, with its misread zeros mended."""
    _date(out, flags, raw.assign(**{field: repair_date_zeros(raw[field])}), field)


def registration_header(out: dict[str, pd.Series], flags: FlagCollector, raw: pd.DataFrame) -> None:
    """Số / Quyển số / registration date / authority → commune code (civil-status forms)."""
    settings = get_settings()
    number, suffix, reason = registration.registration_columns(raw["registration_number"])
    suffix = suffix.map(lambda v: _BOOK_SUFFIX.sub(r"\1-\2", v), na_action="ignore")
    out["registration_number"], out["registration_number_suffix"] = number, suffix
    flags.add_reasons(reason, "registration_number", raw["registration_number"])
    book, book_year, reason = registration.book_columns(raw["book_number"])
    out["book_number"], out["book_year"] = book, book_year
    flags.add_reasons(reason.where(reason != "two_digit_year", None), "book_number",
                      raw["book_number"])  # fmt: skip
    flags.add(reason.eq("two_digit_year"), "book_year", "two_digit_year", raw["book_number"])

    date_column(out, flags, raw, "registration_date")
    out["registration_authority_text"] = clean_text(raw["registration_authority_text"])
    reg_date = out["registration_date"]
    before_reform = (reg_date < REFORM_DATE).astype(object).where(reg_date.notna(), None)
    commune, _province, reason = admin_units.resolve_column(
        raw["registration_authority_text"], settings.home_province_code, before_reform
    )
    out["registration_commune_code"] = commune
    flags.add_reasons(reason, "registration_commune_code", raw["registration_authority_text"])


def map_marriage(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format columns (by name) and the flags raised while mapping."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))
    registration_header(out, flags, raw)
    for who, sex in SPOUSES.items():
        _name(out, flags, raw, f"{who}_full_name")
        date_column(out, flags, raw, f"{who}_date_of_birth")
        _ethnicity(out, flags, raw, who)
        _nationality(out, flags, raw, f"{who}_nationality")
        out[f"{who}_residence_text"] = place_text(raw[f"{who}_residence_text"])
        field = f"{who}_id_number"
        number, reason = id_numbers(raw[field])
        flags.add_reasons(reason, field, raw[field])
        out[field] = number
        sex_bad, year_bad = ids.id_cross_checks(
            number,
            pd.Series(sex, index=raw.index, dtype="Int64"),
            dates.year_of(out[f"{who}_date_of_birth"].astype(object)),
        )
        flags.add(sex_bad, field, "id_sex_mismatch", number)
        flags.add(year_bad, field, "id_year_mismatch", number)
    return out, flags
