"""Giấy chứng nhận quyền sử dụng đất (land-use-right certificate): labels, sections, tables.

Covers the 2009-2024 blanks (``GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN
KHÁC GẮN LIỀN VỚI ĐẤT``: I. holders, II. parcel as lettered lines ``a) Thửa đất số`` … or as a
two-column table, III. sketch with the vertex table) and the Circular 10/2024 form (``… QUYỀN SỞ
HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT``, a 12-character code under the QR block). Fields without a label
are found by the form's structure: the authority is the line under the motto, the issue date the
place-date line above the signature, the serial the lone ``CN 719597`` (2 letters + 6 digits; 8
digits on newer blanks) at the foot. Values are returned as printed; ``transforms/land.py``
normalises them.

Tables (``EXTRACTED_TABLES["land_certificate"]``) are read by ``read_holders`` (the
``Ông:``/``Bà:`` blocks of section I) and ``read_vertices`` (rows of point id and two VN-2000
coordinates under the ``Điểm | X (m) | Y (m)`` header); both take the page's visual rows.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from ocr import zones
from ocr.extract import (
    VALUE_CHAR,
    FieldRule,
    FormSpec,
    Label,
    Row,
    Section,
    group_rows,
    split_words,
)
from ocr.forms.birth import _reading_of, _split_at_gaps, place_date
from ocr.tesseract import DEFAULT_DPI
from ocr.text import fold, fold_alnum, mend_year, nfc, repair_chars
from sohoa.national_format import EXTRACTED_FIELDS
from sohoa.settings import get_settings
from sohoa.types import FieldReading, Word

L = Label
LABELS = (
    L("holders_opener", ("Người sử dụng đất", "Người sử dụng đất, chủ sở hữu",
                         "Người được cấp giấy chứng nhận")),
    L("parcel_opener", ("Thửa đất, nhà ở và tài sản", "Thông tin thửa đất",
                        "Thửa đất, nhà ở và tài sản khác gắn liền với đất")),
    L("sketch_opener", ("Sơ đồ thửa đất", "Sơ đồ tài sản")),
    L("parcel_number", ("Thửa đất số", "Số thửa")),
    L("map_sheet", ("Tờ bản đồ số", "Tờ bản đồ", "Số tờ bản đồ")),
    L("address", ("Địa chỉ", "Địa chỉ thửa đất")),
    L("address_perm", ("Địa chỉ thường trú", "Địa chỉ thường trú tại", "Cùng địa chỉ thường trú")),
    L("area", ("Diện tích", "Diện tích sử dụng")),
    L("use_form", ("Hình thức sử dụng",)),
    L("purpose", ("Mục đích sử dụng", "Mục đích sử dụng đất")),
    L("term", ("Thời hạn sử dụng", "Thời hạn sử dụng đất")),
    L("origin", ("Nguồn gốc sử dụng", "Nguồn gốc sử dụng đất")),
    L("register_entry", ("Số vào sổ cấp GCN", "Số vào sổ cấp giấy chứng nhận",
                         "Số vào sổ cấp GCNQSDĐ", "Số vào sổ")),
)  # fmt: skip

SECTIONS = (
    Section("holders", "holders_opener"),
    Section("parcel", "parcel_opener"),
    Section("sketch", "sketch_opener"),
)

_DIGITS_VALUE = re.compile(r"\d[\d.,]*")
_ENTRY = re.compile(r"[A-ZĐ]{1,4}\s*[-.]?\s*\d{2,}")


def _cut_date(text: str) -> str:
    return text.split("(")[0].strip(" ,;:")


def _upper_entry(text: str) -> str:
    """``CS 03027`` as printed (OCR may read O for 0 inside the number)."""
    head, _, tail = text.partition(" ")
    return nfc(f"{head} {tail.replace('O', '0')}".strip())


_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "S": "5", "l": "1", "I": "1", "|": "1",
                                   "¡": "1", "G": "6", "B": "8"})  # fmt: skip


def _number(text: str) -> str:
    """A parcel or sheet number: the first token, with letters OCR reads for digits mapped
    back (``S6`` → ``56``, ``G4`` → ``64``, ``¡9`` → ``19``) when the token is short and
    already holds a digit."""
    token = text.split(" ")[0].strip(".,;:")
    if re.fullmatch(r"[0-9OoSlI|¡GB]{1,6}", token) and any(c.isdigit() for c in token):
        return token.translate(_DIGIT_LOOKALIKES)
    return text


R = FieldRule
RULES = (
    R("parcel_number", "parcel_number", post=_number, pattern=_DIGITS_VALUE),
    R("map_sheet_number", "map_sheet", post=_number, pattern=_DIGITS_VALUE),
    R("parcel_address_text", "address", "parcel", multiline=True),
    R("area_m2", "area", multiline=True),
    R("use_form", "use_form"),
    R("land_use_purpose", "purpose", multiline=True),
    R("land_use_term", "term"),
    R("land_use_origin_text", "origin", multiline=True),
    R("register_entry_number", "register_entry", post=_upper_entry, pattern=_ENTRY),
)  # fmt: skip

# --------------------------------------------------------------------------- unlabelled fields

_MOTTO = re.compile(r"DOC\s*LAP|TU\s*DO|HANH\s*PHUC")
_TITLE = re.compile(r"GIAY\s*CHUNG\s*NHAN")
_AUTHORITY = re.compile(r"^(UY\s*BAN|UBND|SO\s|VAN\s*PHONG|CHI\s*NHANH)")
# serial: two capitals (Đ allowed) and 6 digits, 8 on newer blanks; O read for 0 is tolerated,
# and a mark read as a third letter that no serial prints (``CHÍ 174252``: an accented I, l, |),
# an S read as 5 (``C5 233082``) and a C read as the copyright sign (``©S 611906``)
_SERIAL = re.compile(r"^([A-ZĐ©][A-ZĐ5]|5[A-ZĐ])[ÍÌỈĨỊl|!]?\s?([0-9O]{6}|[0-9O]{8})$")
# a serial whose stray mark was dropped is less sure
STRAY_MARK_PENALTY = 0.8
_CODE = re.compile(r"^[0-9A-Z]{12}$")


def _issue_date(rows: list[Row], found: dict[str, FieldReading]) -> None:
    if "issue_date" not in found and (date := place_date(rows)) is not None:
        found["issue_date"] = date


def _authority(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """The issuing body: the line(s) between the motto and the title ``GIẤY CHỨNG NHẬN``."""
    if "issuing_authority_text" in found:
        return
    start = None
    for r, row in enumerate(rows[:10]):
        folded = fold(row.text)
        if _MOTTO.search(folded):
            start = r + 1
        elif _TITLE.search(folded):
            break
    candidates = rows[start:] if start is not None else rows[:10]
    words: list[Word] = []
    for row in candidates[:3]:
        folded = fold(row.text)
        if _TITLE.search(folded) or _MOTTO.search(folded):
            break
        if not words and not _AUTHORITY.match(folded.strip()):
            continue
        if words and not row.text.isupper():
            break
        words.extend(row.words)
    if words:
        found["issuing_authority_text"] = _reading_of(words)


def _serial_and_code(rows: list[Row], found: dict[str, FieldReading]) -> None:
    """Serial ``CN 719597`` and the 12-character QR code: lone tokens, not after a label."""
    for row in rows:
        for piece in _split_at_gaps(row):
            texts = [w.text.strip(".,;:|") for w in piece]
            for i in range(len(piece)):
                if "certificate_serial" not in found:
                    for span in (2, 1):
                        cand = " ".join(texts[i : i + span])
                        m = _SERIAL.match(cand) if i + span <= len(piece) else None
                        if m:
                            before = fold(" ".join(texts[max(0, i - 3) : i]))
                            if "SO" in before.split() or "GCN" in before:
                                continue  # "Số vào sổ cấp GCN: CS 03027" is not the serial
                            reading = _reading_of(piece[i : i + span])
                            letters = m.group(1).replace("5", "S").replace("©", "C")
                            serial = f"{letters} {m.group(2)}"
                            if fold(serial).replace(" ", "") != fold(cand).replace(" ", ""):
                                reading.value_text = serial
                                reading.confidence = round(
                                    reading.confidence * STRAY_MARK_PENALTY, 4
                                )
                            found["certificate_serial"] = reading
                            break
                if "certificate_code" in found:
                    continue
                if _is_code(texts[i]):
                    found["certificate_code"] = _reading_of([piece[i]])
                elif _is_code(code := _without_one_mark(texts[i])):
                    # a speck read as a sign inside the code (6§81BQYR4YMSN): less sure
                    reading = _reading_of([piece[i]])
                    reading.value_text = code
                    reading.confidence = round(reading.confidence * STRAY_MARK_PENALTY, 4)
                    found["certificate_code"] = reading
                if "certificate_code" in found:  # read apart and doubted (zones.read_code)
                    found["certificate_code"].doubt = piece[i].doubt


def _is_code(text: str) -> bool:
    """The 12-character code printed under the QR block (letters and digits mixed)."""
    t = text.strip(".,;:|")
    return bool(_CODE.match(t)) and any(c.isalpha() for c in t) and sum(c.isdigit() for c in t) >= 2


def _without_one_mark(text: str) -> str:
    """``text`` without the one sign that is no letter or digit inside it (else unchanged)."""
    t = text.strip(".,;:|")
    signs = [i for i, c in enumerate(t) if not (c.isascii() and c.isalnum())]
    return t[: signs[0]] + t[signs[0] + 1 :] if len(signs) == 1 and 0 < signs[0] < len(t) - 1 else t


FALLBACKS = (_issue_date, _authority, _serial_and_code)

# --------------------------------------------------------------------------- holders

_GAP = "¦"
_HOLDER_START = re.compile(r"^(?:HO\s+)?(ONG|BA)\s*:?$")
# "năm" with a letter misread or doubled (NÑăm sinh, Năng sinh, sinh năïn), a speck between
# the words (Năm-sinh, Năm.sinh), a mark on the i of "sinh" (sỉnh năm); "sinh" is printed in
# lower case, so a name written in capitals (… TÂM SINH) does not end there
_SINH = r"(?-i:s[iìíỉĩị]nh)"
_NAM = r"(?:\w{0,3}m|\b[Nn](?-i:[a-zà-ỹ]){1,2}[ngh])"  # not a name's MINH, HÙNG
_YEAR_LABEL = rf"(?:{_SINH}[\s.\-]*\w{{0,3}}[mn]\b|{_NAM}[\s.\-]*{_SINH}\b)"
# the label read glued into one word of capitals before the year (SINTNĂM 1977, NĂÃMRSINH:
# 1974): a name's syllable is shorter and holds neither
_GLUED_YEAR_LABEL = r"(?-i:\b[A-ZÀ-Ỹ]*(?:SIN|N[ĂA]\W?M)[A-ZÀ-Ỹ]*)(?<=\w{6})[:.]?(?=\s*\d{4}\b)"
_NEXT_LABELS = re.compile(
    rf"[,;]?\s*(?:{_YEAR_LABEL}|{_GLUED_YEAR_LABEL}|cmnd|cccd|cmt|số\s*định\s*danh|hộ\s*chiếu|"
    r"địa\s*ch\w?\b|giấy\s*tờ|¦)",
    re.I,
)
_BIRTH_YEAR = re.compile(rf"(?:{_YEAR_LABEL}|{_GLUED_YEAR_LABEL})[\s:._,]*(\d{{4}})", re.I)
_ID = re.compile(
    r"(?:cmnd|cccd|cmt|căn\s*cước|số\s*định\s*danh(?:\s*cá\s*nhân)?|hộ\s*chiếu)"
    r"\s*(?:số)?[\s:.]*"
    # marks between the label and its number (specks read as "#2 # ¬", a wide gap, a wrap)
    r"(?P<junk>(?:(?:[^\w\s¦]+\d?|¦)\s*){0,4})"
    # digits, a single space or stop between two (not a leader run and the next line's text)
    r"([0-9OoIl](?:[0-9OoIl]|[ .](?=[0-9OoIl])){7,16}[0-9OoIl])",
    re.I,
)
# "Địa ch:" is "Địa chỉ:" with its last letter lost
# "thường trú" with its letters misread (thưởng trú, thườÄg tỉú): never a place's first words
_RESIDENT = r"th[uưứừửữựườởỡợ]\w{0,4}\s+t[rỉ]\w{0,2}"
_ADDRESS = re.compile(
    rf"(?:cùng\s*)?địa\s*ch\w?\b(?:\s*(?:thường\s*trú|{_RESIDENT}))?(?:\s*tại)?\s*:?\s*", re.I
)
# an ID number read after marks between it and its label, or without its label, is less sure
ID_AFTER_MARKS_PENALTY = 0.8
# an ID (CMND 9 digits, CCCD 12) standing alone, not part of a longer number
_BARE_ID = re.compile(r"(?<!\d)(?<!\d[.,])(?:\d{12}|\d{9})(?!\d|[.,]\d)")


def _lone_mark(words: Sequence[Word]) -> bool:
    """A piece of a line holding one character or none (a QR block's or a stamp's edge read as
    ``Ị``): no holder's value stands alone that short."""
    return sum(len(VALUE_CHAR.findall(w.text)) for w in words) <= 1


def _offsets(words: Sequence[Word]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    return " ".join(w.text for w in words), spans


def _span_reading(
    words: Sequence[Word], spans: list[tuple[int, int]], start: int, end: int, value: str
) -> FieldReading:
    inside = [w for w, (a, b) in zip(words, spans, strict=True) if a < end and b > start]
    if not value or not inside:
        return FieldReading(None, 0.0)
    reading = _reading_of(inside)
    return FieldReading(nfc(value), reading.confidence, reading.box, None)


def _block_rows(rows: Sequence[Row], opener: str, closers: tuple[str, ...]) -> list[Row]:
    """Rows after the row holding label ``opener`` up to the row holding one of ``closers``
    (from the first row when only a closer is found)."""
    spec_labels = [lab for lab in LABELS if lab.key in (opener, *closers)]
    from ocr.extract import find_labels

    hits = find_labels(rows, spec_labels)
    start = next((h.row for h in hits if h.label.key == opener), None)
    if start is None:
        # the opener lost to speckle or a seal: the block runs from the page's top to a closer
        if not any(h.label.key in closers for h in hits):
            return []
        start = -1
    end = next((h.row for h in hits if h.label.key in closers and h.row > start), len(rows))
    return list(rows[start + 1 : end])


# a year mended by undoing a digit slip (7967 → 1967) is less sure than one read
MENDED_YEAR_PENALTY = 0.8


def _birth_year(reading: FieldReading) -> FieldReading:
    """An impossible birth year (``7967``) mended when one digit slip undone fits."""
    mended = mend_year(reading.value_text or "")
    if mended is None or mended == reading.value_text:
        return reading
    return FieldReading(
        mended, round(reading.confidence * MENDED_YEAR_PENALTY, 4), reading.box, reading.label_text
    )


def _title_before_name(words: Sequence[Word], i: int) -> bool:
    """``Ông``/``Bà`` whose colon was misread (``Óng'``) opening its line, a name in capitals
    after it: a holder's title all the same (a lost one dropped the holder's every field)."""
    # first on its line, or after a speck or two read as a short word (``SN BÀ NGUYỄN THỊ VY``)
    line = words[i].line_key
    before = list(itertools.takewhile(lambda w: w.line_key == line, reversed(words[:i])))
    first_on_line = len(before) <= 2 and all(len(w.text) <= 2 for w in before)
    name = next((w.text for w in words[i + 1 :] if w.text != _GAP), "")
    return first_on_line and sum(c.isupper() for c in name) >= 2 and name == name.upper()


def read_holders(rows: Sequence[Row]) -> list[dict[str, FieldReading]]:
    """Holders of section I: ``Ông:``/``Bà:`` blocks with name, birth year, ID and address.

    An address printed once after all holders (``Địa chỉ thường trú: …``) belongs to every
    holder that has none of its own."""
    block = _block_rows(rows, "holders_opener", ("parcel_opener", "parcel_number"))
    if not block:
        return []
    words: list[Word] = []
    for row in block:
        pieces = [[w for w in p if not _is_code(w.text)] for p in _split_at_gaps(row)]
        # the certificate code and the QR block's edge read as a lone "Ị" stand beside the
        # values: dropped, so a value wrapped onto the next line still joins its start
        pieces = [p for p in pieces if not _lone_mark(p)]
        for k, piece in enumerate(pieces):
            # a wide gap after a value (not after a label's colon): side-by-side text is not
            # part of the value
            if k and not words[-1].text.rstrip(".…_· ").endswith(":"):  # "Bà:." leader dots
                words.append(Word(_GAP, 0.0, piece[0].box, piece[0].line_key))
            words.extend(piece)
    starts = [
        i
        for i, w in enumerate(words)
        if _HOLDER_START.match(fold_alnum(w.text).upper() + (":" if ":" in w.text else ""))
        and (
            ":" in w.text
            or (i + 1 < len(words) and words[i + 1].text.startswith(":"))
            or _title_before_name(words, i)
        )
    ]
    starts = [i for i in starts if not (i > 0 and fold_alnum(words[i - 1].text).upper() == "HO")]
    if not starts:
        return []
    holders: list[dict[str, FieldReading]] = []
    shared_address: FieldReading | None = None
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(words)
        ws = words[s + 1 : end]
        ws = ws[1:] if ws and ws[0].text == _GAP else ws  # after a title without its colon
        text, spans = _offsets(ws)
        row: dict[str, FieldReading] = {}
        cut = _NEXT_LABELS.search(text)
        name_end = cut.start() if cut else len(text)
        name = re.sub(r"(?:\s+[^\w\s']+)+$", "", text[:name_end]).strip(" :,;._")
        row["full_name"] = _span_reading(ws, spans, 0, name_end, name)
        m = _BIRTH_YEAR.search(text)
        row["birth_year"] = (
            _birth_year(_span_reading(ws, spans, m.start(1), m.end(1), m.group(1)))
            if m
            else FieldReading(None, 0.0)
        )
        m = _ID.search(text)
        row["id_number"] = (
            _span_reading(ws, spans, m.start(2), m.end(2), m.group(2))
            if m
            else FieldReading(None, 0.0)
        )
        if m and m.group("junk").strip() and row["id_number"].value_text:
            row["id_number"].confidence = round(
                row["id_number"].confidence * ID_AFTER_MARKS_PENALTY, 4
            )
        if not m and (bare := _BARE_ID.search(text, name_end)):
            # the label misread (CCŒCCD, CMNDsốõ): a number of an ID's length stands for it
            row["id_number"] = _span_reading(ws, spans, bare.start(), bare.end(), bare.group())
            row["id_number"].confidence = round(
                row["id_number"].confidence * ID_AFTER_MARKS_PENALTY, 4
            )
        m = _ADDRESS.search(text)
        if m:
            # a gap right after the label (``Địa chỉ    Tổ 5, …`` without its colon) is no end
            rest = text[m.end() :].lstrip(f" :{_GAP}")
            addr = repair_chars(rest.split(_GAP)[0]).strip(' :,;._"“”')
            reading = _span_reading(ws, spans, m.end(), len(text), addr)
            if k == len(starts) - 1 or m.start() == 0:
                shared_address = reading
            row["address_text"] = reading
        holders.append(row)
    for row in holders:
        if not row.get("address_text") or row["address_text"].value_text is None:
            row["address_text"] = shared_address or FieldReading(None, 0.0)
    return holders


# --------------------------------------------------------------------------- vertices

_COORD_END = re.compile(r"[.,]\d{1,3}$")
_POINT = re.compile(r"^(?:[A-Za-z]{0,2}\d{1,3}[A-Za-z]?|[IlL|])$")


# letters Tesseract reads for digits inside a long number ("5774G7,57" is 577467,57)
_LETTER_DIGITS = str.maketrans({"G": "6", "O": "0", "o": "0", "S": "5", "B": "8", "l": "1",
                                "I": "1"})  # fmt: skip


def _clean_token(text: str) -> str:
    """Drop table rules read as ``|`` and collapse separator runs (``1328451./28`` → ``.28``);
    a slash before the decimals of a number with no separator is its comma (``1332229/74``);
    in a coordinate (five digits or more), one letter read for a digit is that digit and one
    mark that is no letter (``58§6596,95``, ``Š510517.99``) is dropped."""
    text = re.sub(r"[|\[\]()]", "", text)
    text = re.sub(r"^(\d{4,})/(\d{1,3})$", r"\1,\2", text)
    text = re.sub(r"([.,])[./,]+", r"\1", text)
    if sum(c.isdigit() for c in text) < 5:
        return text
    marks = [i for i, c in enumerate(text) if not (c.isdigit() or c in ".," or _is_latin(c))]
    if len(marks) == 1 and re.fullmatch(r"[\d.,]+", dropped := text.replace(text[marks[0]], "")):
        return dropped
    if sum(c.isalpha() for c in text) == 1:
        mapped = text.translate(_LETTER_DIGITS)
        if re.fullmatch(r"[\d.,]+", mapped):
            return mapped
    return text


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


def split_vertex_row(texts: Sequence[str]) -> tuple[str, str, str] | None:
    """``["1", "1328451,28", "586738,62"]`` → point, x text, y text (as printed).

    Coordinates may carry thousands spaces (``1 328 451,28``): tokens are grouped until one
    ends in a decimal part. Without decimals, the two numbers must be whole tokens. The point id
    is the first token; one misread into marks (``š IỆ``, ``E)``) or not read at all gives an
    empty id, which ``read_vertices`` takes from the numbering."""
    tokens = [_clean_token(t) for t in texts]
    tokens = [t for t in tokens if t]
    # a decimal part read apart from its number (``1288625. 18``)
    for i in range(len(tokens) - 1, 0, -1):
        if re.fullmatch(r"\d+[.,]", tokens[i - 1]) and re.fullmatch(r"\d{1,3}", tokens[i]):
            tokens[i - 1 : i + 1] = [tokens[i - 1] + tokens[i]]
    for n_point in (1, 2, 0):
        if len(tokens) < n_point + 2:
            continue
        point = "".join(tokens[:n_point]).strip(",.;:")
        if n_point and not _POINT.match(point):
            if n_point == 2 and re.search(r"\d", point):
                continue
            if re.search(r"\d", point) or len(point) > 3:
                continue
            point = ""  # marks where the id was printed
        coords = _coordinates(tokens[n_point:])
        if coords is not None:
            return point, *coords
    return None


def split_at_column_gap(words: Sequence[Word]) -> tuple[str, str, str] | None:
    """A vertex row whose numbers do not all read as numbers (``1 344 309,60  o6 182,92``:
    576 read ``o6``): point, x and y as read, the two coordinates split at the widest gap
    between words (the gap between the table's columns). ``None`` unless each side holds five
    digits or more and is mostly digits, as a coordinate is: a line of text below the table is
    none."""
    first = _clean_token(words[0].text) if words else ""
    point, rest = (first, list(words[1:])) if _POINT.match(first) else ("", list(words))
    if len(rest) < 2:
        return None
    gaps = [b.box[0] - (a.box[0] + a.box[2]) for a, b in itertools.pairwise(rest)]
    cut = gaps.index(max(gaps)) + 1
    sides = [" ".join(w.text for w in rest[:cut]), " ".join(w.text for w in rest[cut:])]
    for side in sides:
        digits = sum(c.isdigit() for c in side)
        if digits < 5 or digits < 0.6 * len(side.replace(" ", "")):
            return None
    return point, sides[0], sides[1]


def _coordinates(rest: list[str]) -> tuple[str, str] | None:
    if not all(re.fullmatch(r"[\d.,]+", t) for t in rest):
        return None
    groups: list[list[str]] = [[]]
    for t in rest:
        groups[-1].append(t)
        if _COORD_END.search(t):
            groups.append([])
    groups = [g for g in groups if g]
    if len(groups) != 2:
        if len(rest) == 2:
            groups = [[rest[0]], [rest[1]]]
        else:
            return None
    x, y = (" ".join(g) for g in groups)
    if sum(c.isdigit() for c in x) < 5 or sum(c.isdigit() for c in y) < 5:
        return None
    return x, y


def _sequence_point(point: str, expected: int) -> str:
    """Points are numbered in order: ``L`` or ``5D`` read where 1 or 5 is due is that number;
    any other id (``M3``, ``12``) is kept as printed."""
    core = re.sub(r"\D", "", point.translate(_DIGIT_LOOKALIKES | {ord("L"): "1"}))
    return str(expected) if core in (str(expected), "") else point


def _is_vertex_header(row: Row) -> int | None:
    """Left edge of the vertex table when ``row`` is its header (``Điểm  X (m)  Y (m)``).

    OCR may split the header word (``Đi ểm``) or glue the unit (``X(m)``, ``Xím)``)."""
    folded = [fold(w.text) for w in row.words]
    for i in range(len(folded)):
        head = "".join(re.sub(r"[^A-Z]", "", t) for t in folded[i : i + 3])
        if not re.sub(r"[^A-Z]", "", folded[i]) or not head.startswith(
            ("DIE", "IEM", "SOHIEUDIEM", "STT", "TENDIEM")  # ``Điể``/``iểm``: a letter lost
        ):
            continue
        rest = [t.lstrip("|([") for t in folded[i + 1 :]]
        if any(t.startswith("X") for t in rest) and any(t.startswith("Y") for t in rest):
            return row.words[i].box[0]
        # the axis letters misread (``#(m  YYm)``): the two columns' unit still names them;
        # or one column's name read whole with its unit (``X(mj  “im``)
        if sum(1 for t in rest if "(M" in t or "M)" in t) >= 2 or any(
            re.match(r"[XY]\W?\(M", t) for t in rest
        ):
            return row.words[i].box[0]
    return None


def _vertex_row_shape(row: Row) -> bool:
    """A line that reads as a vertex row in full: a point number, then two coordinates of five
    digits or more with their decimals (``2  1326626,75  473028,17``)."""
    parsed = split_vertex_row([w.text for w in row.words])
    return bool(
        parsed
        and re.fullmatch(r"\d{1,3}", parsed[0])
        and all(_COORD_END.search(c.rstrip(".,;:")) for c in parsed[1:])
    )


# a point id inferred from its place in the numbering is less sure than one read
INFERRED_POINT_PENALTY = 0.7


def _garbled_number(word: Word) -> bool:
    """A word of three digits or more that holds letters or marks even once cleaned."""
    text = _clean_token(word.text)
    return sum(c.isdigit() for c in text) >= 3 and not re.fullmatch(r"[\d.,]+", text)


def read_vertices(
    rows: Sequence[Row], reread: Callable[[Word], Word | None] | None = None
) -> list[dict[str, FieldReading]]:
    """Rows of the vertex table: point id and the two coordinates as printed.

    ``reread`` reads one word of the page again as a number: a coordinate that came out with
    letters or marks in it is read again (``ocr.zones.read_number``) and taken when it reads as
    a number."""
    out: list[dict[str, FieldReading]] = []
    starts = [(r + 1, left, row.height) for r, row in enumerate(rows)
              if (left := _is_vertex_header(row)) is not None]  # fmt: skip
    if not starts:  # the header not read: two lines shaped as vertex rows start the table
        starts = [(r, row.words[0].box[0], row.height)
                  for r, (row, nxt) in enumerate(itertools.pairwise(rows))
                  if _vertex_row_shape(row) and _vertex_row_shape(nxt)][:1]  # fmt: skip
    for first, left, height in starts:
        margin = 2 * height
        misses = 0
        for cand in rows[first:]:
            ws = [w for w in cand.words if w.box[0] >= left - margin]
            if reread is not None:
                ws = [_number_again(w, reread) if _garbled_number(w) else w for w in ws]
            parsed = split_vertex_row([w.text for w in ws]) if ws else None
            if parsed is None and ws:
                parsed = split_at_column_gap(ws)  # kept as read: normalisation flags it
            if parsed is None:
                misses += 1
                if out and misses > 1:
                    break
                continue
            misses = 0
            read, x, y = parsed
            last = out[-1]["point"].value_text if out else "0"
            expected = int(last) + 1 if last and last.isdigit() else len(out) + 1
            point = _sequence_point(read, expected)
            point_conf = _reading_of(ws[:1]).confidence
            if not re.search(r"\d", read):  # inferred from the order, not read
                point_conf = round(point_conf * INFERRED_POINT_PENALTY, 4)
            # boxes: the point is the first word, the coordinates the rest in order
            conf = _reading_of(ws)
            out.append(
                {
                    "point": FieldReading(point, point_conf, ws[0].box),
                    "x": FieldReading(x, conf.confidence, conf.box),
                    "y": FieldReading(y, conf.confidence, conf.box),
                }
            )
        if out:
            break
    for axis in ("x", "y"):
        _mend_lost_separators(out, axis)
        _mend_far_digit(out, axis)
    return out


def _number_again(word: Word, reread: Callable[[Word], Word | None]) -> Word:
    again = reread(word)
    if again is None or not re.fullmatch(r"\d[\d.,]*\d", again.text):
        return word
    return Word(again.text, again.confidence, word.box, word.line_key)


# a coordinate whose decimal separator was put back from the column's other rows is less sure
MENDED_COORDINATE_PENALTY = 0.8


def _mend_lost_separators(rows: list[dict[str, FieldReading]], axis: str) -> None:
    """A coordinate read without its decimal separator (``49920981`` or ``499209 81`` among
    ``499211,11``, ``499216,20``…) gets it back where every other row of the column has it:
    the rows of a vertex table print the same number of integer and decimal digits (the shape
    of most rows). A value of another shape keeps its text with a lower confidence."""
    shapes = Counter()
    for row in rows:
        m = re.fullmatch(r"(\d+)([.,])(\d+)", row[axis].value_text or "")
        if m:
            shapes[(len(m.group(1)), m.group(2), len(m.group(3)))] += 1
    if not shapes:
        return
    (whole, sep, decimals), n = shapes.most_common(1)[0]
    if n < 2 or 2 * n < len(rows):  # no shape shared by half the rows or more
        return
    shape = re.compile(rf"\d{{{whole}}}[.,]\d{{{decimals}}}")
    for row in rows:
        old = row[axis]
        text = old.value_text or ""
        if not text or shape.fullmatch(text):
            continue
        digits = text.replace(" ", "")  # "499209 81": the separator read as a space
        if digits.isdigit() and len(digits) == whole + decimals and text.find(" ") in (-1, whole):
            text = f"{digits[:whole]}{sep}{digits[whole:]}"
        # mended, or unlike its column ("5858866.16" among "585877.40"): less sure either way
        row[axis] = FieldReading(
            text, round(old.confidence * MENDED_COORDINATE_PENALTY, 4), old.box, old.label_text
        )


# the vertices of one parcel lie within this many metres of the column's median (a parcel of
# 50 ha is 800 m across); a value far outside was misread
PARCEL_REACH_M = 1000.0


def _metres(text: str) -> float | None:
    digits = text.replace(" ", "").replace(",", ".")
    return float(digits) if re.fullmatch(r"\d+(\.\d+)?", digits) else None


def _mend_far_digit(rows: list[dict[str, FieldReading]], axis: str) -> None:
    """A coordinate hundreds of kilometres from the parcel's other vertices (``947115.80`` among
    ``547120.03``, ``547116.62``…) had one of its leading digits misread: where exactly one
    digit changed brings it back among them, that digit is taken (less sure). Needs three other
    rows that agree; a value that no one digit brings back is left as read."""
    values = [_metres(row[axis].value_text or "") for row in rows]
    known = sorted(v for v in values if v is not None)
    if len(known) < 4:
        return
    median = known[len(known) // 2]
    if sum(abs(v - median) <= PARCEL_REACH_M for v in known) < 3:
        return
    for row, value in zip(rows, values, strict=True):
        if value is None or abs(value - median) <= PARCEL_REACH_M:
            continue
        old = row[axis]
        text = old.value_text or ""
        mended = {
            text[:i] + d + text[i + 1 :]
            for i, c in enumerate(text)
            if c.isdigit()
            for d in "0123456789"
            if d != c
        }
        fits = [t for t in mended if abs((_metres(t) or 0.0) - median) <= PARCEL_REACH_M]
        if len(fits) == 1:
            row[axis] = FieldReading(
                fits[0], round(old.confidence * MENDED_COORDINATE_PENALTY, 4), old.box,
                old.label_text,
            )  # fmt: skip


def read_tables(
    words: Sequence[Word], image: np.ndarray | None = None
) -> dict[str, list[dict[str, FieldReading]]]:
    """Both tables of a certificate page from its OCR words (the ``FormSpec.tables`` hook):
    holders are labelled blocks, vertices rows of numbers; with the cleaned image, a coordinate
    read garbled is read again alone."""
    rows = group_rows(split_words(words))
    reread = None
    if image is not None:
        timeout = get_settings().tesseract_timeout_s

        def reread(word: Word) -> Word | None:
            return zones.read_number(image, word.box, timeout=timeout, dpi=DEFAULT_DPI)

    return {"holders": read_holders(rows), "vertices": read_vertices(rows, reread)}


LAND = FormSpec(
    doc_type="land_certificate",
    fields=EXTRACTED_FIELDS["land_certificate"],
    labels=LABELS,
    sections=SECTIONS,
    rules=RULES,
    first_section="main",
    fallbacks=FALLBACKS,
    tables=read_tables,
    numbers=("parcel_number", "map_sheet_number"),
)
