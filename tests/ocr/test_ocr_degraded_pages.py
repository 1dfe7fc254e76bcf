"""Extraction on words as Tesseract reads degraded (harsh) pages: misread labels, labels that
swallow a name's first syllable, dates wrapped onto the next line, sideways readings."""

from __future__ import annotations

import pytest

from ocr.classify import classify_text
from ocr.extract import extract_fields, group_rows, split_words
from ocr.forms.birth import BIRTH
from ocr.forms.death import DEATH
from ocr.forms.household import HOUSEHOLD
from ocr.forms.land import read_vertices, split_vertex_row
from ocr.forms.marriage import MARRIAGE
from ocr.pipeline import reads_clearly_better, reads_sideways, upright_words
from ocr.text import repair_date, repair_date_words, split_glued_syllables
from sohoa.types import Word


def member_table_header():
    """The printed header row of a household book's member table, as OCR words."""
    return line(100, (100, "STT"), (300, "Họ"), (360, "và"), (420, "tên"), (800, "Quan"),
                (900, "hệ"), (1100, "Ngày"), (1200, "sinh"), (1500, "Nam/Nữ"), key=1)  # fmt: skip


def line(y: int, *pieces: tuple[int, str], key: int, conf: float = 90.0) -> list[Word]:
    """Words on one line: (x, text) pairs, 20 px per character wide, 40 px high."""
    return [Word(text, conf, (x, y, 20 * len(text), 40), (key, 1, 1)) for x, text in pieces]


def words_of(lines: list[list[Word]]) -> list[Word]:
    return [w for ws in lines for w in ws]


def _household_top(address_line: list[Word]) -> list[Word]:
    return words_of(
        [
            line(100, (100, "Sổ"), (160, "số:"), (600, "235734207"), key=1),
            line(170, (100, "Họ"), (160, "và"), (220, "tên"), (300, "chủ"), (380, "hộ:"),
                 (600, "TRẦN"), (700, "VĂN"), (800, "LỰC"), key=2),
            address_line,
            line(310, (100, "Ngày"), (200, "cấp:"), (600, "01/06/2018"), key=4),
        ]
    )  # fmt: skip


def test_misread_label_found_between_its_neighbours():
    # "Địa chỉ thường trú:" as OCR read it on a harsh household page
    address = line(240, (100, "Địn"), (180, "thị"), (240, "tấu"), (320, "Sóc"), (400, "."),
                   (600, "Thôn"), (700, "Liên"), (800, "Hòa,"), (900, "xã"), (960, "Lộc"),
                   (1040, "Bảo"), key=3)  # fmt: skip
    fields = extract_fields(_household_top(address), HOUSEHOLD, 2000)
    assert fields["address_text"].value_text == "Thôn Liên Hòa, xã Lộc Bảo"
    assert fields["address_text"].label_text == "Địn thị tấu Sóc"
    # less sure than the same value under a label that was read
    labelled = line(240, (100, "Địa"), (180, "chỉ"), (240, "thường"), (380, "trú:"),
                    (600, "Thôn"), (700, "Liên"), (800, "Hòa,"), (900, "xã"), (960, "Lộc"),
                    (1040, "Bảo"), key=3)  # fmt: skip
    sure = extract_fields(_household_top(labelled), HOUSEHOLD, 2000)["address_text"]
    assert sure.value_text == "Thôn Liên Hòa, xã Lộc Bảo"
    assert fields["address_text"].confidence < sure.confidence
    assert fields["issue_date"].value_text == "01/06/2018"


def test_unlabelled_line_needs_both_neighbours_one_row_apart():
    # a line that does not look like the label at all is not taken for it
    noise = line(240, (100, "xxxxxxxx"), (400, "qqqq"), (600, "Thôn"), (700, "Liên"), key=3)
    assert extract_fields(_household_top(noise), HOUSEHOLD, 2000)["address_text"].value_text is None
    # without the next labelled line the row between is unknown
    page = [w for w in _household_top(noise) if w.line_key[0] != 4]
    page += line(240, (100, "Địn"), (180, "thị"), (240, "tấu"), (600, "Thôn"), key=3)
    assert extract_fields(page, HOUSEHOLD, 2000)["address_text"].value_text is None


def test_short_last_label_word_does_not_swallow_a_name():
    # "Họ và tên Bon …": the label "Họ và tên bố" must not eat the father's first syllable
    page = words_of(
        [
            line(100, (900, "Cha"), (1500, "Mẹ"), key=1),
            line(170, (100, "Họ"), (160, "và"), (220, "tên"), (700, "Bon"), (780, "Đơng"),
                 (880, "K'"), (930, "Trang"), (1400, "Đa"), (1460, "Cat"), (1540, "Ka"),
                 (1600, "Dung"), key=2),
            line(240, (100, "Năm"), (180, "sinh"), (700, "1965"), (1400, "1971"), key=3),
        ]
    )  # fmt: skip
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["father_full_name"].value_text == "Bon Đơng K' Trang"
    assert fields["mother_full_name"].value_text == "Đa Cat Ka Dung"
    assert fields["mother_birth_year"].value_text == "1971"


def test_date_of_death_with_its_year_on_the_next_line():
    page = words_of(
        [
            line(100, (100, "Đã"), (160, "chết"), (260, "vào"), (340, "lúc:"), (440, "18"),
                 (500, "giờ"), (580, "30"), (640, "phút,"), (760, "ngày"), (860, "25"),
                 (920, "tháng"), (1040, "01"), (1100, "năm"), key=1),
            line(170, (100, "2021"), key=2),
            line(240, (100, "Nơi"), (180, "chết:"), (300, "Tổ"), (360, "3,"), (420, "phường"),
                 (560, "1"), key=3),
        ]
    )  # fmt: skip
    fields = extract_fields(page, DEATH, 2000)
    assert fields["date_of_death"].value_text == "ngày 25 tháng 01 năm 2021"
    assert fields["time_of_death"].value_text == "18 giờ 30 phút"


def _word(text: str, conf: float, w: int, h: int) -> Word:
    return Word(text, conf, (0, 0, w, h), (1, 1, 1))


def test_sideways_reading_told_by_word_boxes():
    # Tesseract reads a sideways page's lines as vertical text: good confidences, tall boxes
    upright = [_word("Quê", 92, 60, 30), _word("quán:", 90, 100, 30)] * 8
    sideways = [_word("Quê", 92, 30, 60), _word("quán:", 90, 30, 100)] * 8
    assert upright_words(upright) == 16 and not reads_sideways(upright)
    assert upright_words(sideways) == 0 and reads_sideways(sideways)
    # noise (low confidence, short) says nothing either way
    assert not reads_sideways([_word("'", 20, 5, 40)] * 40)


def test_sideways_line_of_short_capitals_is_not_upright():
    # a sideways line of capitals (land s77-0009, harsh): every word's box is the line's width
    # across (80 px) and its own length along (61 px for NHÀ), wider than tall, yet the line
    # runs down the page; its upright turn must win
    down = [
        Word(text, 93, (1563, y, 80, length), (2, 1, 1))
        for text, y, length in [
            ("NHÀ", 446, 61),
            ("TÀI", 619, 61),
            ("SAN", 699, 61),
            ("VỚI", 1059, 61),
        ]
    ]
    level = [
        Word(text, 93, (x, 1563, length, 80), (2, 1, 1))
        for text, x, length in [
            ("NHÀ", 446, 61),
            ("TÀI", 619, 61),
            ("SAN", 699, 61),
            ("VỚI", 1059, 61),
        ]
    ]
    assert upright_words(down * 3) == 0 and reads_sideways(down * 3)
    assert upright_words(level * 3) == 12 and not reads_sideways(level * 3)


@pytest.mark.parametrize(
    ("upright", "best", "better"),
    [
        (9, 7, False),  # birth s4242-0013 (harsh, blurred, upright): its quarter turn read 9 vs 7
        (10, 1, True),  # land s77-0009 (harsh, turned): the right turn after OSD's wrong one
        (146, 0, True),
        (2, 0, False),
        (105, 19, True),
    ],
)
def test_a_turn_is_kept_only_when_it_reads_clearly_better(upright, best, better):
    assert reads_clearly_better(upright, best) is better


def test_title_not_matched_by_a_short_fragment():
    # a line "KHAI" is contained in every civil-status title: it is no title on its own
    text = "KHAI\nHọ, chữ đệm, tên: NGUYỄN VĂN AN"
    found = classify_text(text)
    assert found.scores["death_registration"] < 0.3
    assert found.scores["marriage_registration"] < 0.3


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("2703/1938", "27/03/1938"),  # the slash between day and month lost
        ("27031938", "27/03/1938"),
        ("lo6/07/1959", "06/07/1959"),  # a cell border read as "l", 0 read as "o"
        ("|06/07/1959", "06/07/1959"),
        ("113/1938", "11/03/1938"),  # 1/13 is no date
        ("112/1938", None),  # 1/12 or 11/2: left for review
        ("l6/07/1959", None),  # 16/07 or a border before 6/07
        ("3102/1990", None),  # 31/02 is no date
        ("06/07/1959", None),  # nothing to mend
        ("Con", None),
    ],
)
def test_repair_date_only_when_one_valid_date_fits(read, mended):
    assert repair_date(read) == mended


def test_household_member_dates_mended_with_lower_confidence():
    page = words_of(
        [
            member_table_header(),
            line(170, (100, "1"), (300, "LÊ"), (360, "VĂN"), (460, "TÁM"), (800, "Chủ"),
                 (880, "hộ"), (1100, "2703/1938"), (1500, "Nam"), key=2),
            line(240, (100, "2"), (300, "LÊ"), (360, "THỊ"), (460, "HOA"), (800, "Vợ"),
                 (1100, "06/07/1941"), (1500, "Nữ"), key=3),
        ]
    )  # fmt: skip
    rows = HOUSEHOLD.tables(page, None)["members"]
    assert [r["date_of_birth"].value_text for r in rows] == ["27/03/1938", "06/07/1941"]
    assert rows[0]["date_of_birth"].confidence < rows[1]["date_of_birth"].confidence
    assert rows[0]["relationship_to_head"].value_text == "Chủ hộ"


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("TRẦNTHỊBÍCH", ["TRẦN", "THỊ", "BÍCH"]),  # a name in a tight table cell
        ("TRẦNTHỊTHỦY", ["TRẦN", "THỊ", "THỦY"]),  # not THỊT HỦY: longer initials first
        ("THỊANH", ["THỊ", "ANH"]),
        ("NGUYỄNVĂN", ["NGUYỄN", "VĂN"]),
        ("Chủhộ", None),  # lower case: only cut at a capital (normalisation reads "Chủhộ")
        ("HuUoai", None),
        ("tỉnhĐắkNông", ["tỉnh", "Đắk", "Nông"]),
        ("NGUYỄN", None),  # one syllable
        ("nghiêng", None),
        ("KRÔNG", None),  # not Vietnamese phonotactics: left as read
        ("Glong", None),
        ("K'Ho", None),
    ],
)
def test_glued_syllables_split(word, parts):
    assert split_glued_syllables(word) == parts


def test_glued_name_in_table_cell_read_as_three_words():
    page = words_of(
        [
            member_table_header(),
            line(170, (100, "1"), (300, "|TRẦNTHỊBÍCH"), (800, "Chủhộ"), (1100, "03/11/1981"),
                 (1500, "Nữ"), key=2),
        ]
    )  # fmt: skip
    row = HOUSEHOLD.tables(page, None)["members"][0]
    assert row["full_name"].value_text == "TRẦN THỊ BÍCH"
    assert row["relationship_to_head"].value_text == "Chủhộ"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["E)", "1331583.98", "511928.62"], ("", "1331583.98", "511928.62")),  # 3 misread
        (["š", "IỆ", "1311725.03", "474626.30"], ("", "1311725.03", "474626.30")),
        (["2,", "1311703.03", "474642.32"], ("2", "1311703.03", "474642.32")),
        (["1311725.03", "474626.30"], ("", "1311725.03", "474626.30")),  # id not read
    ],
)
def test_vertex_rows_with_a_misread_point_id(texts, expected):
    assert split_vertex_row(texts) == expected


def test_misread_point_id_taken_from_the_numbering_with_lower_confidence():
    page = words_of(
        [
            line(100, (300, "Điểm"), (500, "X(m)"), (800, "Y(m)"), key=1),
            line(170, (300, "1"), (500, "1331601.60"), (800, "511955.05"), key=2),
            line(240, (300, "2"), (500, "1331560.22"), (800, "511934.29"), key=3),
            line(310, (300, "E)"), (500, "1331583.98"), (800, "511928.62"), key=4),
            line(380, (300, "4"), (500, "1331600.32"), (800, "511941.74"), key=5),
        ]
    )
    vertices = read_vertices(group_rows(split_words(page)))
    assert [v["point"].value_text for v in vertices] == ["1", "2", "3", "4"]
    assert vertices[2]["point"].confidence < vertices[3]["point"].confidence
    assert vertices[2]["x"].value_text == "1331583.98"


def _member_block(y: int, key: int, opener: list[tuple[int, str]], name: list[tuple[int, str]]):
    return [
        line(y, *opener, (300, "Quan"), (400, "hệ"), (460, "với"), (540, "chủ"), (620, "hộ:"),
             (720, "Con"), key=key),
        line(y + 70, (100, "Họ"), (160, "và"), (220, "tên:"), *name, key=key + 1),
        line(y + 140, (100, "Ngày"), (200, "sinh:"), (320, "17/12/1971"), key=key + 2),
    ]  # fmt: skip


def test_member_block_with_a_misread_opener():
    page = words_of(
        [
            *_member_block(100, 1, [(100, "STT:"), (200, "1")],
                           [(320, "CHẢO"), (420, "VĂN"), (520, "HUY")]),
            *_member_block(330, 4, [(100, "S11."), (200, "2_")],
                           [(320, "CHẢO"), (420, "VĂN"), (520, "PHONG")]),
        ]
    )  # fmt: skip
    rows = HOUSEHOLD.tables(page, None)["members"]
    assert [r["member_index"].value_text for r in rows] == ["1", "2"]
    assert [r["full_name"].value_text for r in rows] == ["CHẢO VĂN HUY", "CHẢO VĂN PHONG"]
    assert rows[1]["member_index"].confidence < rows[0]["member_index"].confidence


def test_member_blocks_without_any_opener_read():
    page = words_of(
        [
            *_member_block(100, 1, [(100, "SIT."), (200, "1_")],
                           [(320, "CHẢO"), (420, "VĂN"), (520, "HUY")]),
            *_member_block(330, 4, [(100, "S11."), (200, "2_")],
                           [(320, "CHẢO"), (420, "VĂN"), (520, "PHONG")]),
        ]
    )  # fmt: skip
    rows = HOUSEHOLD.tables(page, None)["members"]
    assert [r["member_index"].value_text for r in rows] == ["1", "2"]
    assert rows[1]["full_name"].value_text == "CHẢO VĂN PHONG"


def test_cell_border_read_as_l_before_a_word():
    page = words_of(
        [
            member_table_header(),
            line(170, (100, "1"), (300, "NGUYỄN"), (800, "Con"), (1100, "24/01/1986"),
                 (1500, "Nữ"), key=2),
            line(215, (300, "THỊ"), (400, "ANH"), (800, "lgái"), key=3),
        ]
    )  # fmt: skip
    row = HOUSEHOLD.tables(page, None)["members"][0]
    assert row["relationship_to_head"].value_text == "Con gái"
    assert row["full_name"].value_text == "NGUYỄN THỊ ANH"


def test_misread_title_credits_only_the_type_it_fits_best():
    # a harsh page's birth title: close to "GIẤY KHAI SINH", and not far from "GIẤY KHAI TỬ"
    text = (
        "CỘNG HÒA. XÃ. HỘI CHỦ: NGHĨA VIỆT NAM.\nGIẦY Khái silÖ\nCố: 225/KS Quyển Số: 03\n"
        "Họ và tên: ,PHÀN THỊ UYÊN\nNơi sinh: -Bệnh. viện Đa khoa tỉnh ĐắC Nông\n"
        ": Quê quần: xã ã Thông Thụ, huyện Quế Phong\n"
    )
    found = classify_text(text)
    assert found.doc_type == "birth_registration"
    assert found.scores["death_registration"] < 0.2


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("ngày 26 tháng 3 nắm 2023", "ngày 26 tháng 3 năm 2023"),  # tone mark misread
        ("ngày 12 tháng Ơ7 năm 1988", "ngày 12 tháng 07 năm 1988"),  # 0 read as Ơ
        ("2O/05/2021", "20/05/2021"),
        ("Nam Định", "Nam Định"),  # no date word before a number: left alone
        # land s1618-0036, s3141-0013 (clean): a 1 read as I or ]
        ("Đơn Dương, ngày 07 tháng I1 năm 2024", "Đơn Dương, ngày 07 tháng 11 năm 2024"),
        ("Tuy Phong, ngày 2] tháng 10 năm 2022", "Tuy Phong, ngày 21 tháng 10 năm 2022"),
        ("ngày 15 tháng I năm 2001", "ngày 15 tháng I năm 2001"),  # a lone I: no digit to go by
        # dev harsh pages (seeds 77, 4242): a date word with a letter misread, glued to its
        # number or to a mark, a mark after the number
        ("ngày 13 tháng 2 hăm 2010", "ngày 13 tháng 2 năm 2010"),
        ("ngày 25 fhăng-07 năm 2001", "ngày 25 tháng 07 năm 2001"),
        ("ngày I0/háng 02 năm 2010", "ngày 10 tháng 02 năm 2010"),
        ("ngày 9 thăng.1 năm 2005", "ngày 9 tháng 1 năm 2005"),
        ("ngày 24 tháng 6- năm 1993", "ngày 24 tháng 6 năm 1993"),
        ("ngày 19 tháng 69: năm 2021", "ngày 19 tháng 09 năm 2021"),
        ("ngày 5 tháng 3 năm 1990.", "ngày 5 tháng 3 năm 1990."),  # parses as it is
        ("Lâm 12", "Lâm 12"),  # one letter from năm, but no date word beside it: left alone
        # dev harsh photocopies (seeds 4242, 555): a letter shaped like its digit
        ("ngày 10 tháng S năm Z014", "ngày 10 tháng 5 năm 2014"),
        ("Lâm Đồng, ngày 2Š tháng 02 năm 2014", "Lâm Đồng, ngày 25 tháng 02 năm 2014"),
        ("ngày SB tháng 3 năm 2000", "ngày SB tháng 3 năm 2000"),  # no day 58: left alone
        ("ngày 3 tháng Sáu năm 2000", "ngày 3 tháng Sáu năm 2000"),  # a month in words
        # dev harsh land certificates (seeds 77, 4242, 555): a speck read as a mark after a
        # date word or before its number, a 1 under a speck read as Í
        ("Lâm Đồng, ngày 07 tháng: 10 nữm 2011", "Lâm Đồng, ngày 07 tháng 10 năm 2011"),
        ("Đơn Dương, ngấy. 19 tháng 05 năm 2016", "Đơn Dương, ngày 19 tháng 05 năm 2016"),
        ("Bình Thuận, ngày.21 tháng '04 năm 2025", "Bình Thuận, ngày 21 tháng 04 năm 2025"),
        ("Phan Thiết, ngày 23 thắng Í2 năm 2025", "Phan Thiết, ngày 23 tháng 12 năm 2025"),
        ("Lâm Đồng: 12", "Lâm Đồng: 12"),  # a mark, but no date word: left alone
    ],
)
def test_written_out_dates_mended(read, mended):
    assert repair_date_words(read) == mended


def test_faint_name_prefix_kept():
    page = words_of(
        [
            line(100, (100, "Họ,"), (180, "chữ"), (280, "đệm,"), (380, "tên:"), (600, "K’"),
                 (660, "LÂM"), key=1),
        ]
    )  # fmt: skip
    page[4] = Word("K’", 6.0, page[4].box, page[4].line_key)
    fields = extract_fields(page, BIRTH, 2000)
    assert fields["child_full_name"].value_text == "K’ LÂM"


def test_glued_label_and_date_wrapped_after_the_day():
    page = words_of(
        [
            line(100, (100, "Họ"), (160, "và"), (220, "tên"), (300, "chồng:"), (440, "NGUYỄN"),
                 (580, "ĐÌNH"), (680, "HIỆP"), key=1),
            line(170, (100, "Ngày"), (200, "sinh:"), (320, "ngày"), (420, "5"), key=2),
            line(240, (100, "tháng"), (220, "2"), (260, "năm"), (340, "1980"), (440, "Dân"),
                 (520, "tộc:"), (620, "Kinh"), key=3),
            line(310, (100, "SốCMND/Giấytờ:"), (420, "CMND"), (520, "số"), (580, "261123974"),
                 key=4),
        ]
    )  # fmt: skip
    fields = extract_fields(page, MARRIAGE, 2000)
    assert fields["husband_date_of_birth"].value_text == "ngày 5 tháng 2 năm 1980"
    assert fields["husband_id_number"].value_text == "CMND số 261123974"
