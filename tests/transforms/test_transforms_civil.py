"""Normalisation of marriage and death registrations (raw printed text → national format)."""

from __future__ import annotations

import pandas as pd
import pytest

from sohoa.national_format import EXTRACTED_FIELDS, NATIONAL_FIELDS
from transforms import normalise, supports
from transforms.death import parse_time, without_time
from transforms.marriage import id_number_text

MARRIAGE_ROW = {
    "registration_number": "45/TLKHBS",
    "book_number": "02/2019",
    "registration_date": "ngày 20 tháng 05 năm 2019",
    "registration_authority_text": "Ủy ban nhân dân xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng",
    "husband_full_name": "Nguyễn Văn An",
    "husband_date_of_birth": "05/03/1990",
    "husband_ethnicity": "Kinh",
    "husband_nationality": "Việt Nam",
    "husband_residence_text": "Thôn 2, xã Hiệp Thạnh,. huyện Đức Trọng, tỉnh Lâm Đồng",
    "husband_id_number": "CCCD số 068 090 001 234",
    "wife_full_name": "K' THỊ HOA",
    "wife_date_of_birth": "12/11/1995",
    "wife_ethnicity": "Cơ Ho",
    "wife_nationality": "Việt Nam",
    "wife_residence_text": "Thôn 5, xã Tà Năng",
    "wife_id_number": "Chứng minh nhân dân số 250123456",
}

DEATH_ROW = {
    "registration_number": "118/TLKT-BS",
    "book_number": "02/2015",
    "registration_date": "ngày 21 tháng 11 năm 2015",
    "registration_authority_text": "Ủy ban nhân dân phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
    "deceased_full_name": "TRẦN TẤN HÙNG",
    "deceased_sex": "Nam",
    "deceased_date_of_birth": "21/03/1940",
    "deceased_ethnicity": "Kinh",
    "deceased_nationality": "Việt Nam",
    "deceased_personal_id": "068040123456",
    "deceased_last_residence_text": "Số 161 đường Hùng Vương, phường 1",
    "date_of_death": "ngày 26/10/2015",
    "time_of_death": "14 giờ 30 phút",
    "place_of_death_text": "Tại nhà",
    "cause_of_death": "Già yếu",
    "declarant_full_name": "TRẦN VĂN THÔNG",
    "declarant_relationship": "con trai",
}


def frame(doc_type: str, base: dict, rows: list[dict]) -> pd.DataFrame:
    records = []
    for i, over in enumerate(rows):
        row = {f: base.get(f) for f in EXTRACTED_FIELDS[doc_type]} | over
        row |= {f"conf__{f}": 0.95 for f in EXTRACTED_FIELDS[doc_type]}
        records.append(row | {"record_id": f"r{i}", "doc_type": doc_type})
    return pd.DataFrame(records)


def reasons(row: pd.Series, field: str) -> set[str]:
    return {f["reason"] for f in row["flags"] if f["field"] == field}


def test_both_types_are_supported():
    assert supports("marriage_registration") and supports("death_registration")


def test_marriage_every_national_field_and_values():
    out = normalise(frame("marriage_registration", MARRIAGE_ROW, [{}]), "marriage_registration")
    assert set(NATIONAL_FIELDS["marriage_registration"]) <= set(out.columns)
    r = out.iloc[0]
    assert r["registration_number"] == "45" and r["registration_number_suffix"] == "TLKH-BS"
    assert r["book_number"] == "02" and r["book_year"] == 2019
    assert r["registration_date"] == "2019-05-20"
    assert r["husband_full_name"] == "NGUYỄN VĂN AN"
    assert r["husband_date_of_birth"] == "1990-03-05"
    assert r["husband_ethnicity_code"] == "01" and r["wife_ethnicity_code"] == "16"
    assert r["husband_nationality"] == "VN"
    assert r["husband_residence_text"] == "Thôn 2, xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng"
    assert r["husband_id_number"] == "068090001234"
    assert r["wife_id_number"] == "250123456"  # a 9-digit legacy number is kept as printed
    assert r["registration_commune_code"] is not None and len(r["registration_commune_code"]) == 5
    assert r["flags"] == []


def test_marriage_id_cross_checks_flag_but_keep_the_value():
    rows = [
        {"husband_id_number": "CCCD số 068190001234"},  # digit 4 = 1: a woman's ID
        {"wife_id_number": "CCCD số 068195001234"},  # right sex, year 1995 matches
        {"wife_id_number": "CCCD số 068194001234"},  # year 1994 ≠ 1995
    ]
    out = normalise(frame("marriage_registration", MARRIAGE_ROW, rows), "marriage_registration")
    assert "id_sex_mismatch" in reasons(out.iloc[0], "husband_id_number")
    assert out.iloc[0]["husband_id_number"] == "068190001234"
    assert out.iloc[0]["conf__husband_id_number"] < 0.95
    assert reasons(out.iloc[1], "wife_id_number") == set()
    assert "id_year_mismatch" in reasons(out.iloc[2], "wife_id_number")


def test_marriage_malformed_id_and_misread_zero_in_a_date():
    rows = [{"wife_id_number": "CMND số 2501234", "registration_date": "ngày 20 tháng Ø5 năm 2019"}]
    out = normalise(frame("marriage_registration", MARRIAGE_ROW, rows), "marriage_registration")
    r = out.iloc[0]
    assert r["wife_id_number"] is None
    assert "malformed_id" in reasons(r, "wife_id_number")
    assert r["registration_date"] == "2019-05-20"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("CCCD số 068090001234", "068090001234"),
        ("Số định danh cá nhân: 068 090 001 234", "068 090 001 234"),
        ("250123456", "250123456"),
        ("Căn cước số", "Căn cước số"),
    ],
)
def test_id_number_text(text, number):
    assert id_number_text(text) == number


@pytest.mark.parametrize(
    ("text", "hhmm"),
    [
        ("14 giờ 30 phút", "14:30"),
        ("7 giờ", "07:00"),
        ("05:26", "05:26"),
        ("14h05", "14:05"),
        ("14 gio 30 phut", "14:30"),
        ("25 giờ", None),
        ("chiều", None),
    ],
)
def test_parse_time(text, hhmm):
    assert parse_time(text)[0] == hhmm


def test_without_time_keeps_the_date_only():
    assert without_time("14 giờ 30 phút, ngày 05/03/2021") == "ngày 05/03/2021"
    assert without_time("05/03/2021") == "05/03/2021"


def test_death_every_national_field_and_values():
    out = normalise(frame("death_registration", DEATH_ROW, [{}]), "death_registration")
    assert set(NATIONAL_FIELDS["death_registration"]) <= set(out.columns)
    r = out.iloc[0]
    assert r["registration_number"] == "118" and r["registration_number_suffix"] == "TLKT-BS"
    assert r["deceased_sex"] == 1
    assert r["deceased_date_of_birth"] == "1940-03-21"
    assert r["deceased_personal_id"] == "068040123456"
    assert r["date_of_death"] == "2015-10-26"
    assert r["time_of_death"] == "14:30"
    assert r["declarant_relationship"] == "Con trai"
    assert r["deceased_ethnicity_code"] == "01" and r["deceased_nationality"] == "VN"
    assert r["flags"] == []


def test_death_time_printed_with_the_date_and_year_only_birth():
    rows = [
        {"time_of_death": None, "date_of_death": "14 giờ 30 phút, ngày 26/10/2015"},
        {
            "time_of_death": None,
            "date_of_death": "26/10/2015",
            "deceased_date_of_birth": "1925",
            "deceased_personal_id": None,
        },
        {"time_of_death": "chiều"},
    ]
    out = normalise(frame("death_registration", DEATH_ROW, rows), "death_registration")
    assert out.iloc[0]["time_of_death"] == "14:30"
    assert out.iloc[0]["date_of_death"] == "2015-10-26"
    assert out.iloc[1]["time_of_death"] is None
    assert out.iloc[1]["deceased_date_of_birth"] == "1925"
    assert out.iloc[2]["time_of_death"] is None
    assert "unparseable_time" in reasons(out.iloc[2], "time_of_death")


def test_death_personal_id_checks():
    rows = [
        {"deceased_personal_id": "068140123456"},  # digit 4 = 1: female, but Nam
        {"deceased_personal_id": "250123456"},  # a legacy number is not a personal ID
    ]
    out = normalise(frame("death_registration", DEATH_ROW, rows), "death_registration")
    assert "id_sex_mismatch" in reasons(out.iloc[0], "deceased_personal_id")
    assert out.iloc[1]["deceased_personal_id"] is None
    assert "malformed_id" in reasons(out.iloc[1], "deceased_personal_id")
