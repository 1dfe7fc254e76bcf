"""Land-use-right certificate (Giấy chứng nhận quyền sử dụng đất): raw text → national format.

Page-level fields (``map_land``): serial and QR code, register entry, issue date and authority,
parcel number, map sheet, address → commune code (old → new by the issue date), area from the
decimal comma cross-checked with the area in words, use form, purpose → current code (Circular
08/2024, ``data/land_use_purposes.csv``), term (``permanent`` or ISO date) and origin.
Tables: ``map_holders`` (name, birth year, ID, address) and ``map_vertices`` (point, x, y in
VN-2000 metres) take the raw rows of one page and return national-format rows and flags.
"""

from __future__ import annotations

import csv
import logging
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from sohoa.settings import get_settings
from transforms import admin_units, dates, ids, names
from transforms.civil import REFORM_DATE
from transforms.flags import CONFIDENCE_FACTOR, REASONS, FlagCollector
from transforms.text import clean_text, map_unique, repair_unicode, strip_marks, word_key

log = logging.getLogger(__name__)

DOC_TYPE = "land_certificate"

PURPOSES_CSV = Path(__file__).parent / "data" / "land_use_purposes.csv"

# Reasons this record type raises (Vietnamese, English). They belong in ``flags.REASONS``; they
# are added there on import so the message table stays the single place people read from.
LAND_REASONS: dict[str, tuple[str, str]] = {
    "unparseable_area": ("Không đọc được diện tích", "The area could not be read"),
    "area_words_mismatch": (
        "Diện tích ghi bằng số và bằng chữ không khớp",
        "The area in figures and the area in words disagree",
    ),
    "area_mark_in_figures": (
        "Có dấu lạ giữa các nhóm chữ số của diện tích (đã bỏ qua), cần kiểm tra",
        "A stray mark between the area's groups of digits was left out; please check",
    ),
    "unknown_land_use_purpose": (
        "Không nhận ra mục đích sử dụng đất",
        "The land-use purpose was not recognised",
    ),
    "land_use_purpose_mismatch": (
        "Mã mục đích sử dụng không khớp với tên mục đích in bên cạnh",
        "The purpose code does not match the purpose name printed beside it",
    ),
    "unknown_use_form": (
        "Không nhận ra hình thức sử dụng (riêng/chung)",
        "The form of use (private/shared) was not recognised",
    ),
    "unparseable_term": ("Không đọc được thời hạn sử dụng", "The land-use term could not be read"),
    "malformed_serial": (
        "Số phát hành (seri) giấy chứng nhận sai định dạng",
        "The certificate serial has the wrong format",
    ),
    "unparseable_coordinate": (
        "Không đọc được tọa độ điểm mốc",
        "A vertex coordinate could not be read",
    ),
    "coordinate_out_of_range": (
        "Tọa độ VN-2000 nằm ngoài phạm vi của tỉnh",
        "The VN-2000 coordinate lies outside the province",
    ),
    "coordinate_unlike_column": (
        "Tọa độ có số chữ số khác với các điểm khác trong bảng: có thể đọc thiếu hoặc thừa số",
        "The coordinate has other digits than the table's other points: a digit may be lost",
    ),
    "code_readings_differ": (
        "Mã giấy chứng nhận đọc hai lần ra hai kết quả khác nhau (0/O, 1/I, 5/S…); cần đối chiếu"
        " với bản giấy",
        "Two readings of the certificate code differ (0/O, 1/I, 5/S…); compare with the paper",
    ),
    "term_before_issue": (
        "Thời hạn sử dụng kết thúc trước ngày cấp",
        "The land-use term ends before the issue date",
    ),
    "origin_wording_mended": (
        "Nguồn gốc sử dụng đọc sai vài chữ đã được sửa theo câu chữ chuẩn; cần kiểm tra",
        "The origin of use, misread in a few letters, was set to its standard wording; "
        "please check",
    ),
}
for _reason, _messages in LAND_REASONS.items():
    REASONS.setdefault(_reason, _messages)
CONFIDENCE_FACTOR.setdefault("area_words_mismatch", 0.5)
CONFIDENCE_FACTOR.setdefault("area_mark_in_figures", 0.8)
CONFIDENCE_FACTOR.setdefault("land_use_purpose_mismatch", 0.5)

# national field → raw field whose confidence it inherits
SOURCES: dict[str, str] = {
    "certificate_serial": "certificate_serial",
    "certificate_code": "certificate_code",
    "register_entry_number": "register_entry_number",
    "issue_date": "issue_date",
    "issuing_authority_text": "issuing_authority_text",
    "parcel_number": "parcel_number",
    "map_sheet_number": "map_sheet_number",
    "parcel_address_text": "parcel_address_text",
    "parcel_commune_code": "parcel_address_text",
    "area_m2": "area_m2",
    "use_form": "use_form",
    "land_use_purpose_code": "land_use_purpose",
    "land_use_term": "land_use_term",
    "land_use_origin_text": "land_use_origin_text",
}

# --------------------------------------------------------------------------- numbers

_AREA_NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")
_IN_WORDS = re.compile(r"(?:b[aằ]ng\s*ch[uữ]|ghi\s*b[aằ]ng\s*ch[uữ])\s*:?\s*(.*)", re.I)
_MARK_IN_NUMBER = re.compile(r"(?<=\d)\s*[:;]\s*(?=\d{3}(?!\d))")


def parse_decimal(text: str, comma_decimal: bool = True) -> float | None:
    """``720,2`` → 720.2; ``1.437,4`` → 1437.4; ``1 328 451,28`` → 1328451.28.

    The last separator followed by 1-2 digits (or 3 for a comma, the Vietnamese decimal mark) is
    the decimal mark; every other separator groups thousands (OCR swaps ``.`` and ``,``)."""
    t = re.sub(r"\s+", "", text or "")
    if not t or not re.fullmatch(r"\d[\d.,]*", t):
        return None
    t = t.rstrip(".,")
    seps = [(i, c) for i, c in enumerate(t) if c in ".,"]
    if not seps:
        return float(t)
    last_i, last_c = seps[-1]
    frac = t[last_i + 1 :]
    is_decimal = len(frac) in (1, 2) or (len(frac) == 3 and last_c == "," and comma_decimal)
    if len(seps) > 1 and len(frac) == 3 and last_c == seps[-2][1]:
        is_decimal = False  # 1.437.400: all thousands
    whole = re.sub(r"[.,]", "", t[:last_i]) if is_decimal else re.sub(r"[.,]", "", t)
    if is_decimal:
        return float(f"{whole}.{frac}")
    return float(whole)


_UNITS = {
    "KHONG": 0, "MOT": 1, "MOTS": 1, "HAI": 2, "BA": 3, "BON": 4, "TU": 4, "NAM": 5, "LAM": 5,
    "NHAM": 5, "SAU": 6, "BAY": 7, "TAM": 8, "CHIN": 9,
}  # fmt: skip
_SCALES = {"NGHIN": 1000, "NGAN": 1000, "TRIEU": 1_000_000}


def _words_integer(tokens: list[str]) -> int | None:
    total, group, cur, seen = 0, 0, None, False
    for tok in tokens:
        if tok in _UNITS:
            if cur is not None:
                group += cur  # "hai trăm linh năm": linh skipped, digits add up
            cur = _UNITS[tok]
        elif tok == "MUOI":  # mười (10) and mươi (×10) fold alike
            group += (cur if cur is not None else 1) * 10
            cur = None
        elif tok == "TRAM":
            group += (cur if cur is not None else 1) * 100
            cur = None
        elif tok in _SCALES:
            total += (group + (cur or 0) or 1) * _SCALES[tok]
            group, cur = 0, None
        elif tok in ("LINH", "LE"):
            pass
        else:
            return None
        seen = True
    return total + group + (cur or 0) if seen else None


def parse_number_words(text: str) -> float | None:
    """``Bảy trăm hai mươi phẩy hai mét vuông`` → 720.2 (None when not a number in words)."""
    folded = strip_marks(repair_unicode(text)).upper().replace("Đ", "D")
    tokens = re.findall(r"[A-Z]+", folded)
    for stop in ("MET", "M"):
        if stop in tokens:
            tokens = tokens[: tokens.index(stop)]
    if "PHAY" in tokens:
        k = tokens.index("PHAY")
        whole = _words_integer(tokens[:k])
        frac_tokens = tokens[k + 1 :]
        if whole is None or not frac_tokens:
            return None
        if all(t in _UNITS for t in frac_tokens):
            digits = "".join(str(_UNITS[t]) for t in frac_tokens)
        else:
            value = _words_integer(frac_tokens)
            if value is None:
                return None
            digits = str(value)
        return float(f"{whole}.{digits}")
    whole = _words_integer(tokens)
    return float(whole) if whole is not None else None


def parse_area(text: str) -> tuple[float | None, float | None]:
    """(area from the figures, area from the words) of ``720,2 m² (bằng chữ: …)``."""
    text = repair_unicode(text)
    words_part = None
    # "bằng chữ" told by its letters (``băng chữ``: a mark misread); stripping marks keeps the
    # length of composed text, so a match's place is the same in both
    bare = strip_marks(text)
    m = _IN_WORDS.search(bare if len(bare) == len(text) else text)
    if m:
        words_part = text[m.start(1) :]
        text = text[: m.start()]
    # a speck read as a colon between a number's groups (``10: 559,0``) groups thousands
    text = _MARK_IN_NUMBER.sub(" ", text)
    figures = None
    n = _AREA_NUMBER.search(text)
    if n:
        figures = parse_decimal(n.group(0))
    words = parse_number_words(words_part) if words_part else None
    return figures, words


def area_of(parsed: tuple[float | None, float | None]) -> float | None:
    """The area of (figures, words): the figures, but the words where the figures look like
    the words with one digit misread or lost (``707,3 m² (bằng chữ: Một trăm linh bảy phẩy ba
    …)``, ``419,1`` for bảy nghìn bốn trăm …): OCR slips on digits (1 for 7, 3 for 5). Words
    that lost a word of their own give a 0 or one digit fewer instead (``bảy trăm phẩy hai`` for
    720,2), so then the figures stay. The mismatch is flagged either way."""
    figures, words = parsed
    if figures is None or words is None:
        return words if figures is None else figures
    read, written = f"{figures:g}", f"{words:g}"
    ops = Levenshtein.editops(read, written)
    if len(ops) != 1:
        return figures
    op = ops[0]
    digit_misread = op.tag == "replace" and written[op.dest_pos] != "0"
    digit_lost = op.tag == "insert"
    return words if digit_misread or digit_lost else figures


def parse_coordinate(text: str) -> float | None:
    """A VN-2000 coordinate in metres as printed (decimal comma or point, thousands spaces)."""
    return parse_decimal(text, comma_decimal=True)


# --------------------------------------------------------------------------- codes


@lru_cache(maxsize=1)
def purpose_table() -> tuple[dict[str, str], dict[str, str]]:
    """(printed code → current code, folded printed name → printed code)."""
    codes: dict[str, str] = {}
    by_name: dict[str, str] = {}
    with PURPOSES_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            codes[row["code"]] = row["current"]
            for name in [row["name"], *filter(None, (row["variants"] or "").split("|"))]:
                by_name[_fold(name)] = row["code"]
    return codes, by_name


def current_purpose_codes() -> list[str]:
    """The allowed values of ``land_use_purpose_code``."""
    return sorted(set(purpose_table()[0].values()))


def _fold(text: str) -> str:
    t = strip_marks(repair_unicode(text)).upper().replace("Đ", "D")
    return " ".join(re.findall(r"[A-Z0-9]+", t))


_CODE_TOKEN = re.compile(r"(?<![A-ZĐ])([A-Z]{3})(?![A-Z])")


def purpose_code(text: str) -> tuple[str | None, str | None]:
    """(current code, reason) of a printed purpose: ``Đất ở tại nông thôn (ONT)``, ``BHK``, …"""
    codes, by_name = purpose_table()
    upper = repair_unicode(text).upper()
    printed = [c for c in _CODE_TOKEN.findall(upper.replace("0", "O")) if c in codes]
    alone = re.fullmatch(r"\W*([^\W\d_]{3})\W*", upper)
    if not printed and alone and strip_marks(alone.group(1)) in codes:
        printed = [strip_marks(alone.group(1))]  # a code alone, a mark misread on it: LỤC.
    name_part = re.sub(r"\(.*?\)", " ", repair_unicode(text))
    folded = _fold(name_part)
    # a purpose line may end with its own area or term ("Đất ở: 100 m²"): keep the words only
    folded = re.sub(r"\b\d.*$", "", folded).strip()
    by_text = None
    if folded and folded not in {c for c in codes}:
        by_text = by_name.get(folded)
        if by_text is None and len(folded) > 8:
            scored = sorted(((fuzz.ratio(folded, k), v) for k, v in by_name.items()), reverse=True)
            if (
                scored
                and scored[0][0] >= 92
                and (
                    len(scored) == 1
                    or codes[scored[1][1]] == codes[scored[0][1]]
                    or scored[0][0] - scored[1][0] >= 3
                )
            ):
                by_text = scored[0][1]
    if printed:
        code = codes[printed[0]]
        if by_text is not None and codes[by_text] != code:
            return code, "land_use_purpose_mismatch"
        return code, None
    if by_text is not None:
        return codes[by_text], None
    return None, "unknown_land_use_purpose"


def use_form(text: str) -> str | None:
    """``Sử dụng riêng`` / ``Riêng`` → private; ``Sử dụng chung`` / ``Chung`` → shared."""
    folded = _fold(text)
    private, shared = "RIENG" in folded, "CHUNG" in folded
    if private and not shared:
        return "private"
    if shared and not private:
        return "shared"
    return None


_PERMANENT = re.compile(r"\bLAU\s*DAI\b|\bON\s*DINH\s*LAU\s*DAI\b")


def land_use_term(text: str) -> tuple[str | None, str | None]:
    """``Lâu dài`` → permanent; ``Đến ngày 14/06/2036`` → 2036-06-14 (partial when printed so)."""
    if _PERMANENT.search(_fold(text)):
        return "permanent", None
    iso, reason = dates.parse_date(text)
    return (iso, None) if iso else (None, reason or "unparseable_term")


_SERIAL = re.compile(r"^([A-ZĐ]{2})\s*([0-9O]{6}|[0-9O]{8})$")


def serial(text: str) -> tuple[str | None, str | None]:
    """``CN 719597`` (2 letters + 6 digits; 8 on newer blanks), one space between."""
    t = re.sub(r"[.,:;]", "", repair_unicode(text).upper()).strip()
    m = _SERIAL.match(t)
    if not m:
        return None, "malformed_serial"
    return f"{m.group(1)} {m.group(2).replace('O', '0')}", None


def certificate_code(text: str) -> tuple[str | None, str | None]:
    t = re.sub(r"[\s.\-]", "", repair_unicode(text).upper())
    return (t, None) if re.fullmatch(r"[0-9A-Z]{12}", t) else (None, "bad_format")


_ENTRY = re.compile(r"([A-ZĐ]{1,4})\s*[-.]?\s*([0-9O]{1,8})")


def register_entry(text: str) -> str | None:
    """``CS 03027`` as printed, letters and number separated by one space."""
    m = _ENTRY.search(repair_unicode(text).upper())
    return f"{m.group(1)} {m.group(2).replace('O', '0')}" if m else None


def _digits(text: str) -> str | None:
    m = re.search(r"\d+", repair_unicode(text).replace("O", "0"))
    return m.group(0) if m else None


# --------------------------------------------------------------------------- page fields


def _apply(raw: pd.Series, func) -> tuple[pd.Series, pd.Series]:
    parsed = map_unique(raw, func)
    value = parsed.map(lambda p: p[0], na_action="ignore").astype(object)
    reason = parsed.map(lambda p: p[1], na_action="ignore").astype(object)
    return value.where(value.notna(), None), reason.where(reason.notna(), None)


def map_land(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format page-level columns (by name) and the flags raised while mapping."""
    settings = get_settings()
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))

    # serial, QR code, register entry
    out["certificate_serial"], reason = _apply(raw["certificate_serial"], serial)
    flags.add_reasons(reason, "certificate_serial", raw["certificate_serial"])
    out["certificate_code"], reason = _apply(raw["certificate_code"], certificate_code)
    flags.add_reasons(reason, "certificate_code", raw["certificate_code"])
    out["register_entry_number"] = map_unique(raw["register_entry_number"], register_entry)

    # issue date and authority
    iso, reason = dates.parse_dates(raw["issue_date"])
    out["issue_date"] = iso
    flags.add_reasons(reason, "issue_date", raw["issue_date"])
    out["issuing_authority_text"] = clean_text(raw["issuing_authority_text"])

    # the parcel
    for f in ("parcel_number", "map_sheet_number"):
        out[f] = map_unique(raw[f], _digits)
        flags.add(raw[f].notna() & out[f].isna(), f, "unparseable_number", raw[f])
    out["parcel_address_text"] = clean_text(raw["parcel_address_text"])
    before_reform = (iso < REFORM_DATE).astype(object).where(iso.notna(), None)
    commune, _province, reason = admin_units.resolve_column(
        raw["parcel_address_text"], settings.home_province_code, before_reform
    )
    out["parcel_commune_code"] = commune
    flags.add_reasons(reason, "parcel_commune_code", raw["parcel_address_text"])

    # area: figures, cross-checked with the words when printed
    parsed = map_unique(raw["area_m2"], parse_area)
    figures = parsed.map(lambda p: p[0], na_action="ignore")
    words = parsed.map(lambda p: p[1], na_action="ignore")
    area = parsed.map(area_of, na_action="ignore")
    out["area_m2"] = area.astype(object).where(area.notna(), None)
    disagree = (
        figures.notna()
        & words.notna()
        & ((figures.astype(float) - words.astype(float)).abs() > 0.05)
    )
    flags.add(disagree, "area_m2", "area_words_mismatch", raw["area_m2"])
    marked = raw["area_m2"].str.contains(_MARK_IN_NUMBER, na=False).astype(bool)
    flags.add(marked, "area_m2", "area_mark_in_figures", raw["area_m2"])
    flags.add(raw["area_m2"].notna() & area.isna(), "area_m2", "unparseable_area", raw["area_m2"])

    # use form, purpose, term, origin
    out["use_form"] = map_unique(raw["use_form"], use_form)
    flags.add(raw["use_form"].notna() & out["use_form"].isna(), "use_form", "unknown_use_form",
              raw["use_form"])  # fmt: skip
    out["land_use_purpose_code"], reason = _apply(raw["land_use_purpose"], purpose_code)
    flags.add_reasons(reason, "land_use_purpose_code", raw["land_use_purpose"])
    out["land_use_term"], reason = _apply(raw["land_use_term"], land_use_term)
    flags.add_reasons(reason, "land_use_term", raw["land_use_term"])
    term = out["land_use_term"]
    dated = term.notna() & term.ne("permanent") & iso.notna()
    flags.add(dated & (term.astype(str) < iso.astype(str)), "land_use_term", "term_before_issue",
              raw["land_use_term"])  # fmt: skip
    origin = clean_text(raw["land_use_origin_text"])
    out["land_use_origin_text"] = map_unique(origin, origin_wording)
    flags.add(origin.notna() & out["land_use_origin_text"].ne(origin), "land_use_origin_text",
              "origin_wording_mended", raw["land_use_origin_text"])  # fmt: skip
    return out, flags


# The origin of use (Nguồn gốc sử dụng) in the standard wording of Circular 23/2014/TT-BTNMT
# (art. 6.8) and Circular 10/2024/TT-BTNMT, both spellings of "hàng/hằng năm" and the short
# forms of the transfers ("Nhận chuyển nhượng đất"). Certificates may combine them ("Nhận chuyển
# nhượng đất được Công nhận QSDĐ như…"): such a text is near none of them and stays as read.
LAND_USE_ORIGINS = tuple(
    f"{head}{tail}"
    for head, tails in (
        ("Nhà nước giao đất ", ("có thu tiền sử dụng đất", "không thu tiền sử dụng đất")),
        ("Nhà nước cho thuê đất ", ("trả tiền một lần", "trả tiền hàng năm",
                                    "trả tiền hằng năm", "trả tiền thuê đất một lần",
                                    "trả tiền thuê đất hằng năm")),
        ("Công nhận quyền sử dụng đất như ", ("giao đất có thu tiền sử dụng đất",
                                              "giao đất không thu tiền sử dụng đất",
                                              "cho thuê đất trả tiền một lần",
                                              "cho thuê đất trả tiền hàng năm")),
        ("Nhận chuyển đổi ", ("đất", "quyền sử dụng đất")),
        ("Nhận chuyển nhượng ", ("đất", "quyền sử dụng đất")),
        ("Nhận thừa kế ", ("đất", "quyền sử dụng đất")),
        ("Được tặng cho ", ("đất", "quyền sử dụng đất")),
        ("Nhận góp vốn bằng ", ("quyền sử dụng đất",)),
        ("Trúng đấu giá ", ("quyền sử dụng đất",)),
        ("Nhận chuyển quyền sử dụng đất theo kết quả ", ("xử lý nợ thế chấp",
                                                          "giải quyết tranh chấp đất đai")),
    )
    for tail in tails
)  # fmt: skip


@lru_cache(maxsize=1)
def _origin_keys() -> dict[str, str]:
    return {word_key(o): o for o in LAND_USE_ORIGINS}


def origin_wording(text: str) -> str:
    """``text`` when it is a standard origin wording or near none; else the one standard
    wording it stands for: within an eighth of its letters (at least 2), marks and stray
    punctuation aside, and 3 letters nearer than any other wording (``Nhà nước giao đất có thụ
    tiền sử dụng đất``, ``quyền sử dụng.đất``)."""
    key = word_key(text)
    keys = _origin_keys()
    if key in keys:
        return keys[key]
    limit = max(2, len(key) // 8)
    ranked = sorted((Levenshtein.distance(key, k, score_cutoff=limit + 3), k) for k in keys)
    best, second = ranked[0], ranked[1]
    if best[0] <= limit and second[0] >= best[0] + 3:
        return keys[best[1]]
    return text


# --------------------------------------------------------------------------- tables


# VN-2000 (metres) that can lie in today's Lâm Đồng (old Lâm Đồng, Đắk Nông and Bình Thuận,
# about 10.5°-12.9° N, on the 107°45' or 108°30' central meridian with a 500 km false easting).
# [check] widen when a real certificate falls outside.
VN2000_X_RANGE = (1_150_000.0, 1_450_000.0)  # northing
VN2000_Y_RANGE = (300_000.0, 700_000.0)  # easting

HOLDER_SOURCES = {f: f for f in ("full_name", "birth_year", "id_number", "address_text")}
VERTEX_SOURCES = {"point": "point", "x": "x", "y": "y"}


def map_holders(
    rows: pd.DataFrame, parent: pd.DataFrame
) -> tuple[dict[str, pd.Series], FlagCollector]:
    """Holder rows (raw text columns plus ``_parent``, ``_row``) → national columns and flags."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(rows))
    name = names.normalise_names(rows["full_name"])
    out["full_name"] = name.full_name
    name.flag(flags, "full_name", rows["full_name"])
    iso, reason = dates.parse_dates(rows["birth_year"])
    out["birth_year"] = dates.year_of(iso).astype(object).where(iso.notna(), None)
    flags.add_reasons(reason, "birth_year", rows["birth_year"])
    idn, reason = ids.clean_ids(rows["id_number"])
    out["id_number"] = idn
    flags.add_reasons(reason, "id_number", rows["id_number"])
    out["address_text"] = clean_text(rows["address_text"])
    return out, flags


def map_vertices(
    rows: pd.DataFrame, parent: pd.DataFrame
) -> tuple[dict[str, pd.Series], FlagCollector]:
    """Vertex rows → ``point`` (text as printed), ``x`` and ``y`` (float metres) and flags.

    A coordinate outside ``VN2000_*_RANGE`` is kept and flagged ``coordinate_out_of_range``."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(rows))
    out["point"] = clean_text(rows["point"])
    for axis, (low, high) in (("x", VN2000_X_RANGE), ("y", VN2000_Y_RANGE)):
        value = map_unique(rows[axis], parse_coordinate)
        out[axis] = value
        flags.add(rows[axis].notna() & value.isna(), axis, "unparseable_coordinate", rows[axis])
        num = pd.to_numeric(value, errors="coerce")
        flags.add(num.notna() & ~num.between(low, high), axis, "coordinate_out_of_range",
                  rows[axis])  # fmt: skip
        shape = rows[axis].map(_coordinate_shape, na_action="ignore")
        flags.add(_unlike_column(shape, rows["_parent"]), axis, "coordinate_unlike_column",
                  rows[axis])  # fmt: skip
    return out, flags


def _coordinate_shape(text: str) -> tuple[int, int] | None:
    """(integer digits, decimal digits) of a coordinate as printed: ``1 268 686,29`` → (7, 2)."""
    m = re.fullmatch(r"([\d\s.,]*\d)[.,](\d{1,3})", text.strip())
    if m is None:
        digits = re.sub(r"\D", "", text)
        return (len(digits), 0) if digits else None
    return len(re.sub(r"\D", "", m.group(1))), len(m.group(2))


def _unlike_column(shape: pd.Series, parent: pd.Series) -> pd.Series:
    """A coordinate whose digits differ in number from the shape most of its table's column
    shares: software prints a vertex table with one number of decimals, and coordinates of one
    parcel have the same integer digits, so a digit was lost or added in reading. Needs a shape
    shared by at least two rows and half of them."""
    unlike = pd.Series(False, index=shape.index)
    for _, col in shape.groupby(parent):
        shapes = col.dropna()
        if shapes.empty:
            continue
        counts = shapes.value_counts()
        common, n = counts.index[0], int(counts.iloc[0])
        if n >= 2 and 2 * n >= len(col):
            unlike[shapes.index[shapes != common]] = True
    return unlike
