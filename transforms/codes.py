"""Code lists: ethnicity (one table, two numbering systems), nationality, relationship words,
religions.

The ethnicity table is ``data/ethnicities.csv``; ``ETHNICITY_CODE_SYSTEM`` names the column in
use. NATIONAL_FORMAT.md fixes the 1979 numbering (Decision 121-TCTK/PPCĐ); the statistics office's
numbering differs and is marked [check], so switching is a one-word change here.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd
from rapidfuzz.distance import Levenshtein

from transforms.text import map_unique, map_unique_parts, repair_unicode, strip_marks

ETHNICITY_CODE_SYSTEM = "code_1979"  # or "code_gso" [check]

_PREFIX = re.compile(r"^(?:dân\s+tộc|dt\.?|quốc\s+tịch)\s*:?\s*", re.I)


def _key(text: str) -> str:
    """Lower case NFC without spaces, hyphens, dots or apostrophes."""
    text = _PREFIX.sub("", repair_unicode(text))
    return re.sub(r"[\s\-‐'’`.]", "", unicodedata.normalize("NFC", text.lower()))


@lru_cache(maxsize=2)
def ethnicity_table(code_system: str = ETHNICITY_CODE_SYSTEM) -> dict[str, tuple[str, str]]:
    """Matching key (exact spelling, and diacritic-free where unique) → (code, canonical name)."""
    text = resources.files("transforms.data").joinpath("ethnicities.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    exact: dict[str, tuple[str, str]] = {}
    loose: dict[str, set[tuple[str, str]]] = {}
    for row in csv.DictReader(lines):
        entry = (row[code_system], row["name"])
        for spelling in [row["name"], *filter(None, row["variants"].split("|"))]:
            exact[_key(spelling)] = entry
            loose.setdefault(strip_marks(_key(spelling)), set()).add(entry)
    table = {k: next(iter(v)) for k, v in loose.items() if len(v) == 1}
    table.update(exact)
    return table


def ethnicity(text: str) -> tuple[str, str] | None:
    """(code, canonical name) for a printed ethnicity, or None when not recognised."""
    found = _ethnicity_match(text)
    return found[:2] if found else None


def _ethnicity_match(text: str) -> tuple[str, str, bool] | None:
    """(code, canonical name, matched by letters alone) or None: a spelling known with its
    marks is sure; one matched without marks (``Tay`` → Tày, but also ``Cơ`` → Co when "Ho" of
    "Cơ Ho" was lost) is a guess."""
    table = ethnicity_table()
    key = _key(text)
    if key in table:
        return (*table[key], False)
    loose = table.get(strip_marks(key))
    return (*loose, True) if loose else None


def ethnicity_columns(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(code, canonical name, unknown mask, guessed mask) per row: ``guessed`` where the
    spelling matched only without its marks; null raw → (None, None, False, False)."""
    code, name, guessed = map_unique_parts(
        raw, lambda v: _ethnicity_match(v) or (None, None, False), 3
    )
    unknown = (raw.notna() & code.isna()).astype(bool)
    return code, name, unknown, guessed.eq(True)


# Nationality: printed name → ISO 3166-1 alpha-2. Keys go through _key (and strip_marks).
_NATIONALITIES = {
    "VN": "Việt Nam|Viet Nam|Vietnam|VN",
    "LA": "Lào|Cộng hòa Dân chủ Nhân dân Lào",
    "KH": "Campuchia|Cam-pu-chia|Căm-pu-chia",
    "CN": "Trung Quốc|Trung Hoa",
    "TW": "Đài Loan",
    "KR": "Hàn Quốc|Đại Hàn",
    "JP": "Nhật Bản|Nhật",
    "TH": "Thái Lan",
    "US": "Hoa Kỳ|Mỹ|Hợp chủng quốc Hoa Kỳ",
    "FR": "Pháp|Cộng hòa Pháp",
    "DE": "Đức|Cộng hòa Liên bang Đức",
    "GB": "Anh|Vương quốc Anh",
    "AU": "Úc|Ô-xtrây-li-a|Australia",
    "CA": "Ca-na-đa|Canada",
    "RU": "Nga|Liên bang Nga",
}


@lru_cache(maxsize=1)
def _nationality_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, names in _NATIONALITIES.items():
        for name in names.split("|"):
            table[_key(name)] = code
            table.setdefault(strip_marks(_key(name)), code)
    return table


def nationality(text: str) -> str | None:
    found = _nationality_match(text)
    return found[0] if found else None


def _nationality_match(text: str) -> tuple[str, bool] | None:
    """(ISO alpha-2, guessed) or None. Sure: a name as written, or without its marks. Guessed:
    the one name within one letter of the text (``Việ Nam``, ``Việt Nưm``: a letter misread),
    or the one name the text begins (``Việt``: "Nam" wrapped onto a line that was lost)."""
    key = _key(text)
    table = _nationality_table()
    code = table.get(key) or table.get(strip_marks(key))
    if code:
        return code, False
    bare = strip_marks(key)
    if len(bare) < 4:  # too short to tell one name from another by a letter
        return None
    near = {c for name, c in table.items() if Levenshtein.distance(bare, name, score_cutoff=1) <= 1}
    word = strip_marks(repair_unicode(text).strip().lower())
    if " " not in word:  # the first word of one name only
        near |= {
            c for c, names in _NATIONALITIES.items() for name in names.split("|")
            if strip_marks(name.lower()).startswith(word + " ")
        }  # fmt: skip
    return (near.pop(), True) if len(near) == 1 else None


def nationality_column(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(ISO alpha-2 or None, unknown mask, guessed mask)."""
    code, guessed = map_unique_parts(raw, lambda v: _nationality_match(v) or (None, False), 2)
    code = code.astype(object).where(code.notna(), None)
    return code, (raw.notna() & code.isna()).astype(bool), guessed.eq(True)


# Relationship words (household relationship_to_head codes, reused for a birth's declarant).
RELATIONSHIPS = {
    "HEAD": "Chủ hộ|Chủ hộ gia đình",
    "WIFE": "Vợ",
    "HUSBAND": "Chồng",
    "CHILD": "Con|Con đẻ|Con ruột|Con trai|Con gái|Con nuôi",
    "FATHER": "Bố|Cha|Ba|Bố đẻ|Cha đẻ|Cha ruột",
    "MOTHER": "Mẹ|Má|Mẹ đẻ|Mẹ ruột",
    "SIBLING": "Anh|Chị|Em|Anh trai|Chị gái|Em trai|Em gái|Anh ruột|Chị ruột|Em ruột",
    "GRANDCHILD": "Cháu|Cháu nội|Cháu ngoại",
    "GRANDPARENT": "Ông|Bà|Ông nội|Bà nội|Ông ngoại|Bà ngoại",
    "CHILD_IN_LAW": "Con dâu|Con rể",
    "OTHER": "Khác|Cô|Dì|Chú|Bác|Cậu|Mợ|Thím|Người giám hộ|Người thân|Người ở nhờ|Ở nhờ",
}


@lru_cache(maxsize=1)
def _relationship_table() -> dict[str, tuple[str, str]]:
    """Matching key → (code, word as printed)."""
    return {_key(w): (code, w) for code, words in RELATIONSHIPS.items() for w in words.split("|")}


def relationship(text: str) -> str | None:
    """Relationship code for a printed word (``Mẹ`` → MOTHER), or None when not recognised."""
    found = _relationship_table().get(_key(text))
    return found[0] if found else None


def _near_word(text: str, table: dict[str, tuple[str, str]], min_length: int = 5):
    """(entry, guessed) for ``text`` in ``table`` (key → entry): its key is sure; the one entry
    it matches with other marks (``Cơn gái``, ``Công giảo``, ``Ông ngoai``), or the one entry
    that ``text``'s single word begins (``Công``: the rest of the line lost), or the one entry
    within one letter (``Con ứrai``) is a guess. None when no entry or several fit."""
    key = _key(text)
    if key in table:
        return table[key], False
    bare = strip_marks(key)
    near = {e for k, e in table.items() if strip_marks(k) == bare}  # marks misread or lost
    word = repair_unicode(text).strip().lower()
    if not near and len(word) >= 3 and " " not in word:
        near = {e for e in table.values() if e[1].lower().startswith(word + " ")}
    if not near and len(key) >= min_length:  # shorter words differ from others by a letter
        near = {e for k, e in table.items() if Levenshtein.distance(key, k, score_cutoff=1) <= 1}
    return (near.pop(), True) if len(near) == 1 else None


_WORD = re.compile(r"[^\W\d_]+")


def relationship_match(text: str) -> tuple[str, str, bool] | None:
    """(code, word as printed, guessed) for a relationship word, guessed when read with a
    letter wrong or followed by what OCR made of noise (``Cha. si``, ``ˆ chồng si``, ``Con
    trai st xa``: the first one or two words are a relationship word, taken as printed)."""
    table = _relationship_table()
    found = _near_word(text, table)
    if found:
        return (*found[0], found[1])
    words = [w for w in _WORD.findall(text) if w.lower() != w.upper()]  # not a lone ˆ
    for n in (2, 1):
        head = _key(" ".join(words[:n]))
        if len(words) > n and head in table:
            code, word = table[head]
            # "Con" before a misread word may have been Con dâu / Con rể: not ours to choose
            longer = {c for k, (c, _w) in table.items() if k.startswith(head) and k != head}
            return (code, word, True) if longer <= {code} else None
    return None


# Religions in the canonical spelling of the State's list of recognised religions (NATIONAL_
# FORMAT.md: free text in canonical spelling; no national code list). "Không": none.
RELIGIONS = (
    "Không", "Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo",
    "Baha'i", "Tịnh độ Cư sĩ Phật hội Việt Nam", "Cơ đốc Phục lâm", "Tứ Ân Hiếu Nghĩa",
    "Bửu Sơn Kỳ Hương", "Minh Sư đạo", "Minh Lý đạo", "Mặc Môn", "Bà-la-môn",
)  # fmt: skip


@lru_cache(maxsize=1)
def _religion_table() -> dict[str, tuple[str, str]]:
    table = {_key(r): (r, r) for r in RELIGIONS}
    table.setdefault(_key("Hòa Hảo"), ("Phật giáo Hòa Hảo", "Phật giáo Hòa Hảo"))
    table.setdefault(_key("Đạo Phật"), ("Phật giáo", "Phật giáo"))
    table.setdefault(_key("Thiên Chúa giáo"), ("Công giáo", "Công giáo"))
    return table


def religion_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(religion in canonical spelling, guessed mask). A religion outside the list is kept as
    written (first letter capitalised): the list is the recognised ones, not every belief."""

    def one(text: str) -> tuple[str, bool]:
        found = _near_word(text, _religion_table())
        return (found[0][0], found[1]) if found else (text[:1].upper() + text[1:], False)

    name, guessed = map_unique_parts(raw, one, 2)
    return name.astype(object).where(raw.notna(), None), guessed.eq(True)


# Causes of death as death papers usually word them (general knowledge of Vietnamese civil
# status and health records, not a national list): a cause read with its marks wrong
# (``Đột quy``, ``Ủng thư gan``) is written as here. Any other cause is kept as written.
CAUSES_OF_DEATH = (
    "Bệnh", "Bệnh già", "Già yếu", "Tuổi già", "Già", "Tai nạn", "Tai nạn giao thông",
    "Tai nạn lao động", "Đuối nước", "Điện giật", "Ngộ độc", "Rắn cắn", "Bệnh tim", "Suy tim",
    "Nhồi máu cơ tim", "Đột quỵ", "Tai biến mạch máu não", "Xuất huyết não", "Tăng huyết áp",
    "Cao huyết áp", "Ung thư", "Ung thư gan", "Ung thư phổi", "Ung thư dạ dày", "Ung thư vú",
    "Ung thư cổ tử cung", "Ung thư máu", "Ung thư đại tràng", "Ung thư vòm họng",
    "Ung thư thực quản", "Ung thư tụy", "Ung thư xương", "Xơ gan", "Viêm gan", "Suy thận",
    "Bệnh phổi", "Viêm phổi", "Lao phổi", "Bệnh phổi tắc nghẽn mạn tính", "Hen suyễn",
    "Đái tháo đường", "Tiểu đường", "Sốt xuất huyết", "Sốt rét", "Nhiễm trùng huyết",
    "Suy hô hấp", "Suy đa tạng", "Sốc nhiễm khuẩn", "Covid-19", "Bệnh hiểm nghèo",
)  # fmt: skip


def _respelt(text: str, key: str, spellings: dict[str, str]) -> tuple[str, bool]:
    """(the one usual spelling whose key has ``key``'s letters, marks aside, True), else
    (``text``, False)."""
    same = {spelling for k, spelling in spellings.items() if strip_marks(k) == strip_marks(key)}
    return (same.pop(), True) if len(same) == 1 else (text, False)


@lru_cache(maxsize=1)
def _cause_table() -> dict[str, tuple[str, str]]:
    return {_key(c): (c, c) for c in CAUSES_OF_DEATH}


def cause_of_death_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(cause as written — in the usual spelling where read with its marks wrong —, respelt
    mask). Only marks are mended: a cause one letter from another (Bệnh tim / Bệnh phổi…) is
    a different cause."""
    table = _cause_table()

    def one(text: str) -> tuple[str, bool]:
        key = _key(text)
        if key in table:
            return text, False
        return _respelt(text, key, {k: e[0] for k, e in table.items()})

    cause, respelt = map_unique_parts(raw, one, 2)
    return cause.astype(object).where(raw.notna(), None), respelt.eq(True)


# Occupations as household books and civil status papers usually word them (general knowledge,
# not a national list: the State's list of occupations, Decision 34/2020/QĐ-TTg, is not how a
# clerk writes a book): one read with its words glued, its case or its marks wrong (``Làmrẫy``,
# ``NộI trợ``, ``Công nhần``) is written as here. Any other occupation is kept as written.
OCCUPATIONS = (
    "Làm nông", "Làm ruộng", "Làm rẫy", "Làm vườn", "Nông dân", "Nông nghiệp", "Trồng trọt",
    "Trồng cà phê", "Trồng chè", "Trồng rau", "Chăn nuôi", "Ngư dân", "Đánh bắt cá", "Làm muối",
    "Công nhân", "Công nhân may", "Công nhân xây dựng", "Thợ xây", "Thợ mộc", "Thợ may",
    "Thợ hồ", "Thợ điện", "Thợ cơ khí", "Thợ sửa xe", "Lái xe", "Tài xế", "Xe ôm", "Bốc vác",
    "Buôn bán", "Kinh doanh", "Tiểu thương", "Bán hàng", "Dịch vụ", "Nội trợ", "Giúp việc",
    "Giáo viên", "Giảng viên", "Bác sĩ", "Y sĩ", "Y tá", "Điều dưỡng", "Dược sĩ", "Kỹ sư",
    "Kế toán", "Cán bộ", "Công chức", "Viên chức", "Nhân viên", "Nhân viên văn phòng",
    "Bộ đội", "Quân nhân", "Công an", "Học sinh", "Sinh viên", "Hưu trí", "Tự do",
    "Lao động tự do", "Lao động phổ thông", "Làm thuê", "Không", "Không nghề", "Thất nghiệp",
    "Mất sức lao động", "Còn nhỏ", "Trẻ em",
)  # fmt: skip


@lru_cache(maxsize=1)
def _occupation_table() -> dict[str, str]:
    return {_key(o): o for o in OCCUPATIONS}


def occupation_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(occupation as written — in the usual spelling where read with its words glued or its
    case wrong, or with its marks wrong —, respelt mask: marks changed). Letters are never
    changed: an occupation one letter from another is another occupation."""
    table = _occupation_table()

    def one(text: str) -> tuple[str, bool]:
        key = _key(text)
        if key in table:  # the same letters and marks: spacing and case as usually written
            return table[key], False
        return _respelt(text, key, table)

    occupation, respelt = map_unique_parts(raw, one, 2)
    return occupation.astype(object).where(raw.notna(), None), respelt.eq(True)


# Sex: ISO/IEC 5218 (1 male, 2 female, 0 not known).
_SEX = {"nam": 1, "nữ": 2, "nu": 2, "trai": 1, "gái": 2, "gai": 2,
        "khôngrõ": 0, "khôngxácđịnh": 0, "khongro": 0, "khongxacdinh": 0}  # fmt: skip


def sex(text: str) -> int | None:
    """1/2/0 for a printed sex, None when not recognised."""
    key = re.sub(r"^giớitính:?", "", _key(text))
    found = _SEX.get(key, _SEX.get(strip_marks(key)))
    if found is None:
        # OCR leaves stray marks in the word ("NÑữ"): "ữ" stands in no sex word but "nữ"
        hits = {code for mark, code in (("ữ", 2), ("nam", 1)) if mark in key}
        found = hits.pop() if len(hits) == 1 else None
    return found


def sex_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(sex as Int64, unknown mask)."""
    code = pd.to_numeric(map_unique(raw, lambda v: sex(v)), errors="coerce").astype("Int64")
    return code, (raw.notna() & code.isna()).astype(bool)


def relationship_column(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(relationship code or None, the word as printed where guessed else as read, unknown
    mask, guessed mask)."""

    def one(text: str) -> tuple[str | None, str, bool]:
        found = relationship_match(text)
        if found is None:
            return None, text, False
        code, word, guessed = found
        return code, (word if guessed else text), guessed

    code, word, guessed = map_unique_parts(raw, one, 3)
    code = code.astype(object).where(code.notna(), None)
    return code, word, (raw.notna() & code.isna()).astype(bool), guessed.eq(True)
