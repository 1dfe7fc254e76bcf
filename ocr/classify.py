"""Decide a page's record type from its text: printed titles plus label evidence, fuzzily.

A declared type (what the clerk said) is a hint that breaks near ties, not the truth: a page
whose text clearly says another type is classified as that type.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ocr.text import fold_alnum

log = logging.getLogger(__name__)

# Titles as printed (upper case on the forms); matched folded, so lost tone marks do not matter.
TITLES: dict[str, tuple[str, ...]] = {
    "birth_registration": ("GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH", "BẢN SAO GIẤY KHAI SINH"),
    "marriage_registration": ("GIẤY CHỨNG NHẬN KẾT HÔN", "TRÍCH LỤC KẾT HÔN"),
    "death_registration": ("TRÍCH LỤC KHAI TỬ", "GIẤY CHỨNG TỬ", "GIẤY KHAI TỬ"),
    "household_registration": ("SỔ HỘ KHẨU",),
    "land_certificate": (
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
        "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
    ),
}

# Labels that only (or mostly) one record type prints.
EVIDENCE: dict[str, tuple[str, ...]] = {
    "birth_registration": (
        "tên người mẹ",
        "tên người cha",
        "Nơi đăng ký khai sinh",
        "Người đi khai sinh",
        "Quan hệ với người được khai sinh",
    ),  # not "Quê quán": household books and death papers print it too
    "marriage_registration": (
        "Họ, chữ đệm, tên chồng",
        "Họ, chữ đệm, tên vợ",
        "đăng ký kết hôn",
        "Thông tin về chồng",
    ),
    "death_registration": (
        "Đã chết vào lúc",
        "Nơi chết",
        "Nguyên nhân chết",
        "khai tử",
        "Nơi cư trú cuối cùng",
        "Nơi thường trú cuối cùng",
        "Ngày, tháng, năm chết",
    ),
    # not "Nơi thường trú": birth and death forms print it too (parents', the deceased's)
    # "Họ và tên Quan hệ": a members' table header, whose cells break "Quan hệ với chủ hộ"
    "household_registration": (
        "Quan hệ với chủ hộ",
        "Họ và tên chủ hộ",
        "Chủ hộ",
        "Số sổ",
        "Họ và tên Quan hệ",
    ),
    "land_certificate": (
        "Thửa đất số",
        "Tờ bản đồ số",
        "Diện tích",
        "Mục đích sử dụng",
        "Thời hạn sử dụng",
        "Nguồn gốc sử dụng",
        "Số vào sổ cấp GCN",
    ),
}

TITLE_WEIGHT = 0.65
EVIDENCE_WEIGHT = 0.35
# labels found that make the evidence whole: a page shows some of its type's labels, not all
# (a table header breaks "Quan hệ với chủ hộ" over three lines), and listing more labels must
# not make a page that shows two of them less sure
EVIDENCE_ENOUGH = 2
# a label counts when a line holds it this closely (0.85 let "Quan hệ với người chết" stand for
# "Quan hệ với người được khai sinh")
EVIDENCE_MIN_MATCH = 0.9
MIN_SCORE = 0.5
MIN_MARGIN = 0.12
DECLARED_BONUS = 0.08
# a badly read page (a title half legible, a few labels) still tells its type when no other
# type has any evidence at all: a weaker score with a wide lead is enough
LONE_MIN_SCORE = 0.25
LONE_MARGIN = 0.25


@dataclass(frozen=True)
class Classification:
    doc_type: str | None  # None when unsure
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    declared_type: str | None = None

    @property
    def disagrees_with_declared(self) -> bool:
        return bool(self.declared_type and self.doc_type and self.doc_type != self.declared_type)


def _best_line_match(phrase: str, lines: list[str]) -> tuple[float, int]:
    """Best fuzzy match (0..1) of a folded phrase against any line, and that line (partial: a
    line may be longer; one shorter than the phrase cannot hold it whole: ``KHAI`` is no
    ``khai tử``)."""
    target = fold_alnum(phrase)
    best, where = 0.0, -1
    for k, line in enumerate(lines):
        if len(line) < len(target):
            score = fuzz.ratio(target, line)
        else:
            score = fuzz.partial_ratio(target, line)
        if score > best:
            best, where = score, k
    return best / 100.0, where


def _title_score(phrase: str, lines: list[str]) -> tuple[float, int]:
    """Title match and the line it is on: a title is a line of its own, so penalise lines much
    longer than it."""
    target = fold_alnum(phrase)
    best, where = 0.0, -1
    for k, line in enumerate(lines):
        if not line:
            continue
        if len(line) < len(target):
            # a short line is part of a title at best ("KHAI"): partial matching would call it whole
            score = fuzz.ratio(target, line) / 100.0
        else:
            score = fuzz.partial_ratio(target, line) / 100.0
        extra = max(0, len(line) - len(target) - 4)
        score *= 1.0 - min(0.3, extra / max(40, 2 * len(target)))
        if score > best:
            best, where = score, k
    return best, where


def classify_text(text: str, declared_type: str | None = None) -> Classification:
    """Record type of a page from its OCR text; ``doc_type`` is None when unsure."""
    lines = [fold_alnum(line) for line in text.splitlines()]
    lines = [line for line in lines if len(line) >= 3]
    # a title may be printed over two lines ("GIẤY CHỨNG NHẬN" / "QUYỀN SỬ DỤNG ĐẤT")
    title_lines = lines + [f"{a} {b}" for a, b in itertools.pairwise(lines)]
    titles = {d: max(_title_score(t, title_lines) for t in ts) for d, ts in TITLES.items()}
    # one printed title names one type: "GIẦY KHAI SILÖ" is a birth title misread, not also a
    # weaker death title ("GIẤY KHAI TỬ"); the type that matches a line best takes its credit
    best_on_line: dict[int, float] = {}
    for score, line in titles.values():
        best_on_line[line] = max(score, best_on_line.get(line, 0.0))
    # likewise one printed label is one type's: "Họ và tên người khai tử" is death evidence,
    # not also a birth form's "tên người cha" misread
    matches = {d: [_best_line_match(e, lines) for e in es] for d, es in EVIDENCE.items()}
    best_label: dict[int, float] = {}
    for score, line in itertools.chain.from_iterable(matches.values()):
        best_label[line] = max(score, best_label.get(line, 0.0))
    scores: dict[str, float] = {}
    evidence_of: dict[str, float] = {}
    for doc_type in TITLES:
        title, line = titles[doc_type]
        if title < best_on_line[line]:
            title = 0.0
        title = max(0.0, (title - 0.6) / 0.4)  # below 60 % similarity counts as no title
        # one line is one label: "Họ, chữ đệm, tên: …" is like both "… tên chồng" and "… tên vợ"
        hits = {
            line
            for score, line in matches[doc_type]
            if score >= EVIDENCE_MIN_MATCH and score >= best_label[line]
        }
        evidence = evidence_of[doc_type] = min(1.0, len(hits) / EVIDENCE_ENOUGH)
        scores[doc_type] = TITLE_WEIGHT * title + EVIDENCE_WEIGHT * evidence
    if declared_type in scores:
        scores[declared_type] += DECLARED_BONUS
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, best_score), (_, second_score) = ranked[0], ranked[1]
    lone = best_score >= LONE_MIN_SCORE and best_score - second_score >= LONE_MARGIN
    # a page whose title was lost (Tesseract skips a line now and then) still shows its
    # labels: enough of one type's and none of any other's tell the type
    labels_only = evidence_of[best] == 1.0 and not any(
        evidence_of[other] for other in evidence_of if other != best
    )
    unsure = best_score < MIN_SCORE or best_score - second_score < MIN_MARGIN
    if unsure and not (lone or labels_only):
        log.info("page type unsure: %s", ", ".join(f"{k} {v:.2f}" for k, v in ranked[:3]))
        return Classification(None, best_score, scores, declared_type)
    return Classification(best, min(1.0, best_score), scores, declared_type)
