"""ocr.tables on hand-made word boxes (no Tesseract, no image)."""

from ocr.forms.household import MEMBERS
from ocr.tables import read_table
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
