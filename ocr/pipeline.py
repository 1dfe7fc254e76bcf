"""The OCR stage end to end, one page at a time: load → clean → OCR → classify → extract.

``extract_file`` never raises for a bad page or file: it returns a ``PageExtraction`` with status
``failed`` (bad input, OCR error) or ``skipped`` (Tesseract timed out), so a batch continues.
Everything here is a module-level function so pages can be sent to worker processes.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from ocr import cleanup, tesseract, zones
from ocr.classify import classify_text
from ocr.cleanup import DEFAULT_STEPS, CleanupSteps, clean_page
from ocr.extract import extract_fields, page_text, split_printed_spaces
from ocr.forms import FormSpec, spec_for
from ocr.ingest import PageImage, iter_pages, sha256_file
from ocr.readings import take_better_fields
from sohoa.confidence import calibrate, field_kind, page_confidence
from sohoa.errors import InputFileError, OcrFailedError, OcrTimeoutError, SohoaError
from sohoa.settings import get_settings
from sohoa.types import FieldReading, PageExtraction, Word

log = logging.getLogger(__name__)

OCR_PSM = 3  # automatic page segmentation: forms mix centred titles, columns and tables
# OSD confidence needed to try a turned page: noisy harsh pages give 0.4-3 for a right answer,
# and the turned reading is kept only when it reads better, so any answer is worth a try
ORIENTATION_MIN_CONFIDENCE = 0.0
# below this OSD confidence, "upright" is no answer for a page that reads badly
ORIENTATION_UPRIGHT_SURE = 1.0
# cleanup steps that act only on a degraded page (``clean_page``'s ``acted``), and the page
# confidence under which a page is degraded whatever cleanup found: both call for a second
# reading (dev pages: no mild or clean page of seed 77 is blurred or speckled by these steps)
DEGRADED_STEPS = frozenset({"sharpen_blurred", "remove_stray_dots"})
SECOND_READING_BELOW = 0.85
# word confidence kept for a second classification of a page whose type was unsure
CLASSIFY_RETRY_MIN_CONFIDENCE = 30.0


@dataclass(frozen=True)
class PageOcr:
    """A page after cleanup and OCR (what extraction works from)."""

    page: PageImage
    image: np.ndarray  # the cleaned image the word boxes refer to
    words: list[Word]
    seconds: float
    # a degraded page's second reading, of the same image smoothed (``second_reading_image``)
    second_words: list[Word] | None = None


def reads_badly(words: list[Word], min_words: int = 15, min_confidence: float = 70.0) -> bool:
    """Few words or a low mean confidence: the page may be sideways or upside down."""
    if len(words) < min_words:
        return True
    return sum(w.confidence for w in words) / len(words) < min_confidence


def upright_words(words: list[Word], min_confidence: float = 70.0) -> int:
    """Confident words of three or more characters that stand upright: on a line that runs
    level or, where the line does not tell (a word alone on its line), in a box wider than tall.

    Tesseract reads a sideways page's lines as vertical text with good word confidences, so
    confidence alone cannot tell a sideways reading from an upright one; the words' boxes can
    (they are in the image's coordinates). A short word's box alone misleads: on a sideways
    line of capitals (`NHÀ`, 80 px across the line, 61 along it) it is wider than tall, and a
    sideways reading of a land certificate counted more such words than its upright turn.
    """
    runs = _line_runs(words)
    return sum(
        1
        for w in words
        if w.confidence >= min_confidence
        and len(w.text) >= 3
        and runs.get(w.line_key, w.box[2] > w.box[3])
    )


def _line_runs(words: list[Word]) -> dict[tuple[int, int, int], bool]:
    """For each line of two words or more whose words' centres spread one way more than the
    other: whether it runs level (True) or up or down the page (False)."""
    centres: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    for w in words:
        centres.setdefault(w.line_key, []).append(
            (w.box[0] + w.box[2] / 2, w.box[1] + w.box[3] / 2)
        )
    runs = {}
    for key, points in centres.items():
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        across, along = max(xs) - min(xs), max(ys) - min(ys)
        if len(points) >= 2 and across != along:
            runs[key] = across > along
    return runs


def reads_sideways(words: list[Word]) -> bool:
    """Most confident words stand on end: the text runs up or down the page."""
    confident = sum(1 for w in words if w.confidence >= 70.0 and len(w.text) >= 3)
    return confident >= 10 and upright_words(words) < 0.5 * confident


def reads_clearly_better(upright: int, best: int) -> bool:
    """A turned page's reading replaces the one kept only with clearly more upright words: a
    blurred upright page read 7 and its quarter turn 9 (short words' boxes grow taller than wide),
    while a turned page's right turn reads ten times more than its wrong ones."""
    return upright >= max(best + 3, 1.5 * best)


def _turns_to_try(cleaned: np.ndarray, sideways: bool) -> list[int]:
    """Clockwise turns worth an OCR: OSD's answer (even a weak one: noisy harsh pages give 1-3
    for a right answer) or, when OSD is unsure the page is upright, a half turn; for a page
    that reads sideways, both quarter turns."""
    found = cleanup.detect_orientation(cleaned)
    turns = []
    if found.rotate and found.confidence >= ORIENTATION_MIN_CONFIDENCE:
        turns.append(found.rotate)
    elif not found.rotate and found.confidence < ORIENTATION_UPRIGHT_SURE:
        # OSD finds no script on some blurred, speckled pages: a badly read page that OSD
        # cannot place may be upside down (the usual turn of a sheet fed the wrong way)
        turns.append(180)
    if sideways:
        turns += [t for t in (90, 270) if t not in turns]
    return turns


def ocr_page(
    page: PageImage,
    lang: str = "vie",
    timeout: float | None = None,
    steps: CleanupSteps = DEFAULT_STEPS,
    debug_dir: str | Path | None = None,
) -> PageOcr:
    """Clean one page and read its words (raises ``OcrTimeoutError`` / ``OcrFailedError``).

    A page that reads badly, reads sideways or makes Tesseract time out (an upside-down noisy
    page can) gets Tesseract's orientation detection and a reading of each likely upright
    turn; the reading with the most upright confident words is kept.
    """
    timeout = get_settings().tesseract_timeout_s if timeout is None else timeout
    start = time.perf_counter()
    acted: set[str] = set()
    cleaned = clean_page(page.image, steps=steps, debug_dir=debug_dir, page=page.page, acted=acted)
    dpi = round((page.dpi or 300) * steps.upscale_factor)

    def read(image: np.ndarray) -> list[Word]:
        if steps.erase_slanted_strokes:  # a struck-out entry's stroke hides its rows from OCR
            image = cleanup.erase_slanted_strokes(image)
        qr = zones.qr_zones(image) if steps.read_qr_code_apart else []
        page = zones.blank(image, [b for z in qr for b in (z.block, z.code) if b]) if qr else image
        words = tesseract.read_words(page, lang=lang, psm=OCR_PSM, timeout=timeout, dpi=dpi)
        for number, zone in enumerate(qr):
            code = zone.code and zones.read_code(image, zone.code, number, timeout=timeout, dpi=dpi)
            if code:  # in reading order, for the page's text
                at = next((i for i, w in enumerate(words) if w.box[1] > code.box[1]), len(words))
                words.insert(at, code)
        return words

    timed_out: OcrTimeoutError | None = None
    try:
        words = read(cleaned)
    except OcrTimeoutError as err:
        timed_out, words = err, []
    if not steps.fix_orientation and (timed_out or reads_badly(words) or reads_sideways(words)):
        best = upright_words(words)
        # forms are printed portrait: a landscape page that reads badly is most likely turned
        height, width = cleaned.shape[:2]
        sideways = reads_sideways(words) or width > 1.15 * height
        # which dots are print depends on where "above" and "right of" a letter are: when
        # the stray-dot step changed the page, each turn is cleaned afresh from the scan
        afresh = steps.remove_stray_dots and not np.array_equal(
            cleaned, clean_page(page.image, steps=replace(steps, remove_stray_dots=False))
        )
        first = cleaned  # OSD's turns are of this image, whichever turn is kept meanwhile
        for turn in _turns_to_try(first, sideways):
            if afresh:
                turned = clean_page(cleanup.rotate_quarter(page.image, turn), steps=steps)
            else:
                turned = cleanup.rotate_quarter(first, turn)
                turned = cleanup.deskew(turned) if steps.deskew else turned
            try:
                again = read(turned)
            except OcrTimeoutError:
                continue
            if reads_clearly_better(upright_words(again), best):
                cleaned, words, best, timed_out = turned, again, upright_words(again), None
                if not reads_badly(words):
                    break
    if timed_out is not None:
        raise timed_out
    second = None
    if steps.read_degraded_twice and needs_second_reading(acted, words):
        try:
            second = read(second_reading_image(cleaned))
        except OcrTimeoutError:  # the first reading stands alone
            log.info("%s page %d: second reading timed out", page.source_path, page.page)
    return PageOcr(page, cleaned, words, time.perf_counter() - start, second)


def needs_second_reading(acted: set[str], words: list[Word]) -> bool:
    """A page that cleanup found blurred or speckled, or that read with a page confidence under
    ``SECOND_READING_BELOW``: Tesseract's misreadings of such a page change with its pixels, so a
    second reading of it smoothed gets right many fields the first got wrong (README)."""
    return bool(acted & DEGRADED_STEPS) or page_confidence(words) < SECOND_READING_BELOW


def second_reading_image(cleaned: np.ndarray) -> np.ndarray:
    """The cleaned page smoothed by a 3 × 3 median: toner specks and blur fringes thin out."""
    return cv2.medianBlur(cleaned, 3)


def _calibrate_readings(extraction: PageExtraction) -> None:
    """Every read value's raw confidence → the chance that it is right (``sohoa.confidence``),
    by the kind of its field and how well the whole page read."""
    page = extraction.page_confidence
    readings = list(extraction.fields.items())
    readings += [
        (name, r) for rows in extraction.tables.values() for row in rows for name, r in row.items()
    ]
    for name, reading in readings:
        if reading.value_text is not None:
            confidence = calibrate(reading.confidence, field_kind(name), page)
            reading.confidence = round(confidence, 4)


def extract_page_ocr(
    result: PageOcr, declared_type: str | None = None, engine: str = ""
) -> PageExtraction:
    """Classify an OCR'd page and extract its fields. Its only Tesseract calls read numbers
    again in small zones (``ocr.zones``), and never fail the page."""
    page = result.page
    text = page_text(result.words)
    found = classify_text(text, declared_type)
    if found.doc_type is None:
        # speckled pages: noise read as letters glued to the title's line hides it
        confident = [w for w in result.words if w.confidence >= CLASSIFY_RETRY_MIN_CONFIDENCE]
        retry = classify_text(page_text(confident), declared_type)
        found = retry if retry.doc_type is not None else found
    doc_type = found.doc_type
    extraction = PageExtraction(
        doc_type=doc_type,
        source_file=page.source_path,
        source_sha256=page.source_sha256,
        page=page.page,
        page_text=text,
        ocr_seconds=round(result.seconds, 3),
        ocr_engine=engine,
        page_confidence=page_confidence(result.words),
    )
    if found.disagrees_with_declared:
        log.warning(
            "%s page %d: declared %s but the page reads as %s (score %.2f)",
            page.source_path,
            page.page,
            declared_type,
            doc_type,
            found.score,
        )
    spec = spec_for(doc_type) if doc_type else None
    if spec is None:
        extraction.status = "failed"
        if doc_type is None:
            extraction.reason = "unknown_doc_type"
            extraction.message = (
                "Không nhận ra loại giấy tờ trên trang này / "
                "The record type of this page could not be recognised."
            )
        else:
            extraction.reason = "unsupported_doc_type"
            extraction.message = (
                f"Chưa hỗ trợ trích xuất loại giấy tờ {doc_type} / "
                f"Extraction of {doc_type} pages is not supported yet."
            )
        return extraction
    _read_fields(extraction, result.words, spec, result.image)
    if result.second_words:
        second = replace(extraction, page_confidence=page_confidence(result.second_words))
        _read_fields(second, result.second_words, spec, result.image)
        take_better_fields(extraction, second)
    return extraction


def _read_fields(
    extraction: PageExtraction, words: list[Word], spec: FormSpec, image: np.ndarray
) -> None:
    """One reading's fields and tables, with calibrated confidences, into ``extraction``."""
    words = split_printed_spaces(words, image)
    extraction.fields = extract_fields(words, spec, page_width=image.shape[1])
    _read_numbers_again(extraction.fields, spec.numbers, image)
    if spec.tables is not None:  # household members, land holders and vertices (ocr.tables)
        extraction.tables = spec.tables(words, image)
    _calibrate_readings(extraction)


# a number the two readings disagree on is less sure, whichever is taken, and doubted: a
# reviewer compares it with the page (a reason of ``transforms.flags``)
NUMBERS_DISAGREE_PENALTY = 0.8
NUMBER_READINGS_DIFFER = "number_readings_differ"


def _read_numbers_again(
    fields: dict[str, FieldReading], names: tuple[str, ...], image: np.ndarray
) -> None:
    """Each field read as a plain number is read again alone as digits (``zones.read_numbers``,
    one Tesseract call for the page); where that reading is another number, not two digits
    shorter (``71701`` → ``1101``, ``4`` → ``84``, ``46269831`` → ``546269831``), it is taken,
    less sure. Dev clean pages (seeds 77 / 78 / 4242 / 5555): 98.3 / 97.7 / 97.9 / 98.0 →
    98.9 / 98.0 / 97.9 / 98.2 %; on 40 mild land pages one mended, one right one changed
    (75 → 15)."""
    # a value that is a number as read (``CMND số 2416…`` is left to its own rules)
    read = [
        n
        for n in names
        if fields.get(n)
        and fields[n].box
        and re.fullmatch(r"[\d\s.,]+", fields[n].value_text or "")
    ]
    if not read:
        return
    timeout = get_settings().tesseract_timeout_s
    again = zones.read_numbers(image, [fields[n].box for n in read], timeout=timeout, dpi=None)
    for name, word in zip(read, again, strict=True):
        old = fields[name]
        digits = re.sub(r"\D", "", old.value_text or "")
        new = re.sub(r"[.,]", "", word.text) if word else ""
        # one digit fewer is allowed: the page's reading adds strokes (1101 read 71701)
        if new.isdigit() and new != digits and len(new) >= len(digits) - 1:
            confidence = round(old.confidence * NUMBERS_DISAGREE_PENALTY, 4)
            fields[name] = FieldReading(
                new, confidence, old.box, old.label_text, NUMBER_READINGS_DIFFER
            )


def _empty_page_error(reason: str, vi: str, en: str) -> InputFileError:
    err = InputFileError(vi, en)
    err.reason = reason
    return err


_EMPTY = {
    "blank": _empty_page_error(
        "blank_page",
        "Trang trắng, không có chữ để đọc (bỏ qua).",
        "A blank page with no writing to read (skipped).",
    ),
    "dark": _empty_page_error(
        "dark_page",
        "Trang toàn màu đen hoặc quá tối, không đọc được; hãy quét lại.",
        "The page is all black or far too dark to read; please scan it again.",
    ),
}


def _failed(path: Path, sha: str, page: int, err: SohoaError, status: str) -> PageExtraction:
    return PageExtraction(
        doc_type=None,
        source_file=str(path),
        source_sha256=sha,
        page=page,
        status=status,
        reason=err.reason,
        message=err.for_people(),
    )


def extract_file(
    path: str | Path,
    declared_type: str | None = None,
    lang: str | None = None,
    timeout: float | None = None,
    debug_dir: str | Path | None = None,
    steps: CleanupSteps = DEFAULT_STEPS,
) -> list[PageExtraction]:
    """One ``PageExtraction`` per page; a bad file or page is a result, not an exception.

    ``MissingDependencyError`` (no Tesseract, no ``vie``) is still raised: no page can be read.
    """
    path = Path(path)
    lang = lang or get_settings().tesseract_lang
    engine = tesseract.probe(lang)
    try:
        sha = sha256_file(path)
    except OSError:
        sha = ""
    results: list[PageExtraction] = []
    pages = iter_pages(path)
    number = 0
    while True:
        try:
            page = next(pages)
        except StopIteration:
            break
        except InputFileError as err:
            log.warning("%s: %s", path, err.message_en)
            results.append(_failed(path, sha, number + 1, err, "failed"))
            break
        number = page.page
        empty = cleanup.empty_page_kind(page.image)
        if empty is not None:
            results.append(_failed(path, sha, page.page, _EMPTY[empty], "failed"))
            continue
        try:
            result = ocr_page(page, lang=lang, timeout=timeout, steps=steps, debug_dir=debug_dir)
        except OcrTimeoutError as err:
            results.append(_failed(path, sha, page.page, err, "skipped"))
            continue
        except OcrFailedError as err:
            results.append(_failed(path, sha, page.page, err, "failed"))
            continue
        results.append(extract_page_ocr(result, declared_type, engine))
    return results


def ocr_text(
    path: str | Path,
    lang: str | None = None,
    timeout: float | None = None,
    steps: CleanupSteps = DEFAULT_STEPS,
) -> list[str]:
    """Cleaned-up page text, one string per page (raises ``InputFileError`` for a bad file)."""
    lang = lang or get_settings().tesseract_lang
    tesseract.probe(lang)
    timeout = get_settings().tesseract_timeout_s if timeout is None else timeout
    texts = []
    for page in iter_pages(path):
        cleaned = clean_page(page.image, steps=steps, page=page.page)
        dpi = round((page.dpi or 300) * steps.upscale_factor)
        texts.append(tesseract.read_text(cleaned, lang=lang, psm=OCR_PSM, timeout=timeout, dpi=dpi))
    return texts


def empty_fields(doc_type: str) -> dict[str, FieldReading]:
    """Every field of a record type, unread."""
    spec = spec_for(doc_type)
    if spec is None:
        return {}
    return {f: FieldReading(None, 0.0) for f in spec.fields}
