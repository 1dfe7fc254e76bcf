"""An authority's body read a few letters off, mended to its standard wording (real misreadings
of harsh generated scans read by Tesseract, dev seeds 77, 4242 and 555)."""

import pytest

from transforms import normalise
from transforms.authorities import mend_authority_body, mend_authority_column


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("Ủy bạn nhân dân xã Quảng Tâm", "Ủy ban nhân dân xã Quảng Tâm"),
        ("Ủy ban nhéa dán w Lộc Quảng", "Ủy ban nhân dân w Lộc Quảng"),
        ("Ủy ban-nhân dân xã Hàm Thuận", "Ủy ban nhân dân xã Hàm Thuận"),
        ("Uy ban nhân dân xã Tân Thắng", "Ủy ban nhân dân xã Tân Thắng"),
        ("Uỷ bạn nhân dân xã Tân Thắng", "Uỷ ban nhân dân xã Tân Thắng"),
        ("ỦY BẠN NHÂN ĐẨN HUYỆN ĐƠN DƯƠNG", "ỦY BAN NHÂN DÂN HUYỆN ĐƠN DƯƠNG"),
        ("ÚÝ BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),
        ("SỞ TÀI NGUYÊN VÀ MỜI TRƯỜNG TỈNH LÂM ĐỒNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG"),
        ("SỞ TÀI NGUYÊN VẢ-MÔI TRƯỜNG TỈNH ĐẮK NÔNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH ĐẮK NÔNG"),
    ],
)
def test_a_body_a_few_letters_off_is_mended(read, mended):
    assert mend_authority_body(read) == mended


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban nhân dân xã Tân Hà, huyện Lâm Hà, tỉnh Lâm Đồng",
        "Uỷ ban nhân dân xã Tân Hà",  # the older tone placement is a spelling in use
        "UBND xã Ninh Loan, huyện Đức Trọng",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG",
        "Văn phòng đăng ký đất đai tỉnh Lâm Đồng",
        "Chi nhánh Văn phòng đăng ký đất đai huyện Đức Trọng",
        "xã Tân Hà, huyện Lâm Hà",
        "Ủy ban",
        "",
    ],
)
def test_a_body_as_written_or_no_body_stays(text):
    assert mend_authority_body(text) == text


def test_normalise_flags_the_mended_body_and_keeps_what_was_read(raw_birth):
    read = "Ủy bạn nhân dân xã Ninh Loan, huyện Đức Trọng, tỉnh Lâm Đồng"
    rows = [{"registration_authority_text": read}, {"mother_residence_text": "Ủy bạn nhân dân"}]
    out = normalise(raw_birth(rows), "birth_registration")
    first = out.iloc[0]
    assert first["registration_authority_text"] == read.replace("bạn", "ban")
    assert first["raw__registration_authority_text"] == read
    assert first["registration_commune_code"] is not None
    reasons = {(f["field"], f["reason"]) for f in first["flags"]}
    assert ("registration_authority_text", "authority_body_mended") in reasons
    # only authorities open with a body
    assert out.iloc[1]["mother_residence_text"] == "Ủy bạn nhân dân"
    mended, changed = mend_authority_column(out["raw__registration_authority_text"])
    assert changed.tolist() == [True, False]
    assert mended.iloc[0] == first["registration_authority_text"]
