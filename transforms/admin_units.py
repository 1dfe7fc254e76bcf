"""The one wrapper around ``vietnamadminunits``: free text → post-2025 commune and province codes.

Nothing else in the project imports ``vietnamadminunits``. Text as clerks write it
(``UBND X. Đức Trọng, T. Lâm Đồng``, ``Ủy ban nhân dân xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm
Đồng``, ``Bệnh viện Đa khoa tỉnh Lâm Đồng``) is expanded (``X.`` → xã, ``H.`` → huyện, ``TT.`` →
thị trấn, ``P.`` → phường, …), stripped of ``UBND``/``Ủy ban nhân dân``, and then read:

* text naming a district (huyện, quận, thị xã, a district-level thành phố) is an address from
  before the 1 July 2025 merger: it is parsed against the old list and mapped old → new with the
  library's tables. An old commune that was split between new ones gives no code and the reason
  ``ambiguous_admin_unit``. (The library's own ``convert_address`` would pick a "default" new
  commune or geocode over the network; we do neither.)
* other text is parsed against the list in force since 2025; if no commune is found there, the
  old commune names of the province are tried (``xã Hiệp An, tỉnh Lâm Đồng``, written after the
  district level was abolished but before the new name was learnt).

Codes belong to scheme ``ADMIN_CODE_SCHEME`` ("2025"). Each unique text is resolved once (the
parser is slow, ~1 ms a text); ``resolve`` keeps a per-process cache across batches.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from transforms.text import map_unique, repair_unicode, strip_marks, strip_tones

log = logging.getLogger(__name__)

_ABBREVIATIONS = (
    (re.compile(r"\bU\.?B\.?N\.?D\.?\b\s*", re.I), ""),
    (re.compile(r"\b[UỦ]Y?\s*ban\s+nh[âa]n\s+d[âa]n\s+", re.I), ""),
    (re.compile(r"\bỦy\s*ban\s+nh[âa]n\s+d[âa]n\s+", re.I), ""),
    (re.compile(r"\bTT\.\s*"), "thị trấn "),
    (re.compile(r"\bTP\.?\s+|\bTP\.\s*"), "thành phố "),
    (re.compile(r"\bTX\.\s*"), "thị xã "),
    (re.compile(r"\bX\.\s*"), "xã "),
    (re.compile(r"\bH\.\s*"), "huyện "),
    (re.compile(r"\bP\.\s*"), "phường "),
    (re.compile(r"\bQ\.\s*"), "quận "),
    (re.compile(r"\bT\.\s*"), "tỉnh "),
)
_PROVINCE_CITIES = "Hồ Chí Minh|Hà Nội|Hải Phòng|Đà Nẵng|Cần Thơ|Huế"
_DISTRICT_MARKER = re.compile(
    rf"\b(?:huyện|quận|thị\s+xã|thành\s+phố\s+(?!{_PROVINCE_CITIES}))", re.I
)


@dataclass(frozen=True)
class AdminResult:
    commune_code: str | None
    province_code: str | None
    reason: str | None  # None | "unknown_commune" | "ambiguous_admin_unit"


def expand_abbreviations(text: str) -> str:
    """Repaired text with UBND/Ủy ban nhân dân removed and X./H./TT./P./… written out."""
    text = repair_unicode(text)
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text.strip(" ,")


@lru_cache(maxsize=1)
def _tables() -> dict:
    """Code tables and old → new indexes built once from the library's data."""
    from vietnamadminunits.converter.converter_2025 import (
        DICT_PROVINCE,
        DICT_PROVINCE_WARD_DIVIDED,
        DICT_PROVINCE_WARD_NO_DIVIDED,
    )
    from vietnamadminunits.database.main import get_data

    rows = get_data(fields=["province", "provinceKey", "provinceCode", "wardKey", "wardCode"])
    legacy = get_data(["provinceKey", "districtKey", "wardKey", "wardShort"], "admin_units_legacy")
    old_name = {
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r["wardShort"] for r in legacy
    }
    ward_code = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in rows}
    province_code = {r["provinceKey"]: r["provinceCode"] for r in rows}
    old_to_new_province = {old: new for new, olds in DICT_PROVINCE.items() for old in olds}
    # old "province_district_ward" key → set of new ward keys (one: merged; several: split)
    old_to_new: dict[str, set[str]] = {}
    for new_province, wards in DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_ward, olds in wards.items():
            for old in olds:
                old_to_new.setdefault(old, set()).add(f"{new_province}|{new_ward}")
    for new_province, olds in DICT_PROVINCE_WARD_DIVIDED.items():
        for old, news in olds.items():
            for n in news:
                old_to_new.setdefault(old, set()).add(f"{new_province}|{n['newWardKey']}")
    # per scope — a new province, or "old:<key>" an old one — old ward key without district →
    # set of new wards (for district-less text)
    by_old_ward: dict[str, dict[str, set[str]]] = {}
    # … and per old ward its name as written, for keys that several old wards share
    named: dict[str, dict[str, list[tuple[str, set[str]]]]] = {}
    for old, news in old_to_new.items():
        old_province, _, old_ward = old.split("_", 2)
        new_province = old_to_new_province.get(old_province)
        if new_province and old_ward:
            for scope in (new_province, f"old:{old_province}"):
                by_old_ward.setdefault(scope, {}).setdefault(old_ward, set()).update(news)
                if old in old_name:
                    entry = (spelling_key(old_name[old]), news)
                    named.setdefault(scope, {}).setdefault(old_ward, []).append(entry)
    patterns = {
        p: re.compile("|".join(sorted(map(re.escape, d), key=len, reverse=True)))
        for p, d in by_old_ward.items()
    }
    return {
        "ward_code": ward_code,
        "province_code": province_code,
        "province_name": {r["provinceCode"]: r["province"] for r in rows},
        "old_to_new_province": old_to_new_province,
        "old_to_new": old_to_new,
        "by_old_ward": by_old_ward,
        "by_old_ward_named": named,
        "old_ward_patterns": patterns,
    }


_TONED_PAIR = re.compile(r"(?i)(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ]|[òóỏõọ]a|[òóỏõọ]e|[ùúủũụ]y)")


def tone_placements(name: str) -> set[str]:
    """``name`` with the tone of oa/oe/uy on either vowel: ``Khánh Hòa`` and ``Khánh Hoà``
    are both in use (old and new placement), and both are right."""

    def move(m: re.Match) -> str:
        first, second = unicodedata.normalize("NFD", m.group(1)[0]), m.group(1)[1]
        if len(first) > 1:  # tone on the first vowel → put it on the second
            return unicodedata.normalize("NFC", first[0] + second + first[1:])
        second = unicodedata.normalize("NFD", second)
        return unicodedata.normalize("NFC", first + second[1:] + second[0])

    return {name, _TONED_PAIR.sub(move, name)}


_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


@lru_cache(maxsize=65536)
def spelling_key(name: str) -> str:
    """A unit name as compared with the official lists: case, tone placement (Hòa/Hoà), y/i
    (Quý/Quí), Đắk/Đăk, spaces, apostrophes and hyphens (Đam B'ri, ĐamBri) aside; letters and
    tone marks count (unlike the library's keys, which drop every mark: Đạ K'Nàng and Đắk Nang
    are one key there)."""
    name = unicodedata.normalize("NFC", name).lower().replace("đăk", "đắk").translate(_Y_TO_I)
    name = min(tone_placements(name))
    return re.sub(r"[\s'’\-.]", "", name)


# Names older papers carry that the library's lists (2025, and the 63 provinces of 2008-2025
# under their last names) do not: Thừa Thiên Huế became Thành phố Huế in January 2025; Hà Tây
# joined Hà Nội in 2008.
_FORMER_PROVINCES = frozenset({"Thừa Thiên Huế", "Thừa Thiên - Huế", "Hà Tây"})


@lru_cache(maxsize=1)
def province_names() -> frozenset[str]:
    """Every province's name as written after "tỉnh" (before and after the 2025 merger), in
    both tone placements: ``Lâm Đồng``, ``Đắk Nông``, ``Khánh Hòa``, ``Khánh Hoà``…"""
    from vietnamadminunits.database.main import get_data

    legacy = get_data(["province", "provinceShort"], "admin_units_legacy")
    names = {r["provinceShort"] for r in legacy}
    for r in [*legacy, *get_data(["province"])]:
        names.add(re.sub(r"^(?:Tỉnh|Thành phố)\s+", "", r["province"]))
    names |= _FORMER_PROVINCES
    names |= {n.replace("Đắk", "Đăk") for n in names}  # both spellings are in official use
    return frozenset(v for n in names if n for v in tone_placements(n))


_LEVEL_PREFIX = re.compile(
    r"^(?:Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn|Đặc khu)\s+", re.I
)


@lru_cache(maxsize=1)
def official_unit_names() -> frozenset[str]:
    """Every province, district and commune name of the whole country, before (legacy list)
    and after the 2025 reform, without its level word: ``Đinh Trang Hòa``, ``Đô Lương``, ``2``."""
    from vietnamadminunits.database.main import get_data

    legacy = get_data(
        ["province", "district", "ward", "provinceShort", "districtShort", "wardShort"],
        "admin_units_legacy",
    )
    current = get_data(["province", "ward", "provinceShort", "wardShort"])
    names = {_LEVEL_PREFIX.sub("", v) for r in [*legacy, *current] for v in r.values() if v}
    return frozenset(names | _FORMER_PROVINCES)


@dataclass(frozen=True)
class UnitTree:
    """Official names by level and parent, for telling a misread name from the one it stands
    for among its neighbours. Names are written without their level word (``Đắk Mil``); a
    province is keyed by its 2025 key, and an old province by the 2025 province it joined."""

    provinces: dict[str, str]  # province name (old or new) → 2025 province key
    districts: dict[str, dict[str, set[str]]]  # 2025 province key → old district → district ids
    communes_of_district: dict[str, set[str]]  # old district id → its commune names
    communes_of_province: dict[str, set[str]]  # 2025 province key → commune names, old and new


@lru_cache(maxsize=1)
def unit_tree() -> UnitTree:
    """The whole country's units before (legacy list) and after the 2025 reform."""
    from vietnamadminunits.database.main import get_data

    t = _tables()
    fields = ["province", "provinceKey", "district", "districtKey", "ward"]
    legacy = get_data(fields, "admin_units_legacy")
    current = get_data(["province", "provinceKey", "ward"])
    provinces: dict[str, str] = {}
    districts: dict[str, dict[str, set[str]]] = {}
    of_district: dict[str, set[str]] = {}
    of_province: dict[str, set[str]] = {}
    for r in legacy:
        new = t["old_to_new_province"].get(r["provinceKey"])
        if not new:
            continue
        provinces[_LEVEL_PREFIX.sub("", r["province"])] = new
        district_id = f"{r['provinceKey']}_{r['districtKey']}"
        district = _LEVEL_PREFIX.sub("", r["district"])
        districts.setdefault(new, {}).setdefault(district, set()).add(district_id)
        if r["ward"]:  # a district without communes (an island district) has none
            ward = _LEVEL_PREFIX.sub("", r["ward"])
            of_district.setdefault(district_id, set()).add(ward)
            of_province.setdefault(new, set()).add(ward)
    for r in current:
        provinces[_LEVEL_PREFIX.sub("", r["province"])] = r["provinceKey"]
        if r["ward"]:
            of_province.setdefault(r["provinceKey"], set()).add(_LEVEL_PREFIX.sub("", r["ward"]))
    return UnitTree(provinces, districts, of_district, of_province)


def province_code_of(province_key: str) -> str | None:
    """The 2025 province code of a 2025 province key (``tinhlamdong`` → ``68``)."""
    return _tables()["province_code"].get(province_key)


def _result_from_new_wards(news: set[str], province_key: str | None) -> AdminResult:
    t = _tables()
    provinces = {n.split("|")[0] for n in news}
    province = next(iter(provinces)) if len(provinces) == 1 else province_key
    pcode = t["province_code"].get(province) if province else None
    if len(news) == 1:
        p, w = next(iter(news)).split("|")
        return AdminResult(t["ward_code"].get((p, w)), pcode, None)
    return AdminResult(None, pcode, "ambiguous_admin_unit")


_TINH = re.compile(r"\btỉnh\s+(.*)$", re.I)


def _province_keys(expanded: str) -> tuple[bool, bool]:
    """(names a 2025 province, names a pre-2025 province): only the last comma-separated part,
    or what follows "tỉnh" in a one-part text, is read as a province — ``xã Đồng Nai Thượng``
    does not name Đồng Nai."""
    from vietnamadminunits.parser import parser_from_2025, parser_legacy
    from vietnamadminunits.parser.utils import key_normalize

    parts = [p for p in expanded.split(",") if p.strip()]
    if len(parts) >= 2:
        tail = parts[-1]
    else:
        m = _TINH.search(expanded)
        if not m:
            return False, False
        tail = m.group(1)
    key = key_normalize(tail)
    return (
        bool(parser_from_2025.PATTERN_PROVINCE.search(key)),
        bool(parser_legacy.PATTERN_PROVINCE.search(key)),
    )


def _old_commune(expanded: str, old_province_named: bool = True) -> AdminResult:
    """Read ``expanded`` as a pre-2025 place: with its district if named, else by the old
    commune names of its (old → new) province. ``old_province_named``: the text itself names
    the (old) province, which then narrows the search; a province added by default is today's,
    and all the old provinces in it are searched."""
    from vietnamadminunits import ParseMode, parse_address

    t = _tables()
    if _DISTRICT_MARKER.search(expanded):
        old = parse_address(expanded, mode=ParseMode.LEGACY, keep_street=False, level=3)
        new_province = t["old_to_new_province"].get(old.province_key)
        if old.ward_key:
            news = t["old_to_new"].get(f"{old.province_key}_{old.district_key}_{old.ward_key}")
            if news:
                return _result_from_new_wards(news, new_province)
        # a district misread past mending (``thành phố Bảo Le``): the commune by its name in
        # the province, the district's part left out (an ambiguous name stays unresolved)
        without = _without_district(expanded)
        if old.province_key and not old.district_key and without != expanded:
            found = _by_old_ward_name(without, new_province, f"old:{old.province_key}")
            if found.commune_code or found.reason == "ambiguous_admin_unit":
                return found
        return AdminResult(None, t["province_code"].get(new_province), "unknown_commune")
    old = parse_address(expanded, mode=ParseMode.LEGACY, keep_street=False, level=1)
    province = t["old_to_new_province"].get(old.province_key)
    if not province:
        return AdminResult(None, None, "unknown_commune")
    # an old text's province is the old one: Tân Hà of old Lâm Đồng, not of Bình Thuận (which
    # joined Lâm Đồng in 2025); the whole new province only if the old one has no such commune
    if not old_province_named:
        return _by_old_ward_name(expanded, province)
    found = _by_old_ward_name(expanded, province, f"old:{old.province_key}")
    if found.reason == "unknown_commune":
        return _by_old_ward_name(expanded, province)
    return found


def _without_district(text: str) -> str:
    """``text`` without its comma-separated parts that name a district."""
    return ",".join(p for p in text.split(",") if not _DISTRICT_MARKER.match(p.strip()))


def _by_old_ward_name(expanded: str, province: str, scope: str | None = None) -> AdminResult:
    """The commune named in ``expanded`` among the old communes of ``scope`` (default: every
    old province that joined the new ``province``)."""
    from vietnamadminunits.parser.utils import key_normalize

    t = _tables()
    scope = scope or province
    pattern = t["old_ward_patterns"].get(scope)
    found = pattern.findall(key_normalize(expanded)) if pattern else []
    if not found:
        return AdminResult(None, t["province_code"].get(province), "unknown_commune")
    key = max(found, key=len)
    news = t["by_old_ward"][scope][key]
    if len(news) > 1:  # old wards that share a key: told apart by their marks, where certain
        news = _by_marks(spelling_key(expanded), t["by_old_ward_named"][scope].get(key, []), news)
    return _result_from_new_wards(news, province)


def _by_marks(written: str, named: list[tuple[str, set[str]]], news: set[str]) -> set[str]:
    """The new wards of the old ward whose name is written with its marks, when no other
    candidate could have been written so with marks lost: ``Đạ K'Nàng`` is not ``Đắk Nang``
    (ạ is no lost mark of ắ), but ``LỘC THANH`` may be ``Lộc Thành`` with its grave lost."""
    exact = [n for name, n in named if name in written]
    others = [name for name, _n in named if name not in written]
    if not exact or len(set().union(*exact)) != 1:
        return news
    if any(_marks_lost(written, name) for name in others):
        return news
    return set().union(*exact)


def _marks_lost(written: str, name: str) -> bool:
    """Whether ``written`` holds ``name`` with some of its marks lost (tone or all)."""

    def fits(w: str, c: str) -> bool:
        return w == c or w in (strip_marks(c), strip_tones(c))

    n = len(name)
    return any(
        all(fits(w, c) for w, c in zip(written[i : i + n], name, strict=True))
        for i in range(len(written) - n + 1)
    )


@lru_cache(maxsize=65536)
def resolve(
    text: str, default_province_code: str | None = None, before_reform: bool | None = None
) -> AdminResult:
    """Commune and province codes (2025 scheme) for one free-text place, with a reason if none.

    ``default_province_code``: the province to look in when the text names none (a registering
    authority is always in the province whose records are digitised). ``before_reform``: the
    text was written before 1 July 2025 (e.g. the registration date), so it names old units —
    ``UBND XÃ HÒA THẮNG`` in 1991 is the old commune (split since), not today's Xã Hòa Thắng.
    """
    from vietnamadminunits import ParseMode, parse_address

    t = _tables()
    expanded = expand_abbreviations(text)
    if not expanded:
        return AdminResult(None, None, "unknown_commune")
    names_new, names_old = _province_keys(expanded)
    names_province = names_new or names_old
    if default_province_code and not names_province:
        name = t["province_name"].get(default_province_code)
        if name:
            expanded = f"{expanded}, {name}"
            names_new = names_old = True
    if before_reform or _DISTRICT_MARKER.search(expanded) or (names_old and not names_new):
        return _old_commune(expanded, old_province_named=names_province)

    new = parse_address(expanded, mode=ParseMode.FROM_2025, keep_street=False, level=2)
    if new.ward_code:
        return AdminResult(new.ward_code, new.province_code, None)
    if new.province_key:
        return _by_old_ward_name(expanded, new.province_key)
    return _old_commune(expanded)


# A leading comma-separated part that names a place below the commune (house number, street,
# hamlet, residential group): it never changes the commune, so it is dropped before the look-up
# and addresses that differ only there share one cached resolution.
_BELOW_COMMUNE = re.compile(
    r"^\s*(?:\d|số\b|thôn\b|ấp\b|bon\b|buôn\b|tổ\b|tdp\b|khu\s+phố\b|kp\b|khối\b|"
    r"đường\b|xóm\b|làng\b|hẻm\b|kiệt\b|ngõ\b|ngách\b|plei\b|bản\b|sóc\b)",
    re.I,
)


def admin_part(text: str) -> str:
    """``text`` without its leading parts below the commune (``Số 133 đường Thống Nhất, phường
    Phú Tài, …`` → ``phường Phú Tài, …``); the whole text when nothing else would remain."""
    parts = text.split(",")
    keep = 0
    while keep < len(parts) - 1 and _BELOW_COMMUNE.match(parts[keep]):
        keep += 1
    return ",".join(parts[keep:]).strip() if keep else text


def resolve_column(
    raw: pd.Series,
    default_province_code: str | None = None,
    before_reform: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(commune code, province code, reason) per row; null text gives (None, None, None).

    ``before_reform``: optional boolean/None Series, see ``resolve``.
    """
    raw = map_unique(raw.astype(object), admin_part)
    if before_reform is None:
        results = map_unique(raw, lambda v: resolve(v, default_province_code))
    else:
        hint = before_reform.astype(object).where(before_reform.notna(), None)
        keyed = pd.Series(list(zip(raw, hint, strict=True)), index=raw.index, dtype=object)
        keyed = keyed.where(raw.notna(), None)
        results = map_unique(keyed, lambda k: resolve(k[0], default_province_code, k[1]))

    def part(name: str) -> pd.Series:
        out = results.map(lambda r: getattr(r, name) if r is not None else None, na_action="ignore")
        return out.astype(object).where(out.notna(), None)

    return part("commune_code"), part("province_code"), part("reason")
