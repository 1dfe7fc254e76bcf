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

from transforms.text import map_unique_parts

_SEPARATORS = re.compile(r"[\s.\-_,]")
_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_LABEL = re.compile(r"^\D*?:\s*")  # "Số định danh cá nhân: 0680…"


def clean_id(text: str) -> tuple[str | None, str | None]:
    """(digits, reason): reason ``id_ocr_repaired`` when O/l/I were read as digits,
    ``malformed_id`` when the text is not 9 or 12 digits even after that."""
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


def personal_id_century_sex(pid: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(birth-year century start as Int64, ISO 5218 sex as Int64) from digit 4 of 12-digit IDs."""
    is12 = pid.str.len().eq(12).fillna(False).astype(bool)
    d4 = pd.to_numeric(pid.str[3].where(is12), errors="coerce")
    century = (1900 + (d4 // 2) * 100).where(d4 <= 9)
    sex = pd.Series(np.where(d4 % 2 == 0, 1, 2), index=pid.index).where(d4.notna())
    return century.astype("Int64"), sex.astype("Int64")


def personal_id_birth_year(pid: pd.Series) -> pd.Series:
    """Full birth year implied by digits 4-6 of a 12-digit ID (Int64, null if not 12 digits)."""
    century, _ = personal_id_century_sex(pid)
    yy = pd.to_numeric(pid.str[4:6].where(pid.str.len().eq(12)), errors="coerce").astype("Int64")
    return century + yy


def id_cross_checks(
    pid: pd.Series, sex: pd.Series, birth_year: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """(sex mismatch, year mismatch) boolean masks; false where either side is unknown.

    Sex 0 (not known) is never a mismatch.
    """
    _, id_sex = personal_id_century_sex(pid)
    id_year = personal_id_birth_year(pid)
    sex = pd.to_numeric(sex, errors="coerce").astype("Int64")
    sex_bad = (id_sex.notna() & sex.isin([1, 2]) & (id_sex != sex)).fillna(False).astype(bool)
    year = pd.to_numeric(birth_year, errors="coerce").astype("Int64")
    year_bad = (id_year.notna() & year.notna() & (id_year != year)).fillna(False).astype(bool)
    return sex_bad, year_bad
