"""ocr.tables on hand-made word boxes (no Tesseract, no image)."""

from ocr.extract import group_rows
from ocr.forms.household import MEMBERS
from ocr.tables import HeaderCell, _find_header, _split_by_column_names, read_table
from sohoa.types import Word


def _row(y, cells, line):
    words = []
    for x, text in cells:
        for k, part in enumerate(text.split()):
            words.append(Word(part, 95.0, (x + 70 * k, y, 60, 30), (line, 0, 0)))
    return words


def _page(note=""):
    header = [(100, "STT"), (250, "Họ và tên"), (600, "Quan hệ"), (900, "Ngày sinh"),
              (1200, "Giới tính"), (1500, "Ghi chú")]  # fmt: skip
    words = _row(100, header, 1)
    words += _row(150, [(600, "với chủ hộ")], 2)
    words += _row(220, [(110, "1"), (250, "NGUYỄN VĂN AN"), (600, "Chủ hộ"),
                        (900, "05/03/1960"), (1200, "Nam")], 3)  # fmt: skip
    words += _row(280, [(110, "2"), (250, "LÊ THỊ BÌNH"), (600, "Vợ"), (900, "01/02/1962"),
                        (1200, "Nữ"), (1500, note)] if note else
                  [(110, "2"), (250, "LÊ THỊ BÌNH"), (600, "Vợ"), (900, "01/02/1962"),
                   (1200, "Nữ")], 4)  # fmt: skip
    return words


def test_rows_and_cells_by_header():
    rows = read_table(_page(), None, MEMBERS)
    assert len(rows) == 2
    assert rows[0]["full_name"].value_text == "NGUYỄN VĂN AN"
    assert rows[0]["relationship_to_head"].value_text == "Chủ hộ"
    assert rows[1]["date_of_birth"].value_text == "01/02/1962"
    assert rows[1]["sex"].value_text == "Nữ"
    assert [r["struck_out"].value_text for r in rows] == ["false", "false"]


def test_deletion_note_strikes_row():
    rows = read_table(_page("Đã chết"), None, MEMBERS)
    assert [r["struck_out"].value_text for r in rows] == ["false", "true"]


def _words(y, line, *placed):
    """Words at given left edges: (x, text) with one word each, 60 px wide."""
    return [Word(text, 95.0, (x, y, 60, 30), (line, 0, 0)) for x, text in placed]


def test_narrow_columns_read_as_one_header_cell_are_split_by_their_names():
    # dev s77 harsh household 0004: the gaps between narrow columns were no wider than a letter
    # and "Ngàysinh Giới Dân Số định danh Nghề Ghi chú" was one cell naming no column, so the
    # members table was not found (table_empty)
    columns = [(600, "Ngàysinh"), (670, "Giới"), (740, "Dân"), (810, "Số"), (850, "định"),
               (890, "danh"), (960, "Nghề"), (1030, "Ghi"), (1070, "chú")]  # fmt: skip
    words = _words(100, 1, (100, "STT"), (250, "Họ"), (290, "tên"), *columns)
    words += _words(150, 2, (670, "tính"), (740, "tộc"), (960, "nghiệp"))
    words += _words(220, 3, (110, "1"), (250, "NGUYỄN"), (600, "05/03/1960"), (670, "Nam"),
                    (740, "Kinh"), (810, "250123456"), (960, "Nông"))  # fmt: skip
    words += _words(280, 4, (110, "2"), (250, "LÊ"), (600, "01/02/1962"), (670, "Nữ"),
                    (740, "Tày"), (810, "250654321"), (960, "Giáo"))  # fmt: skip
    rows = read_table(words, None, MEMBERS)
    assert [r["date_of_birth"].value_text for r in rows] == ["05/03/1960", "01/02/1962"]
    assert [r["sex"].value_text for r in rows] == ["Nam", "Nữ"]
    assert [r["ethnicity"].value_text for r in rows] == ["Kinh", "Tày"]
    assert [r["id_number"].value_text for r in rows] == ["250123456", "250654321"]


def test_a_header_naming_one_column_whole_is_not_split():
    # "Ngày, tháng, năm sinh" is one column, not "Ngày" (chuyển đến) and "năm sinh"
    header = HeaderCell(
        _words(100, 1, (600, "Ngày,"), (670, "tháng,"), (740, "năm"), (810, "sinh"))
    )
    assert _split_by_column_names(header, MEMBERS) == [header]


def test_a_long_line_is_not_searched_for_column_names():
    words = _words(100, 1, *[(70 * i, ("Giới", "Dân", "Nghề", "Quan")[i % 4]) for i in range(40)])
    assert _split_by_column_names(HeaderCell(words), MEMBERS) == [HeaderCell(words)]


def test_a_blocks_labelled_line_is_no_header():
    # dev s4242 harsh household 0011, members as labelled blocks: "Nơi sinh; Quảng Nạm" (a
    # colon read as ";") named three columns once "Quảng Nạm" was split (Quan hệ, Nam/Nữ)
    rows = group_rows(_words(100, 1, (100, "Nơi"), (170, "sinh;"), (240, "Quảng"), (310, "Nạm")))
    assert _find_header(rows, MEMBERS) is None
