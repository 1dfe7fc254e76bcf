"""Stray marks in a place or authority text, tidied by the way such texts are written.

A place is written as comma-separated parts, each a unit word and its name (``Thôn Hòa Lạc,
xã Ninh Loan, huyện Đức Trọng, tỉnh Lâm Đồng``); an authority is a body and the units it belongs
to (``Ủy ban nhân dân xã Tân Hà, huyện Lâm Hà``). On a speckled or noisy page OCR reads a speck
as a mark: ``huyện: Đák Song``, ``Thôn Hòa Lạc; xã``, ``tỉnh,Lâm Đồng``, ``Trạm Y tế .xã``,
``Ủy ban nhân: dân``, ``xã 'Đạ Chais``, ``xã Nghị Đức. huyện``. No such text is written with a
colon, a semicolon, a mark glued between a unit word and its name, a dot between two small
letters or an apostrophe anywhere but after the one consonant of a minority name (``K'Nàng``,
``D'Ran``, ``M'ri``), so those marks are dropped (a semicolon between two parts becomes their
comma, and so does a dot at a part's end or a lost comma after a number before the next admin
unit's word).

The tidied text goes on to the unit-name mending and validation; the text as read stays in
``raw__<field>`` and the field is flagged ``place_marks_tidied`` so a person confirms it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from transforms.text import map_unique

_L = r"[^\W\d_]"  # a letter
# words that open a part or stand before a name or number: admin units and the parts below
_ADMIN = r"thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|xã|phường"
_BELOW = r"tổ dân phố|khu phố|thôn|tổ|ấp|xóm|buôn|bon|khối|bản|số|đường"
_ADMIN_WORD = re.compile(rf"(?i)(?<!{_L})(?:{_ADMIN})(?!{_L})")
_PART_WORD = re.compile(rf"(?i)(?<!{_L})(?:{_ADMIN}|{_BELOW})(?!{_L})")

# symbols no place or authority is written with
_SYMBOLS = re.compile(r"[:!?|_*^~`ˆ†‡§“”\"«»‹›{}\[\]\\<>=@#$%&]+")
_SEMICOLON = re.compile(r"\s*;+\s*(?=\S)")  # one at the end is trimmed with the mending
# a mark between a part's word and its name or number: "huyện: Đák", "Thôn-2", "Số.192",
# "tỉnh,Lâm" (a comma with a space after it may end a part cut short: left alone)
_AFTER_WORD = re.compile(rf"(?i)(?<!{_L})((?:{_ADMIN}|{_BELOW}))(?:\s*[.\-'’]+\s*|,(?=\S))(?=\w)")
# a mark glued to the front of an admin unit word: " .huyện", "'-tỉnh", "tế-xã"
_BEFORE_WORD = re.compile(rf"(?i)(?:(?<=\s)|(?<=^)|(?<={_L}))[.\-'’·]+(?=(?:{_ADMIN})(?!{_L}))")
# a mark right after a comma, before the next part: "huyện Đạ Huoai,. tỉnh", "Thôn 15, -xã"
_AFTER_COMMA = re.compile(r",\s*[.\-'’·]+\s*(?=\w)")
_COMMA_GLUED = re.compile(rf",(?={_L})")
# a part's end read as a dot, or its comma lost after a number, before the next admin unit:
# "xã Nghị Đức. huyện Tánh Linh", "Khu phố 13 xã Đạ Nhim" (a name runs on into a unit word
# without a comma where the unit is part of it: "Trạm Y tế xã")
_DOT_BEFORE_ADMIN = re.compile(rf"(?<={_L})\.\s+(?=(?:{_ADMIN})(?!{_L}))")
_NUMBER_BEFORE_ADMIN = re.compile(rf"(?<=\d)\s+(?=(?:{_ADMIN})\s)")
_DOT_IN_WORDS = re.compile(r"(?<=[a-zà-ỹđ]{2})\.(?=[a-zà-ỹđ])")
# an apostrophe that opens a word or ends one (Bình' Thuận): a minority name's apostrophe
# stands between letters (K'Nàng, Đamb'ri, Ch'ơm)
_LOOSE_APOSTROPHE = re.compile(rf"(?:(?<=\s)|(?<=^))['’]+(?={_L})|(?<={_L}{{2}})['’]+(?!{_L})")
_TRAILING = re.compile(r"[\s.\-'’]+$")


def _semicolon(text: str, m: re.Match) -> str:
    """A semicolon between two parts is their comma; inside an authority's body (``Ủy ban nhân
    dân; xã``: no part word before it in its part, a unit word after) it is dropped."""
    part_before = text[: m.start()].rsplit(",", 1)[-1]
    admin_after = _ADMIN_WORD.match(text, m.end())
    return " " if admin_after and not _PART_WORD.search(part_before) else ", "


def tidy_place_marks(text: str) -> str:
    """``text`` without the marks no place or authority text is written with (see module)."""
    out = _SYMBOLS.sub(" ", text)
    out = _SEMICOLON.sub(lambda m, seen=out: _semicolon(seen, m), out)
    out = _AFTER_WORD.sub(r"\1 ", out)
    out = _BEFORE_WORD.sub(" ", out)  # spaces are folded at the end
    out = _AFTER_COMMA.sub(", ", out)
    out = _COMMA_GLUED.sub(", ", out)
    out = _DOT_BEFORE_ADMIN.sub(", ", out)
    out = _NUMBER_BEFORE_ADMIN.sub(", ", out)
    out = _DOT_IN_WORDS.sub(" ", out)
    out = _LOOSE_APOSTROPHE.sub(" ", out)
    out = _TRAILING.sub("", out)
    out = " ".join(out.split())
    return out.replace(" ,", ",") if out else text


# the dot OCR reads at the end of a wrapped line after its comma (``huyện Đạ Huoai,. tỉnh``):
# the text is read right, nothing to confirm
WRAPPED_LINE_DOT = re.compile(r",\s*[.·]+(?=\s)")


def tidy_place_marks_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(tidied text, whether marks were dropped) per row; null stays null. Spaces folded
    differently or a wrapped line's dot are no change."""
    tidied = map_unique(raw, tidy_place_marks)
    before = map_unique(raw, lambda v: " ".join(WRAPPED_LINE_DOT.sub(",", v).split()))
    changed = np.asarray(raw.notna()) & (tidied.astype(object) != before.astype(object))
    return tidied, pd.Series(np.asarray(changed, dtype=bool), index=raw.index)
