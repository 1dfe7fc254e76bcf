"""Unit names misread by one or two letters, mended from their neighbours in the official lists.

OCR misreads a letter of a place name (``huyện Đắk MI``, ``huyện Đạ Huodi``, ``huyện D1 Linh``,
``tĩnh Lầm Đồng``). A name that is no official unit name anywhere in the country is compared with
the names of its level inside the unit named after it — the communes of the district, the
districts of the province, the provinces — and replaced when exactly one of them is one or two
letters away (two for long names). A name that is official somewhere is never changed, even when
it does not belong to the unit after it; a name with two equally close neighbours stays as read.

The mended text goes on to the commune look-up and validation; the text as read stays in
``raw__<field>``, and the field is flagged ``place_name_mended`` (confidence lowered) so a person
confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from transforms import admin_units
from transforms.text import map_unique, strip_marks

# Free-text fields whose words are not place names (the origin of land use is prose).
PROSE_TEXT_FIELDS = frozenset({"land_use_origin_text"})


def is_place_field(field: str) -> bool:
    """A national place or authority field (not ``raw__…``/``conf__…`` nor a helper column)."""
    return field.endswith("_text") and field not in PROSE_TEXT_FIELDS and "__" not in field


_LEVELS = {
    "tỉnh": "province",
    "thành phố": "city",  # a province-rank city (Hà Nội) or a district-rank one (Đà Lạt)
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
    "đặc khu": "commune",
}
_UNIT_WORDS = {strip_marks(w): w for w in _LEVELS}
_UNIT = re.compile(
    r"(?i)(?<![^\W\d_])(thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|xã|phường)(?: +|-(?=\w))"
)
# a unit word with a mark misread (tĩnh, huyên, thi trấn, xà): only at the start of a part
# (after UBND / Ủy ban nhân dân), since Phương, Quan, Tĩnh, Huyền also begin names
# an authority's body before its unit word
_BODY = r"(?:(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN) +)?"
_MISREAD_UNIT = re.compile(
    rf"(?i)^ *{_BODY}"
    r"(th[aàáảãạ]nh ph[oốồổỗộ]|th[iìíỉĩị] x[aàáảãạ]|th[iìíỉĩị] tr[aấầẩẫậ]n|"
    r"t[iìíỉĩị]nh|huy[eêệếềểễ]n|qu[aâậấầẩẫ]n|x[aàáảãạâấầẩẫậăắằẳẵặ]|ph[uư][oơờớởỡợ]ng) +"
)


# the first word of a part, a mark after it (``huỳện. Đức Trọng``), then a name
_NEAR_UNIT = re.compile(rf"(?i)^ *{_BODY}([^\W\d_]{{4,}})[.:;]* +(?=[^\W\d_])")


@lru_cache(maxsize=4096)
def _unit_word(read: str) -> str | None:
    """The unit word ``read`` stands for, marks aside (``tĩnh`` → ``tỉnh``) or, for a word of
    four letters or more, one letter off (``hưyện``, ``tỉinh``, ``huyệnh``), or None."""
    key = strip_marks(read.lower())
    if key in _UNIT_WORDS or len(key) < 4:
        return _UNIT_WORDS.get(key)
    close = [w for k, w in _UNIT_WORDS.items()
             if " " not in k and len(k) >= 4 and Levenshtein.distance(key, k) <= 1]  # fmt: skip
    return close[0] if len(close) == 1 else None


@lru_cache(maxsize=4096)
def _below_commune_word(read: str) -> str | None:
    return _BELOW_COMMUNE_BARE.get(strip_marks(read.lower()))


def _misread_unit(chunk: str) -> re.Match | None:
    """A unit word with a mark misread at the start of a part, written small (``tĩnh``) or in a
    part all in capitals (``TĨNH LẦM ĐỒNG``): a capitalised ``Quan Hoa`` or ``Xa Lộ`` is a name.
    A word of one letter off (``hưyện Phú Quí``, ``huỳện. Đức Trọng``) is one too."""
    m = _MISREAD_UNIT.search(chunk)
    if m is None and (near := _NEAR_UNIT.search(chunk)) and _unit_word(near.group(1)):
        m = near
    return m if m and (m.group(1)[0].islower() or chunk.isupper()) else None


@dataclass(frozen=True)
class _Part:
    word_start: int  # where the unit word starts in the text
    word: str  # the unit word as read (tĩnh)
    name_start: int
    name: str  # the rest of the comma-separated part (Lầm Đồng)
    one_space: bool = True  # one space between the word and the name (not "tỉnh-Đắk Nông")

    @property
    def level(self) -> str:
        return _LEVELS[self.unit_word]

    @property
    def unit_word(self) -> str:
        return _unit_word(self.word)


def _parts(text: str) -> list[_Part]:
    """Each comma-separated part holding a unit word followed by a name, left to right."""
    out, offset = [], 0
    for chunk in text.split(","):
        # the first unit word of a part names its unit (Ủy ban nhân dân thị trấn …)
        m = _UNIT.search(chunk) or _misread_unit(chunk)
        name = chunk[m.end() :].rstrip(" .;") if m else ""
        if m and _unit_word(m.group(1)) and _mendable(name):
            spaced = m.end() - m.end(1) == 1 and chunk[m.end(1)] == " "
            out.append(_Part(offset + m.start(1), m.group(1), offset + m.end(), name, spaced))
        offset += len(chunk) + 1
    return out


def _mendable(name: str) -> bool:
    """A name of letters; a digit among letters (``D1 Linh``) is a misread letter, but a
    numbered unit (``phường 2``) is left as read."""
    if not name or not any(c.isalpha() for c in name):
        return False
    return not any(c.isdigit() for c in name) or bool(re.search(r"[^\W\d_]\d|\d[^\W\d_]", name))


def official_spelling(name: str) -> str | None:
    """``name`` if it is an official spelling, else the official spelling it stands for when
    they differ only in case, Hòa/Hoà and the like (``spelling_key``), else None."""
    spellings = _official_by_key().get(admin_units.spelling_key(name))
    if not spellings:
        return None
    return name if name in spellings else spellings[0]


@lru_cache(maxsize=1)
def _official_by_key() -> dict[str, tuple[str, ...]]:
    """Official names by spelling key; some have two official spellings (B'Lao, B'lao)."""
    by_key: dict[str, list[str]] = {}
    for n in sorted(admin_units.official_unit_names()):
        by_key.setdefault(admin_units.spelling_key(n), []).append(n)
    return {k: tuple(v) for k, v in by_key.items()}


def _closest(name: str, candidates: Collection[str]) -> str | None:
    """The one candidate within one letter of ``name`` — two for names of nine letters or
    more, or of seven among a few candidates (a district's communes, a province's districts,
    the provinces) —, case, spaces and apostrophes aside."""
    key = admin_units.spelling_key(name)
    if len(key) < 3:
        return None
    limit = 2 if len(key) >= 9 or (len(key) >= 7 and len(candidates) <= 80) else 1
    scored: dict[str, tuple[int, str]] = {}
    for c in candidates:
        ckey = admin_units.spelling_key(c)
        d = Levenshtein.distance(key, ckey, score_cutoff=limit)
        # of two official spellings of one name (B'Lao, B'lao) the first in order, on every
        # run (candidates come from sets) and as official_spelling takes it
        if d <= limit and (ckey not in scored or c < scored[ckey][1]):
            scored[ckey] = (d, c)
    if not scored:
        return None
    ranked = sorted(scored.values())
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None  # two names as close: not ours to choose
    return ranked[0][1]


class _Context:
    """What the parts to the right named: the province(s) and old district(s) a part is in."""

    def __init__(self, tree: admin_units.UnitTree, home_province_code: str | None) -> None:
        self.tree = tree
        home = {k for k in set(tree.provinces.values())
                if admin_units.province_code_of(k) == home_province_code}  # fmt: skip
        self.provinces: set[str] | None = home or None
        self.districts: set[str] | None = None

    def names(self, level: str) -> dict[str, set[str]]:
        """Official names of ``level`` inside the context → the old district ids they name."""
        tree = self.tree
        if level == "province":
            return {n: set() for n in tree.provinces}
        if level == "district":
            keys = self.provinces or tree.districts.keys()
            return {n: ids for k in keys for n, ids in tree.districts.get(k, {}).items()}
        if self.districts:
            return {n: set() for d in self.districts for n in tree.communes_of_district.get(d, ())}
        if self.provinces:
            return {n: set() for k in self.provinces for n in tree.communes_of_province.get(k, ())}
        return {}

    def enter(self, level: str, name: str, names: dict[str, set[str]]) -> None:
        if level == "province" and name in self.tree.provinces:
            self.provinces, self.districts = {self.tree.provinces[name]}, None
        elif level == "district" and names.get(name):
            self.districts = names[name]


_APOSTROPHES = frozenset("'’")


def _misread(written: str, official: str) -> bool:
    """Whether ``written`` is not ``official`` as a clerk may write it: other letters, or a
    word's capital read small (``Nhân cơ``), a dash lost or added (``Lâm Viên Đà Lạt`` for
    ``Lâm Viên - Đà Lạt``), an apostrophe lost (``NThol Hạ``); all capitals, Hòa/Hoà, Quí/Quý
    and apostrophes or spaces written otherwise (``Đam B'ri``) are spellings in use."""
    if admin_units.spelling_key(written) != admin_units.spelling_key(official):
        return True
    if _APOSTROPHES.intersection(official) and not _APOSTROPHES.intersection(written):
        return True  # the apostrophe lost (NThol Hạ, Đambri): OCR drops the small mark
    if _dashless(written) == _dashless(official) and written != official:
        return True  # a dash lost or gained (Lâm Viên Đà Lạt, Hòa-Ninh)
    if "-" in official and "-" not in written:
        return True  # the dash lost, and a space with it (LANG BI ANG ĐÀ LẠT)
    return not written.isupper() and written.lower() == official.lower() and written != official


def _name_misread(name: str) -> bool:
    """A name no official list holds, or an official one written as no clerk writes it."""
    return _misread(name, official_spelling(name) or "")


def _name_in_doubt(name: str) -> bool:
    """A name misread, or a number read with a letter for a digit (``phường I``): either is
    looked up among the units it stands in."""
    return _name_misread(name) or bool(_LOOKALIKE_NUMBER.fullmatch(name))


def _dashless(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("–", " ").split())


def _in_case_of(written: str, official: str) -> str:
    return official.upper() if written.isupper() else official


# Words that open a part below the commune, and their letters without marks: a mark misread
# (``Tố dân phố 3``, ``Thồn 5``) is mended where a number or a name follows.
_BELOW_COMMUNE_WORDS = ("Tổ dân phố", "Khu phố", "Tổ", "Thôn", "Ấp", "Xóm", "Buôn", "Khối")
_BELOW_COMMUNE_BARE = {strip_marks(w.lower()): w for w in _BELOW_COMMUNE_WORDS}
_NUMBERED = {"Tổ", "Khối"}
_LEADING_WORDS = re.compile(r"^( *)([^\W\d_]+)(?: ([^\W\d_]+))?(?: ([^\W\d_]+))?(?= +\w)")


def _mend_leading_word(part: str) -> str:
    m = _LEADING_WORDS.match(part)
    if not m:
        return part
    words = [w for w in m.groups()[1:] if w]
    for n in range(len(words), 0, -1):  # the longest: Tổ dân phố before Tổ
        read = " ".join(words[:n])
        word = _below_commune_word(read)
        rest = part[len(m.group(1)) + len(read) :].lstrip()
        if word in _NUMBERED and not rest[:1].isdigit():
            continue  # Tô Hiến Thành is a street, Tổ 4 a group
        if word is not None:
            start = len(m.group(1))
            head = read if read.lower() == word.lower() else _in_case_of(read, word)
            return part[:start] + head + _digits_mended(part[start + len(read) :])
    return part


# letters read for digits in a number: I l | for 1, O and the o's with a hat or horn for 0
_NUMBER_MISREAD = re.compile(r"^( +)([0-9IlOƠÔoơô|]{2,4})(?=$| |,)")
_AS_DIGIT = str.maketrans("IlOƠÔoơô|", "110000001")


def _digits_mended(rest: str) -> str:
    """``Thôn I1`` → ``Thôn 11``, ``Khu phố 1Ơ`` → ``Khu phố 10``: a number after the word with a
    letter read for a digit."""
    m = _NUMBER_MISREAD.match(rest)
    if not m or not any(c.isdigit() for c in m.group(2)):
        return rest
    return m.group(1) + m.group(2).translate(_AS_DIGIT) + rest[m.end() :]


# a house number read as a letter: "Số I đường Bùi Thị Xuân" (a lone I, l or | is a 1 there)
_HOUSE_NUMBER_MISREAD = re.compile(r"^( *Số +)([Il|]|[0-9IlO|]*[0-9][0-9IlO|]*)(?= )")


def _house_number_mended(part: str) -> str:
    m = _HOUSE_NUMBER_MISREAD.match(part)
    if not m or m.group(2).isdigit():
        return part
    return m.group(1) + m.group(2).translate(_AS_DIGIT) + part[m.end() :]


_LOOKALIKE_NUMBER = re.compile(r"[0-9IlO|]*[IlO|][0-9IlO|]*")


def _as_number(name: str, names: Collection[str]) -> str | None:
    """A numbered unit's number read with a letter for a digit (``phường I`` → ``phường 1``),
    when the unit with that number is one of ``names``."""
    if len(name) > 3 or not _LOOKALIKE_NUMBER.fullmatch(name):
        return None
    number = name.translate(_AS_DIGIT)
    return number if number in names else None


def _unit_word_as_written(text: str, part: _Part) -> str | None:
    """The unit word and the space after it as they should read, when they do not
    (``tĩnh Lâm Đồng``, ``tỉnh-Đắk Nông``); None when they do."""
    if part.one_space and part.word.lower() == part.unit_word:
        return None  # the usual case: the word as it should be and one space
    word = part.word if part.word.lower() == part.unit_word else part.unit_word
    written = f"{_in_case_of(part.word, word)} "
    as_read = " ".join(text[part.word_start : part.name_start].split()) + " "
    return None if as_read == written else written  # spaces are folded later anyway


# an authority's first word in capitals: "UBND" with a letter misread or doubled (UUBND,
# UBNWD, UBNĐ) is mended
_FIRST_CAPITALS = re.compile(r"^([A-ZĐ0-9]{3,6}) (?=\w)")


@lru_cache(maxsize=65536)
def _reads_as_written(part: str) -> bool:
    """Whether a comma-separated part needs no mending: its opening word, unit word and unit
    name are written as they should be (``huyện Đức Trọng``, ``Thôn 5``)."""
    if _mend_leading_word(part) != part or _house_number_mended(part) != part:
        return False
    return all(
        _unit_word_as_written(part, p) is None and not _name_in_doubt(p.name) for p in _parts(part)
    )


def mend_place(text: str, home_province_code: str | None = None) -> str:
    """``text`` with its misread unit words and unit names mended (the same text when none is).

    ``home_province_code``: the province to look in when the text names none (an authority).
    """
    m = _FIRST_CAPITALS.match(text)
    if m and m.group(1) != "UBND" and Levenshtein.distance(m.group(1), "UBND") <= 1:
        text = "UBND " + text[m.end() :]
    elif all(map(_reads_as_written, text.split(","))):
        return text  # the usual case: parts recur across texts, each is judged once
    text = ",".join(_house_number_mended(_mend_leading_word(p)) for p in text.split(","))
    parts = _parts(text)
    words = [_unit_word_as_written(text, p) for p in parts]
    if all(w is None and not _name_in_doubt(p.name)
           for p, w in zip(parts, words, strict=True)):  # fmt: skip
        return text  # the usual case, without loading the tree
    ctx = _Context(admin_units.unit_tree(), home_province_code)
    edits: list[tuple[int, int, str]] = []
    for part, word in zip(reversed(parts), reversed(words), strict=True):
        if word is not None:
            edits.append((part.word_start, part.name_start, word))
        level = part.level
        if level == "city":  # Thành phố Hồ Chí Minh is a province, Thành phố Đà Lạt a district
            close = official_spelling(part.name) or _closest(part.name, ctx.tree.provinces) or ""
            level = "province" if close in ctx.tree.provinces else "district"
        names = ctx.names(level)
        name = official_spelling(part.name)
        # "I" names wards elsewhere (Vị Thanh's Phường I): inside a city of numbered wards it
        # is a 1 misread
        number = _as_number(part.name, names) if name not in names else None
        if number is not None:
            name = number
        elif name is None:
            name = _closest(part.name, names)
        if name is not None and _misread(part.name, name):
            end = part.name_start + len(part.name)
            edits.append((part.name_start, end, _in_case_of(part.name, name)))
        ctx.enter(level, name or part.name, names)
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return unicodedata.normalize("NFC", out)


def mend_place_column(
    raw: pd.Series, home_province_code: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """(mended text, whether it was mended) per row; null stays null. A comma or semicolon
    OCR left at the end (``UBND XÃ ĐẮK WIL,``) is dropped without counting as a mend."""
    trimmed = map_unique(raw, lambda v: v.rstrip(" ,;") or v)
    mended = map_unique(trimmed, lambda v: mend_place(v, home_province_code))
    changed = np.asarray(raw.notna()) & (mended.astype(object) != trimmed.astype(object))
    return mended, pd.Series(np.asarray(changed, dtype=bool), index=raw.index)
