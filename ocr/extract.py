"""Field extraction by printed labels: the form-independent machinery.

A form (``ocr/forms/*.py``) declares its labels, the labels that open a section (the mother's
block starts at ``Họ, chữ đệm, tên người mẹ``), and which (label, section) pair feeds which field.
This module finds labels in OCR words by fuzzy matching of folded text (tolerant of lost tone
marks and OCR slips in the labels themselves), assigns each found label to its section — by the
nearest section opener above it and, when openers share a row (a two-column mother | father
table), by column — and reads the value as the words after the label up to the next label on the
same row (``Giới tính: Nam  Dân tộc: Kinh  Quốc tịch: Việt Nam``), with optional continuation
rows for values that wrap. Nothing here depends on pixel positions of a particular layout, fonts
or the generator: only on labels, reading order and the form's structure.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from ocr.text import (
    drop_foreign_marks,
    fold,
    fold_alnum,
    is_form_text,
    merge_doubled_vowel,
    nfc,
    repair_chars,
    repair_date,
    repair_date_words,
    split_glued_syllables,
    strip_leaders,
    tidy_place_stops,
)
from sohoa.national_format import KINH_FAMILY_NAMES
from sohoa.types import Box, FieldReading, PageExtraction, Word

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- form declarations

NO_COLON_MIN_SCORE = 0.9
# a label of the usual looseness followed by its colon may be read looser (``Quốc-tiel;`` for
# ``Quốc tịch:`` on a speckled photocopy): a colon after words is a label's mark
DEFAULT_MIN_SCORE = 0.82
COLON_MIN_SCORE = 0.75
# a year as a label's value shape (``Label.value``): ``Năm sinh 1979``
YEAR_VALUE = re.compile(r"(?:1[89]|20)\d{2}\b")


@dataclass(frozen=True)
class Label:
    """A printed label and its variants (matched folded: case and diacritics do not matter)."""

    key: str
    variants: tuple[str, ...]
    min_score: float = DEFAULT_MIN_SCORE  # similarity 0..1 required, for the folded label text
    needs_colon: bool = False  # short labels (``Số:``) only count when a colon follows
    # the shape of the label's value: a label followed by a value of that shape is read as
    # loosely as one followed by its colon (``Nămsn 1979``: the colon lost, "sinh" misread)
    value: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Section:
    """A part of the form opened by a label (its own value is usually a field too).

    ``column`` names the label that heads this section's column in a table whose rows are
    labelled on the left (``| Họ và tên | <mother> | <father> |`` under ``| | Mẹ | Cha |``).
    """

    name: str
    opener: str  # Label.key
    column: str | None = None  # Label.key of the column header, for tables


@dataclass(frozen=True)
class FieldRule:
    """Field ``field`` is the value after label ``label`` found in section ``section``."""

    field: str
    label: str
    section: str | None = None  # None: wherever the label is
    multiline: bool = False  # value may wrap onto following rows
    pattern: re.Pattern[str] | None = None  # the value must contain this (cuts it to the match)
    post: Callable[[str], str] | None = None  # clean-up of the printed text (still raw)
    date: bool = False  # a dd/mm/yyyy date: mend OCR slips when only one valid date fits


@dataclass(frozen=True)
class FormSpec:
    doc_type: str
    fields: tuple[str, ...]
    labels: tuple[Label, ...]
    sections: tuple[Section, ...]
    rules: tuple[FieldRule, ...]
    first_section: str = "main"
    fallbacks: tuple[Callable[[list[Row], dict[str, FieldReading]], None], ...] = ()
    # table reader hook (``ocr.tables.TablesReader``): (words, cleaned page image) → {table name:
    # rows of raw field → FieldReading}; ``ocr.pipeline`` fills ``PageExtraction.tables`` with it
    tables: Callable[..., dict[str, list[dict[str, FieldReading]]]] | None = None
    # labelled lines printed one under the other in this order (each entry: the label keys that
    # may stand on that line); a line whose label was misread is found between its neighbours
    line_order: tuple[tuple[str, ...], ...] = ()
    # fields that are plain numbers (IDs, book and parcel numbers): ``ocr.pipeline`` reads each
    # again alone as digits (``ocr.zones.read_numbers``), which Tesseract's Vietnamese model
    # misreads in some typefaces
    numbers: tuple[str, ...] = ()


# --------------------------------------------------------------------------- rows and hits


@dataclass
class Row:
    """One visual line of words, left to right."""

    words: list[Word]

    @property
    def top(self) -> int:
        return min(w.box[1] for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.box[1] + w.box[3] for w in self.words)

    @property
    def height(self) -> int:
        hs = sorted(w.box[3] for w in self.words)
        return hs[len(hs) // 2]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Hit:
    label: Label
    row: int
    start: int  # first word index of the label in the row
    end: int  # one past the last label word
    score: float
    x: int  # left of the label
    text: str
    section: str = ""
    # a column header inferred from the table's rows, not read: its column's middle
    centre: float | None = None


def split_words(words: Sequence[Word]) -> list[Word]:
    """Split words glued by a colon or leader (``tên:NGUYỄN``, ``Nam.....Dân``, ``GCN:-CT``)
    into two."""
    out: list[Word] = []
    glue = re.compile(r"(?<=[^\s.:…_])(:-|[:.…_]{1,}[.…_:]*)(?=[^\s.:…_/\-])")
    for w in words:
        text = w.text
        m = glue.search(text)
        # keep dates, numbers and codes like 05.03.2013, 45/TLKT-BS or 02/2013 whole
        if (
            not m
            or re.fullmatch(r"[\d./\-]+", text)
            or (m.group(1) == "." and len(m.group(1)) == 1 and not text[m.end() :][:1].isupper())
        ):
            out.extend(_split_glued(w))
            continue
        left_text, right_text = text[: m.start()], text[m.end() :]
        if m.group(1).startswith(":"):
            left_text += ":"
        x, y, bw, bh = w.box
        n = max(1, len(text))
        lw = int(bw * (m.start() + 1) / n)
        rx = x + int(bw * m.end() / n)
        out.append(Word(left_text, w.confidence, (x, y, max(1, lw), bh), w.line_key))
        rest = Word(right_text, w.confidence, (rx, y, max(1, x + bw - rx), bh), w.line_key)
        out.extend(split_words([rest]))
    return out


# one letter and an apostrophe opening a word: minority name prefixes (K' HA, H'Hen, B'Lao)
_APOSTROPHE_PREFIX = re.compile(r"^([^\W\d_])(['’])([^\W\d_].*)$")


def _ink_runs(columns: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of columns that hold ink."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], columns.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _space_after_apostrophe(word: Word, image: np.ndarray, space: float) -> bool:
    """Whether the print leaves a space after the apostrophe of ``K'HA`` (``K' HA``).

    Names are written both ways and the format keeps them as written, but Tesseract glues
    ``K' HA`` into one word. The gap after the apostrophe is a space when it is at least twice
    the gap before it (a font's own spacing around the mark is even) and near the width of a
    space on the line, ``space`` (pixels).
    """
    x, y, width, height = word.box
    crop = image[max(0, y) : y + height, max(0, x) : x + width]
    if crop.ndim == 3:
        crop = crop.min(axis=2)
    if crop.size == 0 or height < 8:
        return False
    ink = crop < 128
    runs = _ink_runs(ink.any(axis=0))
    # the apostrophe: the first run after the letter whose ink stays in the word's upper part
    for i in range(1, len(runs) - 1):
        start, end = runs[i]
        rows_with_ink = np.flatnonzero(ink[:, start:end].any(axis=1))
        if rows_with_ink[-1] < 0.55 * height and end - start < 0.4 * height:
            before, after = start - runs[i - 1][1], runs[i + 1][0] - end
            return after >= 2 * max(before, 1) and after >= 0.7 * space
    return False


def _space_width(line: Sequence[Word], height: int) -> float:
    """About the width of a space on a line: its narrowest gaps between words; on a line with
    one gap or none (a label and its value), at most a third of the text's height."""
    ordered = sorted(line, key=lambda w: w.box[0])
    gaps = sorted(
        g for a, b in itertools.pairwise(ordered) if (g := b.box[0] - a.box[0] - a.box[2]) > 0
    )
    if len(gaps) >= 2:
        return float(np.median(gaps[:3]))
    return min([*gaps, 0.35 * height])


def split_printed_spaces(words: Sequence[Word], image: np.ndarray) -> list[Word]:
    """``K'HA`` → ``K'``, ``HA`` where the page prints a space after the apostrophe."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    out: list[Word] = []
    for w in words:
        m = _APOSTROPHE_PREFIX.match(w.text)
        x, y, width, height = w.box
        if not m or not _space_after_apostrophe(w, image, _space_width(lines[w.line_key], height)):
            out.append(w)
            continue
        cut = width * 2 // len(w.text)
        out.append(Word(m.group(1) + m.group(2), w.confidence, (x, y, cut, height), w.line_key))
        out.append(Word(m.group(3), w.confidence, (x + cut, y, width - cut, height), w.line_key))
    return out


def _split_glued(word: Word) -> list[Word]:
    """``|TRẦNTHỊBÍCH`` → ``|TRẦN``, ``THỊ``, ``BÍCH`` (boxes cut in proportion to letters)."""
    m = re.fullmatch(r"([\W_]*)(\w+?)([\W_]*)", word.text)  # "HOÀITHU_": "_" is a leader
    merged = merge_doubled_vowel(m.group(2)) if m and m.group(2).isalpha() else None
    if merged:  # "PHẠAM" is PHẠM read with its vowel twice, not "PHẠ AM"
        text = m.group(1) + merged + m.group(3)
        return [Word(text, word.confidence, word.box, word.line_key)]
    parts = split_glued_syllables(m.group(2)) if m and m.group(2).isalpha() else None
    if not parts:
        return [word]
    parts[0], parts[-1] = m.group(1) + parts[0], parts[-1] + m.group(3)
    x, y, bw, bh = word.box
    out, pos, n = [], 0, len(word.text)
    for part in parts:
        x0, x1 = x + bw * pos // n, x + bw * (pos + len(part)) // n
        out.append(Word(part, word.confidence, (x0, y, max(1, x1 - x0), bh), word.line_key))
        pos += len(part)
    return out


def group_rows(words: Sequence[Word]) -> list[Row]:
    """Visual lines: Tesseract lines merged when they sit side by side at the same height."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        if strip_leaders(w.text) or ":" in w.text:
            by_line.setdefault(w.line_key, []).append(w)
    lines = [Row(sorted(ws, key=lambda w: w.box[0])) for ws in by_line.values() if ws]
    lines.sort(key=lambda r: (r.top + r.bottom) / 2)
    rows: list[Row] = []
    for line in lines:
        mid = (line.top + line.bottom) / 2
        if rows:
            last = rows[-1]
            last_mid = (last.top + last.bottom) / 2
            overlap = min(last.bottom, line.bottom) - max(last.top, line.top)
            if abs(mid - last_mid) < 0.5 * min(last.height, line.height) and overlap > 0:
                last.words = sorted(last.words + line.words, key=lambda w: w.box[0])
                continue
        rows.append(line)
    return rows


def _label_forms(label: Label) -> list[tuple[str, int]]:
    forms = []
    for v in label.variants:
        folded = fold_alnum(v)
        forms.append((folded, len(folded.split())))
    return forms


def _longer_last_word(form: str, text: str) -> bool:
    """A short last label word (``bố``) found inside a longer word (``Bon``, a name's start):
    one extra letter is a small edit to the whole label but a different word. Not for a label
    OCR glued into fewer words (``Sổsố:`` is ``Sổ số:``)."""
    if len(text.split()) < len(form.split()):
        return False
    last, got = form.rsplit(" ", 1)[-1], text.rsplit(" ", 1)[-1]
    return len(last) <= 3 and len(got) > len(last) and got.startswith(last)


def _other_last_word(form: str, text: str) -> bool:
    """The label's last word (``cha``) matched by a shorter, different word (``H'``, a name's
    prefix): ``Họ và tên H' DƠNG`` is the child's name line, not ``Họ và tên cha``."""
    if len(text.split()) != len(form.split()) or " " not in form:
        return False
    last, got = form.rsplit(" ", 1)[-1], text.rsplit(" ", 1)[-1]
    shorter = len(got) <= len(last) - 2  # "TAI" for "TICH" is a slip, "H" for "CHA" no word
    return shorter and not last.startswith(got) and fuzz.ratio(last, got) < 60


def _label_score(form: str, text: str) -> float:
    """Similarity of a folded label and folded row text; for text OCR glued into fewer words
    (``HO VATENVO`` for ``HO VA TEN VO``) the lost spaces are no slips."""
    score = fuzz.ratio(form, text) / 100.0
    if len(text.split()) < len(form.split()):
        score = max(score, fuzz.ratio(form.replace(" ", ""), text.replace(" ", "")) / 100.0)
    return score


def _capital_after_label(words: Sequence[Word], variant: str) -> bool:
    """The match's last word starts with a capital where the label prints a small letter, after
    a word in small letters: the value's first word (``Mục đích sử dụng Đất trồng cây``), not
    the label's ``đất``."""
    if len(words) < 2 or " " not in variant or ":" in words[-1].text:
        return False  # a colon after it ends the label, whatever its case ("làm Việc:")
    if any(w[:1].isupper() for w in variant.split()[1:]):
        return False  # the label prints a capital of its own (Số vào sổ cấp GCN)
    # anywhere in the match: "Mục đích sử dụng Đất ở" matched "Mục đích sử dụng đất" + a word
    for before, word in itertools.pairwise(words):
        word_text, before_text = word.text.lstrip(_JUNK), before.text.lstrip(_JUNK)
        if word_text and before_text and word_text[0].isupper() and before_text[0].islower():
            return True
    return False


def _value_after_inner_colon(words: Sequence[Word]) -> bool:
    """A colon inside the match followed by a capital or a digit: the label ended there and
    its value began (``Mục đích sử dụng: Đất …``); a colon read inside a label (``Giới: nh:``,
    ``Hình thức: sử dụng``) is followed by the label's own small letters."""
    for w, nxt in itertools.pairwise(words):
        following = nxt.text.lstrip(_JUNK)
        if (
            w.text.rstrip().endswith(":")
            and following
            and following[0].isupper() | following[0].isdigit()
        ):
            return True
    return False


def _candidate(
    row: Row, r: int, label: Label, i: int, span: int, score: float, form_used: str
) -> list[tuple[float, bool, Hit]]:
    """(weight, colon after it, hit) of a label matched at words ``i`` to ``i + span``; none
    when a colon is required but missing or the match is loose without one."""
    end = i + span
    if _value_after_inner_colon(row.words[i:end]):
        return []
    raw_last = row.words[end - 1].text
    # a semicolon ending the label is its colon misread (``Quốc tịch;``, ``Dân tộc;``)
    colon = (
        ":" in raw_last
        or raw_last.rstrip().endswith(";")
        or (end < len(row.words) and row.words[end].text.lstrip()[:1] in (":", ";"))
    )
    if label.needs_colon and not colon:
        return []
    # a value of the label's shape right after it counts as its colon (``Nămsn 1979``)
    loose = colon or (
        label.value is not None
        and end < len(row.words)
        and bool(label.value.match(row.words[end].text.lstrip(".:;_-")))
    )
    if not loose and score < max(label.min_score, NO_COLON_MIN_SCORE):
        return []  # without a colon, only a near-exact label counts
    if score < label.min_score and (label.min_score > DEFAULT_MIN_SCORE or not loose):
        return []
    # a longer label wins over its own prefix only when it matches well:
    # "Họ và tên" must not read as "Họ và tên mẹ" with one word missing
    weight = score**4 * len(form_used) + (0.5 if colon else 0.0)
    text = " ".join(w.text for w in row.words[i:end])
    return [(weight, colon, Hit(label, r, i, end, score, row.words[i].box[0], text))]


def find_labels(rows: Sequence[Row], labels: Sequence[Label]) -> list[Hit]:
    """Best non-overlapping label matches in every row."""
    prepared = [(label, _label_forms(label)) for label in labels]
    variant_of = {fold_alnum(v): v for label in labels for v in label.variants}
    hits: list[Hit] = []
    for r, row in enumerate(rows):
        folded = [fold_alnum(w.text) for w in row.words]
        candidates: list[tuple[float, bool, Hit]] = []
        for i in range(len(row.words)):
            if not folded[i]:
                continue
            for label, forms in prepared:
                loosest = min(label.min_score, COLON_MIN_SCORE)  # _candidate decides
                # the best form per span: a shorter match stays a candidate for when the longer
                # one loses its last words to another label ("Giấy tờ tùy thân" | "Số định
                # danh cá nhân:", not "Giấy tờ tùy thân số")
                best_by_span: dict[int, tuple[float, int, str]] = {}
                for form, n in forms:
                    if folded[i][0] != form[0]:  # labels start where a word starts
                        continue
                    # OCR may glue a label's words into fewer tokens ("SốCMND/Giấytờ:")
                    for span in range(1, n + 2):
                        if i + span > len(row.words):
                            continue
                        text = " ".join(t for t in folded[i : i + span] if t)
                        if _longer_last_word(form, text) or _other_last_word(form, text):
                            continue
                        if _capital_after_label(row.words[i : i + span], variant_of[form]):
                            continue
                        score = _label_score(form, text)
                        best = best_by_span.get(span)
                        if score >= loosest and (best is None or score > best[0]):
                            best_by_span[span] = (score, span, form)
                for score, span, form_used in best_by_span.values():
                    candidates.extend(_candidate(row, r, label, i, span, score, form_used))
        taken = [False] * len(row.words)
        chosen: list[tuple[bool, Hit]] = []
        for _weight, colon, hit in sorted(candidates, key=lambda c: c[0], reverse=True):
            if any(taken[hit.start : hit.end]):
                continue
            for k in range(hit.start, hit.end):
                taken[k] = True
            chosen.append((colon, hit))
        hits.extend(_drop_labels_in_values(chosen))
    hits.sort(key=lambda h: (h.row, h.x))
    return hits


def _drop_labels_in_values(chosen: list[tuple[bool, Hit]]) -> list[Hit]:
    """A label without a colon that starts right after a label with one is that label's value
    (``Họ và tên: NGUYỄN NHẬT HẬU`` read as ``Nguyên nhân`` + ``HẬU``): forms print their
    labels' colons alike, so a label there would have had its colon too."""
    colon_ends = {hit.end for colon, hit in chosen if colon}
    return [hit for colon, hit in chosen if colon or hit.start not in colon_ends]


def assign_sections(hits: list[Hit], spec: FormSpec, page_width: int) -> list[Hit]:
    """Give each hit the section of the nearest opener above it (by column when side by side)."""
    openers = {s.opener: s.name for s in spec.sections}
    anchors = [(h.row, h.x, openers[h.label.key]) for h in hits if h.label.key in openers]
    tol = max(20, page_width // 50)
    out = []
    for h in hits:
        above = [a for a in anchors if a[0] <= h.row]
        section = spec.first_section
        if above:
            # openers side by side on one row (a mother | father table) are columns
            last_row = max(a[0] for a in above)
            recent = [a for a in above if a[0] == last_row]
            left_of = [a for a in recent if a[1] <= h.x + tol]
            section = max(left_of, key=lambda a: a[1])[2] if left_of else recent[0][2]
        out.append(dataclasses.replace(h, section=section))
    return _sections_by_repeats(out, spec)


def _sections_by_repeats(hits: list[Hit], spec: FormSpec) -> list[Hit]:
    """Sections whose openers were not read (``kio và tên vợ``, a garbled ``Họ và tên chồng``),
    told by the form's order: the people's blocks print the same labels in the same order, so a
    label met again on a later row opens the next block whose opener is missing, and labels
    before any opener that the first section does not use belong to the first such block."""
    openers = {s.opener: s.name for s in spec.sections}
    heads = {s.column: s.name for s in spec.sections if s.column}
    order = list(dict.fromkeys(s.name for s in spec.sections))
    # a block is there when its opener or its column's head was read
    found = {({**openers, **heads})[k] for h in hits if (k := h.label.key) in openers or k in heads}
    missing = [name for name in order if name not in found]
    if not missing:
        return hits
    uses = {name: {r.label for r in spec.rules if r.section == name}
            for name in [spec.first_section, *order]}  # fmt: skip
    anywhere = {r.label for r in spec.rules if r.section is None}

    def later(start: str | None, key: str) -> str | None:
        """The first missing block after ``start`` (from the top when None) that uses ``key``."""
        after = order[order.index(start) + 1 :] if start in order else order
        return next((n for n in after if n in missing and key in uses[n]), None)

    out: list[Hit] = []
    current: str | None = None  # a block whose opener was not read, once inferred
    seen: dict[str, int] = {}  # label → row, in the block being read
    for h in hits:
        key = h.label.key
        if key in openers:
            current, seen = None, {}
        elif key not in anywhere:
            block = current or h.section
            if key in seen and seen[key] < h.row:  # the same label again: the next block
                nxt = later(block, key)
                if nxt is not None:
                    current, seen = nxt, {}
            elif current is None and key not in uses.get(h.section, set()):
                current = later(None, key)  # before any opener: the first block missing
            if current is not None and key in uses[current]:
                h = dataclasses.replace(h, section=current)
            seen.setdefault(key, h.row)
        out.append(h)
    return out


# --------------------------------------------------------------------------- values


def _union(boxes: Sequence[Box]) -> Box:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


_JUNK = ".:…_·•|;,'\"`“”‘’„«»~*-–—[]{}"  # "{" a border read before a number
_LEADER_RUN = re.compile(r"[.…_·•]{2,}|[-–—]{3,}")


def _stray(word: Word, max_confidence: float = 60.0) -> bool:
    if re.fullmatch(r"[A-ZĐ]['’‘”`]", word.text):
        return False  # a minority name's prefix (K', H', Y'), however faintly read
    core = word.text.strip(_JUNK + " /")
    if word.confidence < 20 and len(core) <= 2 and not is_form_text(core):
        return True  # a speck read as marks ("°ố", confidence 0) after a value
    return len(core) <= 1 and not core.isdigit() and word.confidence < max_confidence


def _name_prefix(words: Sequence[Word]) -> bool:
    """A name opening with the Ê Đê ``Y`` (``Y LING NIÊ``) or with ``H'``/``K'`` whose
    apostrophe was lost (``H HƯƠNG``): a capital before a word in capitals that is no Kinh
    family name (``K TRÂN THỊ AN`` is a speck before ``TRẦN THỊ AN``), not a leader's remnant."""
    return (
        len(words) > 1
        and words[0].text in ("Y", "H", "K")
        and words[1].text.isupper()
        and len(words[1].text) > 1
        and fold(words[1].text) not in _KINH_FAMILY_FOLDED
    )


_KINH_FAMILY_FOLDED = frozenset(fold(name) for name in KINH_FAMILY_NAMES)


def _clean_value_words(words: Sequence[Word]) -> list[Word]:
    """Drop leader dots and decoration; keep inner punctuation (``Thôn 2, xã …``)."""
    out = []
    for w in words:
        # a table or box border read as "|" before or after a word ("|Đơn"): forms print none
        text = repair_chars(_LEADER_RUN.sub("", w.text)).strip("|")
        if re.search(r"\w", text) or text in ("/", "-"):
            out.append(Word(text, w.confidence, w.box, w.line_key))
    # leader remnants read as a stray letter ("l", "i", "'") at either end, with low confidence
    while out and _stray(out[0]) and not _name_prefix(out):
        out.pop(0)
    while out and _stray(out[-1]):
        out.pop()
    if out:
        first, last = out[0], out[-1]
        out[0] = Word(first.text.lstrip(_JUNK + " "), first.confidence, first.box, first.line_key)
        last = out[-1]
        out[-1] = Word(last.text.rstrip(_JUNK + " "), last.confidence, last.box, last.line_key)
        out = [w for w in out if w.text]
    return out


# a value holding characters no form prints (noise read as "§", "¬", "“") is doubtful as a whole
DOUBTFUL_TEXT_PENALTY = 0.75


def _reading(words: Sequence[Word], label_text: str | None) -> FieldReading:
    words = _clean_value_words(words)
    if not words:
        return FieldReading(None, 0.0, None, label_text)
    text = tidy_place_stops(nfc(" ".join(w.text for w in words)))
    conf = sum(w.confidence for w in words) / (100.0 * len(words))
    if not is_form_text(text):
        conf *= DOUBTFUL_TEXT_PENALTY
        text = drop_foreign_marks(text)  # no less doubtful for it
    return FieldReading(text, round(min(1.0, conf), 4), _union([w.box for w in words]), label_text)


# the signature block's ``Đam Rông, ngày 22 tháng 09 năm 2015``: a few capitalised place words,
# a comma and the date, alone on the row (``của UBND huyện X, ngày …`` wraps a value instead)
_PLACE_DATE_LINE = re.compile(
    r"(?:[A-ZĐÀ-Ỹ][^\s,]*\s){0,3}[A-ZĐÀ-Ỹ][^\s,]*\s?,\s*"
    r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}\W*",
    re.IGNORECASE,
)


def is_place_date_line(text: str) -> bool:
    """Whether a row is a document's place and date line (``Lâm Đồng, ngày 02 tháng 06 năm
    2010``), which ends any value above it."""
    text = nfc(text).strip()
    return bool(_PLACE_DATE_LINE.fullmatch(text)) and text[:1].isupper()


def _value_words(
    rows: Sequence[Row], hits_by_row: dict[int, list[Hit]], hit: Hit, multiline: bool
) -> list[Word]:
    row = rows[hit.row]
    later = [h for h in hits_by_row.get(hit.row, []) if h.start >= hit.end]
    stop = min((h.start for h in later), default=len(row.words))
    words = list(row.words[hit.end : stop])
    if not _clean_value_words(words) and hit.row + 1 < len(rows):
        # value printed below its label (label alone on its row)
        nxt = hit.row + 1
        if not hits_by_row.get(nxt):
            words = list(rows[nxt].words)
            hit = Hit(hit.label, nxt, 0, 0, hit.score, hit.x, hit.text, hit.section)
    if multiline and words:
        right = max(w.box[0] + w.box[2] for w in words)
        left = min(w.box[0] for w in words)
        last = rows[hit.row]
        r = hit.row + 1
        while r < len(rows) and not hits_by_row.get(r):
            cand = rows[r]
            gap = cand.top - last.bottom
            if gap > 1.2 * max(last.height, cand.height) or is_place_date_line(cand.text):
                break
            # a continuation starts under the label's column, not in another column
            cand_words = [w for w in cand.words if w.box[0] >= hit.x - 2 * last.height]
            if not cand_words or cand_words[0].box[0] > right:
                break
            if stop < len(row.words):  # value in a column: keep to its width
                limit = row.words[stop].box[0]
                cand_words = [w for w in cand_words if w.box[0] < limit]
            words.extend(cand_words)
            last = cand
            left = min(left, cand_words[0].box[0]) if cand_words else left
            r += 1
    return words


@dataclass
class Candidate:
    """Words that may be the value of a label found in a section."""

    label: str
    section: str
    words: list[Word]
    label_text: str
    row: int
    factor: float = 1.0  # confidence factor of values found from weaker evidence


# values of a table whose column header was inferred from its rows, not read, are less sure
INFERRED_HEAD_PENALTY = 0.75


def _column_tables(
    rows: Sequence[Row], hits: list[Hit], spec: FormSpec
) -> tuple[list[Candidate], set[int]]:
    """Values of label | column | column tables; returns candidates and the rows they used."""
    columns = {s.column: s.name for s in spec.sections if s.column}
    openers = {s.opener for s in spec.sections}
    if len(columns) < 2:
        return [], set()
    by_row: dict[int, list[Hit]] = {}
    for h in hits:
        by_row.setdefault(h.row, []).append(h)
    out: list[Candidate] = []
    used: set[int] = set()
    for r in sorted(by_row):
        heads = [h for h in by_row[r] if h.label.key in columns]
        if len({h.label.key for h in heads}) < 2:
            continue
        row = rows[r]
        centres = []
        for h in sorted(heads, key=lambda h: h.x):
            ws = row.words[h.start : h.end]
            middle = (ws[0].box[0] + ws[-1].box[0] + ws[-1].box[2]) / 2
            centres.append((middle if h.centre is None else h.centre, columns[h.label.key]))
        factor = INFERRED_HEAD_PENALTY if any(h.centre is not None for h in heads) else 1.0
        bounds = [(a[0] + b[0]) / 2 for a, b in itertools.pairwise(centres)]
        first_left = centres[0][0] - (bounds[0] - centres[0][0]) if bounds else 0

        def column_of(word: Word, bounds=bounds, centres=centres) -> str:
            mid = word.box[0] + word.box[2] / 2
            for k, bound in enumerate(bounds):
                if mid < bound:
                    return centres[k][1]
            return centres[-1][1]

        used.add(r)
        current: dict[str, Candidate] = {}
        last_bottom = row.bottom
        for rr in range(r + 1, len(rows)):
            row_hits = by_row.get(rr, [])
            if any(h.label.key in openers for h in row_hits):
                break
            cand_row = rows[rr]
            if cand_row.top - last_bottom > 2.5 * max(row.height, cand_row.height):
                break
            left_hits = [h for h in row_hits if h.x < first_left]
            if row_hits and not left_hits:
                break  # labels that are not in the table's label column: the table ended
            in_label_column = [w for w in cand_row.words if w.box[0] + w.box[2] / 2 < first_left]
            if not left_hits and any(len(re.sub(r"\W", "", w.text)) >= 2 for w in in_label_column):
                # a row label misread beyond a label match without its colon ("Quốc ti”"):
                # table rows print none, so a looser match counts; else a row of its own
                left_hits = _loose_row_label(cand_row, rr, len(in_label_column), spec)
                current = {}
            elif not left_hits and cand_row.top - last_bottom > 1.2 * min(
                rows[rr - 1].height, cand_row.height
            ):
                break  # a wrapped value follows its line closely; this is below the table
            if left_hits:
                label_hit = left_hits[0]
                value_words = cand_row.words[label_hit.end :]
                current = {}
                for name in {c[1] for c in centres}:
                    cand = Candidate(label_hit.label.key, name, [], label_hit.text, rr, factor)
                    current[name] = cand
                    out.append(cand)
            else:
                value_words = [w for w in cand_row.words if w.box[0] >= first_left]
            for w in value_words:
                if w.box[0] + w.box[2] / 2 < first_left:
                    continue
                cand = current.get(column_of(w))
                if cand is not None:
                    cand.words.append(w)
            used.add(rr)
            last_bottom = cand_row.bottom
    return out, used


def _loose_row_label(row: Row, r: int, n: int, spec: FormSpec) -> list[Hit]:
    """The label of a table row from its first ``n`` words, matched without a colon at the
    label's own ``min_score`` (a row label prints no colon, so none is missing)."""
    text = fold_alnum(" ".join(w.text for w in row.words[:n]))
    if not text:
        return []
    best: tuple[float, Label] | None = None
    for label in spec.labels:
        if label.needs_colon:
            continue
        score = max(fuzz.ratio(fold_alnum(v), text) / 100 for v in label.variants)
        if score >= label.min_score and (best is None or score > best[0]):
            best = (score, label)
    if best is None:
        return []
    words = " ".join(w.text for w in row.words[:n])
    return [Hit(best[1], r, 0, n, best[0], row.words[0].box[0], words)]


def _drop_lonely_heads(hits: list[Hit], spec: FormSpec, rows: Sequence[Row]) -> list[Hit]:
    """Column headers (``Mẹ``, ``Cha``) count only as cells side by side; else they are text."""
    heads = {s.column for s in spec.sections if s.column}
    hits = [
        h for h in hits if h.label.key not in heads or _stands_alone(rows[h.row], h.start, h.end)
    ]
    hits += _misread_heads(hits, spec, rows)
    kinds: dict[int, set[str]] = {}
    for h in hits:
        if h.label.key in heads:
            kinds.setdefault(h.row, set()).add(h.label.key)
    for r, keys in list(kinds.items()):
        if len(keys) == 1:
            known = [h for h in hits if h.row == r and h.label.key in heads]
            inferred = None
            if len(known) == 1:
                inferred = _head_from_row_labels(hits, spec, rows, known[0])
            if inferred is not None:
                hits.append(inferred)
                keys.add(inferred.label.key)
    return [h for h in hits if h.label.key not in heads or len(kinds.get(h.row, ())) >= 2]


# a column header inferred from its place beside the other one is near enough when this alike
MISREAD_HEAD_MIN_SCORE = 0.5


def _misread_heads(hits: list[Hit], spec: FormSpec, rows: Sequence[Row]) -> list[Hit]:
    """The other header of a two-column table, misread (``Chồng  Vự`` for ``Chồng  Vợ``): on
    the row of one header, the one other cell standing alone, short and somewhat like the
    missing header's text."""
    heads = [s.column for s in spec.sections if s.column]
    labels = {label.key: label for label in spec.labels if label.key in heads}
    if len(set(heads)) != 2 or len(labels) != 2:
        return []
    found: dict[int, set[str]] = {}
    for h in hits:
        if h.label.key in labels:
            found.setdefault(h.row, set()).add(h.label.key)
    out = []
    for r, keys in found.items():
        if len(keys) != 1:
            continue
        missing = labels[next(k for k in heads if k not in keys)]
        row = rows[r]
        used = {k for h in hits if h.row == r for k in range(h.start, h.end)}
        cells = [i for i in range(len(row.words)) if i not in used and _stands_alone(row, i, i + 1)]
        others = [i for i in range(len(row.words)) if i not in used]
        if len(cells) != 1 or len(others) != 1:
            continue
        i = cells[0]
        text = fold_alnum(row.words[i].text)
        score = max((fuzz.ratio(fold_alnum(v), text) / 100 for v in missing.variants), default=0)
        if text and len(text) <= 6 and score >= MISREAD_HEAD_MIN_SCORE:
            out.append(Hit(missing, r, i, i + 1, score, row.words[i].box[0], row.words[i].text))
    return out


def _head_from_row_labels(
    hits: list[Hit], spec: FormSpec, rows: Sequence[Row], head: Hit
) -> Hit | None:
    """The other header of a two-column table, lost (``Mẹ`` read ``mã.`` on a line of its own,
    ``Cha`` read): the rows under the header that was read open with row labels (``Họ và tên``,
    ``Năm sinh``, ``Dân tộc``) and hold their values in two columns, each starting at the same
    left edge row after row. The missing header is the other column; its middle is placed so
    that the border between the columns falls just before the right column's values."""
    heads = [s.column for s in spec.sections if s.column]
    missing = [lb for lb in spec.labels if lb.key in heads and lb.key != head.label.key]
    if len(set(heads)) != 2 or len(missing) != 1:
        return None
    stops = {s.opener for s in spec.sections} | set(heads)
    by_row: dict[int, list[Hit]] = {}
    for h in hits:
        by_row.setdefault(h.row, []).append(h)
    body: list[tuple[Row, list[Word]]] = []  # (row, its words right of the row label)
    unlabelled: list[tuple[int, Row]] = []
    label_right = last_labelled = 0
    last_bottom = rows[head.row].bottom
    for rr in range(head.row + 1, min(len(rows), head.row + 16)):
        row = rows[rr]
        if row.top - last_bottom > 2.5 * row.height:
            break
        row_hits = sorted(by_row.get(rr, []), key=lambda h: h.start)
        if any(h.label.key in stops for h in row_hits) or len(row_hits) > 1:
            break  # another section, or a line of several labels: the table ended
        if row_hits:
            if row_hits[0].start > 1:  # a row label opens its row (after a border "|" at most)
                break
            end = row.words[row_hits[0].end - 1]
            label_right = max(label_right, end.box[0] + end.box[2])
            body.append((row, row.words[row_hits[0].end :]))
            last_labelled = rr
        else:
            unlabelled.append((rr, row))
        last_bottom = row.bottom
    if len(body) < 2:
        return None
    # unlabelled lines inside the table are wrapped values; after it, one wrapped line at most
    body += [
        (row, [w for w in row.words if w.box[0] > label_right])
        for rr, row in unlabelled
        if rr <= last_labelled + 1
    ]
    starts: list[int] = []  # left edges of value cells: the first word, or one after a wide gap
    for row, words in body:
        prev_right = None
        for w in words:
            if not strip_leaders(w.text):
                continue
            if prev_right is None or w.box[0] - prev_right > row.height:
                starts.append(w.box[0])
            prev_right = w.box[0] + w.box[2]
    height = sorted(row.height for row, _ in body)[len(body) // 2]
    groups: list[list[int]] = []
    for x in sorted(starts):
        if groups and x - groups[-1][-1] <= height:
            groups[-1].append(x)
        else:
            groups.append([x])
    groups = sorted(sorted(groups, key=len, reverse=True)[:2], key=lambda g: g[0])
    if len(groups) < 2 or min(len(g) for g in groups) < 2:
        return None
    right = groups[1]
    border = right[len(right) // 2] - 0.5 * height  # noise before the column's edge stays left
    ws = rows[head.row].words[head.start : head.end]
    known = (ws[0].box[0] + ws[-1].box[0] + ws[-1].box[2]) / 2
    if known < border and known < label_right:
        return None  # a "header" over the row labels is none
    centre = 2 * border - known
    log.debug("header %s inferred at x=%.0f from the table's rows", missing[0].key, centre)
    return Hit(missing[0], head.row, head.start, head.end, 0.0, int(centre), "", centre=centre)


def _stands_alone(row: Row, start: int, end: int, gap_lines: float = 1.5) -> bool:
    """A table cell's text: separated from the words around it by a wide gap."""
    gap = gap_lines * row.height
    left = row.words[start].box[0]
    right = row.words[end - 1].box[0] + row.words[end - 1].box[2]
    if start > 0:
        prev = row.words[start - 1]
        if left - (prev.box[0] + prev.box[2]) < gap:
            return False
    return not (end < len(row.words) and row.words[end].box[0] - right < gap)


def _candidates(rows: Sequence[Row], hits: list[Hit], spec: FormSpec) -> list[Candidate]:
    table, table_rows = _column_tables(rows, hits, spec)
    multiline = {rule.label for rule in spec.rules if rule.multiline}
    hits_by_row: dict[int, list[Hit]] = {}
    for h in hits:
        hits_by_row.setdefault(h.row, []).append(h)
    out = list(table)
    for h in hits:
        if h.row in table_rows:
            continue
        words = _value_words(rows, hits_by_row, h, h.label.key in multiline)
        kept = _cut_noise_tail(words, rows[h.row].height)
        factor = 1.0
        if len(kept) < len(words):
            # no surer than the line read with its noise: a stamp or speckle over it shakes it all
            whole, value = (_reading(ws, None).confidence for ws in (words, kept))
            factor = min(NOISE_TAIL_PENALTY, whole / value) if value else NOISE_TAIL_PENALTY
        out.append(Candidate(h.label.key, h.section, kept, h.text, h.row, factor))
    out.sort(key=lambda c: c.row)
    return out


# a tail of words this unsure, after a gap this wide (in line heights), is noise beside the value
NOISE_TAIL_MAX_CONFIDENCE = 40.0
NOISE_TAIL_GAP_LINES = 2.0
# a value cut from noise after it is less sure than a value standing alone, and no surer than
# the whole line was with the noise
NOISE_TAIL_PENALTY = 0.8
VALUE_CHAR = re.compile(r"[0-9A-Za-zÀ-ỹĐđ]")  # a mark such as "ˆ" is no value of its own


def _mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _cut_noise_tail(words: list[Word], height: int) -> list[Word]:
    """A value followed, after a wide gap, by words read at low confidence (a stamp, speckle or
    a signature read as ``Bộ NUNG. CọC: ệi Sc``) ends at that gap."""
    for k in range(1, len(words)):
        prev, w = words[k - 1], words[k]
        if w.box[0] - (prev.box[0] + prev.box[2]) <= NOISE_TAIL_GAP_LINES * height:
            continue
        if _mean_confidence(words[k:]) < NOISE_TAIL_MAX_CONFIDENCE:
            head = _clean_value_words(words[:k])
            letters = sum(len(VALUE_CHAR.findall(t.text)) for t in head)
            if letters >= 2 and _mean_confidence(head) >= NOISE_TAIL_MAX_CONFIDENCE:
                return words[:k]
    return words


def extract_fields(
    words: Sequence[Word], spec: FormSpec, page_width: int | None = None
) -> dict[str, FieldReading]:
    """Every field of ``spec`` (``value_text`` None and confidence 0 when not found)."""
    words = split_words(words)
    rows = group_rows(words)
    if page_width is None:
        page_width = max((w.box[0] + w.box[2] for w in words), default=1000)
    hits = assign_sections(
        _drop_lonely_heads(find_labels(rows, spec.labels), spec, rows), spec, page_width
    )
    candidates = _candidates(rows, hits, spec)
    found: dict[str, FieldReading] = {}
    for rule in spec.rules:
        if rule.field in found:
            continue
        for cand in candidates:
            if cand.label != rule.label:
                continue
            if rule.section is not None and cand.section != rule.section:
                continue
            reading = _reading(cand.words, cand.label_text)
            reading.confidence = round(reading.confidence * cand.factor, 4)
            if reading.value_text and rule.post:
                reading.value_text = rule.post(reading.value_text) or None
            if reading.value_text and rule.date:
                reading = mend_date(reading)
            if reading.value_text and rule.pattern is not None:
                m = rule.pattern.search(reading.value_text)
                if not m:
                    log.debug("%s: %r does not look right", rule.field, reading.value_text)
                    continue
                reading.value_text = m.group(0)
            if reading.value_text:
                found[rule.field] = reading
                break
    _lines_between_labels(rows, hits, spec, found)
    for fallback in spec.fallbacks:
        fallback(rows, found)
    return {f: found.get(f) or FieldReading(None, 0.0, None, None) for f in spec.fields}


def _label_end(row: Row, max_words: int = 8) -> int:
    """Where a misread label ends in its row: after a leader or colon, else at a wide gap."""
    words = row.words[:max_words]
    for i, w in enumerate(words[:-1]):
        if not strip_leaders(w.text) or w.text.endswith(":"):
            return i + 1
    gaps = [
        (b.box[0] - a.box[0] - a.box[2], i + 1)
        for i, (a, b) in enumerate(itertools.pairwise(words))
    ]
    gap, i = max(gaps, default=(0, 0))
    return i if gap > 2 * row.height else 0


# a date mended by the national format's rules (lost separator, border glued) is less sure
REPAIRED_DATE_PENALTY = 0.8


def mend_date(reading: FieldReading) -> FieldReading:
    """``2703/1938`` → ``27/03/1938`` when only one valid date fits, with a lower confidence."""
    text = reading.value_text or ""
    mended = repair_date(text)
    if mended is None:
        words = repair_date_words(text)
        if words == text:
            return reading
        mended = words
    confidence = round(reading.confidence * REPAIRED_DATE_PENALTY, 4)
    return FieldReading(mended, confidence, reading.box, reading.label_text)


# a value read from a line whose label was not recognised is less sure than a labelled one
UNLABELLED_LINE_PENALTY = 0.75


def _lines_between_labels(
    rows: Sequence[Row], hits: list[Hit], spec: FormSpec, found: dict[str, FieldReading]
) -> None:
    """Values of labelled lines whose label OCR misread (``Địn thị tấu Sóc: Thôn 5, …``).

    When the form prints its lines in a fixed order and the lines before and after were found
    one row apart from it, the row between them is that line: its first words are the label as
    misread (up to a leader, a colon or a wide gap, and still somewhat like the label) and the
    rest is the value, returned with a lowered confidence so that it goes to review.
    """
    if not spec.line_order:
        return
    rows_of: dict[str, int] = {}
    for h in hits:
        rows_of.setdefault(h.label.key, h.row)
    labelled = {h.row for h in hits}
    variants = {label.key: label.variants for label in spec.labels}
    for k in range(1, len(spec.line_order) - 1):
        keys = spec.line_order[k]
        rules = [r for r in spec.rules if r.label in keys and r.section is None]
        if not rules or any(r.field in found for r in rules) or any(key in rows_of for key in keys):
            continue
        before = [rows_of[x] for x in spec.line_order[k - 1] if x in rows_of]
        after = [rows_of[x] for x in spec.line_order[k + 1] if x in rows_of]
        if not before or not after or min(after) - max(before) != 2:
            continue
        r = max(before) + 1
        if r in labelled:
            continue
        words = rows[r].words
        cut = _label_end(rows[r])
        forms = [fold_alnum(v) for key in keys for v in variants.get(key, ())]
        label_text = fold_alnum(" ".join(w.text for w in words[:cut]))
        if not cut or max((fuzz.ratio(f, label_text) / 100 for f in forms), default=0) < 0.4:
            continue
        reading = _reading(words[cut:], " ".join(w.text for w in words[:cut]))
        rule = rules[0]
        if reading.value_text and rule.post:
            reading.value_text = rule.post(reading.value_text) or None
        if not reading.value_text or (rule.pattern and not rule.pattern.search(reading.value_text)):
            continue
        reading.confidence = round(reading.confidence * UNLABELLED_LINE_PENALTY, 4)
        found[rule.field] = reading


def extract_page(
    words: Sequence[Word],
    spec: FormSpec,
    *,
    source_file: str,
    source_sha256: str,
    page: int,
    page_width: int | None = None,
    ocr_engine: str = "",
    ocr_seconds: float = 0.0,
) -> PageExtraction:
    """A ``PageExtraction`` for one page already read into words."""
    fields = extract_fields(words, spec, page_width)
    return PageExtraction(
        doc_type=spec.doc_type,
        source_file=source_file,
        source_sha256=source_sha256,
        page=page,
        fields=fields,
        page_text=page_text(words),
        ocr_engine=ocr_engine,
        ocr_seconds=ocr_seconds,
    )


def page_text(words: Sequence[Word]) -> str:
    """Page text, one line per Tesseract line, in reading order."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values())
