"""Per-row flags: ``{"field", "reason", "message_vi", "message_en"}`` dicts in a ``flags`` column.

Reasons and their sentences live in one table, ``REASONS``; transforms and expectations both add
flags through ``FlagCollector`` (rules give a boolean mask; only flagged rows are touched), and
confidence penalties per reason are in ``CONFIDENCE_FACTOR``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sohoa.confidence import doubt_factor

# reason → (Vietnamese, English)
REASONS: dict[str, tuple[str, str]] = {
    "unparseable_date": ("Không đọc được ngày tháng", "The date could not be read"),
    "impossible_date": ("Ngày tháng không có thật", "The date does not exist"),
    "two_digit_year": (
        "Năm chỉ ghi hai chữ số, cần người xác định thế kỷ",
        "Two-digit year: a person must decide the century",
    ),
    "unparseable_number": ("Không đọc được số", "The number could not be read"),
    "malformed_id": (
        "Số giấy tờ tùy thân không đủ 9 hoặc 12 chữ số",
        "The ID number is not 9 or 12 digits",
    ),
    "id_ocr_repaired": (
        "Đã sửa chữ cái bị đọc nhầm trong số định danh (O→0, l→1)",
        "Letters misread in the ID number were corrected (O→0, l→1)",
    ),
    "id_sex_mismatch": (
        "Chữ số thứ 4 của số định danh không khớp với giới tính",
        "Digit 4 of the personal ID does not match the sex",
    ),
    "id_year_mismatch": (
        "Chữ số 4-6 của số định danh không khớp với năm sinh",
        "Digits 4-6 of the personal ID do not match the year of birth",
    ),
    "unknown_commune": (
        "Không xác định được xã, phường từ địa danh",
        "The commune could not be identified from the place name",
    ),
    "unknown_province": (
        "Không xác định được tỉnh, thành phố từ địa danh",
        "The province could not be identified from the place name",
    ),
    "ambiguous_admin_unit": (
        "Xã, phường cũ đã được chia cho nhiều đơn vị mới; cần người chọn",
        "The old commune was split between new communes; a person must choose",
    ),
    "unknown_ethnicity": ("Không nhận ra tên dân tộc", "The ethnicity was not recognised"),
    "unknown_nationality": ("Không nhận ra quốc tịch", "The nationality was not recognised"),
    "unknown_sex": ("Không nhận ra giới tính", "The sex was not recognised"),
    "unknown_relationship": ("Không nhận ra quan hệ", "The relationship was not recognised"),
    # raised by the expectations (validation)
    "missing_required": ("Thiếu trường bắt buộc", "A required field is missing"),
    "bad_format": ("Giá trị sai định dạng", "The value has the wrong format"),
    "value_not_allowed": ("Giá trị không có trong danh mục", "The value is not in the code list"),
    "date_in_future": ("Ngày tháng ở tương lai", "The date is in the future"),
    "birth_after_registration": (
        "Ngày sinh sau ngày đăng ký",
        "The date of birth is after the registration date",
    ),
    "year_out_of_range": ("Năm nằm ngoài khoảng hợp lý", "The year is out of range"),
    "parent_too_young": (
        "Năm sinh của cha/mẹ quá gần năm sinh của con",
        "The parent's birth year is too close to the child's",
    ),
    "duplicate_registration": (
        "Trùng số, quyển số và nơi đăng ký với bản ghi khác trong lô",
        "Same number, book and registering commune as another record in the batch",
    ),
    "malformed_name": (
        "Họ tên có ký tự lạ hoặc chỉ có một chữ; cần kiểm tra",
        "The name holds stray marks or a single word; please check",
    ),
    "vertex_area_mismatch": (
        "Diện tích tính từ tọa độ các đỉnh khác diện tích ghi trên giấy: có tọa độ hoặc dòng bị"
        " đọc sai, hoặc diện tích đọc sai",
        "The area of the vertex polygon differs from the printed area: a coordinate or a row of"
        " the table, or the area, was misread",
    ),
    "number_readings_differ": (
        "Số đọc hai lần ra hai kết quả khác nhau; cần đối chiếu với bản giấy",
        "Two readings of the number differ; compare with the paper",
    ),
    "vertices_too_few": (
        "Bảng tọa độ chỉ đọc được một hoặc hai điểm; thửa đất có ít nhất ba đỉnh, các dòng khác bị"
        " mất khi đọc",
        "The vertex table was read with one or two points; a parcel has three vertices or more,"
        " the other rows were lost in reading",
    ),
    "merged_words": (
        "Họ tên có hai tiếng dính liền (mất khoảng trắng khi đọc?); cần kiểm tra",
        "Two syllables of the name run together (a space lost in reading?); please check",
    ),
    "authority_not_recognised": (
        "Cơ quan không được viết như tên cơ quan nhà nước (Ủy ban nhân dân …, Sở Tài nguyên và"
        " Môi trường, Văn phòng đăng ký đất đai); có thể đọc sai",
        "The authority is not written as a state body's name (Ủy ban nhân dân …, Sở Tài nguyên"
        " và Môi trường, Văn phòng đăng ký đất đai); it may be misread",
    ),
    "stray_punctuation": (
        "Địa danh có dấu chấm, dấu phẩy hoặc gạch ngang không đúng chỗ; có thể đọc sai",
        "The place text has a full stop, comma or dash out of place; it may be misread",
    ),
    "swallowed_line": (
        "Giá trị lẫn sang dòng khác của mẫu (dòng ngày tháng, chức danh người ký); cần kiểm tra",
        "The value runs into another line of the form (the date line, the signer's title); "
        "please check",
    ),
    "nationality_guessed": (
        "Quốc tịch đọc thiếu hoặc sai một chữ (Việt, Việ Nam); đã đoán, cần kiểm tra",
        "The nationality was read short or with a letter wrong (Việt, Việ Nam); guessed, please"
        " check",
    ),
    "ethnicity_guessed": (
        "Dân tộc chỉ khớp khi bỏ dấu (Cơ → Co?); cần kiểm tra",
        "The ethnicity matched only without its marks (Cơ → Co?); please check",
    ),
    "family_name_misread": (
        "Họ có chữ của một họ người Việt nhưng khác dấu (NGUYỀN, TRẤN); có thể đọc sai dấu",
        "The family name has the letters of a Vietnamese family name but other marks (NGUYỀN,"
        " TRẤN); a mark may be misread",
    ),
    "name_word_misread": (
        "Họ tên người Việt có chữ không phải một tiếng tiếng Việt (HƠOÀNG, EBOIIG); có thể đọc sai",
        "A word of the Vietnamese name is no Vietnamese syllable (HƠOÀNG, EBOIIG); it may be"
        " misread",
    ),
    "incomplete_address": (
        "Địa chỉ thiếu xã/phường hoặc tỉnh/thành phố; có thể bị cắt khi đọc",
        "The address lacks its commune/ward or its province/city; it may have been cut off in"
        " reading",
    ),
    "unknown_origin_wording": (
        "Nguồn gốc sử dụng đất có chữ không thuộc cách ghi của luật đất đai; có thể đọc sai",
        "The origin of the land use holds a word outside the land law's wording; it may be misread",
    ),
    "unofficial_unit_name": (
        "Tên xã/phường/huyện không đúng như danh mục đơn vị hành chính (sai dấu, thiếu chữ?);"
        " có thể đọc sai",
        "A commune, ward or district name is not spelt as in the official list of units (a"
        " mark or letter misread, cut short?); it may be misread",
    ),
    "garbled_place_word": (
        "Địa danh có chữ không ai viết (Tố 6, tỉnhi, chữ lẫn số, chữ hoa giữa từ, chữ ngoài"
        " tiếng Việt); có thể đọc sai",
        "The place text holds a word no clerk writes (Tố 6, tỉnhi, letters among digits, a"
        " capital inside a word, a letter Vietnamese does not use); it may be misread",
    ),
    "stray_symbols": (
        "Địa danh có ký hiệu lạ (dấu hỏi, hai chấm, ngoặc kép…); có thể đọc sai",
        "The place text holds stray symbols (?, :, quotes…); it may be misread",
    ),
    "misspelt_province": (
        "Tên tỉnh viết sai, không có trong danh mục hoặc có chữ thừa sau tên (có thể đọc sai)",
        "The province name is misspelt, not in the official list or followed by stray words (a"
        " misread?)",
    ),
    "incomplete_date": (
        "Ngày của văn bản phải đủ ngày, tháng, năm; chỉ đọc được một phần",
        "The date of an official act is always written in full; only part of it was read",
    ),
    "audit_sample": (
        "Được chọn ngẫu nhiên để kiểm tra chất lượng",
        "Picked at random for a quality audit",
    ),
    "low_confidence": ("Độ tin cậy khi đọc thấp", "Low reading confidence"),
    "table_empty": (
        "Không đọc được dòng nào của bảng (sổ hộ khẩu luôn có chủ hộ, giấy chứng nhận luôn có"
        " người sử dụng đất)",
        "No row of the table was read (a household book always lists its head, a certificate"
        " its holder)",
    ),
    "table_rows_missing": (
        "Số thứ tự các dòng trong bảng bị đứt quãng; có dòng chưa đọc được",
        "The table's row numbers have a gap; a row may not have been read",
    ),
    "table_rows_out_of_order": (
        "Số thứ tự các dòng trong bảng không tăng dần; có số bị đọc sai hoặc dòng bị ghép nhầm",
        "The table's row numbers do not rise in order; a number was misread or rows were paired"
        " wrongly",
    ),
    "name_repaired": (
        "Dấu của họ tên đã được sửa theo từ điển tên; cần kiểm tra",
        "Diacritics of the name were repaired from the name lexicon; please check",
    ),
    "relationship_guessed": (
        "Quan hệ đọc sai một chữ (Con ứrai); đã đoán theo danh mục, cần kiểm tra",
        "The relationship was read with a letter wrong (Con ứrai); guessed, please check",
    ),
    "religion_guessed": (
        "Tôn giáo đọc sai một chữ hoặc thiếu chữ (Công giảo, Công); đã đoán, cần kiểm tra",
        "The religion was read with a letter wrong or cut short (Công giảo); guessed, please check",
    ),
    "cause_respelt": (
        "Nguyên nhân chết đọc sai dấu (Đột quy); đã sửa theo cách viết thường gặp, cần kiểm tra",
        "The cause of death was read with its marks wrong (Đột quy); respelt, please check",
    ),
    "occupation_respelt": (
        "Nghề nghiệp đọc sai dấu (Công nhần); đã sửa theo cách viết thường gặp, cần kiểm tra",
        "The occupation was read with its marks wrong (Công nhần); respelt, please check",
    ),
    "book_slash_lost": (
        "Số quyển và năm liền nhau (mất dấu gạch chéo) đã được tách; cần kiểm tra",
        "The book number and its year ran together (the slash was lost) and were split; please "
        "check",
    ),
    "name_marks_tidied": (
        "Đã bỏ dấu lạ (dấu chấm, hai chấm, dấu phẩy) giữa các chữ của họ tên; cần kiểm tra",
        "Stray marks (stops, colons, commas) between the words of the name were dropped; "
        "please check",
    ),
    "authority_body_mended": (
        "Tên cơ quan (Ủy ban nhân dân, Sở…) đọc sai vài chữ đã được sửa theo cách viết chuẩn; "
        "cần kiểm tra",
        "The body's name (Ủy ban nhân dân, Sở…), misread in a few letters, was set to its "
        "standard wording; please check",
    ),
    "place_marks_tidied": (
        "Đã bỏ dấu lạ (dấu hai chấm, chấm phẩy, vết chấm) trong địa danh; cần kiểm tra",
        "Stray marks (colons, semicolons, specks read as dots) were dropped from the place; "
        "please check",
    ),
    "place_name_mended": (
        "Tên đơn vị hành chính đọc sai một, hai chữ đã được sửa theo danh mục; cần kiểm tra",
        "A unit name misread by a letter or two was mended from the official list; please check",
    ),
}

# Values a rule mended or guessed, or that two readings of the page disagreed on (kept, but
# doubted): each multiplies the odds that the value is right by a factor fitted on generator
# pages (``sohoa/calibration.json``); such a value goes to review only when its confidence falls
# below the threshold. Every other flag sends its record to review. (Two readings disagreeing
# was measured before it was made a doubt: on dev clean pages a number read again differently
# was right 17 times in 20, a certificate code 12 in 16.)
DOUBTS = frozenset(
    {
        "name_repaired",
        "ethnicity_guessed",
        "nationality_guessed",
        "id_ocr_repaired",
        "place_name_mended",
        "relationship_guessed",
        "religion_guessed",
        "cause_respelt",
        "occupation_respelt",
        "number_readings_differ",
        "code_readings_differ",
    }
)
# How much any other flag lowers its field's odds of being right (value kept but contradicted,
# or refused → 0).
CONFIDENCE_FACTOR: dict[str, float] = {
    "id_sex_mismatch": 0.5,
    "id_year_mismatch": 0.5,
}
DEFAULT_CONFIDENCE_FACTOR = 0.0  # the rule refused the value: nothing to be confident about


def make_flag(field_name: str, reason: str, value: object = None) -> dict[str, str]:
    vi, en = REASONS.get(reason, (reason, reason))
    if value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value)):
        vi, en = f"{vi}: «{value}»", f"{en}: «{value}»"
    return {"field": field_name, "reason": reason, "message_vi": vi, "message_en": en}


@dataclass
class FlagCollector:
    """Collects flags for ``n`` rows; ``add`` takes a boolean mask aligned with the rows."""

    n: int
    _items: list[tuple[np.ndarray, str, str, np.ndarray | None]] = field(default_factory=list)

    def add(
        self,
        mask: pd.Series | np.ndarray,
        field_name: str,
        reason: str,
        values: pd.Series | None = None,
    ) -> None:
        m = np.asarray(pd.Series(mask).fillna(False).astype(bool))
        positions = np.flatnonzero(m)
        if positions.size:
            vals = None if values is None else np.asarray(values, dtype=object)[positions]
            self._items.append((positions, field_name, reason, vals))

    def add_reasons(self, reasons: pd.Series, field_name: str, values: pd.Series | None) -> None:
        """Add one flag per row whose ``reasons`` entry is a reason code (not null)."""
        r = reasons.astype(object)
        for reason in pd.unique(r.dropna()):
            self.add(r.eq(reason), field_name, str(reason), values)

    def to_lists(self, existing: pd.Series | None = None) -> list[list[dict[str, str]]]:
        out: list[list[dict[str, str]]] = (
            [list(x) if isinstance(x, list) else [] for x in existing]
            if existing is not None
            else [[] for _ in range(self.n)]
        )
        for positions, field_name, reason, vals in self._items:
            for i, pos in enumerate(positions):
                out[pos].append(make_flag(field_name, reason, None if vals is None else vals[i]))
        return out

    def flagged_rows(self) -> list[tuple[int, list[dict[str, str]]]]:
        """(row, its flags) for the rows that have any, in row order (``to_lists`` order within
        a row): cheaper than ``to_lists`` when few of many rows are flagged."""
        rows: dict[int, list[dict[str, str]]] = {}
        for positions, field_name, reason, vals in self._items:
            for i, pos in enumerate(positions.tolist()):
                value = None if vals is None else vals[i]
                rows.setdefault(pos, []).append(make_flag(field_name, reason, value))
        return sorted(rows.items())

    def confidence_factors(self) -> dict[str, np.ndarray]:
        """field → per-row odds factor (1.0 where the field has no flag; the lowest where it has
        several); ``sohoa.confidence.scale_odds`` applies it."""
        factors: dict[str, np.ndarray] = {}
        for positions, field_name, reason, _ in self._items:
            f = factors.setdefault(field_name, np.ones(self.n))
            f[positions] = np.minimum(f[positions], reason_factor(reason))
        return factors


def reason_factor(reason: str) -> float:
    if reason in DOUBTS:
        return doubt_factor(reason)
    return CONFIDENCE_FACTOR.get(reason, DEFAULT_CONFIDENCE_FACTOR)


def forces_review(flag: dict) -> bool:
    """A flag sends its record to review unless it only doubts a value (``DOUBTS``)."""
    return flag.get("reason") not in DOUBTS
