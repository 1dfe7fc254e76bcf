"""Checks on how a value is written, shared by every suite: the shape of a person's name, stray
symbols and words in a place or authority text, unit names as the official lists spell them, and
the dates of official acts written in full.

OCR that misreads a line seldom produces a value that breaks a format as clear as a date's, but
it leaves marks no clerk writes: a full stop or a digit inside a name, a name of one word
(``THỊ``: the rest of the line was lost), a word with no vowel, two syllables run together
(``VĂNTÚ``), a question mark or colon in an address, an address that ran into the form's date
line, a unit word misread (``Tố 6``, ``luyện Bắc Bình``), a province or a commune that is no
unit of the official lists (``tỉnh Lãm Đồng``, ``huyện Đồ Lương``: a mark misread), a
registration dated by its year alone (an act is always dated to the day, so the day and month
were lost). Each check names the field and a reason, so the value goes to a person.

The regex checks run as Great Expectations on pyarrow strings (RE2, vectorised); the unit-name
check needs the lists (17,000 names, too large for one regex), so ``add_spelling_columns`` works
it out once per distinct text into a helper column that the suite checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import great_expectations.expectations as gxe
import pandas as pd
from rapidfuzz.distance import Levenshtein

from ocr.text import is_syllable, vowels_spelled_right
from sohoa.national_format import KINH_FAMILY_NAMES, OTHER_FAMILY_NAMES
from transforms.admin_units import (
    expand_abbreviations,
    province_names,
)
from transforms.flags import REASONS
from transforms.names import known_family_name
from transforms.place_names import is_place_field, official_spelling
from transforms.text import map_unique, strip_marks

# The checks run on pyarrow strings with RE2 (vectorised, ~20× faster than Python's ``re`` per
# value): so no look-around, no ``\\s``/``\\d``/``\\b`` (pandas hands those to Python's ``re``,
# whose Unicode classes differ from RE2's); classes are spelt out instead.
_SPACE = r"[ \t\n\r\f\v]"
# Vietnamese letters (the 12 vowels in 6 tones, đ and the Latin 26), lower case; capitals by
# ``str.upper``. OCR of a noisy page reads letters Vietnamese does not use (``Bïnh``).
_VOWELS_BARE = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VN_LOWER = (
    "".join(unicodedata.normalize("NFC", v + t) for v in _VOWELS_BARE for t in _TONES)
    + "bcdđfghjklmnpqrstvwxz"
)
_VN_UPPER = _VN_LOWER.upper()
_MARKED_LOWER = "".join(c for c in _VN_LOWER if not c.isascii())
_FOREIGN_LETTERS = "".join(
    c for c in map(chr, range(0xC0, 0x250)) if c.isalpha() and c not in _VN_LOWER + _VN_UPPER
)
_NOT_LETTER = f"[^{_VN_LOWER}{_VN_UPPER}]"

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
    "xã|phường|huyện|quận|tỉnh|thôn|tổ|ấp|thị trấn|thành phố|thị xã|khu phố|buôn|bon|đường|số"
)
STRAY_PUNCTUATION = (
    rf"[a-zà-ỹđ]{{2}}\.{_SPACE}*[A-Za-zÀ-ỹĐđ]"
    rf"|(?:^|{_SPACE})[.,][A-Za-zÀ-ỹĐđ]"  # a speck before a word: "Trạm Y tế .xã"
    rf"|(?i:(?:^|[ \t\n\r\f\v,])(?:{_UNIT_WORDS})[,.\-'’])"
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
SWALLOWED_LINE = (
    rf"(?i:(?:^|{_NOT_LETTER})ngày[ \t\n\r\f\v0-9,./]+tháng(?:$|{_NOT_LETTER})"
    rf"|(?:^|{_NOT_LETTER})(?:TM|KT)\.{_SPACE}|(?:^|{_NOT_LETTER})CH[UỦ] TỊCH(?:$|{_NOT_LETTER}))"
)


def _other_marks(word: str) -> str:
    """Regex for ``word`` with the same letters and any other marks (``tổ`` → ``to``, ``tố``,
    ``tô``…, never ``tổ`` itself): a tone or hat misread on a word clerks never misspell."""

    def variants(c: str) -> list[str]:
        return [v for v in _VN_LOWER if strip_marks(v) == strip_marks(c)] if c.isalpha() else [c]

    classes = [variants(c) for c in word]
    return "|".join(
        "".join(
            re.escape(c)
            if j != i and len(v) == 1
            else "[" + "".join(x for x in v if j != i or x != c) + "]"
            for j, (c, v) in enumerate(zip(word, classes, strict=True))
        )
        for i, (c, v) in enumerate(zip(word, classes, strict=True))
        if len(v) > 1
    )


_WORD_CHARS = _VN_LOWER + _VN_UPPER + "0123456789_"
# What may follow a whole word: white space, punctuation, digits (``phường 3``, ``tp.``)
_WORD_END = " \t\n\r\f\v,.;:!?'’\"()[]/-–0123456789"


def _not_one_of(words: Iterable[str], first: str | None = None, ending: str = _WORD_END) -> str:
    """Regex (no look-ahead, for RE2) that matches where none of ``words`` begins as a whole
    word: a walk down the words' letter tree that fails at the first letter no word continues
    with, or after a complete word at a character not in ``ending``, or (``first`` not given)
    at the end of the text. ``first``: the letters a wrong word may begin with (default:
    anything but white space)."""
    tree: dict = {}
    for word in set(words):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a complete word

    def branch(node: dict, root: bool) -> str:
        nexts = sorted(c for c in node if c)
        if "" in node:  # a word ends here: only what may not follow it is wrong
            options = [f"[^{re.escape(ending + ''.join(nexts))}]"]
            nexts = [c for c in nexts if c not in ending]
        elif root and first is not None:
            options = [f"[{re.escape(''.join(c for c in first if c not in nexts))}]"]
        else:
            stop = "".join(nexts) + (" \t\n\r\f\v" if root else "")
            options = ["$", f"[^{re.escape(stop)}]" if stop else "."]
        options += [re.escape(c) + branch(node[c], False) for c in nexts]
        return "(?:" + "|".join(options) + ")"

    return branch(tree, True)


# The words that open a part of an address and are followed by a number (``Tổ 6``, ``phường
# 3``), as every clerk writes them. Before a name a misread is not told from a real name: ``Tô
# Hiệu``, ``Phương Lâm``, ``Xà Bang`` are communes.
_NUMBERED_WORDS = ("tổ", "thôn", "ấp", "xóm", "khối", "khu phố", "tổ dân phố", "phường", "quận")
# Unit words after which no letter can follow in one Vietnamese syllable (``tỉnhi``).
_CLOSED_WORDS = "tỉnh|huyện|phường|quận|xã"
# The words a part of an address opens with in lower case: the unit it names (official, and as
# clerks across the country write them, abbreviations too) or a house on a street. Names start
# with a capital; a part that opens with any other lower-case word was misread (``luyện Bắc
# Bình``, ``xà Đạ Chais``, ``tin``).
_LOWER_PART_WORDS = (
    "tỉnh",
    "thành phố",
    "huyện",
    "quận",
    "thị xã",
    "xã",
    "phường",
    "thị trấn",
    "đặc khu",
    "thôn",
    "tổ",
    "tổ dân phố",
    "dân phố",
    "ấp",
    "bản",
    "buôn",
    "bon",
    "plei",
    "xóm",
    "làng",
    "khối",
    "khóm",
    "khu",
    "khu phố",
    "khu vực",
    "tiểu khu",
    "cụm",
    "đội",
    "sóc",
    "phum",
    "đường",
    "phố",
    "số",
    "số nhà",
    "nhà",
    "ngõ",
    "ngách",
    "hẻm",
    "kiệt",
    "lô",
    "căn hộ",
    "chung cư",
    "tầng",
    "km",
    "quốc lộ",
    "tỉnh lộ",
    "tại",
    "trên",
    "x",
    "p",
    "h",
    "q",
    "t",
    "tt",
    "tp",
    "tx",
    "kp",
    "tdp",
    "ql",
    "tl",
    "sn",
)
# Unit words run together (``Thịtrấn``): two syllables, one word.
_GLUED_UNIT_WORDS = "thịtrấn|thịxã|thànhphố|khuphố|dânphố|đặckhu"
# A word of a place text that no clerk writes: a numbered unit word opening a part with a
# misread mark (``Tố 6`` for ``Tổ 6``, ``phuờng 3``), a part opening with a lower-case word
# that names no unit (``luyện Bắc Bình``), a unit word with a letter glued on (``tỉnhi``) or
# two run together (``Thịtrấn``), letters between digits (``6800ME55G``), a capital inside a
# word (``Đạ HuQsi``), a letter Vietnamese does not use (``Bïnh``). Real unit names never hold
# these (a test runs every official name).
GARBLED_PLACE_WORD = (
    rf"(?:^|,){_SPACE}*(?i:{'|'.join(_other_marks(w) for w in _NUMBERED_WORDS)}){_SPACE}*[0-9]"
    rf"|(?:^|,){_SPACE}*{_not_one_of(_LOWER_PART_WORDS, first=_VN_LOWER)}"
    rf"|(?:^|[ \t\n\r\f\v,])(?i:{_CLOSED_WORDS})[{_VN_LOWER}{_VN_UPPER}]"
    rf"|(?i:{_GLUED_UNIT_WORDS})"
    rf"|[0-9][{_VN_LOWER}{_VN_UPPER}]{{2,}}[0-9]"
    rf"|(?:^|,){_SPACE}*[0-9][{_MARKED_LOWER}]"  # "7ổ dân phố": a T read as a 7
    rf"|[{_VN_LOWER}][{_VN_UPPER}]"
    rf"|[{_FOREIGN_LETTERS}]"
)
# Symbols that no address or authority is written with; OCR leaves them from noise and lines.
STRAY_SYMBOLS = r"[?“”\"«»:;!|_*^~`ˆ�<>=@#$%&{}\[\]\\]"
# A residence or an address names its commune (xã, phường, thị trấn, đặc khu) and then its
# province (tỉnh, a city of province rank, or their abbreviations): one that does not was cut
# short in reading (``tỉnh Bình Thuận``, ``…, huyện Tuy Phong``).
_CITIES = "hồ chí minh|hà nội|hải phòng|đà nẵng|cần thơ|huế"
COMPLETE_ADDRESS = (
    rf"(?i:(?:^|{_NOT_LETTER})(?:xã|phường|thị trấn|đặc khu|x\.|p\.|tt\.|f\.)"
    rf".*(?:^|{_NOT_LETTER})(?:tỉnh|t\.|(?:thành phố|tp\.?){_SPACE}*(?:{_CITIES})))"
)
# The origin of the land use (Nguồn gốc sử dụng), written in the words of the land law and its
# circulars (Circular 23/2014, 10/2024: giao đất có/không thu tiền, cho thuê đất trả tiền một
# lần/hằng năm, công nhận quyền sử dụng đất như…, nhận chuyển nhượng, thừa kế, tặng cho, góp
# vốn, trúng đấu giá, xử lý nợ thế chấp, giải quyết tranh chấp…) or their codes (DG-CTT, QSDĐ).
# A word outside them was misread (``chuyến nhượng``, ``quyễn sữ``).
_ORIGIN_WORDS = (
    "nhà nước giao đất có không thu tiền sử dụng cho thuê trả một lần hằng hàng năm công nhận "
    "quyền như nhận chuyển đổi nhượng thừa kế được tặng góp vốn trúng đấu giá xử lý nợ thế chấp "
    "giải quyết tranh chấp theo bản án quyết định của tòa toà án nhân dân thi hành mua bán hóa "
    "hoá nhà ở thanh lý chia tách hợp nhất sáp doanh nghiệp tổ chức đầu tư xây dựng kinh kết cấu "
    "hạ tầng khu cụm công nghiệp chế xuất nghệ cao kinh tế ban quản rừng phòng hộ đặc sản nông "
    "lâm gia đình cá cộng đồng dân cư sở tôn giáo phân chung vợ chồng và từ đối với lại hình "
    "thức miễn giảm khác khai hoang tự được trước ngày năm tháng đã nay trong ngoài hạn mức "
    "phần diện tích thửa chủ cũ mới của"
).split()
ORIGIN_WORDING = (
    rf"^(?:(?i:{'|'.join(sorted(set(_ORIGIN_WORDS), key=lambda w: (-len(w), w)))})|[A-ZĐ]{{2,}}"
    rf"|[0-9/]+|[ ,;:.()/\-–]+)+$"
)
FULL_DATE = r"^\d{4}-\d{2}-\d{2}$"
# Dates of an official act (registration, death, issue of a book or certificate).
ACT_DATES = frozenset({"registration_date", "date_of_death", "issue_date"})


def misspelt_province_regex() -> str:
    """Matches a place text whose "tỉnh" is misread (``tính``, ``tình``, ``tnh``) or is followed
    by no province name as the official lists spell it (``tỉnh Lãm Đồng``, ``tỉnh Bình``) or by
    more than the name (``tỉnh Lâm Đồng 'bmbt``: a province ends its part)."""
    names = set()
    for name in province_names():  # Bà Rịa - Vũng Tàu, Bà Rịa-Vũng Tàu, Bà Rịa – Vũng Tàu
        for dash in ("-", "–"):
            for left, right in (" ", " "), ("", ""), (" ", ""), ("", " "):
                names.add(name.replace(" - ", f"{left}{dash}{right}"))
    # as the unit word only (Hà Tĩnh, Sơn Tinh are names): opening a part, or before a capital
    # in lower case or as TÍNH (``Bệnh viện Đa khoa tính Đắk Nông``, ``SỞ … TÍNH LÂM ĐỒNG``)
    misread = (
        rf"(?:^|,){_SPACE}*(?:tính|tình|tinh|tnh){_SPACE}"
        rf"|{_SPACE}(?:tính|tình|tinh|tnh|TÍNH){_SPACE}+[A-ZĐ]"
    )
    before = f"[^{re.escape(_WORD_CHARS)}]"
    # inside (?i:…); the province ends the text or a part: ``tỉnh Lâm Đồng vác`` is a misread
    anything_else = _not_one_of({n.lower() for n in names}, ending=",.;")
    return rf"{misread}|(?i:(?:^|{before})tỉnh{_SPACE}+{anything_else})"


# A unit named after its level word: ``xã Đinh Trang Hòa``, ``huyện Đô Lương`` (up to the next
# comma). "tỉnh" has its own check; "thành phố" may name a province-level city.
_NAMED_UNIT = re.compile(
    r"(?:^|[\s,])(?:xã|phường|thị trấn|thị xã|thành phố|huyện|quận|đặc khu)\s+([^,;]+)", re.I
)


def units_spelt_officially(text: str) -> bool:
    """Whether every unit a place text names after its level word (xã, phường, huyện…) is
    spelt as in the official lists of units before or after 2025 (any province): ``huyện Đồ
    Lương`` (Đô Lương), ``xã Đỉnh Trang Hòa`` (Đinh Trang Hòa) and ``huyện Đạ`` (cut short)
    are not. A number (``phường 2``) is a name."""
    if not isinstance(text, str):  # a missing value has its own check
        return True
    if "." in text:  # X. Đức Trọng, TP. Bảo Lộc
        text = expand_abbreviations(text)
    for m in _NAMED_UNIT.finditer(text):
        name = m.group(1).strip(" .")
        if name and not name[0].isdigit() and official_spelling(name) is None:
            return False
    return True


@lru_cache(maxsize=1)
def _family_names() -> frozenset[str]:
    """The letters, without marks, of the family names of the name lexicon and the national
    format."""
    from transforms.names import load_lexicon

    known = {s for role, s in load_lexicon().weight if role == "family"} | KINH_FAMILY_NAMES
    return frozenset(map(strip_marks, known))


def family_name_plausible(name: str) -> bool:
    """False when the first word of a name has the letters of a known family name but other
    marks (``NGUYỀN``, ``NGƯYỄN``, ``TRẤN``, ``TẦNG``): a tone or hat misread that the lexicon
    repair does not undo (it never changes one tone into another). Minority names (K' BRỒNG,
    LIÊNG, KA SÔ) have no Kinh family name's letters and pass."""
    if not isinstance(name, str) or not name:
        return True
    first = name.split(" ", 1)[0]
    return known_family_name(first) or strip_marks(first) not in _family_names()


def _kinh_name_word(word: str, role: str | None = None) -> bool:
    from transforms.names import ROLES, load_lexicon

    lexicon = load_lexicon()
    roles = (role,) if role else ROLES
    return (role in (None, "family") and word in KINH_FAMILY_NAMES) or any(
        lexicon.weight_of(r, word) > 0 for r in roles
    )


def name_words_plausible(name: str) -> bool:
    """False when a Kinh name holds a word that is no Vietnamese syllable (``HƠOÀNG VĂN
    NGHĨA``, ``PHẠM VĂN EBOIIG``): every word of a Kinh name is one. A name is Kinh when its
    first word is a Kinh family name or two of its other words are Kinh name syllables (then a
    first word of another people, ``KATƠR THỊ LY``, passes); a name with an apostrophe
    (K' BRỒNG) or of another people (KA SÔ, H' BLIH AYUN) is not checked."""
    if not isinstance(name, str) or not name or "'" in name or "’" in name:
        return True
    words = [w for w in re.split(r"[ -]", name) if w]
    if _kinh_name_word(words[0], "family"):
        return all(_spelled_syllable(w) for w in words)
    rest = words[1:]
    if len(rest) < 2 or sum(_kinh_name_word(w) for w in rest) < 2:
        return True
    # a first word of another people's (KATƠR, CHAMALÉA) is no syllable either: only one a
    # letter away from a Kinh family name (HƠOÀNG) is a misread
    return all(_spelled_syllable(w) for w in rest) and not _near_kinh_family_name(words[0])


def _spelled_syllable(word: str) -> bool:
    """One Vietnamese syllable, its vowels' marks spelled as Vietnamese spells them."""
    return is_syllable(word) and vowels_spelled_right(word)


def _near_kinh_family_name(word: str) -> bool:
    if is_syllable(word) or word in OTHER_FAMILY_NAMES:
        return False
    folded = strip_marks(word)
    return any(Levenshtein.distance(folded, known) <= 1 for known in _family_names())


def official_spelling_column(field: str) -> str:
    return f"_official__{field}"


def family_name_column(field: str) -> str:
    return f"_family__{field}"


def name_words_column(field: str) -> str:
    return f"_syllables__{field}"


def add_spelling_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with, worked out once per distinct value, ``_official__<field>``
    (``units_spelt_officially``) for each place field, and ``_family__<field>``
    (``family_name_plausible``) and ``_syllables__<field>`` (``name_words_plausible``) for each
    name; the suites check those columns."""
    for f in [c for c in frame.columns if is_place_field(c)]:
        frame[official_spelling_column(f)] = map_unique(frame[f], units_spelt_officially)
    for f in [c for c in frame.columns if c.endswith("full_name") and "__" not in c]:
        frame[family_name_column(f)] = map_unique(frame[f], family_name_plausible)
        frame[name_words_column(f)] = map_unique(frame[f], name_words_plausible)
    return frame


def _expect(kind, field: str, regex: str, reason: str) -> gxe.Expectation:
    # Data Docs show the description, not the regex (the province check's is 23 kB)
    vi, en = REASONS[reason]
    return kind(
        column=field, regex=regex, meta={"field": field, "reason": reason},
        description=f"{field}: {vi} — {en} ({reason})",
    )  # fmt: skip


def _true(column: str, field: str, reason: str) -> gxe.Expectation:
    """A helper column of ``add_spelling_columns`` must be true; the flag names ``field``."""
    vi, en = REASONS[reason]
    return gxe.ExpectColumnValuesToBeInSet(
        column=column, value_set=[True], meta={"field": field, "reason": reason, "shown": field},
        description=f"{field}: {vi} — {en} ({reason})",
    )  # fmt: skip


def text_expectations(fields: Iterable[str]) -> list[gxe.Expectation]:
    """The checks that apply to ``fields`` by their names: ``*full_name`` → name shape,
    ``*_text`` → stray symbols and the province's spelling, ``ACT_DATES`` → a full date."""
    match, no_match = gxe.ExpectColumnValuesToMatchRegex, gxe.ExpectColumnValuesToNotMatchRegex
    out: list[gxe.Expectation] = []
    for f in fields:
        if f.endswith("full_name"):
            out.append(_expect(match, f, NAME, "malformed_name"))
            out.append(_expect(no_match, f, MERGED_SYLLABLES, "merged_words"))
            out.append(_true(family_name_column(f), f, "family_name_misread"))
            out.append(_true(name_words_column(f), f, "name_word_misread"))
        elif f.endswith("_text"):
            if f.endswith("authority_text"):
                out.append(_expect(match, f, AUTHORITY, "authority_not_recognised"))
            out.append(_expect(no_match, f, STRAY_SYMBOLS, "stray_symbols"))
            out.append(_expect(no_match, f, SWALLOWED_LINE, "swallowed_line"))
            out.append(_expect(no_match, f, STRAY_PUNCTUATION, "stray_punctuation"))
            if is_place_field(f):
                out.append(_expect(no_match, f, GARBLED_PLACE_WORD, "garbled_place_word"))
                out.append(_true(official_spelling_column(f), f, "unofficial_unit_name"))
            out.append(_expect(no_match, f, misspelt_province_regex(), "misspelt_province"))
            if f.endswith(("residence_text", "address_text")):
                out.append(_expect(match, f, COMPLETE_ADDRESS, "incomplete_address"))
            if f == "land_use_origin_text":
                out.append(_expect(match, f, ORIGIN_WORDING, "unknown_origin_wording"))
        elif f in ACT_DATES:
            out.append(_expect(match, f, FULL_DATE, "incomplete_date"))
    return out
