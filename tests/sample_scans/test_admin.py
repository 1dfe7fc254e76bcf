"""Administrative units and the old → 2025 mapping, checked against vietnamadminunits itself."""

from __future__ import annotations

import datetime as dt
import random

from vietnamadminunits import convert_address
from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE_WARD_DIVIDED

from sample_scans import admin
from sample_scans.forms.common import REFORM_DATE, draw_authority


def test_lam_dong_has_124_new_units_in_the_contract_range():
    units = admin.lam_dong_new_communes()
    assert len(units) == 124
    assert all(c.province_code == "68" and 22918 <= int(c.code) <= 25180 for c in units)
    assert {c.type for c in units} == {"Xã", "Phường", "Đặc khu"}


def test_old_communes_cover_the_three_merged_provinces():
    olds = admin.lam_dong_old_communes()
    assert {c.old_province_code for c in olds} == {"68", "67", "60"}
    new_codes = {c.code for c in admin.lam_dong_new_communes()}
    for c in olds:
        assert c.split == (c.new_code is None)
        if c.new_code:
            assert c.new_code in new_codes


def test_old_to_new_mapping_agrees_with_convert_address():
    for c in admin.lam_dong_old_communes():
        unit = convert_address(c.text())
        assert unit.province_code == "68", c
        if not c.split:
            assert unit.ward_code == c.new_code, (c.text(), unit.ward_code, c.new_code)


def test_split_communes_are_the_packages_divided_ones():
    divided = DICT_PROVINCE_WARD_DIVIDED["tinhlamdong"]
    splits = [c for c in admin.lam_dong_old_communes() if c.split]
    assert splits, "expected some split communes in today's Lâm Đồng"
    assert len(splits) == len(divided)


def test_known_mapping_lien_nghia_to_duc_trong():
    c = next(c for c in admin.lam_dong_old_communes() if c.name == "Thị trấn Liên Nghĩa")
    assert c.text() == "thị trấn Liên Nghĩa, huyện Đức Trọng, tỉnh Lâm Đồng"
    assert c.new_code == "24958"


def test_old_provinces_map_to_2025_provinces():
    assert admin.old_province("67").new_code == "68"
    assert admin.old_province("60").new_code == "68"
    assert admin.old_province("79").new_code == "79"
    assert len(admin.old_provinces()) == 63
    assert set(p.new_code for p in admin.old_provinces()) == set(admin.new_provinces())


def test_authority_before_the_reform_is_old_and_split_gives_null_code():
    rng = random.Random(0)
    seen_split = False
    for _ in range(400):
        a = draw_authority(rng, dt.date(2015, 5, 1))
        assert a.scheme == "old" and a.district_text
        if a.old.split:
            seen_split = True
            assert a.commune_code is None
        else:
            assert a.commune_code == a.old.new_code
    assert seen_split
    a = draw_authority(rng, REFORM_DATE)
    assert a.scheme == "2025" and a.district_text is None and a.commune_code == a.new.code
