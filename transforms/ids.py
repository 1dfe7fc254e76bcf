"""Personal identification numbers (NATIONAL_FORMAT.md §1, "personal_id" and "legacy_id").

* 12 digits: the personal ID (CCCD / số định danh cá nhân). Digit 4 holds century and sex
  (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, …), digits 5-6 the last two digits of the
  birth year. No check digit is known, so those are the only cross-checks.
* 9 digits: the legacy ID (CMND); its prefix is the issuing area, not checked.

OCR leaves spaces, dots and dashes between digit groups, and reads 0 as O and 1 as l or I. Those
letters are mapped to digits only inside a token that is otherwise digits; the mapping is reported
so the confidence is lowered.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from transforms.text import all_text, map_unique_parts, numbers_of

_SEPARATORS = re.compile(r"[\s.\-_,]")
_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_LABEL = re.compile(r"^\D*?:\s*")  # "Số định danh cá nhân: 0680…"


def clean_id(text: str) -> tuple[str | None, str | None]:
    """(digits, reason): reason ``id_ocr_repaired`` when O/l/I were read as digits,
    ``malformed_id`` when the text is not 9 or 12 digits even after that."""
    if text.isdigit():  # the usual case: no label, separator or misread letter to remove
        return (text, None) if len(text) in (9, 12) else (None, "malformed_id")
    token = _SEPARATORS.sub("", _LABEL.sub("", text.strip()))
    if not token:
        return None, None
    reason = None
    if not token.isdigit():
        repaired = token.translate(_CONFUSIONS)
        digits_read = sum(c.isdigit() for c in token)
        if repaired.isdigit() and digits_read * 2 > len(token):  # mostly digits already
            token, reason = repaired, "id_ocr_repaired"
        else:
            return None, "malformed_id"
    if len(token) not in (9, 12):
        return None, "malformed_id"
    return token, reason


def clean_ids(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(digits or None, reason or None) per row."""
    digits, reason = map_unique_parts(raw, clean_id, 2)
    return digits, reason


def _id_digits(pid: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(digit 4, digits 5-6) of each 12-character ID as numbers, as ``pd.to_numeric`` reads
    them; NaN where the ID is not 12 characters long or they are not a number."""
    if all_text(pid):  # the usual case: slice in one pass, parse each distinct slice once
        twelve = [v if isinstance(v, str) and len(v) == 12 else None for v in pid.tolist()]
        d4 = pd.Series([v and v[3] for v in twelve], index=pid.index, dtype=object)
        yy = pd.Series([v and v[4:6] for v in twelve], index=pid.index, dtype=object)
        return numbers_of(d4), numbers_of(yy)
    is12 = pid.str.len().eq(12)
    d4 = pd.to_numeric(pid.str[3].where(is12.fillna(False).astype(bool)), errors="coerce")
    return d4, pd.to_numeric(pid.str[4:6].where(is12), errors="coerce")


def _century_sex(d4: pd.Series) -> tuple[pd.Series, pd.Series]:
    century = (1900 + (d4 // 2) * 100).where(d4 <= 9)
    sex = pd.Series(np.where(d4 % 2 == 0, 1, 2), index=d4.index).where(d4.notna())
    return century.astype("Int64"), sex.astype("Int64")


def personal_id_century_sex(pid: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(birth-year century start as Int64, ISO 5218 sex as Int64) from digit 4 of 12-digit IDs."""
    d4, _ = _id_digits(pid)
    return _century_sex(d4)


def personal_id_facts(pid: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(ISO 5218 sex, full birth year) implied by digits 4-6 of 12-digit IDs, both Int64."""
    d4, yy = _id_digits(pid)
    century, sex = _century_sex(d4)
    return sex, century + yy.astype("Int64")


def personal_id_birth_year(pid: pd.Series) -> pd.Series:
    """Full birth year implied by digits 4-6 of a 12-digit ID (Int64, null if not 12 digits)."""
    return personal_id_facts(pid)[1]


def id_cross_checks(
    pid: pd.Series, sex: pd.Series, birth_year: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """(sex mismatch, year mismatch) boolean masks; false where either side is unknown.

    Sex 0 (not known) is never a mismatch.
    """
    id_sex, id_year = personal_id_facts(pid)
    sex = pd.to_numeric(sex, errors="coerce").astype("Int64")
    sex_bad = (id_sex.notna() & sex.isin([1, 2]) & (id_sex != sex)).fillna(False).astype(bool)
    year = pd.to_numeric(birth_year, errors="coerce").astype("Int64")
    year_bad = (id_year.notna() & year.notna() & (id_year != year)).fillna(False).astype(bool)
    return sex_bad, year_bad
