"""Extraction rules on hand-made word lists: label OCR errors, leaders, sections, columns."""

from __future__ import annotations

from ocr.extract import extract_fields, split_words
from ocr.forms.birth import BIRTH
from sohoa.types import Word


def line(y: int, *pieces: tuple[int, str], key: int, conf: float = 90.0) -> list[Word]:
    """Words on one line: (x, text) pairs, 20 px per character wide, 40 px high."""
    return [Word(text, conf, (x, y, 20 * len(text), 40), (key, 1, 1)) for x, text in pieces]


def words_of(lines: list[list[Word]]) -> list[Word]:
    return [w for ws in lines for w in ws]


def test_label_ocr_errors_and_glued_leaders():
    page = words_of(
        [
            line(100, (100, "Ho,"), (180, "chữ"), (280, "đêm,"), (380, "tên:....NGUYỄN"),
                 (720, "VĂN"), (820, "AN"), key=1),
            line(170, (100, "Giơi"), (200, "tinh:"), (320, "Nam......"), (700, "Dân"),
                 (780, "tôc:"), (880, "Kinh"), (1300, "Quốc"), (1420, "tịch:"),
                 (1540, "Việt"), (1640, "Nam"), key=2),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["child_full_name"].value_text == "NGUYỄN VĂN AN"
    assert fields["child_sex"].value_text == "Nam"
    assert fields["child_ethnicity"].value_text == "Kinh"
    assert fields["child_nationality"].value_text == "Việt Nam"
    assert fields["child_full_name"].label_text.startswith("Ho,")
    assert fields["mother_full_name"].value_text is None
    assert fields["mother_full_name"].confidence == 0.0


def test_same_label_resolved_by_section():
    page = words_of(
        [
            line(100, (100, "Dân"), (180, "tộc:"), (300, "Mường"), key=1),
            line(170, (100, "Họ"), (160, "và"), (220, "tên"), (300, "mẹ:"), (400, "LÊ"),
                 (460, "THỊ"), (540, "HOA"), key=2),
            line(240, (100, "Năm"), (200, "sinh:"), (320, "1990"), (700, "Dân"), (780, "tộc:"),
                 (880, "Tày"), key=3),
            line(310, (100, "Họ"), (160, "và"), (220, "tên"), (300, "cha:"), (420, "LÒ"),
                 (480, "VĂN"), (560, "PÁO"), key=4),
            line(380, (100, "Năm"), (200, "sinh:"), (320, "1988"), (700, "Dân"), (780, "tộc:"),
                 (880, "Thái"), key=5),
            line(450, (100, "Nơi"), (180, "cư"), (240, "trú:"), (340, "Bản"), (420, "Nà"),
                 (480, "Sài,"), key=6),
            line(500, (140, "xã"), (200, "Chiềng"), (360, "Ban"), key=7),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["child_ethnicity"].value_text == "Mường"
    assert fields["mother_full_name"].value_text == "LÊ THỊ HOA"
    assert fields["mother_ethnicity"].value_text == "Tày"
    assert fields["mother_birth_year"].value_text == "1990"
    assert fields["father_ethnicity"].value_text == "Thái"
    assert fields["father_birth_year"].value_text == "1988"
    # a wrapped value continues on the next row
    assert fields["father_residence_text"].value_text == "Bản Nà Sài, xã Chiềng Ban"
    assert fields["mother_residence_text"].value_text is None


def test_two_column_parent_table():
    page = words_of(
        [
            line(100, (900, "Cha"), (1500, "Mẹ"), key=1),
            line(170, (100, "Họ"), (160, "và"), (220, "tên"), (800, "TRẦN"), (900, "AN"),
                 (1400, "VŨ"), (1460, "THỊ"), (1540, "BA"), key=2),
            line(240, (100, "Dân"), (180, "tộc"), (850, "Kinh"), (1450, "Hoa"), key=3),
            line(310, (100, "Nơi"), (180, "thường"), (320, "trú"), (800, "Thôn"), (900, "1,"),
                 (1400, "Thôn"), (1500, "2,"), key=4),
            line(360, (800, "xã"), (860, "Lộc"), (1400, "xã"), (1460, "Tân"), key=5),
            line(450, (100, "Quan"), (200, "hệ"), (260, "với"), (340, "người"), (460, "được"),
                 (560, "khai"), (660, "sinh:"), (780, "Cha"), key=6),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["father_full_name"].value_text == "TRẦN AN"
    assert fields["mother_full_name"].value_text == "VŨ THỊ BA"
    assert fields["father_ethnicity"].value_text == "Kinh"
    assert fields["mother_ethnicity"].value_text == "Hoa"
    assert fields["father_residence_text"].value_text == "Thôn 1, xã Lộc"
    assert fields["mother_residence_text"].value_text == "Thôn 2, xã Tân"
    # "Cha" alone on a row is a value, not a column header
    assert fields["declarant_relationship"].value_text == "Cha"


def test_registration_numbers_and_confidence():
    page = words_of(
        [
            line(100, (100, "Số:"), (200, "45"), (260, "/"), (300, "TLKS-BS"), (900, "Quyển"),
                 (1040, "số:"), (1120, "02/2013"), key=1, conf=80.0),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["registration_number"].value_text == "45/TLKS-BS"
    assert fields["book_number"].value_text == "02/2013"
    assert abs(fields["book_number"].confidence - 0.8) < 1e-6
    x, _y, w, h = fields["registration_number"].box
    assert x == 200 and w >= 240 and h == 40


def test_short_labels_need_a_colon_or_an_exact_match():
    # "La Gi, tỉnh" must not be read as the label "Giới tính"
    page = words_of(
        [
            line(100, (100, "Nơi"), (180, "sinh:"), (300, "thị"), (380, "xã"), (440, "La"),
                 (500, "Gi,"), (560, "tỉnh"), (660, "Bình"), (760, "Thuận"), key=1),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["child_place_of_birth_text"].value_text == "thị xã La Gi, tỉnh Bình Thuận"
    assert fields["child_sex"].value_text is None


def test_split_words_keeps_dates_and_codes():
    ws = split_words(
        [
            Word("05.03.2013", 90, (0, 0, 200, 40)),
            Word("45/TLKT-BS", 90, (0, 0, 200, 40)),
            Word("tên:NGUYỄN", 90, (0, 0, 200, 40)),
        ]
    )
    assert [w.text for w in ws] == ["05.03.2013", "45/TLKT-BS", "tên:", "NGUYỄN"]
