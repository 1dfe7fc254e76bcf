"""Giấy chứng nhận kết hôn (marriage registration): labels, sections and field rules.

Three shapes of the form are read by the same spec, through its printed labels only:

* the 2016/2020 form: a two-column table whose columns are headed ``Chồng | Vợ`` (or ``Thông
  tin người chồng | Thông tin người vợ``, in either order) and whose rows are labelled on the left
  (``Họ, chữ đệm, tên``, ``Ngày, tháng, năm sinh``, ``Dân tộc``, ``Quốc tịch``, ``Nơi cư trú``,
  ``Giấy tờ tùy thân``);
* a stacked form: a husband block opened by ``Họ, chữ đệm, tên người chồng`` (or ``Họ và tên
  chồng``) then a wife block, each with labelled lines;
* older forms: ``Nơi thường trú``, ``Số CMND``, the number and book at the foot of the page and,
  without registration labels, the date in the place-date line and the authority in the header.

The identity paper is returned as printed (``CCCD số 068…``, ``CMND số 250…``): normalisation
keeps its digits (9 or 12). A date that wraps onto the next line before an inline label
(``Ngày sinh: ngày 11 tháng 08`` / ``năm 1984 Dân tộc: …``) is completed by ``wrapped_dates``.
"""

from __future__ import annotations

import re

from ocr.extract import YEAR_VALUE, FieldRule, FormSpec, Label, Row, Section
from ocr.forms.birth import (
    REGISTRATION_NUMBER,
    _compact_number,
    _cut_date,
    book_by_shape,
    number_by_shape,
    registration_fallbacks,
)
from ocr.text import fold, nfc, strip_leaders
from sohoa.national_format import EXTRACTED_FIELDS
from sohoa.types import FieldReading


def L(key: str, variants: tuple[str, ...], **kw) -> Label:
    """A label whose longer variants are tried first (an exact longer match wins a tie)."""
    return Label(key, tuple(sorted(variants, key=len, reverse=True)), **kw)


LABELS = (
    L("number", ("Số",), min_score=1.0, needs_colon=True),
    L("book", ("Quyển số",), min_score=0.8),
    L("full_name", ("Họ, chữ đệm, tên", "Họ và tên", "Họ, chữ đệm và tên", "Họ tên")),
    L("husband_name", ("Họ, chữ đệm, tên người chồng", "Họ và tên người chồng", "Họ và tên chồng",
                       "Họ, chữ đệm, tên chồng", "Họ tên chồng"), min_score=0.95),
    L("wife_name", ("Họ, chữ đệm, tên người vợ", "Họ và tên người vợ", "Họ và tên vợ",
                    "Họ, chữ đệm, tên vợ", "Họ tên vợ"), min_score=0.95),
    # "Ngày, tháng, năm" alone: the label wraps in a narrow table column ("… năm" / "sinh")
    L("date_of_birth", ("Ngày, tháng, năm sinh", "Ngày, tháng, năm", "Sinh ngày", "Ngày sinh")),
    L("birth_year", ("Năm sinh",), value=YEAR_VALUE),
    L("ethnicity", ("Dân tộc",)),
    L("nationality", ("Quốc tịch",)),
    L("residence", ("Nơi cư trú", "Nơi thường trú", "Địa chỉ thường trú", "Nơi ở hiện nay",
                    "Nơi cư trú hiện nay")),
    L("id_document", ("Giấy tờ tùy thân", "Giấy tờ tuỳ thân", "Số CMND/Giấy tờ", "Số CMND",
                      "Số định danh cá nhân", "Số CCCD", "Số giấy tờ tùy thân",
                      "Giấy tờ tùy thân số")),
    # long and short labels apart: "Nơi đăng ký kết hôn" read with a slip must not lose to its
    # exact prefix "Nơi đăng ký" (the rest of the label would stay in the value)
    L("authority", ("Nơi đăng ký kết hôn", "Cơ quan đăng ký kết hôn")),
    L("authority_short", ("Nơi đăng ký", "Cơ quan đăng ký")),
    L("registration_date", ("Ngày, tháng, năm đăng ký", "Ngày đăng ký", "Ngày đăng ký kết hôn")),
    L("col_husband", ("Chồng", "Người chồng", "Thông tin người chồng", "Bên chồng"),
      min_score=1.0),
    L("col_wife", ("Vợ", "Người vợ", "Thông tin người vợ", "Bên vợ"), min_score=1.0),
)  # fmt: skip

SECTIONS = (
    Section("husband", "husband_name", column="col_husband"),
    Section("wife", "wife_name", column="col_wife"),
    # the registration lines close the table (and the wife's block)
    Section("registration", "authority"),
    Section("registration", "authority_short"),
)


R = FieldRule
_STARTS_WITH_DIGIT = re.compile(r"^\d.*")
RULES = (
    R("registration_number", "number", post=_compact_number, pattern=REGISTRATION_NUMBER),
    R("book_number", "book", post=_compact_number, pattern=_STARTS_WITH_DIGIT),
    *(
        rule
        for who in ("husband", "wife")
        for rule in (
            R(f"{who}_full_name", f"{who}_name"),
            R(f"{who}_full_name", "full_name", who),
            R(f"{who}_date_of_birth", "date_of_birth", who, post=_cut_date, date=True),
            R(f"{who}_date_of_birth", "birth_year", who, date=True),
            R(f"{who}_ethnicity", "ethnicity", who),
            R(f"{who}_nationality", "nationality", who, multiline=True),
            R(f"{who}_residence_text", "residence", who, multiline=True),
            R(f"{who}_id_number", "id_document", who),
        )
    ),
    R("registration_authority_text", "authority", multiline=True),
    R("registration_authority_text", "authority_short", multiline=True),
    R("registration_date", "registration_date", post=_cut_date, date=True),
)

# --------------------------------------------------------------------------- wrapped dates

_COMPLETE_DATE = re.compile(
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|NAM\s*\d{4}|^\s*\d{4}\s*$"
)
_LABEL_WORD = re.compile(r":\s*$")


def _row_of(rows: list[Row], box: tuple[int, int, int, int]) -> int | None:
    mid = box[1] + box[3] / 2
    for i, row in enumerate(rows):
        if row.top <= mid <= row.bottom and any(
            w.box[0] >= box[0] - 2 and w.box[0] < box[0] + box[2] for w in row.words
        ):
            return i
    return None


def complete_wrapped_date(rows: list[Row], reading: FieldReading) -> FieldReading:
    """A date whose end wrapped to the start of the next row (``… tháng 08`` / ``năm 1984``,
    ``ngày 5`` / ``tháng 2 năm 1980``).

    Only the words before the first label-like word (one ending in a colon) are taken, and only
    when they complete the date: a year, ``năm`` and a year, or the month and year."""
    if not reading.value_text or reading.box is None:
        return reading
    if _COMPLETE_DATE.search(fold(reading.value_text)):
        return reading
    r = _row_of(rows, reading.box)
    if r is None or r + 1 >= len(rows):
        return reading
    tail = []
    for w in rows[r + 1].words:
        if _LABEL_WORD.search(w.text):
            break
        tail.append(w)
        if len(tail) >= 5:  # "6 tháng 6 năm 1982" at most
            break
    text = " ".join(w.text for w in tail)
    # "năm 1984", "1984" or, after "ngày 5", "tháng 2 năm 1980"; after a bare "ngày", the day
    # too ("6 tháng 6 năm 1982")
    day = r"\d{1,2}\s*,?\s*" if fold(reading.value_text).split()[-1] == "NGAY" else ""
    m = re.match(
        rf"^\s*((?:{day}th[áa]ng\s*\d{{1,2}}\s*,?\s*)?(?:n[ăaâ]m\s*)?\d{{4}})\b", text, re.I
    )
    if not m or (day and not re.match(r"\d", m.group(1))):
        return reading
    used = tail[: len(m.group(1).split())]
    x0 = min(reading.box[0], *(w.box[0] for w in used))
    y0 = min(reading.box[1], *(w.box[1] for w in used))
    x1 = max(reading.box[0] + reading.box[2], *(w.box[0] + w.box[2] for w in used))
    y1 = max(reading.box[1] + reading.box[3], *(w.box[1] + w.box[3] for w in used))
    conf = min(reading.confidence, *(w.confidence / 100.0 for w in used))
    return FieldReading(
        nfc(f"{reading.value_text} {m.group(1)}"),
        round(conf, 4),
        (x0, y0, x1 - x0, y1 - y0),
        reading.label_text,
    )


def number_beside_book(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """``Số: 45   Quyển số: 02/2013`` on one line, with ``Số:`` lost by OCR: the number is the
    digits just left of the book label on the book's row."""
    book = found.get("book_number")
    if "registration_number" in found or book is None or book.box is None:
        return
    r = _row_of(rows, book.box)
    if r is None:
        return
    left = [w for w in rows[r].words if w.box[0] + w.box[2] <= book.box[0]]
    # drop the book label itself ("Quyển số:") and anything that is not a number
    # leader dots glued to the number (".94.") are decoration
    while left and not re.match(r"^\d", strip_leaders(left[-1].text)):
        left.pop()
    if not left:
        return
    word = left[-1]
    text = _compact_number(strip_leaders(word.text))
    if re.fullmatch(r"\d{1,6}(?:/[\w\-]+)?", text):
        found["registration_number"] = FieldReading(
            text, round(word.confidence / 100.0, 4), word.box, None
        )


def wrapped_dates(rows: list[Row], found: dict[str, FieldReading]) -> None:
    dates = ("date_of_birth", "registration_date", "date_of_death")
    for key in [k for k in found if k.endswith(dates)]:
        found[key] = complete_wrapped_date(rows, found[key])


MARRIAGE = FormSpec(
    doc_type="marriage_registration",
    fields=EXTRACTED_FIELDS["marriage_registration"],
    labels=LABELS,
    sections=SECTIONS,
    rules=RULES,
    first_section="main",
    fallbacks=(
        wrapped_dates,
        number_beside_book,
        number_by_shape,
        book_by_shape,
        registration_fallbacks,
    ),
)
