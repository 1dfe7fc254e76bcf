"""Sổ hộ khẩu (household registration book, form HK08 and older layouts): labels and tables.

Book-level fields are labelled lines at the top of the page (``Sổ số`` / ``Sổ hộ khẩu số``,
``Họ và tên chủ hộ``, ``Nơi thường trú`` / ``Địa chỉ``, ``Ngày cấp`` / ``Cấp ngày``). Members come
either as a table with printed column headers (ruled or not: ``STT | Họ và tên | Quan hệ với chủ
hộ | …``), or as one block of labelled lines per member opened by ``STT:`` (the HK08 member
page). Both are read by ``ocr.tables``; values stay as printed (normalisation is in
``transforms/household.py``).
"""

from __future__ import annotations

import re

from ocr.extract import FieldRule, FormSpec, Label
from ocr.tables import Column, TableSpec, TablesReader
from sohoa.national_format import EXTRACTED_FIELDS, EXTRACTED_TABLES

DOC_TYPE = "household_registration"

L = Label
# labels of a member block (also declared on the book spec so that a member's "Họ và tên" or
# "Nơi thường trú trước khi chuyển đến" is never taken for a book-level label)
MEMBER_LABELS = (
    L("index", ("STT", "Số thứ tự"), min_score=0.9, needs_colon=True),
    L("relationship", ("Quan hệ với chủ hộ", "Quan hệ với chủ hộ là")),
    L("full_name", ("Họ và tên", "Họ, chữ đệm, tên", "Họ tên")),
    L("other_name", ("Tên gọi khác", "Bí danh")),
    L("date_of_birth", ("Ngày, tháng, năm sinh", "Ngày sinh", "Sinh ngày", "Năm sinh")),
    L("sex", ("Giới tính",)),
    L("place_of_birth", ("Nơi sinh",)),
    L("hometown", ("Quê quán", "Nguyên quán")),
    L("ethnicity", ("Dân tộc",)),
    L("religion", ("Tôn giáo",)),
    L("nationality", ("Quốc tịch",)),
    L("id_number", ("Số định danh cá nhân", "CMND số", "Số CMND", "Số định danh",
                    "Số CMND/CCCD", "Số CCCD")),
    L("occupation", ("Nghề nghiệp, nơi làm việc", "Nghề nghiệp")),
    L("previous_residence", ("Nơi thường trú trước khi chuyển đến",
                             "Nơi thường trú trước khi đến")),
    L("moved_in_date", ("Ngày chuyển đến", "Ngày đến")),
)  # fmt: skip

BOOK_LABELS = (
    L("book_no", ("Sổ số", "Sổ hộ khẩu số", "Số sổ", "Số sổ hộ khẩu"), min_score=0.8),
    L("number", ("Số",), min_score=1.0, needs_colon=True),
    L("head_name", ("Họ và tên chủ hộ", "Họ tên chủ hộ", "Tên chủ hộ")),
    L("head", ("Chủ hộ",), min_score=0.9, needs_colon=True),
    L("address", ("Nơi thường trú", "Địa chỉ thường trú", "Địa chỉ", "Nơi đăng ký thường trú")),
    L("issue_date", ("Ngày cấp", "Cấp ngày", "Ngày, tháng, năm cấp")),
)  # fmt: skip

_DIGITS = re.compile(r"\d[\d ]*\d|\d")


def _digits(text: str) -> str:
    """``259 768 353`` → ``259768353`` (the book number as printed, without OCR spaces)."""
    m = _DIGITS.search(text.replace("O", "0").replace("o", "0"))
    return re.sub(r"\s+", "", m.group(0)) if m else ""


def _cut_date(text: str) -> str:
    return text.split("(")[0].strip(" ,;:")


def _cut_id(text: str) -> str:
    m = re.search(r"[\dOolI][\dOolI ]{7,}[\dOolI]", text)
    return re.sub(r"\s+", "", m.group(0)) if m else text


def _first_number(text: str) -> str:
    m = re.search(r"\d{1,3}", text)
    return m.group(0) if m else ""


R = FieldRule
BOOK_RULES = (
    R("household_book_number", "book_no", post=_digits, pattern=re.compile(r"^\d+$")),
    R("household_book_number", "number", post=_digits, pattern=re.compile(r"^\d+$")),
    R("head_full_name", "head_name"),
    R("head_full_name", "head"),
    R("address_text", "address", multiline=True),
    R("issue_date", "issue_date", post=_cut_date, date=True),
)

MEMBER_FIELDS = EXTRACTED_TABLES[DOC_TYPE]["members"]
MEMBER_RULES = (
    R("member_index", "index", post=_first_number, pattern=re.compile(r"^\d+$")),
    R("relationship_to_head", "relationship"),
    R("full_name", "full_name"),
    R("other_name", "other_name"),
    R("date_of_birth", "date_of_birth", post=_cut_date, date=True),
    R("sex", "sex"),
    R("place_of_birth_text", "place_of_birth", multiline=True),
    R("hometown_text", "hometown", multiline=True),
    R("ethnicity", "ethnicity"),
    R("religion", "religion"),
    R("nationality", "nationality"),
    R("id_number", "id_number", post=_cut_id),
    R("occupation", "occupation", multiline=True),
    R("previous_residence_text", "previous_residence", multiline=True),
    R("moved_in_date", "moved_in_date", post=_cut_date, date=True),
)

MEMBER_BLOCK = FormSpec(
    doc_type=DOC_TYPE,
    fields=tuple(f for f in MEMBER_FIELDS if f != "struck_out"),
    labels=MEMBER_LABELS,
    sections=(),
    rules=MEMBER_RULES,
)

C = Column
MEMBERS = TableSpec(
    name="members",
    fields=MEMBER_FIELDS,
    columns=(
        C("member_index", ("STT", "Số TT", "TT")),
        C("full_name", ("Họ và tên", "Họ, chữ đệm, tên", "Họ tên")),
        C("other_name", ("Tên gọi khác", "Bí danh")),
        C("relationship_to_head", ("Quan hệ với chủ hộ", "Quan hệ chủ hộ", "Quan hệ")),
        C(
            "date_of_birth",
            ("Ngày, tháng, năm sinh", "Ngày sinh", "Năm sinh", "Sinh ngày"),
            date=True,
        ),
        C("sex", ("Giới tính", "Nam/Nữ", "Nam Nữ")),
        C("place_of_birth_text", ("Nơi sinh",)),
        C("hometown_text", ("Quê quán", "Nguyên quán")),
        C("ethnicity", ("Dân tộc",)),
        C("religion", ("Tôn giáo",)),
        C("nationality", ("Quốc tịch",)),
        C(
            "id_number",
            (
                "Số định danh / CMND",
                "Số định danh cá nhân / CMND",
                "Số định danh cá nhân",
                "Số CMND",
                "CMND",
                "Số CCCD/CMND",
            ),
        ),
        C("occupation", ("Nghề nghiệp", "Nghề nghiệp, nơi làm việc")),
        C("previous_residence_text", ("Nơi thường trú trước khi chuyển đến",)),
        C("moved_in_date", ("Ngày chuyển đến",), date=True),
        C("_note", ("Ghi chú", "Lý do xóa", "Ghi chú thay đổi")),
    ),
    index_field="member_index",
    note_field="_note",
    struck_field="struck_out",
    block_spec=MEMBER_BLOCK,
    block_opener="index",
)

HOUSEHOLD = FormSpec(
    doc_type=DOC_TYPE,
    fields=EXTRACTED_FIELDS[DOC_TYPE],
    labels=BOOK_LABELS + MEMBER_LABELS,
    sections=(),
    rules=BOOK_RULES,
    tables=TablesReader((MEMBERS,)),
    line_order=(("book_no", "number"), ("head_name", "head"), ("address",), ("issue_date",)),
    numbers=("household_book_number",),
)
