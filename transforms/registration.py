"""Registration and book numbers (NATIONAL_FORMAT.md §1, "registration number").

``Số: 45/TLKT-BS`` → number ``45`` (as printed, leading zeros kept) and suffix ``TLKT-BS``;
``Quyển số: 02/2013`` → book ``02`` and book year 2013. A two-digit book year (``02/13``) is not
expanded: the year is null with the reason ``two_digit_year``.
"""

from __future__ import annotations

import re

import pandas as pd

from transforms.text import map_unique, repair_slashes, repair_unicode

_LABEL = re.compile(r"^\s*(?:quyển\s*)?s[ốôoó]\s*:?\s*|^\s*quyển\s*:?\s*", re.I)
_NUMBER = re.compile(r"^(\d+)\s*(?:/\s*(\S.*?))?\s*$")
_BOOK = re.compile(r"^(\d+)\s*(?:/\s*(\d+))?\s*$")


# a book number of one or two digits glued to a year of this or the last century
_GLUED_YEAR = re.compile(r"(\d{1,2})((?:19|20)\d\d)")


def split_registration_number(text: str) -> tuple[str | None, str | None, str | None]:
    """(number, suffix, reason) from ``Số: 45/TLKT-BS``; reason ``unparseable_number``."""
    m = _NUMBER.match(_LABEL.sub("", repair_slashes(repair_unicode(text))))
    if not m:
        return None, None, "unparseable_number"
    suffix = re.sub(r"\s+", "", m.group(2)) if m.group(2) else None
    return m.group(1), suffix or None, None


def split_book_number(text: str) -> tuple[str | None, int | None, str | None]:
    """(book number, book year, reason) from ``Quyển số: 02/2013``."""
    m = _BOOK.match(_LABEL.sub("", repair_slashes(repair_unicode(text))))
    if not m:
        return None, None, "unparseable_number"
    year_text = m.group(2)
    glued = _GLUED_YEAR.fullmatch(m.group(1)) if year_text is None else None
    if glued:  # the slash lost between a book and its year (032014): read, and checked
        return glued.group(1), int(glued.group(2)), "book_slash_lost"
    if year_text is None:
        return m.group(1), None, None
    if len(year_text) != 4:
        return m.group(1), None, "two_digit_year"
    return m.group(1), int(year_text), None


def _unpack(parsed: pd.Series, i: int) -> pd.Series:
    out = parsed.map(lambda t: t[i], na_action="ignore").astype(object)
    return out.where(out.notna(), None)


def registration_columns(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    parsed = map_unique(raw, split_registration_number)
    return _unpack(parsed, 0), _unpack(parsed, 1), _unpack(parsed, 2)


def book_columns(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    parsed = map_unique(raw, split_book_number)
    year = pd.to_numeric(_unpack(parsed, 1), errors="coerce").astype("Int64")
    return _unpack(parsed, 0), year, _unpack(parsed, 2)
