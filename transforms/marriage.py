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

from transforms import dates, ids
from transforms.civil import (
    date_column,
    ethnicity_column,
    name_column,
    nationality_column,
    place_text,
    registration_header,
)
from transforms.flags import FlagCollector
from transforms.text import map_unique

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


def map_marriage(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format columns (by name) and the flags raised while mapping."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))
    registration_header(out, flags, raw)
    for who, sex in SPOUSES.items():
        name_column(out, flags, raw, f"{who}_full_name")
        date_column(out, flags, raw, f"{who}_date_of_birth")
        ethnicity_column(out, flags, raw, who)
        nationality_column(out, flags, raw, f"{who}_nationality")
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
