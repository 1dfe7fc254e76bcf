"""Column mappers shared by the civil-status record types (birth, marriage, death): the
registration header (number, book, date, authority → commune code) and the person fields
(names, dates, years, nationality, ethnicity). Each takes the output columns, the flag
collector and the raw text frame, and writes its national-format columns."""

from __future__ import annotations

import re

import pandas as pd

from sohoa.settings import get_settings
from transforms import admin_units, codes, dates, names, registration
from transforms.flags import FlagCollector
from transforms.place_marks import WRAPPED_LINE_DOT
from transforms.text import clean_text, map_unique

REFORM_DATE = "2025-07-01"  # the commune merger (Decision 19/2025/QĐ-TTg); ISO text compares


def name_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> names.NameResult:
    result = names.normalise_names(raw[field])
    out[field] = result.full_name
    result.flag(flags, field, raw[field])
    return result


def plain_date_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    iso, reason = dates.parse_dates(raw[field])
    out[field] = iso
    flags.add_reasons(reason, field, raw[field])


def birth_year_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    """A parent's birth year from ``1965`` or a full date; partial dates keep their year."""
    iso, reason = dates.parse_dates(raw[field])
    out[field] = dates.year_of(iso)
    flags.add_reasons(reason, field, raw[field])


def nationality_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    code, unknown, guessed = codes.nationality_column(raw[field])
    out[field] = code
    flags.add(unknown, field, "unknown_nationality", raw[field])
    flags.add(guessed, field, "nationality_guessed", raw[field])


def ethnicity_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, who: str) -> pd.Series:
    code, name, unknown, guessed = codes.ethnicity_columns(raw[f"{who}_ethnicity"])
    out[f"{who}_ethnicity_code"] = code
    flags.add(unknown, f"{who}_ethnicity_code", "unknown_ethnicity", raw[f"{who}_ethnicity"])
    flags.add(guessed, f"{who}_ethnicity_code", "ethnicity_guessed", raw[f"{who}_ethnicity"])
    return name


# Suffixes of civil-status books (Circular 04/2020/TT-BTP): TLKT = trích lục khai tử, TLKH = kết
# hôn, TLKS = khai sinh, BS = bản sao. OCR drops the hyphen ("TLKTBS").
_BOOK_SUFFIX = re.compile(r"^(TLK[TSH]|KT|KH|KS)[-–—.'’]?(BS)$")
# its T read as I, l, 1 or J ("ILKH-BS"): no code opens so
_BOOK_SUFFIX_T = re.compile(r"^[Il1J|](?=LK[TSH])")
# Ø (never Vietnamese) and O read for a zero inside a date: "ngày 20 tháng Ø7", "2O/05/2021".
_DATE_ZERO = re.compile(r"Ø|(?<=\d)[Oo](?=[\d/.\-\s]|$)|(?<=[\s/.\-])[Oo](?=\d)")


def repair_date_zeros(raw: pd.Series) -> pd.Series:
    """Dates as printed with Ø/O read for 0 mended (only next to digits or separators)."""
    return map_unique(raw, lambda v: _DATE_ZERO.sub("0", v))


def place_text(raw: pd.Series) -> pd.Series:
    """A place as written (residence, place of death): clean text, a stray dot after a comma
    where OCR read the end of a wrapped line (``huyện Đạ Huoai,. tỉnh``) dropped."""
    return clean_text(map_unique(raw, lambda v: WRAPPED_LINE_DOT.sub(",", v)))


def date_column(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    """A date as printed, with its misread zeros mended, → ISO with a flag when refused."""
    plain_date_column(out, flags, raw.assign(**{field: repair_date_zeros(raw[field])}), field)


def registration_header(out: dict[str, pd.Series], flags: FlagCollector, raw: pd.DataFrame) -> None:
    """Số / Quyển số / registration date / authority → commune code (civil-status forms)."""
    settings = get_settings()
    number, suffix, reason = registration.registration_columns(raw["registration_number"])
    suffix = suffix.map(
        lambda v: _BOOK_SUFFIX.sub(r"\1-\2", _BOOK_SUFFIX_T.sub("T", v)), na_action="ignore"
    )
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
