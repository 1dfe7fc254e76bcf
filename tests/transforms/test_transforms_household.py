"""Household normalisation: book fields and the nested member table."""

import pandas as pd

from transforms import normalise


def _raw(members):
    return pd.DataFrame([{
        "record_id": "r1", "doc_type": "household_registration", "source_file": "f.png",
        "source_sha256": "x", "page": 1, "batch_id": None,
        "household_book_number": "259768353", "head_full_name": "NGUYỄN VĂN AN",
        "address_text": "Thôn An Bình, xã Đưng KNớ, huyện Lạc Dương, tỉnh Lâm Đồng",
        "issue_date": "ngày 20 tháng 6 năm 2018",
        "members": members, "conf__members": [{k: 0.9 for k in m} for m in members],
    }])  # fmt: skip


def test_members_nested_in_national_format():
    members = [
        {"member_index": "1", "full_name": "NGUYỄN VĂN AN", "relationship_to_head": "Chủ hộ",
         "sex": "Nam", "date_of_birth": "05/03/1960", "ethnicity": "Kinh",
         "struck_out": "false"},
        {"member_index": "2", "full_name": "LÊ THỊ BÌNH", "relationship_to_head": "Vợ",
         "sex": "Nữ", "date_of_birth": "31/02/1962", "struck_out": "true"},
    ]  # fmt: skip
    out = normalise(_raw(members), "household_registration")
    row = out.iloc[0]
    assert row["household_book_number"] == "259768353"
    assert row["issue_date"] == "2018-06-20"
    assert row["address_province_code"] == "68"
    m = row["members"]
    assert [x["relationship_to_head"] for x in m] == ["HEAD", "WIFE"]
    assert m[0]["date_of_birth"] == "1960-03-05" and m[0]["sex"] == 1
    assert m[0]["ethnicity_code"] == "01" and m[1]["struck_out"] is True
    assert m[1]["household_book_number"] == "259768353"
    assert {f["field"] for f in row["flags"]} >= {"members[1].date_of_birth"}
    assert row["raw__members"][1]["date_of_birth"] == "31/02/1962"
    assert row["conf__members"][0]["full_name"] == 0.9


def test_a_members_book_number_is_as_sure_as_the_books():
    members = [{"member_index": "1", "full_name": "NGUYỄN VĂN AN"}, {"member_index": "2"}]
    raw = _raw(members).assign(conf__household_book_number=0.83)
    row = normalise(raw, "household_registration").iloc[0]
    assert [m["household_book_number"] for m in row["members"]] == ["259768353"] * 2
    assert [c["household_book_number"] for c in row["conf__members"]] == [0.83, 0.83]
