"""Administrative units of today's Lâm Đồng (scheme 2025) and of the three provinces merged into it.

All data comes from the offline package ``vietnamadminunits`` (MIT): the post-1-July-2025 list
(``admin_units``), the pre-2025 list (``admin_units_legacy``) and its old → new table. Loading is
lazy and cached; every function is pure, so a ``random.Random`` passed in decides every draw.

Truth convention (see README): an old commune that the 2025 reform split between several new
ones has ``new_code = None`` (the national format's ``ambiguous_admin_unit`` case).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from vietnamadminunits import ParseMode, parse_address
from vietnamadminunits.converter.converter_2025 import (
    DICT_PROVINCE as _NEW_TO_OLD_PROVINCE_KEYS,
)
from vietnamadminunits.converter.converter_2025 import (
    DICT_PROVINCE_WARD_DIVIDED as _WARD_DIVIDED,
)
from vietnamadminunits.converter.converter_2025 import (
    DICT_PROVINCE_WARD_NO_DIVIDED as _WARD_NO_DIVIDED,
)
from vietnamadminunits.database.main import query

LAM_DONG_NEW_PROVINCE_CODE = "68"
LAM_DONG_PROVINCE_KEY = "tinhlamdong"
# Pre-2025 provinces merged into today's Lâm Đồng, with their old 2-digit codes.
MERGED_OLD_PROVINCES = {"68": "Tỉnh Lâm Đồng", "67": "Tỉnh Đắk Nông", "60": "Tỉnh Bình Thuận"}


@dataclass(frozen=True)
class NewCommune:
    """A commune, ward or special zone of the 2025 scheme."""

    code: str  # 5 digits
    name: str  # "Xã Đức Trọng"
    short: str  # "Đức Trọng"
    type: str  # "Xã" | "Phường" | "Đặc khu"
    province: str  # "Tỉnh Lâm Đồng"
    province_code: str  # "68"

    def text(self, with_province: bool = True) -> str:
        """As written on a post-2025 form: ``xã Đức Trọng, tỉnh Lâm Đồng``."""
        parts = [_lower_type(self.name, self.type)]
        if with_province:
            parts.append(_lower_type(self.province, self.province.split()[0]))
        return ", ".join(parts)


@dataclass(frozen=True)
class OldCommune:
    """A pre-2025 commune (ward, township) with its mapping to the 2025 scheme."""

    code: str  # old 5-digit ward code
    name: str  # "Thị trấn Liên Nghĩa"
    short: str
    type: str  # "Xã" | "Phường" | "Thị trấn"
    district: str  # "Huyện Đức Trọng"
    district_short: str
    district_type: str
    province: str  # "Tỉnh Lâm Đồng"
    province_short: str
    old_province_code: str  # "68", "67", "60"
    new_code: str | None  # the 2025 commune it became; None when it was split
    split: bool
    new_province_code: str

    def text(self, with_district: bool = True, with_province: bool = True) -> str:
        """As on a pre-2025 form: ``thị trấn Liên Nghĩa, huyện Đức Trọng, tỉnh Lâm Đồng``."""
        parts = [_lower_type(self.name, self.type)]
        if with_district:
            parts.append(_lower_type(self.district, self.district_type))
        if with_province:
            parts.append(_lower_type(self.province, self.province.split()[0]))
        return ", ".join(parts)


@dataclass(frozen=True)
class OldProvince:
    name: str  # "Tỉnh Nam Định"
    short: str  # "Nam Định"
    code: str  # old 2-digit code ("36"), also digits 2-3 of a personal ID prefix
    new_code: str  # 2025 province code it belongs to ("37")


def _lower_type(name: str, type_: str) -> str:
    """``Huyện Đức Trọng`` → ``huyện Đức Trọng`` (the type word is lower case inside an address)."""
    if type_ and name.startswith(type_):
        return type_.lower() + name[len(type_) :]
    return name


@cache
def _new_ward_code_by_key() -> dict[tuple[str, str], NewCommune]:
    """(province key, converter ward key) → NewCommune, resolved with the package's own parser."""
    out: dict[tuple[str, str], NewCommune] = {}
    for prov_key, wards in _WARD_NO_DIVIDED.items():
        if prov_key != LAM_DONG_PROVINCE_KEY:
            continue
        for ward_key in wards:
            out[(prov_key, ward_key)] = _resolve_new(prov_key, ward_key)
    return out


@cache
def _resolve_new(prov_key: str, ward_key: str) -> NewCommune:
    unit = parse_address(f"{ward_key},{prov_key}", mode=ParseMode.FROM_2025, level=2)
    return new_commune(unit.ward_code)


@cache
def _new_communes_all() -> dict[str, NewCommune]:
    rows = query(
        "SELECT DISTINCT ward, wardShort, wardType, wardCode, province, provinceCode "
        "FROM admin_units"
    )
    return {
        r["wardCode"]: NewCommune(
            code=r["wardCode"],
            name=r["ward"],
            short=r["wardShort"],
            type=r["wardType"],
            province=r["province"],
            province_code=r["provinceCode"],
        )
        for r in rows
        if r["wardCode"]
    }


def new_commune(code: str) -> NewCommune:
    return _new_communes_all()[code]


@cache
def lam_dong_new_communes() -> tuple[NewCommune, ...]:
    """The 124 communes, wards and special zone of today's Lâm Đồng, sorted by code."""
    return tuple(
        sorted(
            (
                c
                for c in _new_communes_all().values()
                if c.province_code == LAM_DONG_NEW_PROVINCE_CODE
            ),
            key=lambda c: c.code,
        )
    )


@cache
def lam_dong_old_communes() -> tuple[OldCommune, ...]:
    """Every pre-2025 commune of old Lâm Đồng, Đắk Nông and Bình Thuận, with its 2025 mapping."""
    old_to_new: dict[str, str] = {}
    for ward_key, olds in _WARD_NO_DIVIDED[LAM_DONG_PROVINCE_KEY].items():
        code = _resolve_new(LAM_DONG_PROVINCE_KEY, ward_key).code
        for old_key in olds:
            old_to_new[old_key] = code
    divided = set(_WARD_DIVIDED.get(LAM_DONG_PROVINCE_KEY, {}))
    codes = "','".join(MERGED_OLD_PROVINCES)
    rows = query(
        "SELECT DISTINCT province, provinceShort, provinceCode, district, districtShort, "
        "districtType, ward, wardShort, wardType, wardCode, provinceKey, districtKey, wardKey "
        f"FROM admin_units_legacy WHERE provinceCode IN ('{codes}')"
    )
    out = []
    for r in rows:
        if not r["ward"]:
            continue
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        split = key in divided
        if not split and key not in old_to_new:
            continue  # not in the reform table: never printed, so no truth to get wrong
        out.append(
            OldCommune(
                code=r["wardCode"],
                name=r["ward"],
                short=r["wardShort"],
                type=r["wardType"],
                district=r["district"],
                district_short=r["districtShort"],
                district_type=r["districtType"],
                province=r["province"],
                province_short=r["provinceShort"],
                old_province_code=r["provinceCode"],
                new_code=None if split else old_to_new[key],
                split=split,
                new_province_code=LAM_DONG_NEW_PROVINCE_CODE,
            )
        )
    return tuple(sorted(out, key=lambda c: c.code))


@cache
def old_provinces() -> tuple[OldProvince, ...]:
    """The 63 pre-2025 provinces with the 2025 province each became part of."""
    new_code_by_key = {
        r["provinceKey"]: r["provinceCode"]
        for r in query("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    old_to_new = {
        old: new_code_by_key[new] for new, olds in _NEW_TO_OLD_PROVINCE_KEYS.items() for old in olds
    }
    rows = query(
        "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey FROM admin_units_legacy"
    )
    return tuple(
        sorted(
            (
                OldProvince(
                    name=r["province"],
                    short=r["provinceShort"],
                    code=r["provinceCode"],
                    new_code=old_to_new[r["provinceKey"]],
                )
                for r in rows
            ),
            key=lambda p: p.code,
        )
    )


def old_province(code: str) -> OldProvince:
    return next(p for p in old_provinces() if p.code == code)


@cache
def new_provinces() -> dict[str, str]:
    """2025 province code → name (``"68"`` → ``"Tỉnh Lâm Đồng"``)."""
    return {
        r["provinceCode"]: r["province"]
        for r in query("SELECT DISTINCT province, provinceCode FROM admin_units")
    }


# --- drawing ---------------------------------------------------------------------------------

# Where migrants to Lâm Đồng come from (old province codes), with rough weights.
MIGRANT_ORIGINS = {
    "36": 6, "34": 6, "35": 4, "30": 3, "33": 3, "38": 5, "40": 6, "42": 4, "44": 2,
    "45": 2, "46": 3, "49": 3, "51": 3, "52": 2, "54": 1, "56": 3, "79": 6, "75": 3, "66": 3,
    "01": 3, "31": 2, "26": 1, "27": 1, "37": 2, "74": 1,
}  # fmt: skip


def pick_old_commune(
    rng: random.Random, *, split_share: float = 0.06, province_code: str | None = None
) -> OldCommune:
    """A pre-2025 commune of the merged province; split ones are over-drawn so tests meet them."""
    pool = lam_dong_old_communes()
    if province_code:
        pool = tuple(c for c in pool if c.old_province_code == province_code)
    splits = [c for c in pool if c.split]
    if splits and rng.random() < split_share:
        return rng.choice(splits)
    # Old Lâm Đồng is the core of the new province: weight it up.
    weights = [3 if c.old_province_code == "68" else 1 for c in pool]
    return rng.choices(pool, weights=weights)[0]


def pick_new_commune(rng: random.Random) -> NewCommune:
    return rng.choice(lam_dong_new_communes())


def pick_migrant_province(rng: random.Random) -> OldProvince:
    codes = list(MIGRANT_ORIGINS)
    code = rng.choices(codes, weights=[MIGRANT_ORIGINS[c] for c in codes])[0]
    return old_province(code)


@cache
def _legacy_wards_of(province_code: str) -> tuple[dict, ...]:
    return tuple(
        query(
            "SELECT DISTINCT ward, wardType, district, districtType FROM admin_units_legacy "
            f"WHERE provinceCode = '{province_code}' AND ward IS NOT NULL"
        )
    )


def old_address_in(rng: random.Random, province: OldProvince, *, with_ward: bool = True) -> str:
    """A pre-2025 address in another province (``xã Hải Hậu, huyện Hải Hậu, tỉnh Nam Định``)."""
    r = rng.choice(_legacy_wards_of(province.code))
    parts = []
    if with_ward:
        parts.append(_lower_type(r["ward"], r["wardType"] or ""))
    parts.append(_lower_type(r["district"], r["districtType"] or ""))
    parts.append(_lower_type(province.name, province.name.split()[0]))
    return ", ".join(parts)


VILLAGE_WORDS_LAM_DONG = ("Thôn", "Thôn", "Thôn", "Tổ dân phố", "Tổ", "Khu phố")
VILLAGE_NAMES = (
    "Phú Hòa", "Tân Hà", "Đồng Tâm", "Tân Lập", "Hiệp An", "Phú Thạnh", "Đa Thọ", "Lạc Thành",
    "Bình Thạnh", "Ka Đơn", "Kon Pang", "Liên Hòa", "Tân Phú", "An Bình", "Thanh Bình",
    "Hòa Lạc", "Yên Thành", "Nam Sơn", "Đạ Nghịt", "Bồ Liêng", "R'Chai", "Ma Đanh", "Đăng Srõn",
)  # fmt: skip
MINORITY_VILLAGES = (
    "Bon Bu Prăng", "Bon N'Jriêng", "Buôn Buôr", "Bon Ja Ráh", "Bon Đăk R'Moan", "Thôn K'Long",
    "Thôn Ha Giang", "Thôn Đạ Ròn", "Thôn Krăng Gọ", "Thôn Bơ Đơng", "Thôn Lộc Hòa",
)  # fmt: skip
STREETS = (
    "Trần Phú", "Hùng Vương", "Phan Đình Phùng", "Lê Hồng Phong", "Nguyễn Văn Cừ",
    "Hai Bà Trưng", "Quang Trung", "Ba Tháng Hai", "Yersin", "Lý Thường Kiệt", "Trần Hưng Đạo",
    "Nguyễn Trãi", "Thống Nhất", "Võ Thị Sáu", "Phạm Ngọc Thạch", "Bùi Thị Xuân", "Mai Hắc Đế",
)  # fmt: skip


def locality_prefix(rng: random.Random, *, minority: bool = False, urban: bool = False) -> str:
    """The part before the commune: ``Thôn 3``, ``Tổ dân phố 5``, ``Số 12 đường Trần Phú``."""
    if minority and rng.random() < 0.6:
        return rng.choice(MINORITY_VILLAGES)
    if urban and rng.random() < 0.55:
        return f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}"
    word = rng.choice(VILLAGE_WORDS_LAM_DONG)
    if word == "Thôn" and rng.random() < 0.5:
        return f"Thôn {rng.choice(VILLAGE_NAMES)}"
    return f"{word} {rng.randint(1, 15)}"
