"""Dates as printed → ISO 8601 (NATIONAL_FORMAT.md §1, "date").

Accepted: ``ngày 05 tháng 3 năm 1990``, ``05/03/1990``, ``5-3-1990``, ``05.03.1990``,
``tháng 3 năm 1990`` / ``03/1990`` (→ ``1990-03``), ``năm 1990`` / ``1990`` (→ ``1990``).
The first date found wins; a date written out in words after it (``(Mùng năm tháng ba …)``) is
ignored. Results carry a reason when no value could be given:

* ``unparseable_date`` — no date form found;
* ``impossible_date`` — day/month out of range (31/02, month 13) or a year before 1800;
* ``two_digit_year`` — ``05/03/90``: never expanded, the reviewer decides the century.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from transforms.text import (
    all_text,
    map_unique_parts,
    numbers_of,
    repair_slashes,
    repair_unicode,
    strip_marks,
)

MIN_YEAR = 1800

_SEP = r"\s*[/.\-]\s*"
_WORDS = re.compile(
    r"(?:ng[àa]y\s*)?(\d{1,2})\s*,?\s*th[áa]ng\s*(\d{1,2})\s*,?\s*n[ăaǎâ]m\s*(\d{2,4})\b", re.I
)
_DMY = re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2,4}})(?!\d)")
_MONTH_WORDS = re.compile(r"th[áa]ng\s*(\d{1,2})\s*,?\s*n[ăaǎâ]m\s*(\d{2,4})\b", re.I)
_MY = re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{4}})(?!\d)")
_YEAR_WORDS = re.compile(r"n[ăaǎâ]m\s*(\d{2,4})\b", re.I)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _year(text: str) -> int | None:
    return int(text) if len(text) == 4 else None


# The commonest printed form, ``05/03/1990`` alone: read without the repairs and the search.
_PLAIN_DMY = re.compile(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*")


def _checked(groups: tuple[str, ...], parts: str) -> tuple[str | None, str | None]:
    """ISO text from matched (day, month, year) / (month, year) / (year) groups, or a reason."""
    year_text = groups[-1]
    if len(year_text) != 4:
        return None, "two_digit_year"
    year = int(year_text)
    if year < MIN_YEAR:
        return None, "impossible_date"
    if parts == "y":
        return f"{year:04d}", None
    month = int(groups[-2])
    if not 1 <= month <= 12:
        return None, "impossible_date"
    if parts == "my":
        return f"{year:04d}-{month:02d}", None
    try:
        return date(year, month, int(groups[0])).isoformat(), None
    except ValueError:
        return None, "impossible_date"


def parse_date(text: str) -> tuple[str | None, str | None]:
    """``(iso, None)`` for a date; ``(None, reason)`` when none can be given."""
    plain = _PLAIN_DMY.fullmatch(text)
    if plain:
        return _checked(plain.groups(), "dmy")
    # date words are told by their letters: ``thăng``, ``ngầy`` (a mark misread) are dates too
    text = strip_marks(repair_slashes(repair_unicode(text)))
    for pattern, parts in (
        (_WORDS, "dmy"),
        (_DMY, "dmy"),
        (_MONTH_WORDS, "my"),
        (_MY, "my"),
        (_YEAR_WORDS, "y"),
        (_YEAR, "y"),
    ):
        m = pattern.search(text)
        if m:
            return _checked(m.groups(), parts)
    return None, "unparseable_date"


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(ISO text or None, reason or None) per row; a null raw value gives (None, None)."""
    iso, reason = map_unique_parts(raw, parse_date, 2)
    return iso, reason


def year_of(iso: pd.Series) -> pd.Series:
    """The year of an ISO (possibly partial) date as nullable Int64."""
    if all_text(iso):  # the usual case: slice in one pass, parse each distinct year once
        years = pd.Series([v[:4] if isinstance(v, str) else None for v in iso.tolist()],
                          index=iso.index, dtype=object)  # fmt: skip
        return numbers_of(years).astype("Int64")
    return pd.to_numeric(iso.str[:4], errors="coerce").astype("Int64")
