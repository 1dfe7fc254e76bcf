"""Zones of a page read apart from the whole-page OCR: the code printed under a QR block, and
a number the page's reading garbled.

A land certificate of Circular 10/2024 prints a QR block with a 12-character code of letters and
digits under it (NATIONAL_FORMAT.md). Read with the page, the block's modules come out as stray
letters in the lines beside it, the code is glued to whatever line sits at its height
(``tỉnh Lâm Đồng689VAZ5KPYUM``), and the Vietnamese model reads a string of letters and digits
as the nearest Vietnamese (``6§9DUJIKTX4MC``, ``6B1PKBH89R00``). So the block is found by its
finder patterns, the block and the code under it are blanked from the image the page is read
from, and the code is read alone: one line, letters and digits only, with the English model
(no word of it is Vietnamese).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from ocr import tesseract
from ocr.cleanup import to_gray
from sohoa.errors import OcrFailedError, OcrTimeoutError
from sohoa.types import Box, Word

log = logging.getLogger(__name__)

INK_THRESHOLD = 160  # cleaned pages are near black on white
CODE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# the doubt on a code the two models read differently (a reason of ``transforms.land``)
CODE_READINGS_DIFFER = "code_readings_differ"
# line keys of words read from a zone: blocks no whole-page reading numbers this high
ZONE_BLOCK = 10_000


@dataclass(frozen=True)
class QrZone:
    """A QR block and the box of the code printed under it (None when none was found)."""

    block: Box
    code: Box | None


def _finder_patterns(gray: np.ndarray) -> list[Box]:
    """Boxes of QR finder patterns: a dark square ring around a light ring around a dark square.

    Found by their light ring, a square hole holding exactly one dark square of 3/5 its side;
    the outer ring may touch the code's other modules, so it is not required to be clean."""
    ink = (gray < INK_THRESHOLD).astype(np.uint8)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    min_side = max(12, 0.008 * gray.shape[1])  # a letter's counter is far smaller
    found = []
    for i, (_, _, inner, parent) in enumerate(hierarchy[0]):
        if parent < 0 or inner < 0 or hierarchy[0][inner][0] >= 0 or hierarchy[0][inner][1] >= 0:
            continue  # not a hole with exactly one thing inside
        x, y, w, h = cv2.boundingRect(contours[i])
        if w < min_side or not 0.8 < w / h < 1.25 or cv2.contourArea(contours[i]) < 0.8 * w * h:
            continue
        ix, iy, iw, ih = cv2.boundingRect(contours[inner])
        if not 0.2 < iw * ih / (w * h) < 0.55 or cv2.contourArea(contours[inner]) < 0.8 * iw * ih:
            continue
        if abs(ix + iw / 2 - x - w / 2) > 0.15 * w or abs(iy + ih / 2 - y - h / 2) > 0.15 * h:
            continue
        module = w / 5  # the hole is 5 modules wide, the pattern 7
        found.append(
            (round(x - module), round(y - module), round(w + 2 * module), round(h + 2 * module))
        )
    return found


def find_qr_blocks(gray: np.ndarray) -> list[Box]:
    """QR blocks of an upright page: three finder patterns of one size at the block's top left,
    top right and bottom left corners."""
    finders = _finder_patterns(gray)
    blocks = []
    for ax, ay, side, _ in finders:
        alike = [f for f in finders if 0.75 < f[2] / side < 1.33]
        right = [f for f in alike if abs(f[1] - ay) <= 0.3 * side and f[0] > ax]
        below = [f for f in alike if abs(f[0] - ax) <= 0.3 * side and f[1] > ay]
        for bx, _, bw, _ in right:
            for _, cy, _, ch in below:
                dx, dy = bx - ax, cy - ay
                # version 1 puts the finders 14 modules apart (2 patterns); larger codes further
                if 1.5 * side <= dx <= 8 * side and 0.8 < dx / dy < 1.25:
                    blocks.append((ax, ay, bx + bw - ax, cy + ch - ay))
    return blocks


def code_under(gray: np.ndarray, block: Box) -> Box | None:
    """The line of text printed just under a QR block, centred on it (may be wider); None when
    there is none or it runs into the text beside it (then it is left to the page's reading)."""
    x, y, w, h = block
    height, width = gray.shape[:2]
    x0, x1 = max(0, round(x - 0.6 * w)), min(width, round(x + 1.6 * w))
    y0, y1 = min(height, y + h), min(height, round(y + 1.8 * h))
    ink = gray[y0:y1, x0:x1] < INK_THRESHOLD
    # its rows: ink under the block itself, after the blank row that ends the block
    on = ink[:, x - x0 : x - x0 + w].sum(axis=1) >= 2
    r = 0
    while r < len(on) and on[r]:
        r += 1
    top = bottom = None
    while r < len(on):
        if on[r]:
            end = r
            while end + 1 < len(on) and on[end + 1]:
                end += 1
            if end - r + 1 >= 0.06 * h:  # a text line, not a leader's dots
                top, bottom = r, end
                break
            r = end
        r += 1
    if top is None or top > 0.6 * h:
        return None
    line = bottom - top + 1
    # its extent: ink joined across gaps narrower than half the line's height, from the middle
    columns = np.flatnonzero(ink[top : bottom + 1].any(axis=0))
    if not len(columns):
        return None
    middle = x + w / 2 - x0
    left = right = int(columns[np.argmin(np.abs(columns - middle))])
    reach = max(2, line // 2)
    while len(more := columns[(columns < left) & (columns >= left - reach)]):
        left = int(more.min())
    while len(more := columns[(columns > right) & (columns <= right + reach)]):
        right = int(more.max())
    if left == 0 or right == ink.shape[1] - 1:
        return None  # it runs into other text: not a code line of its own
    pad = max(2, round(0.3 * line))
    x_from, y_from = max(0, x0 + left - pad), max(0, y0 + top - pad)
    return (
        x_from,
        y_from,
        min(width, x0 + right + pad) - x_from,
        min(height, y0 + bottom + pad) - y_from,
    )


def qr_zones(image: np.ndarray) -> list[QrZone]:
    """Each QR block of the page with the box of the code under it."""
    gray = to_gray(image)
    return [QrZone(block, code_under(gray, block)) for block in find_qr_blocks(gray)]


def blank(image: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """A copy of ``image`` with each box painted white."""
    out = image.copy()
    for x, y, w, h in boxes:
        out[y : y + h, x : x + w] = 255
    return out


def _whitelisted_words(
    image: np.ndarray, characters: str, *, timeout: float, dpi: int | None, lang: str | None = None
) -> list[Word]:
    """``image`` read as one line of ``characters`` only, with the English model unless ``lang``
    says otherwise (no word read here is Vietnamese). A second reading is a refinement: when
    Tesseract fails or times out on it (it has crashed on a blurred crop), nothing is read and
    the page's own reading stands."""
    lang = lang or ("eng" if "eng" in tesseract.installed_languages() else "vie")
    config = f"-c tessedit_char_whitelist={characters}"
    try:
        return tesseract.read_words(
            image, lang=lang, psm=7, timeout=timeout, dpi=dpi, config=config
        )
    except (OcrFailedError, OcrTimeoutError) as err:
        log.warning("a zone of %dx%d px could not be read again: %s", *image.shape[1::-1], err)
        return []


def _read_line(
    crop: np.ndarray, characters: str, *, timeout: float, dpi: int | None, lang: str | None = None
) -> tuple[str, float]:
    """One line of ``characters`` (text, lowest word confidence); ("", 0) when nothing is read."""
    words = _whitelisted_words(crop, characters, timeout=timeout, dpi=dpi, lang=lang)
    # a line read in pieces is as sure as its least sure piece
    return "".join(w.text for w in words), min((w.confidence for w in words), default=0.0)


def read_code(
    image: np.ndarray, box: Box, number: int = 0, *, timeout: float, dpi: int | None
) -> Word | None:
    """The code in ``box`` read as one line of capitals and digits (None when nothing is read).

    The English model tells most letters from digits better here; it reads a 0 after letters as
    O, so where the Vietnamese model reads that O as 0 the 0 is taken. A code is random letters
    and digits: no rule tells a misread 5 from an S, so where the two models disagree on any
    other character the code is doubted (``Word.doubt``) for a reviewer to compare."""
    x, y, w, h = box
    crop = image[y : y + h, x : x + w]
    text, confidence = _read_line(crop, CODE_CHARACTERS, timeout=timeout, dpi=dpi)
    if not text:
        return None
    other, _ = _read_line(crop, CODE_CHARACTERS, timeout=timeout, dpi=dpi, lang="vie")
    if len(other) == len(text):
        pairs = zip(text, other, strict=True)
        text = "".join("0" if a == "O" and b == "0" else a for a, b in pairs)
    doubt = CODE_READINGS_DIFFER if other != text else None
    log.debug("code under a QR block read %r (%.0f; other model %r)", text, confidence, other)
    return Word(text, confidence, box, (ZONE_BLOCK + number, 1, 1), doubt)


NUMBER_CHARACTERS = "0123456789.,"


def read_numbers(
    image: np.ndarray, boxes: list[Box], *, timeout: float, dpi: int | None
) -> list[Word | None]:
    """The numbers in ``boxes`` (words or values of the page's reading) read again alone, as
    digits and separators with the English model: one Word per box (None where nothing was
    read), in one Tesseract call — the boxes, each with a margin, side by side on one line.

    The Vietnamese model misreads some digits of some typefaces, the same way on every row of a
    table (``554821.88`` read ``oo4821.88`` in Liberation Serif, 1 read 7, 84 read 4); read as
    a line of digits, the number mostly comes out (how it is used: ``ocr.pipeline`` for number
    fields, ``forms.land`` for garbled coordinates)."""
    if not boxes:
        return []
    height, width = image.shape[:2]
    gray = to_gray(image)
    crops = []
    for x, y, w, h in boxes:
        pad = max(2, round(0.4 * h))
        crops.append(
            gray[
                max(0, y - pad) : min(height, y + h + pad),
                max(0, x - pad) : min(width, x + w + pad),
            ]
        )
    # side by side, three crop heights of blank between them (stacked one under the other and
    # read as a block, 554821.88 came out 594821.88; one height apart, two were read as one)
    tall = max(c.shape[0] for c in crops)
    gap = 3 * tall
    sheet = np.full((tall, sum(c.shape[1] + gap for c in crops)), 255, np.uint8)
    spans, left = [], 0
    for crop in crops:
        top = (tall - crop.shape[0]) // 2
        sheet[top : top + crop.shape[0], left : left + crop.shape[1]] = crop
        spans.append((left, left + crop.shape[1]))
        left += crop.shape[1] + gap
    words = _whitelisted_words(sheet, NUMBER_CHARACTERS, timeout=timeout, dpi=dpi)
    out: list[Word | None] = []
    for k, (start, end) in enumerate(spans):
        mine = [w for w in words if start <= w.box[0] + w.box[2] / 2 < end]
        text = "".join(w.text for w in mine)
        if not text:
            out.append(None)
            continue
        # a number read in pieces is as sure as its least sure piece
        out.append(Word(text, min(w.confidence for w in mine), boxes[k], (ZONE_BLOCK, 2, k + 1)))
    log.debug("numbers read again: %s", [w.text if w else None for w in out])
    return out


def read_number(image: np.ndarray, box: Box, *, timeout: float, dpi: int | None) -> Word | None:
    """One number read again alone (``read_numbers``)."""
    return read_numbers(image, [box], timeout=timeout, dpi=dpi)[0]
