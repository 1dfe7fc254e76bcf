"""Reading tables off a page: rows of cells keyed by raw field (the generic machinery).

A form declares a ``TableSpec`` per table (household members, land holders, parcel vertices):
the columns as printed headers (with variants), which column numbers the rows (``STT``), which
column holds notes (``Ghi chú``) and, for forms that print one block of labelled lines per entry
instead of a grid, a ``FormSpec`` for one block and the label that opens it. ``read_table`` then

1. finds the header row by fuzzy matching of folded header text (``Quan hệ với chủ hộ`` printed
   over three lines in its cell is still one header: the lines under the first header line are
   merged into the cell whose x-range they overlap);
2. takes the columns' x-ranges from the table's vertical rules when the page is ruled (OpenCV
   morphology on the cleaned page), else from the header cells' extents;
3. cuts rows at the table's horizontal rules when ruled, else where the numbering column holds a
   number (lines without one are wrapped text of the row above), and ends the table at a wide gap;
4. assigns each word to the cell under its centre and reads each cell as a ``FieldReading``;
5. decides ``struck_out``: a line drawn through the middle of the row's text (horizontal or
   slanted, dark or faint red), or a note such as ``Đã chết``, ``Chuyển đi``, ``Xóa``.

Nothing depends on pixel positions of a particular layout: only on the printed headers, the
rules drawn on the page, the numbering and reading order. A form plugs a reader into its
``FormSpec.tables`` (see ``TablesReader``); ``ocr.pipeline`` calls it with the page's words and
cleaned image and fills ``PageExtraction.tables``.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from rapidfuzz import fuzz

from ocr.extract import (
    FormSpec,
    Hit,
    Row,
    _reading,
    _union,
    extract_fields,
    find_labels,
    group_rows,
    mend_date,
    split_words,
)
from ocr.text import fold, fold_alnum, is_syllable
from sohoa.types import Box, FieldReading, Word

log = logging.getLogger(__name__)

TableRows = list[dict[str, FieldReading]]

# Notes that mark an entry as deleted (folded: no case, no diacritics).
DEFAULT_STRIKE_NOTES = (
    "da chet",
    "chet",
    "chuyen di",
    "xoa",
    "da xoa",
    "xoa dang ky",
    "cat khau",
    "da cat khau",
    "chuyen khau",
)


@dataclass(frozen=True)
class Column:
    """A table column: the raw field it feeds and its printed header variants."""

    field: str
    variants: tuple[str, ...]
    min_score: float = 0.75
    date: bool = False  # a dd/mm/yyyy date: mend OCR slips when only one valid date fits


@dataclass(frozen=True)
class TableSpec:
    """How to read one table of a form.

    ``index_field`` is the numbering column (``STT``): a number there starts a new row when the
    table has no horizontal rules. ``note_field`` is a column whose text is only used to decide
    ``struck_field`` (``Ghi chú``); it is not output. For the block layout (one block of labelled
    lines per entry) give ``block_spec`` (a ``FormSpec`` whose fields are the row's raw fields)
    and ``block_opener`` (the ``Label.key`` that starts a block, e.g. ``STT:``).
    """

    name: str
    fields: tuple[str, ...]
    columns: tuple[Column, ...] = ()
    index_field: str | None = None
    note_field: str | None = None
    struck_field: str | None = None
    strike_notes: tuple[str, ...] = DEFAULT_STRIKE_NOTES
    min_headers: int = 3
    block_spec: FormSpec | None = None
    block_opener: str | None = None
    max_row_gap_lines: float = 2.5
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- ruled lines


@dataclass
class Rules:
    """Ruled lines of a page: y of horizontal rules and x of vertical ones (with their extent)."""

    horizontal: list[tuple[int, int, int]]  # (y, x0, x1)
    vertical: list[tuple[int, int, int]]  # (x, y0, y1)
    mask: np.ndarray | None = None  # faint-or-dark horizontal-ish strokes (for strike lines)


def _merge_positions(
    items: list[tuple[int, int, int]], tol: int, max_gap: int
) -> list[tuple[int, int, int]]:
    """Pieces of one rule (within ``tol`` of each other across it, at most ``max_gap`` apart
    along it) joined; strokes far apart on the same line (a title's letter, a seal) stay apart."""
    lines: list[list[tuple[int, int, int]]] = []
    for item in sorted(items):
        if lines and item[0] - lines[-1][-1][0] <= tol:
            lines[-1].append(item)
        else:
            lines.append([item])
    out: list[tuple[int, int, int]] = []
    for line in lines:
        pieces: list[list[int]] = []  # [sum of positions, start, end, count]
        for pos, a, b in sorted(line, key=lambda t: t[1]):
            if pieces and a - pieces[-1][2] <= max_gap:
                p = pieces[-1]
                p[0], p[2], p[3] = p[0] + pos, max(p[2], b), p[3] + 1
            else:
                pieces.append([pos, a, b, 1])
        out += [(total // n, a, b) for total, a, b, n in pieces]
    return sorted(out)


# darker than this is ink of a rule (a grey rule on a photocopy reads 120-170)
RULE_INK_MAX = 190


def _ink(gray: np.ndarray) -> np.ndarray:
    return (gray < RULE_INK_MAX).astype(np.uint8) * 255


def find_rules(image: np.ndarray | None, min_length_frac: float = 0.05) -> Rules:
    """Horizontal and vertical ruled lines by morphological opening of the ink mask."""
    if image is None:
        return Rules([], [])
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    kx = max(20, int(w * min_length_frac))
    ky = max(20, int(h * min_length_frac / 3))
    # a thin rule printed grey, or a pixel off straight after a warp, breaks a run of ink one
    # pixel tall: each pixel takes the darkest of its neighbours across the rule's direction
    across_h = cv2.erode(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    across_v = cv2.erode(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    horiz = cv2.morphologyEx(
        _ink(across_h), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, 1))
    )
    vert = cv2.morphologyEx(
        _ink(across_v), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, ky))
    )
    # print keeps a margin of 10 mm or more: nothing in the outer 1 % of the page is a rule
    edge_x, edge_y = w // 100, h // 100
    hs: list[tuple[int, int, int]] = []
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        # thin on average (a rule a little off straight has a taller box), + the 2 rows of the
        # darkest-of-3; a dark strip along the image's edge is no rule
        if bw >= kx and area / bw <= max(8, h // 300) + 2 and edge_y < y < h - edge_y - bh:
            hs.append((int(y + bh // 2), int(x), int(x + bw)))
    vs: list[tuple[int, int, int]] = []
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if bh >= ky and area / bh <= max(8, w // 300) + 2 and edge_x < x < w - edge_x - bw:
            vs.append((int(x + bw // 2), int(y), int(y + bh)))
    tol = max(4, h // 400)
    # strokes for strike lines: faint (red ink turned light gray by cleanup) or dark
    faint = (gray < 235).astype(np.uint8) * 255
    # a horizontal rule's pieces are joined however far apart (nothing else on a page runs a
    # twentieth of its width); vertical pieces only where they nearly meet: a run a sixtieth
    # of the page tall is also the stem of a title's letter
    horizontal = _merge_positions(hs, tol, w)
    return Rules(horizontal, _merge_positions(vs, tol, h // 15), faint)


def _strike_through(
    rules: Rules, box: Box, band: tuple[float, float] = (0.2, 0.8), slanted_only: bool = False
) -> bool:
    """A stroke crosses the middle of ``box`` (row text) over at least half its width.

    Counts ink columns in the box's middle band that hold a thin run of ink (a line is one or a
    few pixels tall where text strokes are scattered); a straight or slanted line through the row
    fills most columns, text alone fills them only where letters are.
    """
    if rules.mask is None:
        return False
    import cv2

    x, y, w, h = box
    y0 = max(0, int(y + band[0] * h))
    y1 = min(rules.mask.shape[0], int(y + band[1] * h) + 1)
    x0, x1 = max(0, x), min(rules.mask.shape[1], x + w)
    if y1 - y0 < 2 or x1 - x0 < 20:
        return False
    region = rules.mask[y0:y1, x0:x1]
    k = max(15, (x1 - x0) // 12)
    lines = cv2.morphologyEx(
        region, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1))
    )
    covered = (lines > 0).any(axis=0).mean()
    if covered >= 0.5 and not slanted_only:
        return True
    # slanted line (block layouts): look for a long straight segment with Hough
    segs = cv2.HoughLinesP(region, 1, np.pi / 180, threshold=max(30, (x1 - x0) // 6),
                           minLineLength=max(40, (x1 - x0) // 3), maxLineGap=6)  # fmt: skip
    if segs is None:
        return False
    for sx0, sy0, sx1, sy1 in segs[:, 0]:
        dx, dy = abs(sx1 - sx0), abs(sy1 - sy0)
        if dx >= 0.3 * (x1 - x0) and dy <= 0.6 * dx and (not slanted_only or dy >= 0.05 * dx):
            return True
    return False


# --------------------------------------------------------------------------- headers


@dataclass
class HeaderCell:
    words: list[Word]
    field: str | None = None
    score: float = 0.0

    @property
    def x0(self) -> int:
        return min(w.box[0] for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.box[0] + w.box[2] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in _reading_order(self.words))


def _cells_of_row(
    row: Row, gap_factor: float = 0.9, spec: TableSpec | None = None
) -> list[HeaderCell]:
    """Split a row into cells at gaps wider than ``gap_factor`` × the row's text height; with
    ``spec``, a cell that holds the names of several columns is split between them."""
    cells: list[HeaderCell] = []
    gap = gap_factor * row.height
    for w in row.words:
        if cells and w.box[0] - cells[-1].x1 < gap:
            cells[-1].words.append(w)
        else:
            cells.append(HeaderCell([w]))
    if spec is None:
        return cells
    return [part for cell in cells for part in _split_by_column_names(cell, spec)]


# the most words one column's name takes on a header line (``Nơi thường trú trước khi``)
MAX_HEADER_WORDS = 6
# a cell of more words is a line of text, not the names of a table's columns run together (the
# search over its cuts grows fast: 0.4 s for 24 words that each name a column)
MAX_SPLIT_WORDS = 24


def _split_by_column_names(cell: HeaderCell, spec: TableSpec) -> list[HeaderCell]:
    """A header cell of narrow columns read as one (the gaps between them no wider than a
    letter: ``Ngàysinh Giới Dân Số định danh Nghề``) split where its words name columns one
    after another: of all ways to cut its words into runs, the one whose runs name the most
    columns, each column once (then with the best scores); words that name none join the run
    before them. A cell that names a column as a whole is kept (``Ngày, tháng, năm sinh`` is
    no ``Ngày`` and ``năm sinh``), and so are a block's labelled line (``Nơi sinh; Quảng Nam``)
    and a cell whose runs name fewer than two."""
    words = sorted(cell.words, key=lambda w: w.box[0])
    n = len(words)
    if (
        not 2 <= n <= MAX_SPLIT_WORDS
        or _LABEL_COLON.search(cell.text)
        or any(_score(cell.text, c) >= c.min_score for c in spec.columns)
    ):
        return [cell]

    @cache
    def names(i: int, j: int) -> tuple[tuple[float, str], ...]:
        """(score, column) of each column words[i:j] names."""
        text = HeaderCell(words[i:j]).text
        return tuple((sc, c.field) for c in spec.columns if (sc := _score(text, c)) >= c.min_score)

    @cache
    def best(i: int, used: frozenset[str]) -> tuple[int, float, tuple[tuple[int, int, bool], ...]]:
        """(columns named, total score, runs) of the best cut of words[i:]."""
        if i == n:
            return 0, 0.0, ()
        rest = best(i + 1, used)
        options = [(rest[0], rest[1], ((i, i + 1, False), *rest[2]))]
        for j in range(i + 1, min(n, i + MAX_HEADER_WORDS) + 1):
            for score, column in names(i, j):
                if column not in used:
                    rest = best(j, used | {column})
                    options.append((rest[0] + 1, rest[1] + score, ((i, j, True), *rest[2])))
        return max(options, key=lambda o: (o[0], o[1]))

    count, _, runs = best(0, frozenset())
    if count < 2:
        return [cell]
    parts: list[HeaderCell] = []
    for i, j, named in runs:
        if named or not parts:
            parts.append(HeaderCell(words[i:j]))
        else:
            parts[-1].words.extend(words[i:j])
    return parts


def _score(text: str, column: Column) -> float:
    folded = fold_alnum(text)
    if not folded:
        return 0.0
    best = 0.0
    for v in column.variants:
        fv = fold_alnum(v)
        best = max(best, fuzz.ratio(fv, folded) / 100.0)
        # the first line of a header printed over several lines ("Quan hệ" of "Quan hệ với chủ hộ")
        n = len(folded.split())
        prefix = " ".join(fv.split()[:n])
        if n < len(fv.split()) and len(folded) >= 3:
            best = max(best, 0.95 * fuzz.ratio(prefix, folded) / 100.0)
    return best


# a label's colon, or the semicolon it is misread as, after a word
_LABEL_COLON = re.compile(r"\w[:;]")


def _match_cells(cells: list[HeaderCell], spec: TableSpec, colons: bool = False) -> int:
    """Give each cell its best column (each column once); returns how many matched. With
    ``colons`` a cell whose name ends in a colon (a speck read as one) may match too."""
    pairs = []
    for i, c in enumerate(cells):
        if not colons and (
            _LABEL_COLON.search(c.words[0].text)
            or (len(c.words) > 1 and _LABEL_COLON.search(c.text))
        ):
            continue  # "Dân tộc: Kinh", "Nơi sinh; Quảng Nam": a block's labelled line, no header
        for col in spec.columns:
            s = _score(c.text, col)
            if s >= col.min_score:
                pairs.append((s, i, col.field))
    used_cells: set[int] = set()
    used_fields: set[str] = set()
    for c in cells:
        c.field, c.score = None, 0.0
    for s, i, f in sorted(pairs, reverse=True):
        if i in used_cells or f in used_fields:
            continue
        cells[i].field, cells[i].score = f, s
        used_cells.add(i)
        used_fields.add(f)
    return len(used_cells)


def _starts_with_number(words: Sequence[Word]) -> bool:
    # "2_", "3.", "|1" : a cell border or a stray mark read next to the row number; "I" or "l"
    # alone is a 1
    text = words[0].text.strip() if words else ""
    return bool(re.fullmatch(r"[|\[(]?\d{1,3}[.)_,:|]?|[Il][.)_]?", text))


def _find_header(rows: list[Row], spec: TableSpec) -> tuple[int, int, list[HeaderCell]] | None:
    """(first header row, first data row, header cells) of the best-matching header."""
    best: tuple[int, int, int, list[HeaderCell]] | None = None
    for r, row in enumerate(rows):
        cells = _cells_of_row(row, spec=spec)
        if len(cells) < spec.min_headers:
            continue
        n = _match_cells(cells, spec)
        if n < spec.min_headers:
            continue
        # lines under the header's first line, up to the first numbered line, join its cells
        end = r + 1
        while end < len(rows) and end - r <= 4:
            nxt = rows[end]
            if _starts_with_number(nxt.words) or nxt.top - rows[end - 1].bottom > 1.5 * row.height:
                break
            owners = []
            for w in nxt.words:
                mid = w.box[0] + w.box[2] / 2
                owner = min(cells, key=lambda c: 0 if c.x0 <= mid <= c.x1 else
                            min(abs(mid - c.x0), abs(mid - c.x1)))  # fmt: skip
                owner.words.append(w)
                owners.append(owner)
            if _match_cells(cells, spec) < n:
                # the line spoils the headers: it is the first data row (its number misread)
                for owner in owners:
                    owner.words.pop()
                break
            n = _match_cells(cells, spec)
            end += 1
        n = _match_cells(cells, spec)
        if n >= spec.min_headers and (best is None or n > best[0]):
            best = (n, r, end, cells)
    if best is None:
        return None
    return best[1], best[2], best[3]


# --------------------------------------------------------------------------- grid tables


def _column_bounds(
    cells: list[HeaderCell], rules: Rules, top: int, bottom: int, spec: TableSpec
) -> list[tuple[float, float, str | None]]:
    """(x0, x1, field) per column: vertical rules around the header when ruled, else midpoints.

    On a ruled table each column's name is read from the header words between its rules, so
    two names read as one cell (``Ngày sinh { Giới tính``) or a name with a speck read beside
    it are still told apart."""
    xs = [x for x, _a, _b in _header_rules(rules, top, bottom)]
    cells = sorted(cells, key=lambda c: c.x0)
    if len(xs) >= 3:
        words = _without_specks([w for c in cells for w in c.words])
        ruled = [
            HeaderCell([w for w in words if a <= w.box[0] + w.box[2] / 2 < b])
            for a, b in itertools.pairwise(xs)
        ]
        # the header is found: a colon in a ruled cell is a speck, not a labelled line's
        _match_cells([c for c in ruled if c.words], spec, colons=True)
        # rules found only in part (a warped or noisy photo) must not hide the other columns:
        # no named header outside them, none between two rules with another column's name
        outside = any(c.field and not xs[0] <= (c.x0 + c.x1) / 2 <= xs[-1] for c in cells)
        shared = any(len(_split_by_column_names(c, spec)) > 1 for c in ruled if c.words)
        if not outside and not shared:
            spans = itertools.pairwise(xs)
            return [(float(a), float(b), c.field) for (a, b), c in zip(spans, ruled, strict=True)]
        log.debug("ruled columns miss some headers: columns from the header cells")
    out = []
    for i, c in enumerate(cells):
        left = (cells[i - 1].x1 + c.x0) / 2 if i else float("-inf")
        right = (c.x1 + cells[i + 1].x0) / 2 if i + 1 < len(cells) else float("inf")
        out.append((left, right, c.field))
    return out


def _header_rules(rules: Rules, top: int, bottom: int) -> list[tuple[int, int, int]]:
    """The vertical rules that run down through a header (from its middle or above), by x."""
    return sorted(v for v in rules.vertical if v[1] <= top + (bottom - top) // 2 and v[2] >= bottom)


# a cell border read as a bracket or bar where a word was cut at a rule
_BORDER_MARKS = "|[]¦!"


def _split_at_rules(words: list[Word], verticals: list[tuple[int, int, int]]) -> list[Word]:
    """Words a table's vertical rule runs through, with the rule read as a bar or bracket
    there (``|Quanhệ[Ngảysnh``), cut at that mark: OCR reads two cells' words as one when the
    rule between them is faint. A rule within a letter or two of a word's edge cuts none."""
    out: list[Word] = []
    for w in words:
        x, y, bw, bh = w.box
        mid_y = y + bh / 2
        n = len(w.text)
        # a box reaching a letter or so over a rule (the rule read into it) is not cut
        edge = 1.5 * bw / max(n, 1)
        cuts = [
            rx for rx, y0, y1 in verticals if y0 <= mid_y <= y1 and x + edge < rx < x + bw - edge
        ]
        ks = sorted({round(n * (rx - x) / bw) for rx in cuts} - {0, 1, n - 1, n})
        # and only where the border itself was read there, as a bar or bracket (a struck row's
        # line stretches its words' boxes over the next rule)
        near = [[j for j in (k, k - 1, k + 1, k - 2, k + 2) if 0 < j < n - 1] for k in ks]
        marks = [[j for j in js if w.text[j] in _BORDER_MARKS] for js in near]
        ks = sorted({found[0] for found in marks if found})
        if not ks:
            out.append(w)
            continue
        for a, b in itertools.pairwise([0, *ks, n]):
            part = w.text[a:b].strip(_BORDER_MARKS)
            if part:
                x0, x1 = x + bw * a // n, x + bw * b // n
                out.append(Word(part, w.confidence, (x0, y, max(1, x1 - x0), bh), w.line_key))
    return out


def _without_specks(words: list[Word], min_height: float = 0.4) -> list[Word]:
    """Header words of two characters or more, at least ``min_height`` of the words' median
    height: a speck read as ``ị`` or ``j`` or a rule's fragment read as ``Xi`` is no part of a
    column's name (no column of a Vietnamese form is named by one letter)."""
    if not words:
        return words
    median = float(np.median([w.box[3] for w in words]))
    return [w for w in words if w.box[3] >= min_height * median and len(w.text.strip()) > 1]


def _find_numbering(
    bounds: list[tuple[float, float, str | None]], rows: list[Row], spec: TableSpec
) -> list[tuple[float, float, str | None]]:
    """The numbering column found by what it holds when its name was misread (``STr``,
    ``sr``): the leftmost unnamed column whose entries are mostly small numbers."""
    if spec.index_field is None or any(f == spec.index_field for *_, f in bounds):
        return bounds
    for k, (a, b, f) in enumerate(bounds):
        if f is not None:
            continue
        entries = [r.words[0] for r in rows if r.words and _column_of(r.words[0], bounds) == k]
        numbers = sum(_is_number(w) for w in entries)
        if numbers >= 2 and numbers >= 0.6 * len(entries):
            return [*bounds[:k], (a, b, spec.index_field), *bounds[k + 1 :]]
    return bounds


def _column_of(word: Word, bounds: list[tuple[float, float, str | None]]) -> int | None:
    mid = word.box[0] + word.box[2] / 2
    for k, (a, b, _f) in enumerate(bounds):
        if a <= mid < b:
            return k
    return None


def _is_strike_note(text: str | None, spec: TableSpec) -> bool:
    if not text:
        return False
    folded = fold(text).lower()
    folded = re.sub(r"[^a-z0-9 ]", " ", folded)
    folded = " ".join(folded.split())
    for note in spec.strike_notes:
        if re.search(rf"\b{re.escape(note)}\b", folded):
            return True
        head = " ".join(folded.split()[: len(note.split())])
        if head and fuzz.ratio(head, note) >= 85:
            return True
    return False


def _crosses(word: Word, y: int) -> bool:
    _x, top, _w, h = word.box
    return top + 0.25 * h < y < top + 0.75 * h


def _grid_rows(
    rows: list[Row],
    start: int,
    rules: Rules,
    bounds,
    spec: TableSpec,
    header_bottom: int,
    header_span: tuple[float, float],
) -> list[tuple[list[Word], Box | None]]:
    """Words of each data row with the row's band (from rules when ruled)."""
    x_left = bounds[0][0] if bounds[0][0] != float("-inf") else header_span[0]
    x_right = bounds[-1][1] if bounds[-1][1] != float("inf") else header_span[1]
    spans: list[tuple[int, int, int]] = []
    if x_left is not None and x_right is not None:
        width = x_right - x_left
        spans = sorted(
            (y, a, b) for y, a, b in rules.horizontal
            if y >= header_bottom - 2 and a <= x_left + 0.1 * width and b >= x_right - 0.1 * width
        )  # fmt: skip
    words = [w for r in rows[start:] for w in r.words]
    # a rule through the middle of words is a strike line, not a row border, unless it meets
    # both outer rules of a ruled table (a seal's letters read across its bottom border)
    ruled = bounds[0][0] != float("-inf") and bounds[-1][1] != float("inf")
    corner = 0.01 * (bounds[-1][1] - bounds[0][0]) if ruled else 0.0

    def border(a: int, b: int) -> bool:
        return ruled and a <= bounds[0][0] + corner and b >= bounds[-1][1] - corner

    hs = [y for y, a, b in spans if border(a, b) or sum(_crosses(w, y) for w in words) < 2]
    out: list[tuple[list[Word], Box | None]] = []
    index_col = next((k for k, b in enumerate(bounds) if b[2] == spec.index_field), None)
    if len(hs) >= 2:
        for y0, y1 in itertools.pairwise(hs):
            inside = [w for w in words if y0 <= w.box[1] + w.box[3] / 2 < y1]
            inside = [w for w in inside if _column_of(w, bounds) is not None]
            if inside:
                band = (int(x_left), int(y0), int(x_right - x_left), int(y1 - y0))
                out.append((inside, band))
        # numbered lines below the table's last rule (a footer's date) are no rows of it
        in_table = [r for r in rows[start:] if (r.top + r.bottom) / 2 < hs[-1]]
        if index_col is None or _rows_agree_with_numbers(out, in_table, bounds, index_col):
            return _join_continuations(out, bounds, index_col)
        # rules missed on a warped or noisy page (two numbers in one band): cut at the numbers
        log.debug("table %s: ruled rows disagree with the numbering", spec.name)
        out = []
    # the rule under the table's last row ends it (the signature block is not a wrapped cell)
    table_bottom = hs[-1] if hs else None
    # no horizontal rules: a number in the numbering column starts a row
    current: list[Word] | None = None
    last_bottom = rows[start - 1].bottom if start else 0
    line_h = rows[start].height if start < len(rows) else 20
    for row in rows[start:]:
        if row.top - last_bottom > spec.max_row_gap_lines * line_h:
            break
        if table_bottom is not None and current and (row.top + row.bottom) / 2 > table_bottom:
            break
        in_table = [w for w in row.words if _column_of(w, bounds) is not None]
        if not in_table:
            break
        first = [w for w in in_table if _column_of(w, bounds) == index_col]
        # a misread number ("E)" for 3) in the numbering column still starts a row: wrapped
        # text never reaches that narrow column
        misread = bool(current) and len(first) == 1 and len(first[0].text.strip()) <= 3
        starts = index_col is None or _starts_with_number(first) or misread
        if starts or current is None:
            if index_col is not None and not starts and current is None:
                break
            current = []
            out.append((current, None))
        current.extend(in_table)
        last_bottom = row.bottom
    return out


def _join_continuations(
    bands: list[tuple[list[Word], Box | None]], bounds, index_col: int | None
) -> list[tuple[list[Word], Box | None]]:
    """A band with no row number and words in two columns at most is the rest of the row
    above, cut off by a line read as a rule (``quận Hoàng Mai, | thành phố Hà Nội``); a row
    whose number was lost still fills its name, relation, date and sex."""
    if index_col is None:
        return bands
    out: list[tuple[list[Word], Box | None]] = []
    for words, band in bands:
        columns = {_column_of(w, bounds) for w in words}
        if out and index_col not in columns and len(columns) <= 2:
            above, above_band = out[-1]
            joined = above_band and band and _union([above_band, band])
            out[-1] = ([*above, *words], joined or above_band)
        else:
            out.append((words, band))
    return out


def _rows_agree_with_numbers(
    bands: list[tuple[list[Word], Box | None]], rows: list[Row], bounds, index_col: int
) -> bool:
    """Each ruled band holds at most one row number, and no numbered line fell outside them.
    A number read twice in a row (``1`` and a speck read ``I`` under it) is one number."""
    in_bands = 0
    for words, _band in bands:
        numbers = [w for w in words if _column_of(w, bounds) == index_col and _is_number(w)]
        distinct = len(_distinct_numbers(numbers))
        if distinct > 1:
            return False
        in_bands += distinct
    firsts = [
        first[0]
        for row in rows
        if (first := [w for w in row.words if _column_of(w, bounds) == index_col])
        and _starts_with_number(first)
    ]
    return in_bands >= len(_distinct_numbers(firsts))


def _distinct_numbers(words: Sequence[Word]) -> list[str]:
    """The row numbers of ``words`` in order, one read again right after itself dropped."""
    values = [re.sub(r"\D", "", w.text.replace("I", "1").replace("l", "1")) for w in words]
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def _is_number(word: Word) -> bool:
    return _starts_with_number([word])


def _reading_order(words: Sequence[Word]) -> list[Word]:
    """Words of a cell by visual line (centres within half a height), then left to right."""
    words = sorted(words, key=lambda w: (w.box[1] + w.box[3] / 2, w.box[0]))
    lines: list[list[Word]] = []
    for w in words:
        mid = w.box[1] + w.box[3] / 2
        if lines and abs(mid - (lines[-1][0].box[1] + lines[-1][0].box[3] / 2)) < 0.5 * w.box[3]:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.box[0])]


_RULE_CHARS = "|[]!¦—–†‡"


def _strip_rule_marks(words: Sequence[Word]) -> list[Word]:
    """Cell borders and strike lines read as ``|``, ``—`` or ``†`` glued to words: drop them."""
    out = []
    for w in words:
        text = w.text.strip(_RULE_CHARS)
        text = re.sub(r"[†‡¦]", "", text)
        # a border read as "l"/"I" glued to a word: "lgái" is no syllable, "gái" is
        if len(text) >= 3 and text[0] in "lI" and not is_syllable(text) and is_syllable(text[1:]):
            text = text[1:]
        if text:
            out.append(Word(text, w.confidence, w.box, w.line_key))
    return out


def _split_at_bars(words: Sequence[Word]) -> list[Word]:
    """``06/12/2002|Nam`` (a cell border read as ``|`` between two cells' words) → two words."""
    out: list[Word] = []
    for w in words:
        parts = [p for p in re.split(r"(?<=\w)[|¦](?=\w)", w.text)]
        if len(parts) == 1:
            out.append(w)
            continue
        x, y, bw, bh = w.box
        n, pos = max(1, len(w.text)), 0
        for part in parts:
            x0 = x + int(bw * pos / n)
            x1 = x + int(bw * (pos + len(part)) / n)
            out.append(Word(part, w.confidence, (x0, y, max(1, x1 - x0), bh), w.line_key))
            pos += len(part) + 1
    return out


def _cell_reading(words: list[Word]) -> FieldReading:
    return _reading(_strip_rule_marks(_reading_order(words)), None)


def read_grid_table(
    words: Sequence[Word], image: np.ndarray | None, spec: TableSpec, rules: Rules | None = None
) -> TableRows:
    """Rows of a table with printed column headers (ruled or not)."""
    words = _split_at_bars(split_words(words))
    rows = group_rows(words)
    found = _find_header(rows, spec)
    if found is None:
        return []
    rules = rules or find_rules(image)
    table_rules = _header_rules(rules, rows[found[0]].top, rows[found[1] - 1].bottom)
    if len(table_rules) >= 3 and (cut := _split_at_rules(words, table_rules)) != words:
        # a word read across a printed rule is two cells' words (``|Quanhệ[Ngảysnh``)
        rows = group_rows(cut)
        found = _find_header(rows, spec) or found
    first, start, cells = found
    header_top = rows[first].top
    header_bottom = rows[start - 1].bottom
    bounds = _column_bounds(cells, rules, header_top, header_bottom, spec)
    bounds = _find_numbering(bounds, rows[start:], spec)
    date_fields = {c.field for c in spec.columns if c.date}
    out: TableRows = []
    header_words = [w for c in cells for w in c.words]
    span = (min(w.box[0] for w in header_words), max(w.box[0] + w.box[2] for w in header_words))
    for row_words, band in _grid_rows(rows, start, rules, bounds, spec, header_bottom, span):
        by_col: dict[int, list[Word]] = {}
        for w in row_words:
            k = _column_of(w, bounds)
            if k is not None:
                by_col.setdefault(k, []).append(w)
        reading: dict[str, FieldReading] = {}
        for k, (_a, _b, f) in enumerate(bounds):
            if f is None:
                continue
            reading[f] = _cell_reading(by_col.get(k, []))
            if f in date_fields and reading[f].value_text:
                reading[f] = mend_date(reading[f])
        result = {f: reading.get(f) or FieldReading(None, 0.0) for f in spec.fields}
        if spec.struck_field:
            text_box = _union([w.box for w in row_words])
            note = reading.get(spec.note_field) if spec.note_field else None
            noted = _is_strike_note(note.value_text if note else None, spec)
            body = text_box
            if band is not None:  # the row's band between rules, inset from the rules
                body = (band[0] + 4, band[1], band[2] - 8, band[3])
            lined = _strike_through(rules, body, (0.25, 0.75))
            result[spec.struck_field] = FieldReading(
                "true" if (noted or lined) else "false",
                0.95 if noted == lined else 0.8,
                band or text_box,
                None,
            )
        if any(r.value_text for k, r in result.items() if k != spec.struck_field):
            out.append(result)
    if spec.index_field:
        _mend_numbering(out, spec.index_field)
    return out


# a row number inferred from its neighbours (2, ?, 4) is less sure than one read
INFERRED_NUMBER_PENALTY = 0.7


def _mend_numbering(rows: TableRows, field: str) -> None:
    """A row number misread between two read ones that leave a gap of one (``2``, ``E)``,
    ``4``; or ``7`` for 1 before ``2``) is the number between them: rows are numbered in
    order."""

    def number(k: int) -> int | None:
        text = (rows[k][field].value_text or "").strip(" .)_")
        return int(text) if text.isdigit() else None

    for k in range(len(rows)):
        before = number(k - 1) if k else 0  # the first row is 1 when the second is 2
        after = number(k + 1) if k + 1 < len(rows) else None
        if number(k) != (before or 0) + 1 and before is not None and after == before + 2:
            old = rows[k][field]
            rows[k][field] = FieldReading(
                str(before + 1),
                round(old.confidence * INFERRED_NUMBER_PENALTY, 4),
                old.box,
                old.label_text,
            )


# --------------------------------------------------------------------------- block layouts


def read_blocks(words: Sequence[Word], image: np.ndarray | None, spec: TableSpec) -> TableRows:
    """One row per block of labelled lines opened by ``spec.block_opener`` (no grid)."""
    assert spec.block_spec is not None and spec.block_opener is not None
    split = split_words(words)
    rows = group_rows(split)
    hits = find_labels(rows, spec.block_spec.labels)
    starts = sorted({h.row for h in hits if h.label.key == spec.block_opener})
    opened = set(starts)
    if starts:
        # a block whose opener was misread ("S11. 2_" for "STT: 2") starts where the labels
        # printed beside the opener in the first block come again
        companions = {h.label.key for h in hits if h.row == starts[0]} - {spec.block_opener}
        # (above the first opener, only after the words of a misread opener: "STET. 7 Quan hệ")
        misread = {
            h.row: h
            for h in hits
            if h.label.key in companions and (h.row > starts[0] or (h.row < starts[0] and h.start))
        }
        misread = {r: h for r, h in misread.items() if r not in starts}
    else:
        # no opener read at all: each block prints its labels once, so the label that repeats
        # the fewest times (at least twice; the book's own "Họ và tên chủ hộ" adds to others)
        # marks the blocks' starts
        counts = Counter(h.label.key for h in hits)
        repeated = [h for h in hits if counts[h.label.key] >= 2]
        if not repeated:
            return []
        first = min(repeated, key=lambda h: (counts[h.label.key], h.row))
        misread = {h.row: h for h in hits if h.label.key == first.label.key}
    starts = sorted({*starts, *misread})
    starts = sorted({*starts, *_starts_by_repeats(starts, hits)})
    rules = find_rules(image) if spec.struck_field else Rules([], [])
    page_width = image.shape[1] if image is not None else None
    out: TableRows = []
    for i, r0 in enumerate(starts):
        r1 = starts[i + 1] if i + 1 < len(starts) else len(rows)
        block_rows = rows[r0:r1]
        # the block ends at a wide gap (the signature under the last block)
        for k in range(1, len(block_rows)):
            if block_rows[k].top - block_rows[k - 1].bottom > spec.max_row_gap_lines * max(
                block_rows[k].height, block_rows[k - 1].height
            ):
                block_rows = block_rows[:k]
                break
        # ... and at a rule drawn under it (a separator between member blocks)
        if block_rows and rules.horizontal:
            below = _separators_below(block_rows, rules)
            if below:
                block_rows = [row for row in block_rows if row.top < min(below)]
        block_words = [w for row in block_rows for w in row.words]
        # a deletion note written across the block is not part of any value
        notes = _strike_note_words(block_rows, spec)
        kept = [w for w in block_words if id(w) not in notes]
        fields = extract_fields(kept, spec.block_spec, page_width=page_width)
        result = {f: fields.get(f) or FieldReading(None, 0.0) for f in spec.fields}
        if r0 not in opened and spec.index_field and not result[spec.index_field].value_text:
            in_row = [h.start for h in hits if h.row == r0]
            before = rows[r0].words[: min(in_row, default=len(rows[r0].words))]
            result[spec.index_field] = _block_number(before, out, spec.index_field)
        if spec.struck_field:
            box = _union([w.box for w in block_words])
            lined = _strike_through(rules, box, (0.0, 1.0), slanted_only=True)
            noted = bool(notes)
            result[spec.struck_field] = FieldReading(
                "true" if (noted or lined) else "false", 0.95 if noted == lined else 0.8, box, None
            )
        out.append(result)
    if spec.index_field:
        _mend_numbering(out, spec.index_field)
    return out


def _starts_by_repeats(starts: list[int], hits: list[Hit]) -> set[int]:
    """Starts of blocks whose opener line was misread beyond recognition: the label printed
    first under the opener (``Họ và tên``) comes again inside a block, so a new block starts
    as many rows above it as in the first block."""
    if not starts:
        return set()
    nxt = starts[1] if len(starts) > 1 else None
    under = [h for h in hits if h.row > starts[0] and (nxt is None or h.row < nxt)]
    if not under:
        return set()
    lead = min(under, key=lambda h: (h.row, h.x))
    offset = lead.row - starts[0]
    extra: set[int] = set()
    for k, r0 in enumerate(starts):
        r1 = starts[k + 1] if k + 1 < len(starts) else None
        for h in hits:
            inside = h.row - offset > r0 and (r1 is None or h.row < r1)
            if h.label.key == lead.label.key and inside:
                extra.add(h.row - offset)
    return extra


def _block_number(words: list[Word], previous: TableRows, field: str) -> FieldReading:
    """The number of a block whose opener label was misread: the number printed before the
    next label (``S11. 2_``), else the one after the previous block's, less sure either way."""
    for w in reversed(words):
        m = re.fullmatch(r"[\W_]*(\d{1,3})[\W_]*", w.text)
        if m:
            return FieldReading(m.group(1), round(INFERRED_NUMBER_PENALTY * w.confidence / 100, 4),
                                w.box, None)  # fmt: skip
    last = previous[-1][field].value_text if previous else None
    if last and last.isdigit():
        return FieldReading(str(int(last) + 1), INFERRED_NUMBER_PENALTY * 0.5, None, None)
    return FieldReading(None, 0.0)


def _separators_below(block_rows: list[Row], rules: Rules) -> list[int]:
    """Rules under a block's first line that separate blocks: long and starting at the labels'
    left edge. Rules under the values (leaders drawn as lines) start after the labels."""
    span = 0.5 * _row_span(block_rows)
    left = min(w.box[0] for r in block_rows for w in r.words)
    slack = 2 * block_rows[0].height
    return [
        y
        for y, a, b in rules.horizontal
        if y > block_rows[0].bottom and b - a > span and a <= left + slack
    ]


def _row_span(rows: list[Row]) -> int:
    return max(w.box[0] + w.box[2] for r in rows for w in r.words) - min(
        w.box[0] for r in rows for w in r.words
    )


def _strike_note_words(block_rows: list[Row], spec: TableSpec) -> set[int]:
    """Ids of the words of a deletion note (``Đã chết ngày 03/04/2020``) in a block."""
    found: set[int] = set()
    for row in block_rows:
        ws = row.words
        for i in range(len(ws)):
            for n in (3, 2, 1):
                if i + n > len(ws):
                    continue
                text = " ".join(w.text for w in ws[i : i + n])
                folded = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text).lower()).split())
                if folded in spec.strike_notes and (n > 1 or folded in ("xoa",)):
                    k = i + n
                    # the note's tail: "ngày 03/04/2020", "đăng ký thường trú"
                    while k < len(ws) and (
                        re.search(r"\d", ws[k].text)
                        or fold_alnum(ws[k].text) in ("ngay", "dang", "ky", "thuong", "tru")
                    ):
                        k += 1
                    found.update(id(w) for w in ws[i:k])
                    break
    return found


# --------------------------------------------------------------------------- entry point


def read_table(words: Sequence[Word], image: np.ndarray | None, spec: TableSpec) -> TableRows:
    """Rows of ``spec``'s table: a header grid when one is printed, else labelled blocks."""
    rows: TableRows = []
    if spec.columns:
        rows = read_grid_table(words, image, spec)
    if not rows and spec.block_spec is not None:
        rows = read_blocks(words, image, spec)
    log.debug("table %s: %d rows", spec.name, len(rows))
    return rows


@dataclass(frozen=True)
class TablesReader:
    """A ``FormSpec.tables`` hook: ``(words, cleaned image) → {table name: rows}`` (picklable).

    Register it on a form as ``FormSpec(..., tables=TablesReader((MEMBERS,)))``; the land
    certificate's ``holders`` and ``vertices`` are two ``TableSpec``s in one reader.
    """

    specs: tuple[TableSpec, ...]

    def __call__(self, words: Sequence[Word], image: np.ndarray | None) -> dict[str, TableRows]:
        return {spec.name: read_table(words, image, spec) for spec in self.specs}
