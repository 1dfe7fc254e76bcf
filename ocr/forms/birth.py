"""Giấy khai sinh (birth registration): labels, sections and field rules.

Labels follow the forms of Circular 04/2020/TT-BTP and its predecessors (``Họ, chữ đệm, tên`` and
the older ``Họ và tên``), as listed in NATIONAL_FORMAT.md §4. Values are returned as printed;
normalisation (dates, codes, names) happens in ``transforms/``.
"""

from __future__ import annotations

import itertools
import re

from ocr.extract import REPAIRED_DATE_PENALTY, YEAR_VALUE, FieldRule, FormSpec, Label, Row, Section
from ocr.text import fold, fold_alnum, mend_zero_letters, nfc, repair_chars, repair_date_words
from sohoa.national_format import EXTRACTED_FIELDS
from sohoa.types import FieldReading, Word

L = Label
LABELS = (
    L("number", ("Số",), min_score=1.0, needs_colon=True),
    L("book", ("Quyển số",), min_score=0.8),
    L("full_name", ("Họ, chữ đệm, tên", "Họ và tên", "Họ, chữ đệm và tên", "Họ tên")),
    L("mother_name", ("Họ, chữ đệm, tên người mẹ", "Họ và tên người mẹ", "Họ và tên mẹ",
                      "Họ, chữ đệm, tên mẹ")),
    L("father_name", ("Họ, chữ đệm, tên người cha", "Họ và tên người cha", "Họ và tên cha",
                      "Họ, chữ đệm, tên cha", "Họ và tên bố")),
    L("declarant_name", ("Họ, chữ đệm, tên người đi khai sinh", "Họ và tên người đi khai sinh",
                         "Người đi khai sinh")),
    L("date_of_birth", ("Ngày, tháng, năm sinh", "Sinh ngày", "Ngày sinh")),
    L("in_words", ("ghi bằng chữ", "Bằng chữ")),
    L("sex", ("Giới tính",)),
    L("ethnicity", ("Dân tộc",)),
    L("nationality", ("Quốc tịch",)),
    L("place_of_birth", ("Nơi sinh",)),
    L("hometown", ("Quê quán",)),
    L("personal_id", ("Số định danh cá nhân", "Số ĐDCN", "Số định danh")),
    L("birth_year", ("Năm sinh",), value=YEAR_VALUE),
    L("residence", ("Nơi cư trú", "Nơi thường trú", "Địa chỉ thường trú", "Nơi ở hiện nay")),
    L("relationship", ("Quan hệ với người được khai sinh", "Quan hệ với người được khai")),
    L("id_document", ("Giấy tờ tùy thân", "Giấy tờ tuỳ thân")),
    L("authority", ("Nơi đăng ký khai sinh", "Nơi đăng ký", "Cơ quan đăng ký")),
    L("registration_date", ("Ngày, tháng, năm đăng ký", "Ngày đăng ký")),
    L("col_mother", ("Mẹ", "Người mẹ"), min_score=1.0),
    L("col_father", ("Cha", "Bố", "Người cha"), min_score=1.0),
)  # fmt: skip

SECTIONS = (
    Section("mother", "mother_name", column="col_mother"),
    Section("father", "father_name", column="col_father"),
    Section("declarant", "declarant_name"),
)

_NUMBER = re.compile(r"[0-9OoIl]{1,5}[0-9]*(?:\s*/\s*[\w.\-]+(?:\s*-\s*[\w.]+)*)?")
_YEAR = re.compile(r"\b(1[89]|20)\d{2}\b")
_DIGITS = re.compile(r"\d[\d ]{7,}\d")


def _compact_number(text: str) -> str:
    """``45 / TLKS - BS`` → ``45/TLKS-BS`` (OCR adds spaces around slashes and dashes);
    ``Ø2⁄2004`` → ``02/2004``."""
    text = mend_zero_letters(repair_chars(text))
    text = re.sub(r"\s*/[\s/]*", "/", text)  # "03//2020": a slash read twice
    text = re.sub(r"(?<=[A-Za-z])\s*-\s*(?=[A-Za-z])", "-", text)
    # the slash lost between the number and its book code: "135TLKH-BS" is "135/TLKH-BS"
    text = re.sub(r"^(\d+)(?=[A-Z]{2,}(?:-[A-Z]+)?\b)", r"\1/", text)
    # marks after the number ("02/2023.", "153.", "01/2018+-:-") are the line's, not the number's
    return re.sub(r"[\W_]+$", "", text.split(" ")[0]) if text else text


# a registration number starts with its digits; "02/2019" (a number and a year) is the book's
# number as printed after "Quyển số:", whose "Quyển" OCR lost (NATIONAL_FORMAT.md §1)
REGISTRATION_NUMBER = re.compile(r"^(?!\d+/(?:19|20)\d{2}\b)\d.*")
# an entry number with its book's code ("225/KS", "45/TLKT-BS"): the registration number's
# shape, which no other field prints (a book number has a year after its slash)
_NUMBER_SHAPE = re.compile(r"\d{1,5}/[A-ZĐ]{2,}(?:-[A-ZĐ]{1,4})*")
# a number found by its shape beside a label OCR misread is less sure than a labelled one
SHAPED_NUMBER_PENALTY = 0.75


def number_by_shape(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """``Số: 225/KS`` with ``Số`` misread (``Cố: 225/KS``, ``_S6: 360/TLKS-BS``): a word of the
    registration number's shape after a short word or a colon (the label as misread), in the
    upper half of the page where the number is printed."""
    if "registration_number" in found:
        return
    for row in rows[: max(1, len(rows) // 2)]:
        for prev, word in itertools.pairwise(row.words):
            text = _compact_number(word.text.strip(".,:;_'\"|"))
            label = re.sub(r"\W", "", prev.text)
            if not _NUMBER_SHAPE.fullmatch(text) or not (
                prev.text.rstrip().endswith(":") or len(label) <= 3
            ):
                continue
            conf = round(word.confidence / 100.0 * SHAPED_NUMBER_PENALTY, 4)
            found["registration_number"] = FieldReading(text, conf, word.box, prev.text)
            return


# a book number with its year ("02/2019", NATIONAL_FORMAT.md §1), at the start of a word
_BOOK_SHAPE = re.compile(r"[^\w]*(\d{1,3}/(?:19|20)\d{2})(?![\d/])")


def book_by_shape(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """``Quyển số: 02/2019`` with its label misread (``Cuyển số:``, ``Quyển sốt``): a word of the
    book number's shape right after ``số`` as read (a short word starting with S) or a colon, in
    the upper half of the page; less sure than a labelled value."""
    if "book_number" in found:
        return
    for row in rows[: max(1, len(rows) // 2)]:
        for prev, word in itertools.pairwise(row.words):
            m = _BOOK_SHAPE.match(word.text)
            label = fold_alnum(prev.text)
            if not m or not (
                prev.text.rstrip().endswith(":") or (label[:1] == "S" and len(label) <= 3)
            ):
                continue
            conf = round(word.confidence / 100.0 * SHAPED_NUMBER_PENALTY, 4)
            found["book_number"] = FieldReading(m.group(1), conf, word.box, prev.text)
            return


def _cut_date(text: str) -> str:
    """Date as printed, without the date in words that may follow in brackets."""
    return text.split("(")[0].strip(" ,;:")


def _cut_digits(text: str) -> str:
    m = _DIGITS.search(text)
    return re.sub(r"\s+", "", m.group(0)) if m else ""


R = FieldRule
RULES = (
    R("registration_number", "number", post=_compact_number, pattern=REGISTRATION_NUMBER),
    R("book_number", "book", post=_compact_number, pattern=re.compile(r"^\d.*")),
    R("child_full_name", "full_name", "main"),
    R("child_sex", "sex", "main"),
    R("child_date_of_birth", "date_of_birth", "main", post=_cut_date, date=True),
    R("child_place_of_birth_text", "place_of_birth", "main", multiline=True),
    R("child_hometown_text", "hometown", "main", multiline=True),
    R("child_ethnicity", "ethnicity", "main"),
    R("child_nationality", "nationality", "main"),
    R("child_personal_id", "personal_id", "main", post=_cut_digits),
    R("mother_full_name", "mother_name"),
    R("mother_full_name", "full_name", "mother"),
    R("mother_birth_year", "birth_year", "mother", date=True),
    R("mother_birth_year", "date_of_birth", "mother", date=True),
    R("mother_ethnicity", "ethnicity", "mother"),
    R("mother_nationality", "nationality", "mother"),
    R("mother_residence_text", "residence", "mother", multiline=True),
    R("father_full_name", "father_name"),
    R("father_full_name", "full_name", "father"),
    R("father_birth_year", "birth_year", "father", date=True),
    R("father_birth_year", "date_of_birth", "father", date=True),
    R("father_ethnicity", "ethnicity", "father"),
    R("father_nationality", "nationality", "father"),
    R("father_residence_text", "residence", "father", multiline=True),
    R("declarant_full_name", "declarant_name"),
    R("declarant_relationship", "relationship"),
    R("registration_authority_text", "authority", multiline=True),
    R("registration_date", "registration_date", post=_cut_date, date=True),
)  # fmt: skip

_PLACE_DATE = re.compile(r"NGAY\s*\d{1,2}\s*THANG\s*\d{1,2}\s*NAM\s*\d{4}")


def _split_at_gaps(row: Row) -> list[list]:
    """Pieces of a row separated by wide gaps (side-by-side blocks such as header columns)."""
    pieces: list[list] = [[row.words[0]]]
    for prev, w in zip(row.words, row.words[1:], strict=False):
        if w.box[0] - (prev.box[0] + prev.box[2]) > 3 * row.height:
            pieces.append([])
        pieces[-1].append(w)
    return pieces


def place_date(rows: list[Row]) -> FieldReading | None:
    """The last place-date line of a page, above its signature (``Đức Trọng, ngày 05 tháng 03
    năm 1999``); date words read with a mark or a letter off (``ngấy.``, ``tháng: 10``, ``nữm``)
    are mended (``ocr.text.repair_date_words``) and the reading is then less sure."""
    for row in reversed(rows):
        for piece in _split_at_gaps(row):
            text = " ".join(w.text for w in piece)
            if _PLACE_DATE.search(fold(text)):
                return _reading_of(piece)
            mended = repair_date_words(text)
            if mended != text and _PLACE_DATE.search(fold(mended)):
                reading = _reading_of(piece)
                reading.value_text = mended
                reading.confidence = round(reading.confidence * REPAIRED_DATE_PENALTY, 4)
                return reading
    return None


def _reading_of(words: list) -> FieldReading:
    x0 = min(w.box[0] for w in words)
    y0 = min(w.box[1] for w in words)
    x1 = max(w.box[0] + w.box[2] for w in words)
    y1 = max(w.box[1] + w.box[3] for w in words)
    conf = sum(w.confidence for w in words) / (100.0 * len(words))
    return FieldReading(
        nfc(" ".join(w.text for w in words)), round(conf, 4), (x0, y0, x1 - x0, y1 - y0), None
    )


def registration_fallbacks(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """Old forms print no registration labels: the date is the place-date line above the
    signature (``Đức Trọng, ngày 05 tháng 03 năm 1999``) and the authority is the last line of
    the top-left header block (``UBND XÃ HIỆP THẠNH``)."""
    if "registration_date" not in found and (date := place_date(rows)) is not None:
        found["registration_date"] = date
    if "registration_authority_text" not in found:
        last = None
        for row in rows[:8]:  # the header block is at the top of the page
            for piece in _split_at_gaps(row):
                if fold(piece[0].text).startswith(("UBND", "UY BAN")):
                    last = _before_motto(piece)
        if last is not None:
            found["registration_authority_text"] = _reading_of(last)


_MOTTO_START = re.compile(r"^(DOC\s*LAP|CONG\s*HOA)")


def _before_motto(piece: list[Word]) -> list[Word]:
    """The authority's words without the motto printed beside it (``UBND THỊ TRẤN MA ĐA GUÔI
    _ Độc lập - Tự do - Hạnh phúc``: a mark read in the gap between the two joined them)."""
    for i in range(1, len(piece)):
        if _MOTTO_START.match(fold(" ".join(w.text for w in piece[i : i + 2]))):
            return piece[:i]
    return piece


BIRTH = FormSpec(
    doc_type="birth_registration",
    fields=EXTRACTED_FIELDS["birth_registration"],
    labels=LABELS,
    sections=SECTIONS,
    rules=RULES,
    first_section="main",
    fallbacks=(number_by_shape, book_by_shape, registration_fallbacks),
    numbers=("child_personal_id",),
)
