import pandas as pd
import pytest

from transforms import normalise
from transforms.flags import forces_review
from transforms.names import load_lexicon, normalise_names, repair_name, tidy_name_marks


@pytest.mark.parametrize(
    ("read", "want"),
    [
        ("NGUYÊN VĂN HÔNG", "NGUYỄN VĂN HỒNG"),  # tone dropped, circumflex kept
        ("NGUYEN THI HONG", "NGUYỄN THỊ HỒNG"),  # every mark dropped
        ("ĐỔ VĂN TÙNG", "ĐỖ VĂN TÙNG"),  # hỏi read for ngã
        ("LÊ NGUYÊN", "LÊ NGUYÊN"),  # Nguyên is a given name
        ("TRẦN LÊ MINH KHOA", "TRẦN LÊ MINH KHOA"),
        ("NGUYỄN ĐINH TUẤN", "NGUYỄN ĐINH TUẤN"),  # a family name as middle name is kept
        ("NGUYỄN THỊ HƯỜNG", "NGUYỄN THỊ HƯỜNG"),  # a tone that is not hỏi/ngã is never changed
        ("HUỲNH VĂN AN", "HUỲNH VĂN AN"),
        ("HOÀNG VĂN AN", "HOÀNG VĂN AN"),
        ("VÕ THỊ LY", "VÕ THỊ LY"),
        ("VŨ THỊ LY", "VŨ THỊ LY"),
        ("K' BRỒNG", "K' BRỒNG"),  # minority names are never touched
        ("KA NHI", "KA NHI"),
        ("MA THỊ LY", "MA THỊ LY"),  # Chu-ru family name, not Mã
        ("H' HEN NIÊ", "H' HEN NIÊ"),
        # a first word that is no family name, with another tone misread: one Kinh family name
        # has its letters (read by Tesseract on generated scans)
        ("LẺ THỊ LIÊN", "LÊ THỊ LIÊN"),
        ("TRẤN VĂN AN", "TRẦN VĂN AN"),
        ("ĐỈNH ĐỨC DUY", "ĐINH ĐỨC DUY"),
        ("PHÀN THỊ UYÊN", "PHAN THỊ UYÊN"),
        # a syllable no name is written with, its tone misread: the entry with its hat marks
        ("ĐẶNG QUANG QUẦN", "ĐẶNG QUANG QUÂN"),
        ("LÊ TẤN HÁI", "LÊ TẤN HẢI"),
        ("PHẠM THỊ CHỊ", "PHẠM THỊ CHI"),
        # a faint breve read as a hat (dev s32 harsh birth 0013, auto-accepted)
        ("TRƯƠNG VẤN VIỆT", "TRƯƠNG VĂN VIỆT"),
        ("NGUYỄN THỊ VÂN", "NGUYỄN THỊ VÂN"),  # a name written so is not changed
        # family names of other peoples are right as written
        ("HỜ A SÌNH", "HỜ A SÌNH"),
        ("LÒ VĂN AN", "LÒ VĂN AN"),
        ("HẠ THỊ MAI", "HẠ THỊ MAI"),
        ("BÓN ĐƠNG KA NGỌC", "BÓN ĐƠNG KA NGỌC"),  # no Kinh family name is "BON"
    ],
)
def test_repair(read, want):
    assert repair_name(read, load_lexicon(), 20.0) == want


def test_hoang_huynh_never_merged():
    lex = load_lexicon()
    assert repair_name("HOANG VĂN AN", lex, 20.0).startswith("HOÀNG ")
    assert repair_name("HUYNH VĂN AN", lex, 20.0).startswith("HUỲNH ")


def test_repair_reported_and_split():
    res = normalise_names(pd.Series(["Nguyên văn Hông", "K\u2019 Brồng", None]))
    assert res.full_name.tolist() == ["NGUYỄN VĂN HỒNG", "K\u2019 BRỒNG", None]
    assert res.repaired.tolist() == [True, False, False]
    assert res.family_name.tolist() == ["NGUYỄN", None, None]
    assert res.given_name.tolist() == ["HỒNG", None, None]


def test_lexicon_has_roles_and_weights():
    lex = load_lexicon()
    assert lex.weight_of("family", "NGUYỄN") > lex.weight_of("family", "LÝ") > 0
    assert lex.weight_of("middle", "THỊ") > 0 and lex.weight_of("given", "HỒNG") > 0


def test_generated_names_are_never_changed():
    import random

    from sample_scans import people

    rng = random.Random(5)
    names = [
        people.make_person(rng, birth_year=rng.randint(1930, 2020)).full_name.upper()
        for _ in range(3000)
    ]
    result = normalise_names(pd.Series(names))
    assert [(a, b) for a, b in zip(names, result.full_name, strict=True) if a != b] == []


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("ĐTỂU DƯƠNG", "ĐIỂU DƯƠNG"),  # household s5555-0007 (clean): I read T
        ("ĐTIỂU DƯƠNG", "ĐIỂU DƯƠNG"),  # the same page's member table: a T added
        ("HUỲNH VĂN HẢT", "HUỲNH VĂN HẢI"),  # death s5555-0003
        ("TRẦN KTIM THỦY", "TRẦN KIM THỦY"),  # death s5555-0012
        ("WGUYỄN QUANG PHÚC", "NGUYỄN QUANG PHÚC"),  # birth s78-0007
    ],
)
def test_a_letter_confused_in_a_word_no_name_has(read, printed):
    result = normalise_names(pd.Series([read]))
    assert result.full_name[0] == printed
    assert bool(result.repaired[0])


@pytest.mark.parametrize(
    "name", ["K' JRANG", "Y NUI HWING", "KA NHUNG", "NGUYỄN VĂN TÍN", "LÊ THỊ TUYẾT", "TOU PRONG"]
)
def test_names_of_other_peoples_and_known_words_are_not_unconfused(name):
    result = normalise_names(pd.Series([name]))
    assert result.full_name[0] == name
    assert not bool(result.repaired[0])


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("PHẠM VĂ NHÀO", "PHẠM VĂN HÀO"),  # household s5555-0010 (clean): the space moved
        ("NGUYÊ NHỮU KHOA", "NGUYỄN HỮU KHOA"),  # household s6161-0006, then NGUYÊN → NGUYỄN
        ("TRỊ INH VĂN VIỆT", "TRỊNH VĂN VIỆT"),  # household s5555-0003: a stroke read I
        ("HU LỲNH THỊ TRINH", "HUỲNH THỊ TRINH"),  # household s7272-0000
        ("IN GUYỄN GIANG", "NGUYỄN GIANG"),  # household s6161-0010: the cell's rule read I
    ],
)
def test_a_name_split_in_the_wrong_place_is_respaced(read, printed):
    result = normalise_names(pd.Series([read]))
    assert result.full_name[0] == printed
    assert bool(result.repaired[0])


@pytest.mark.parametrize(
    "name",
    ["Y NUIHWING", "ĐACATK KRIÊNG", "KA NHUNG", "HỒ ỒT HỊ KHUÊ", "NÔNG VĂN DỀN", "LÊ THỊ HẰNG"],
)
def test_names_of_other_peoples_and_unclear_splits_are_kept(name):
    assert normalise_names(pd.Series([name])).full_name[0] == name


@pytest.mark.parametrize(
    ("read", "tidied"),
    [
        # dev harsh photocopies (seeds 77, 4242, 555): specks between the words of a name
        ("PHAM-THỊ LINH", "PHAM-THỊ LINH"),  # a hyphenated name is a name (national format)
        ("LÊ: TẤN KHANG", "LÊ TẤN KHANG"),
        ("NGUYỄN NGUYỄN MỊNH. TUYỂN", "NGUYỄN NGUYỄN MỊNH TUYỂN"),
        ("NGUYỄN VĂN’KIÊN", "NGUYỄN VĂN KIÊN"),
        ("NGUYÊN THỊ LÀI'", "NGUYÊN THỊ LÀI"),
        # a minority name's prefix keeps its apostrophe
        ("K' JRANG", "K' JRANG"),
        ("LIÊNG HÓT K' TRANG", "LIÊNG HÓT K' TRANG"),
        ("H'BLIH", "H'BLIH"),
    ],
)
def test_stray_marks_in_a_name_are_dropped(read, tidied):
    assert tidy_name_marks(read) == tidied


def test_a_name_with_marks_dropped_goes_to_review(raw_birth):
    out = normalise(raw_birth([{"mother_full_name": "PHẠM: THỊ LINH"}]), "birth_registration")
    row = out.iloc[0]
    assert row["mother_full_name"] == "PHẠM THỊ LINH"
    assert row["raw__mother_full_name"] == "PHẠM: THỊ LINH"
    flag = next(f for f in row["flags"] if f["field"] == "mother_full_name")
    assert flag["reason"] == "name_marks_tidied" and forces_review(flag)
