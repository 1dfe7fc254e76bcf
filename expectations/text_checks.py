"""Checks on how a value is written, shared by every suite: the shape of a person's name, stray
symbols in a place or authority text, and the dates of official acts written in full.

OCR that misreads a line seldom produces a value that breaks a format as clear as a date's, but
it leaves marks no clerk writes: a full stop or a digit inside a name, a name of one word
(``THỊ``: the rest of the line was lost), a word with no vowel, two syllables run together
(``VĂNTÚ``), a question mark or colon in an address, an address that ran into the form's date
line, a
province that is no province (``tỉnh Lãm Đồng``: a tone misread), a
registration dated by its year alone (an act is always dated to the day, so the day and month
were lost). Each check names the field and a reason, so the value goes to a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import great_expectations.expectations as gxe

from transforms.admin_units import province_names

# Vietnamese capitals (names are upper case after normalisation): A-Z, the precomposed vowels
# and Đ. A name is two or more words of letters, joined by a space, an apostrophe (K' BRỒNG,
# B’LAO) or a hyphen; every word holds a vowel, but for a letter that an apostrophe joins to the
# next word (the K of K' BRỒNG): ``THẮM ĐC`` is a misread, not a name.
_LETTER = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ\u1ea0-\u1ef9"
_VOWEL = "AEIOUYÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĨŨƠƯ\u1ea0-\u1ef9"
_CONSONANT = "BCDĐGHKLMNPQRSTVX"
_WORD = rf"[{_LETTER}]*[{_VOWEL}][{_LETTER}]*"
_PREFIX = rf"[{_LETTER}]+['’] ?"  # K' of K' BRỒNG: a word of its own, vowel or not
_PART = rf"(?:{_PREFIX})*{_WORD}"
# two or more parts, or one part with a prefix (no look-around: pyarrow's RE2 runs it)
NAME = rf"^(?:{_PART}(?:(?: |-){_PART})+|(?:{_PREFIX})+{_WORD})$"
# Two syllables run together (VĂNTÚ, NGUYÊNGIA: the space was lost): a vowel, a consonant that
# can close a Vietnamese syllable, a consonant that can open one, a vowel. One Vietnamese
# syllable never holds that; minority names as the registers write them seldom do.
MERGED_SYLLABLES = (
    rf"[{_VOWEL}](?:NG|NH|CH|N|M|C|T|P)"
    rf"(?:NGH|NG|NH|GH|GI|KH|PH|QU|TH|TR|CH|[{_CONSONANT}])[{_VOWEL}]"
)
# Punctuation no clerk writes in a place text: a full stop after a word with more words after it
# (``Thuận. Hạnh``, ``thu.tiền``; abbreviations are one or two capitals: ``TP.``, ``X.``, ``P.3``),
# or a mark glued to an administrative word (``huyện, Bắc Bình``, ``Thôn- Liên Hòa``).
_UNIT_WORDS = (
    "xã|phường|huyện|quận|tỉnh|thôn|tổ|ấp|thị trấn|thành phố|thị xã|khu phố|buôn|bon|đường"
)
STRAY_PUNCTUATION = (
    r"[a-zà-ỹđ]{2}\.\s*[A-Za-zÀ-ỹĐđ]"
    rf"|(?i:(?:^|[\s,])(?:{_UNIT_WORDS})[,.\-'’])"
)
# The bodies that register civil status and issue land certificates, as they are written: a
# People's Committee of a unit (before or after the 2025 reform: a special zone is one too),
# the provincial land department or a land registration office.
_UNITS = "(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)"
AUTHORITY = (
    rf"^(?i:(?:ủy|uỷ) ban nhân dân {_UNITS} |ubnd (?:{_UNITS}|tp\.|tx\.|tt\.|[hxpq]\.) ?"
    r"|sở tài nguyên và môi trường |(?:chi nhánh )?văn phòng đăng ký (?:đất đai|quyền sử dụng))"
)
# A place text that ran into the next line of the form: the date line of the signature block
# (``Ngày, tháng``, ``ngày 22 tháng 09``) or the signer's title (TM., KT., CHỦ TỊCH).
SWALLOWED_LINE = r"(?i:\bngày\b[\s\d,./]*\btháng\b|\b(?:TM|KT)\.\s|\bCH[UỦ] TỊCH\b)"
# Symbols that no address or authority is written with; OCR leaves them from noise and lines.
STRAY_SYMBOLS = r"[?“”\"«»:;!|_*^~`ˆ�<>=@#$%&{}\[\]\\]"
FULL_DATE = r"^\d{4}-\d{2}-\d{2}$"
# Dates of an official act (registration, death, issue of a book or certificate).
ACT_DATES = frozenset({"registration_date", "date_of_death", "issue_date"})


def misspelt_province_regex() -> str:
    """Matches a place text whose "tỉnh" is misread (``tính``, ``tình``, ``tnh``) or is followed
    by no province name as the official lists spell it (``tỉnh Lãm Đồng``, ``tỉnh Bình``)."""
    names = "|".join(sorted(map(re.escape, province_names()), key=len, reverse=True))
    names = names.replace(r"\ \-\ ", r"\s*[-–]\s*")  # Bà Rịa - Vũng Tàu, Bà Rịa-Vũng Tàu
    misread = r"(?:^|,)\s*(?:tính|tình|tinh|tnh)\s"  # as the unit word only: Hà Tĩnh is a name
    return rf"{misread}|(?i:\btỉnh\s+(?!(?:{names})(?!\w)))"


def _expect(kind, field: str, regex: str, reason: str) -> gxe.Expectation:
    return kind(column=field, regex=regex, meta={"field": field, "reason": reason})


def text_expectations(fields: Iterable[str]) -> list[gxe.Expectation]:
    """The checks that apply to ``fields`` by their names: ``*full_name`` → name shape,
    ``*_text`` → stray symbols and the province's spelling, ``ACT_DATES`` → a full date."""
    match, no_match = gxe.ExpectColumnValuesToMatchRegex, gxe.ExpectColumnValuesToNotMatchRegex
    out: list[gxe.Expectation] = []
    for f in fields:
        if f.endswith("full_name"):
            out.append(_expect(match, f, NAME, "malformed_name"))
            out.append(_expect(no_match, f, MERGED_SYLLABLES, "merged_words"))
        elif f.endswith("_text"):
            if f.endswith("authority_text"):
                out.append(_expect(match, f, AUTHORITY, "authority_not_recognised"))
            out.append(_expect(no_match, f, STRAY_SYMBOLS, "stray_symbols"))
            out.append(_expect(no_match, f, SWALLOWED_LINE, "swallowed_line"))
            out.append(_expect(no_match, f, STRAY_PUNCTUATION, "stray_punctuation"))
            out.append(_expect(no_match, f, misspelt_province_regex(), "misspelt_province"))
        elif f in ACT_DATES:
            out.append(_expect(match, f, FULL_DATE, "incomplete_date"))
    return out
