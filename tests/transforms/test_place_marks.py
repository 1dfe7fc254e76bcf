"""Stray marks dropped from place and authority texts (real misreadings of speckled and noisy
generated scans read by Tesseract, dev seed 77)."""

import pandas as pd
import pytest

from transforms import normalise
from transforms.place_marks import tidy_place_marks, tidy_place_marks_column


@pytest.mark.parametrize(
    ("read", "tidied"),
    [
        # a colon or a mark between a part's word and its name or number
        ("Thôn 8, xã Tân Xuân, huyện: Hàm Tân, tỉnh Bình Thuận",
         "Thôn 8, xã Tân Xuân, huyện Hàm Tân, tỉnh Bình Thuận"),
        ("Thôn: Tân Lập, xã Ninh Loan", "Thôn Tân Lập, xã Ninh Loan"),
        ("Tổ dân phố 14, xã Tân Bình, thị xã: La Gi", "Tổ dân phố 14, xã Tân Bình, thị xã La Gi"),
        ("Thôn.12, xã Đam Rông 1, tỉnh Lâm Đồng", "Thôn 12, xã Đam Rông 1, tỉnh Lâm Đồng"),
        ("Số.192 đường Phạm Ngọc Thạch", "Số 192 đường Phạm Ngọc Thạch"),
        ("huyện Đam Rông, tỉnh,Lâm Đồng", "huyện Đam Rông, tỉnh Lâm Đồng"),
        ("huyện'Nám Đàn, tỉnh Nghệ An", "huyện Nám Đàn, tỉnh Nghệ An"),
        # a semicolon between two parts is their comma, inside an authority's body it goes
        ("Tổ 14, xã Hòa Thắng, huyện Bắc Bình; tỉnh Bình Thuận",
         "Tổ 14, xã Hòa Thắng, huyện Bắc Bình, tỉnh Bình Thuận"),
        ("Số 179 đường Lý Thường Kiệt; phường 2", "Số 179 đường Lý Thường Kiệt, phường 2"),
        ("Tại nhà; Số 136 đường Hai Bà Trưng", "Tại nhà, Số 136 đường Hai Bà Trưng"),
        ("Ủy ban nhân dân; xã Hòa Thắng, huyện Bắc Bình",
         "Ủy ban nhân dân xã Hòa Thắng, huyện Bắc Bình"),
        ("Thôn 15;-xã Đại Lào, thành phố Bảo Lộc", "Thôn 15, xã Đại Lào, thành phố Bảo Lộc"),
        # a speck before a unit word, after a comma, between small letters, at the end
        ("Trạm Y tế .xã Trạm Hành", "Trạm Y tế xã Trạm Hành"),
        ("Trạm Y tế-xã Tà Năng", "Trạm Y tế xã Tà Năng"),
        ("xã Kỳ Tân, .huyện Tân Kỳ", "xã Kỳ Tân, huyện Tân Kỳ"),
        ("Ủy ban nhân.dân xã Đạ Đờn", "Ủy ban nhân dân xã Đạ Đờn"),
        ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG.", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG"),
        ("Thôn Bình Thạnh; xã Thuận An,huyện Đắk Mil",
         "Thôn Bình Thạnh, xã Thuận An, huyện Đắk Mil"),
        # symbols no address holds, apostrophes outside a name
        ("Số 136 đường Hai: Bà Trưng", "Số 136 đường Hai Bà Trưng"),
        ("Ủy ban nhân: dân xã Tân Hà", "Ủy ban nhân dân xã Tân Hà"),
        ("xã 'Đạ Chais, huyện Lạc Dương", "xã Đạ Chais, huyện Lạc Dương"),
        ("huyện Hàm Thuận Bắc, tỉnh Bình' Thuận", "huyện Hàm Thuận Bắc, tỉnh Bình Thuận"),
        # a part's end read as a dot, a comma lost after a number, a speck read as ‹ (dev harsh
        # birth pages, seeds 77, 2024)
        ("Ủy ban nhân dân xã Nghị Đức. huyện Tánh Linh. tỉnh Bình Thuận",
         "Ủy ban nhân dân xã Nghị Đức, huyện Tánh Linh, tỉnh Bình Thuận"),
        ("Khu phố 13 xã Đạ Nhim, huyện Lạc Dương", "Khu phố 13, xã Đạ Nhim, huyện Lạc Dương"),
        ("Tổ 1, xã‹Quảng Tân, huyện Tuy Đức", "Tổ 1, xã Quảng Tân, huyện Tuy Đức"),
    ],
)  # fmt: skip
def test_stray_marks_are_dropped(read, tidied):
    assert tidy_place_marks(read) == tidied


@pytest.mark.parametrize(
    "text",
    [
        "Thôn 7, xã Đamb'ri, thành phố Bảo Lộc, tỉnh Lâm Đồng",
        "xã Đạ K'Nàng, huyện Đam Rông",
        "Thôn R'Chai, thị trấn D'Ran, huyện Đơn Dương",
        "Số 12/3 đường Trần Phú, phường 4, thành phố Đà Lạt",
        "UBND TP. Đà Lạt",
        "tỉnh Bà Rịa - Vũng Tàu",
        "xã Hòa Ninh, huyện Di Linh,",  # a part cut short keeps its comma (mending trims it)
        "Trạm Y tế xã Ninh Loan",
        "Bệnh viện Đa khoa tỉnh Lâm Đồng",  # a name runs on into its unit without a comma
        "Số 250 đường Phạm Ngọc Thạch, thị trấn Ea T'Ling",
    ],
)
def test_marks_of_the_written_text_are_kept(text):
    assert tidy_place_marks(text) == text


def test_no_official_unit_of_the_country_loses_a_mark(official_place_texts):
    texts = official_place_texts + [f"Ủy ban nhân dân {t}" for t in official_place_texts[::5]]
    assert [t for t in texts if tidy_place_marks(t) != t] == []


def test_column_tidies_and_says_which_rows():
    raw = pd.Series(["huyện: Hàm Tân", "huyện  Hàm Tân", "huyện Hàm Tân", None])
    tidied, changed = tidy_place_marks_column(raw)
    assert tidied.tolist() == ["huyện Hàm Tân"] * 3 + [None]
    assert changed.tolist() == [True, False, False, False]  # spaces folded are no change


def test_normalise_flags_the_tidied_place_and_keeps_what_was_read(raw_birth):
    read = "Tổ 14, xã Hòa Thắng, huyện Bắc Bình; tỉnh Bình Thuận"
    out = normalise(raw_birth([{"father_residence_text": read}]), "birth_registration").iloc[0]
    assert out["father_residence_text"] == read.replace(";", ",")
    assert out["raw__father_residence_text"] == read
    reasons = {(f["field"], f["reason"]) for f in out["flags"]}
    assert ("father_residence_text", "place_marks_tidied") in reasons
    # a tidied text is not a doubt but a flag: a person confirms it
    assert out["conf__father_residence_text"] == 0.0
