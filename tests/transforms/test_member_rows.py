"""Household member rows: explosion of the table cells, awkward cells, readable reasons."""

import pandas as pd

from transforms import explode_table, normalise
from transforms.admin_units import admin_part, province_names


def _book(members, confs=None, address="Thôn An Bình, xã Đưng KNớ, huyện Lạc Dương, tỉnh Lâm Đồng"):
    return pd.DataFrame([{
        "record_id": "r1", "doc_type": "household_registration", "source_file": "f.png",
        "source_sha256": "x", "page": 1, "batch_id": None,
        "household_book_number": "259768353", "head_full_name": "K' BRỒNG",
        "address_text": address, "issue_date": "20/06/2018",
        "members": members,
        "conf__members": confs if confs is not None else [{k: 0.9 for k in m} for m in members],
    }])  # fmt: skip


def test_explode_keeps_positions_and_treats_odd_cells_as_unread():
    raw = pd.concat([
        _book([{"full_name": "K' BRỒNG", "sex": "Nam"}, {"full_name": "   ", "sex": 2}],
              confs=[{"full_name": 0.8}]),
        _book([]),
        _book([{"full_name": "KA NHI", "member_index": "3"}]),
    ], ignore_index=True)  # fmt: skip
    rows = explode_table(raw, "members", ("member_index", "full_name", "sex"))
    assert rows["_parent"].tolist() == [0, 0, 2] and rows["_row"].tolist() == [0, 1, 0]
    # a blank cell and a number where text belongs are unread, not guessed
    assert rows["full_name"].tolist() == ["K' BRỒNG", None, "KA NHI"]
    assert rows["sex"].tolist() == ["Nam", None, None]
    # a confidence list shorter than the rows gives 0.0 to the rows it misses
    assert rows["conf__full_name"].tolist() == [0.8, 0.0, 0.9]
    assert rows["conf__sex"].tolist() == [0.0, 0.0, 0.0]


def test_minority_names_lodger_and_two_digit_year_in_members():
    members = [
        {"member_index": "1", "full_name": "K' BRỒNG", "relationship_to_head": "Chủ hộ",
         "sex": "Nam", "date_of_birth": "05/03/1960", "ethnicity": "K'Ho"},
        {"member_index": "2", "full_name": "KA NHI", "relationship_to_head": "Người ở nhờ",
         "sex": "Nữ", "date_of_birth": "05/03/62", "ethnicity": "Cơ Ho"},
    ]  # fmt: skip
    row = normalise(_book(members), "household_registration").iloc[0]
    m = row["members"]
    assert [x["full_name"] for x in m] == ["K' BRỒNG", "KA NHI"]
    assert [x["relationship_to_head"] for x in m] == ["HEAD", "OTHER"]
    assert [x["ethnicity_code"] for x in m] == ["16", "16"]
    assert m[1]["date_of_birth"] is None  # 62: 1962? never expanded by a machine
    flag = next(f for f in row["flags"] if f["field"] == "members[1].date_of_birth")
    assert flag["reason"] == "two_digit_year" and "05/03/62" in flag["message_vi"]
    assert row["raw__members"][1]["date_of_birth"] == "05/03/62"
    assert row["conf__members"][1]["date_of_birth"] == 0.0


def test_unknown_commune_gives_a_readable_reason_and_keeps_the_text():
    address = "Thôn 3, xã Không Có Thật, huyện Không Tên, tỉnh Lâm Đồng"
    row = normalise(_book([], address=address), "household_registration").iloc[0]
    assert row["address_commune_code"] is None
    assert row["address_text"] == address and row["raw__address_text"] == address
    flag = next(f for f in row["flags"] if f["field"] == "address_commune_code")
    assert flag["reason"] == "unknown_commune"
    assert flag["message_vi"].startswith("Không xác định được xã") and address in flag["message_vi"]
    assert flag["message_en"].startswith("The commune could not be identified")


def test_parts_below_the_commune_are_not_looked_up():
    assert admin_part("Số 133 đường Thống Nhất, phường Phú Tài, tỉnh Bình Thuận") == (
        "phường Phú Tài, tỉnh Bình Thuận"
    )
    assert admin_part("Thôn 2, Tổ 5, xã Hiệp An, huyện Đức Trọng") == "xã Hiệp An, huyện Đức Trọng"
    # nothing recognisably below the commune: the text is looked up whole
    assert admin_part("Hiệp Thạnh, Đức Trọng, Lâm Đồng") == "Hiệp Thạnh, Đức Trọng, Lâm Đồng"
    assert admin_part("Thôn 2") == "Thôn 2"


def test_province_names_from_the_library_in_both_tone_placements():
    names = province_names()
    assert {"Lâm Đồng", "Đắk Nông", "Bình Thuận", "Khánh Hòa", "Khánh Hoà"} <= names
    assert "Lãm Đồng" not in names and "Bình" not in names


def test_misread_relationship_and_religion_are_guessed_and_flagged():
    members = [
        {"member_index": "1", "full_name": "LÊ VĂN AN", "relationship_to_head": "Chủ hộ",
         "religion": "Công giảo"},
        {"member_index": "2", "full_name": "LÊ THỊ BÌNH", "relationship_to_head": "Cơn gái",
         "religion": "Không"},
    ]  # fmt: skip
    row = normalise(_book(members), "household_registration").iloc[0]
    m = row["members"]
    assert [x["religion"] for x in m] == ["Công giáo", "Không"]
    assert [x["relationship_to_head"] for x in m] == ["HEAD", "CHILD"]
    reasons = {(f["field"], f["reason"]) for f in row["flags"]}
    assert ("members[0].religion", "religion_guessed") in reasons
    assert ("members[1].relationship_to_head", "relationship_guessed") in reasons
    assert row["raw__members"][0]["religion"] == "Công giảo"


def test_occupations_read_glued_in_the_wrong_case_or_with_marks_wrong():
    read = ["Làmrẫy", "NộI trợ", "Công nhần", "Trồng cà phê", "Thợ làm bánh", "Làm rẫi"]
    members = [
        {"member_index": str(i), "full_name": "LÊ VĂN AN", "occupation": o}
        for i, o in enumerate(read, 1)
    ]
    row = normalise(_book(members), "household_registration").iloc[0]
    assert [x["occupation"] for x in row["members"]] == [
        "Làm rẫy",  # spacing and case as usually written: same letters and marks
        "Nội trợ",
        "Công nhân",  # marks: respelt and flagged
        "Trồng cà phê",
        "Thợ làm bánh",  # no usual wording: kept as written
        "Làm rẫi",  # a letter wrong is another word: kept
    ]
    reasons = {(f["field"], f["reason"]) for f in row["flags"]}
    assert ("members[2].occupation", "occupation_respelt") in reasons
    assert not {r for r in reasons if r[1] == "occupation_respelt"} - {
        ("members[2].occupation", "occupation_respelt")
    }
    assert row["raw__members"][0]["occupation"] == "Làmrẫy"
