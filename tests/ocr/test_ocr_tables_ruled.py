"""ocr.tables on a drawn, ruled table (OpenCV rules, hand-made word boxes, no Tesseract)."""

import cv2
import numpy as np

from ocr.forms.household import MEMBERS
from ocr.tables import find_rules, read_table
from sohoa.types import Word

# the table's vertical rules (x) and horizontal rules (y): header, then three members
COLUMNS = [80, 200, 500, 750, 1000, 1160, 1320]
ROWS = [100, 200, 290, 380, 470]


def _ruled_page(grey: int = 150, tilt_px: int = 0) -> np.ndarray:
    """A white page with the table's rules two pixels wide in ``grey`` ink; each horizontal
    rule drops ``tilt_px`` pixels across the table (a page not quite straight)."""
    page = np.full((1000, 1400), 255, np.uint8)
    for y in ROWS:
        cv2.line(page, (COLUMNS[0], y), (COLUMNS[-1], y + tilt_px), grey, 2)
    for x in COLUMNS:
        cv2.line(page, (x, ROWS[0]), (x, ROWS[-1]), grey, 2)
    return page


def _words(y, line, *placed):
    """Words at given left edges: (x, text), 60 px wide and 30 tall."""
    return [Word(text, 95.0, (x, y, 60, 30), (line, 0, 0)) for x, text in placed]


def _members(header):
    words = _words(130, 1, *header)
    for k, (name, date, sex) in enumerate(
        [("AN", "05/03/1960", "Nam"), ("BÌNH", "01/02/1962", "Nữ"), ("CHI", "09/09/1990", "Nữ")]
    ):
        y = ROWS[k + 1] + 15
        words += _words(y, k + 2, (110, str(k + 1)), (250, name), (550, "Con"), (800, date),
                        (1020, sex), (1180, "Kinh"))  # fmt: skip
    return words


HEADER = [(100, "STT"), (250, "Họ"), (320, "tên"), (550, "Quan"), (620, "hệ"), (800, "Ngày"),
          (870, "sinh"), (1020, "Giới"), (1090, "tính"), (1180, "Dân"), (1250, "tộc")]  # fmt: skip


def test_a_grey_rule_a_little_off_straight_is_found_whole():
    # dev s77 harsh household 0012: a photocopy's grey rules (120-170) broke into pieces at a
    # threshold of 170, so two members' rows were read as one
    rules = find_rules(_ruled_page(grey=178, tilt_px=3))
    spanning = [y for y, a, b in rules.horizontal if a <= COLUMNS[0] + 5 and b >= COLUMNS[-1] - 5]
    assert len(spanning) == len(ROWS)
    tall = [x for x, a, b in rules.vertical if a <= ROWS[0] + 5 and b >= ROWS[-1] - 5]
    assert len(tall) == len(COLUMNS)


def test_strokes_far_apart_on_one_line_are_no_rule():
    # dev s77 harsh household 0009: a title letter's stem and a word's stroke 800 px below at
    # the same x were joined into one "rule" that split the hometown column in two
    page = _ruled_page()
    cv2.line(page, (620, 20), (620, 70), 0, 6)  # a big title letter's stem, above the table
    cv2.line(page, (620, 900), (620, 950), 0, 6)  # a stroke below it
    rules = find_rules(page)
    assert not [x for x, a, b in rules.vertical if abs(x - 620) < 10 and b - a > 100]


def test_a_dark_strip_along_the_image_edge_is_no_rule():
    page = _ruled_page()
    page[:, :3] = 0  # a scanner's shadow along the left edge
    page[-2:, :] = 0
    rules = find_rules(page)
    assert all(x > 10 for x, _a, _b in rules.vertical)
    assert all(y < 990 for y, _a, _b in rules.horizontal)


def test_column_names_are_read_between_the_rules():
    # dev s77 harsh household 0010: "Ngày sinh { Giới tính" read as one cell named neither
    # column; between the rules each name is read alone
    header = [h for h in HEADER if h[1] not in ("Ngày", "sinh", "Giới", "tính")]
    header += [(860, "Ngày"), (925, "sinh"), (1005, "Giới"), (1075, "tính")]
    words = [*_members(header), Word("{", 60.0, (988, 130, 12, 30), (1, 0, 0))]
    rows = read_table(words, _ruled_page(), MEMBERS)
    assert [r["date_of_birth"].value_text for r in rows] == ["05/03/1960", "01/02/1962",
                                                             "09/09/1990"]  # fmt: skip
    assert [r["sex"].value_text for r in rows] == ["Nam", "Nữ", "Nữ"]


def test_a_colon_speck_after_a_ruled_column_name_is_no_label():
    # dev s77 harsh household 0007: "Ngàywinh:" (a speck read as a colon) was taken for a
    # labelled line and its column was lost
    header = [(x, "sinh:") if t == "sinh" else (x, t) for x, t in HEADER]
    rows = read_table(_members(header), _ruled_page(), MEMBERS)
    assert [r["date_of_birth"].value_text for r in rows][:1] == ["05/03/1960"]


def test_a_misread_numbering_column_is_found_by_its_numbers():
    # dev s4242 harsh household 0008: "STr" names no column; its entries 1, 2, 3 do
    header = [(100, "STr"), *HEADER[1:]]
    rows = read_table(_members(header), _ruled_page(), MEMBERS)
    assert [r["member_index"].value_text for r in rows] == ["1", "2", "3"]


def test_a_row_without_its_own_rule_is_not_joined_to_the_next():
    # the rule under the first member is grey and broken where a speck-free gap is: it is
    # still a row border, so the first two members stay apart
    page = _ruled_page(grey=178)
    page[ROWS[1] - 2 : ROWS[1] + 3, 210:230] = 255  # a gap in the rule
    rows = read_table(_members(HEADER), page, MEMBERS)
    assert [r["full_name"].value_text for r in rows] == ["AN", "BÌNH", "CHI"]


def test_a_seal_read_across_the_bottom_border_does_not_hide_the_last_row():
    # dev s77 harsh household 0013: a seal's letters read as words across the table's bottom
    # rule made it a "strike line", and the last member was lost
    seal = _words(ROWS[-1] - 15, 9, (600, "HUYỆN"), (680, "CÔNG"))
    rows = read_table(_members(HEADER) + seal, _ruled_page(), MEMBERS)
    assert [r["full_name"].value_text for r in rows] == ["AN", "BÌNH", "CHI"]


def test_a_strike_line_short_of_the_borders_still_strikes_its_row():
    page = _ruled_page()
    y = ROWS[2] + 30  # through the middle of the second member's words
    cv2.line(page, (COLUMNS[0] + 40, y), (COLUMNS[-2], y), 0, 2)
    rows = read_table(_members(HEADER), page, MEMBERS)
    assert [r["struck_out"].value_text for r in rows] == ["false", "true", "false"]


def test_a_numbered_footer_line_under_the_table_does_not_unsettle_its_rows():
    # dev s77 harsh household 0013: a line under the table starting with a number in the
    # numbering column's place made the ruled rows "disagree" with the numbering
    footer = _words(ROWS[-1] + 100, 9, (110, "2"), (250, "bản"), (320, "sao"))
    rows = read_table(_members(HEADER) + footer, _ruled_page(), MEMBERS)
    assert [r["full_name"].value_text for r in rows] == ["AN", "BÌNH", "CHI"]


def test_a_speck_read_as_a_letter_beside_a_ruled_column_name_is_left_out():
    # dev s555 harsh household 0012: "j Tôn" (a speck read as j, the name's second line lost)
    # named no column; "Tôn" alone is the first line of "Tôn giáo"
    header = [h for h in HEADER if h[1] not in ("Dân", "tộc")] + [(1170, "j"), (1240, "Dân")]
    rows = read_table(_members(header), _ruled_page(), MEMBERS)
    assert [r["ethnicity"].value_text for r in rows] == ["Kinh"] * 3


def test_two_cells_words_read_as_one_across_a_rule_are_cut_at_it():
    # dev s2024 harsh household 0003: "|Quanhệ[Ngảysnh" — the rule between two columns' names
    # read as "[" — named neither column, and both columns were lost
    header = [h for h in HEADER if h[1] not in ("Quan", "hệ", "Ngày", "sinh")]
    header_words = _members(header)
    header_words.append(Word("Quanhệ[Ngàysinh", 80.0, (560, 130, 375, 30), (1, 0, 0)))
    rows = read_table(header_words, _ruled_page(), MEMBERS)
    assert [r["relationship_to_head"].value_text for r in rows] == ["Con"] * 3
    assert [r["date_of_birth"].value_text for r in rows][:1] == ["05/03/1960"]


def test_a_word_whose_box_runs_over_a_rule_without_a_mark_is_not_cut():
    # dev s4242 harsh household 0013: a struck row's line stretched "250532315" over the next
    # rule; no bar was read there, so the number stays whole
    words = _members(HEADER)
    words.append(Word("250532315", 90.0, (1130, ROWS[3] + 15, 120, 30), (9, 0, 0)))
    rows = read_table(words, _ruled_page(), MEMBERS)
    assert "250532315" in (rows[2]["ethnicity"].value_text or "")


def test_a_line_read_as_a_rule_inside_a_row_does_not_make_a_member():
    # dev s2024 harsh household 0003: a wrapped hometown's second line, cut from its row by a
    # line read as a rule, became a member of its own
    page = _ruled_page()
    cv2.line(page, (COLUMNS[0], ROWS[1] + 48), (COLUMNS[-1], ROWS[1] + 48), 150, 2)
    words = _members(HEADER) + _words(ROWS[1] + 52, 9, (1180, "Hà"))
    rows = read_table(words, page, MEMBERS)
    assert [r["full_name"].value_text for r in rows] == ["AN", "BÌNH", "CHI"]
    assert rows[0]["ethnicity"].value_text == "Kinh Hà"


def test_a_row_number_read_twice_does_not_unsettle_the_rows():
    # dev s2024 harsh household 0003: "1" and a speck under it read "I" in one band
    words = _members(HEADER) + _words(ROWS[1] + 40, 9, (110, "I"))
    rows = read_table(words, _ruled_page(), MEMBERS)
    assert [r["full_name"].value_text for r in rows] == ["AN", "BÌNH", "CHI"]
