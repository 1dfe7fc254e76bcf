"""Great Expectations suites for marriage and death registrations (GX runs: integration)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from expectations.runner import validate
from sohoa.national_format import EXTRACTED_FIELDS
from transforms import normalise

pytestmark = pytest.mark.integration
TODAY = dt.date(2025, 12, 31)

MARRIAGE = {
    "registration_number": "45",
    "book_number": "02/2019",
    "registration_date": "20/05/2019",
    "registration_authority_text": "Ủy ban nhân dân xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng",
    "husband_full_name": "NGUYỄN VĂN AN",
    "husband_date_of_birth": "05/03/1990",
    "husband_ethnicity": "Kinh",
    "husband_nationality": "Việt Nam",
    "husband_residence_text": "Thôn 2, xã Hiệp Thạnh, tỉnh Lâm Đồng",
    "husband_id_number": "CCCD số 068090001234",
    "wife_full_name": "LÊ THỊ HOA",
    "wife_date_of_birth": "12/11/1995",
    "wife_ethnicity": "Kinh",
    "wife_nationality": "Việt Nam",
    "wife_residence_text": "Thôn 5, xã Tà Năng, tỉnh Lâm Đồng",
    "wife_id_number": "CMND số 250123456",
}
DEATH = {
    "registration_number": "118/TLKT-BS",
    "book_number": "02/2015",
    "registration_date": "21/11/2015",
    "registration_authority_text": "Ủy ban nhân dân phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
    "deceased_full_name": "TRẦN TẤN HÙNG",
    "deceased_sex": "Nam",
    "deceased_date_of_birth": "21/03/1940",
    "deceased_ethnicity": "Kinh",
    "deceased_nationality": "Việt Nam",
    "deceased_personal_id": "068040123456",
    "deceased_last_residence_text": "Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
    "date_of_death": "26/10/2015",
    "time_of_death": "14 giờ 30 phút",
    "place_of_death_text": "Tại nhà",
    "cause_of_death": "Già yếu",
    "declarant_full_name": "TRẦN VĂN THÔNG",
    "declarant_relationship": "Con",
}


def frame(doc_type: str, base: dict, rows: list[dict]) -> pd.DataFrame:
    records = []
    for i, over in enumerate(rows):
        row = {f: base.get(f) for f in EXTRACTED_FIELDS[doc_type]} | over
        row |= {f"conf__{f}": 0.95 for f in EXTRACTED_FIELDS[doc_type]}
        records.append(row | {"record_id": f"r{i}", "doc_type": doc_type})
    return pd.DataFrame(records)


def flagged(report, i: int) -> set[tuple[str, str]]:
    return {(f["field"], f["reason"]) for f in report.df.iloc[i]["flags"]}


def test_clean_marriages_pass():
    rows = [{"registration_number": str(n)} for n in range(1, 5)]
    report = validate(
        normalise(frame("marriage_registration", MARRIAGE, rows), "marriage_registration"),
        "marriage_registration",
        today=TODAY,
    )
    assert report.failed_rows == 0 and not report.held
    assert all(o.error is None for o in report.outcomes)


def test_marriage_rules_flag_the_right_rows():
    rows = [
        {"registration_number": "1"},
        {"registration_number": "2", "husband_date_of_birth": "01/01/2001"},  # 18 at registration
        {"registration_number": "3", "wife_date_of_birth": "01/06/2002"},  # 16
        {"registration_number": "4", "husband_id_number": "CCCD số 068190001234"},  # woman's ID
        {"registration_number": "5", "wife_full_name": None},
        {"registration_number": "1"},  # same number, book and commune as row 0
        {"registration_number": "7", "wife_date_of_birth": "01/01/2020"},  # born after
    ]
    norm = normalise(frame("marriage_registration", MARRIAGE, rows), "marriage_registration")
    report = validate(norm, "marriage_registration", today=TODAY)
    assert ("husband_date_of_birth", "under_marriage_age") in flagged(report, 1)
    assert ("wife_date_of_birth", "under_marriage_age") in flagged(report, 2)
    assert ("husband_id_number", "id_sex_mismatch") in flagged(report, 3)
    assert ("wife_full_name", "missing_required") in flagged(report, 4)
    assert ("registration_number", "duplicate_registration") in flagged(report, 5)
    assert ("registration_number", "duplicate_registration") in flagged(report, 0)
    assert ("wife_date_of_birth", "birth_after_registration") in flagged(report, 6)
    messages = [f["message_vi"] for f in report.df.iloc[1]["flags"]]
    assert any("tuổi kết hôn" in m for m in messages)


def test_clean_deaths_pass():
    rows = [{"registration_number": str(n)} for n in range(1, 5)]
    report = validate(
        normalise(frame("death_registration", DEATH, rows), "death_registration"),
        "death_registration",
        today=TODAY,
    )
    assert report.failed_rows == 0 and not report.held
    assert all(o.error is None for o in report.outcomes)


def test_death_rules_flag_the_right_rows():
    rows = [
        {"registration_number": "1"},
        {"registration_number": "2", "date_of_death": "01/01/1930"},  # before the birth
        {"registration_number": "3", "date_of_death": "01/12/2015"},  # after registration
        {"registration_number": "4", "deceased_personal_id": "068050123456"},  # year 1950
        {"registration_number": "5", "date_of_death": None},
        {
            "registration_number": "6",
            "registration_date": "01/01/2030",
            "date_of_death": "01/12/2029",
        },
    ]
    norm = normalise(frame("death_registration", DEATH, rows), "death_registration")
    report = validate(norm, "death_registration", today=TODAY)
    assert flagged(report, 0) == set()
    assert ("date_of_death", "death_before_birth") in flagged(report, 1)
    assert ("date_of_death", "death_after_registration") in flagged(report, 2)
    assert ("deceased_personal_id", "id_year_mismatch") in flagged(report, 3)
    assert ("date_of_death", "missing_required") in flagged(report, 4)
    assert ("registration_date", "date_in_future") in flagged(report, 5)
