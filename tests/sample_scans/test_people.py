"""The Vietnamese-people provider: names, IDs, dates (fast)."""

from __future__ import annotations

import collections
import datetime as dt
import random

import pytest

from sample_scans import people, vntext
from sohoa.national_format import KINH_FAMILY_NAMES


def test_family_name_frequencies_follow_the_contract():
    rng = random.Random(42)
    n = 40_000
    counts = collections.Counter(people.family_name(rng) for _ in range(n))
    share = {k: v / n for k, v in counts.items()}
    assert share["Nguyễn"] == pytest.approx(0.38, abs=0.012)
    assert share["Trần"] == pytest.approx(0.11, abs=0.008)
    assert share["Lê"] == pytest.approx(0.095, abs=0.008)
    assert share["Phạm"] == pytest.approx(0.07, abs=0.007)
    assert share["Hoàng"] + share["Huỳnh"] == pytest.approx(0.05, abs=0.006)
    assert share["Vũ"] + share["Võ"] == pytest.approx(0.04, abs=0.006)
    assert share["Lý"] == pytest.approx(0.005, abs=0.002)


def test_every_kinh_family_name_splits_with_the_contract_list():
    for fam in people.FAMILY_NAME_WEIGHTS:
        assert people.upper_nfc(fam) in KINH_FAMILY_NAMES, fam


@pytest.mark.parametrize("seed", range(20))
def test_personal_id_digits_agree_with_sex_and_year(seed):
    rng = random.Random(seed)
    for _ in range(200):
        sex = rng.choice((1, 2))
        year = rng.randint(1900, 2099)
        pid = people.personal_id(rng, sex, year)
        assert len(pid) == 12 and pid.isdigit()
        assert people.id_matches(pid, sex, year)
        assert int(pid[3]) == (0 if year < 2000 else 2) + (sex == 2)
        assert pid[4:6] == f"{year % 100:02d}"


def test_id_matches_rejects_wrong_sex_or_year():
    pid = people.personal_id(random.Random(1), 2, 1990, "068")
    assert pid.startswith("068190")
    assert not people.id_matches(pid, 1, 1990)
    assert not people.id_matches(pid, 2, 1991)
    assert not people.id_matches(pid, 2, 2090)


def test_legacy_ids_are_nine_digits():
    rng = random.Random(3)
    assert all(len(x) == 9 and x.isdigit() for x in (people.legacy_id(rng) for _ in range(500)))


def test_parents_are_18_to_45_years_older_than_the_child():
    rng = random.Random(5)
    for _ in range(500):
        dob = people.random_date(rng, dt.date(1980, 1, 1), dt.date(2025, 1, 1))
        mother, father = people.make_parents(rng, dob)
        assert 18 <= dob.year - mother.birth_year <= 45
        assert 18 <= dob.year - father.birth_year <= 45
        assert mother.sex == 2 and father.sex == 1


def test_people_have_consistent_ids_and_names():
    rng = random.Random(9)
    minority = 0
    for _ in range(2000):
        p = people.make_person(rng, id_on=dt.date(2024, 1, 1))
        if p.personal_id:
            assert people.id_matches(p.personal_id, p.sex, p.birth_year)
        assert p.upper == p.upper.strip() and "  " not in p.upper
        fam, given = people.split_name(p.upper)
        if p.ethnicity == "Kinh":
            assert fam is not None and given == p.upper.split()[-1]
        if p.minority_name:
            minority += 1
            assert p.ethnicity_code != "01"
    assert 100 < minority < 600  # Lâm Đồng has a sizeable minority population, not a majority


def test_minority_names_do_not_split():
    assert people.split_name("K' BRỒNG") == (None, None)
    assert people.split_name("H' HEN NIÊ") == (None, None)
    assert people.split_name("NGUYỄN") == (None, None)
    assert people.split_name("NGUYỄN THỊ HỒNG NHUNG") == ("NGUYỄN", "NHUNG")


def test_ethnicity_codes_cover_the_1979_list():
    assert len(people.ETHNICITY_CODES) == 54
    assert sorted(people.ETHNICITY_CODES.values()) == [f"{i:02d}" for i in range(1, 55)]
    assert people.ETHNICITY_CODES["Cơ-ho"] == "16" and people.ETHNICITY_CODES["Mạ"] == "28"
    for canon in people.ETHNICITY_SPELLINGS:
        assert canon in people.ETHNICITY_CODES


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1990, "một nghìn chín trăm chín mươi"),
        (2005, "hai nghìn không trăm linh năm"),
        (2013, "hai nghìn không trăm mười ba"),
        (2021, "hai nghìn không trăm hai mươi mốt"),
        (1985, "một nghìn chín trăm tám mươi lăm"),
        (24, "hai mươi tư"),
        (720, "bảy trăm hai mươi"),
    ],
)
def test_number_words(n, words):
    assert vntext.number_words(n) == words


def test_dates_and_areas_as_printed():
    d = dt.date(1990, 3, 5)
    assert vntext.format_date(d, "slash") == "05/03/1990"
    assert vntext.format_date(d, "words_short") == "ngày 5 tháng 3 năm 1990"
    assert vntext.date_words(d) == "Ngày mồng năm tháng ba năm một nghìn chín trăm chín mươi"
    assert vntext.decimal_comma(720.2) == "720,2"
    assert vntext.area_words(720.2) == "Bảy trăm hai mươi phẩy hai mét vuông"
