"""The OCR stage end to end, one page at a time: load → clean → OCR → classify → extract.

``extract_file`` never raises for a bad page or file: it returns a ``PageExtraction`` with status
``failed`` (bad input, OCR error) or ``skipped`` (Tesseract timed out), so a batch continues.
Everything here is a module-level function so pages can be sent to worker processes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocr import cleanup, tesseract
from ocr.classify import classify_text
from ocr.cleanup import DEFAULT_STEPS, CleanupSteps, clean_page
from ocr.extract import extract_fields, page_text
from ocr.forms import spec_for
from ocr.ingest import PageImage, iter_pages, sha256_file
from sohoa.errors import InputFileError, OcrFailedError, OcrTimeoutError, SohoaError
from sohoa.settings import get_settings
from sohoa.types import FieldReading, PageExtraction, Word

log = logging.getLogger(__name__)

OCR_PSM = 3  # automatic page segmentation: forms mix centred titles, columns and tables


@dataclass(frozen=True)
class PageOcr:
    """A page after cleanup and OCR (what extraction works from)."""

    page: PageImage
    image: np.ndarray  # the cleaned image the word boxes refer to
    words: list[Word]
    seconds: float


def reads_badly(words: list[Word], min_words: int = 15, min_confidence: float = 70.0) -> bool:
    """Few words or a low mean confidence: the page may be sideways or upside down."""
    if len(words) < min_words:
        return True
    return sum(w.confidence for w in words) / len(words) < min_confidence


def _mean_confidence(words: list[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def ocr_page(
    page: PageImage,
    lang: str = "vie",
    timeout: float | None = None,
    steps: CleanupSteps = DEFAULT_STEPS,
    debug_dir: str | Path | None = None,
) -> PageOcr:
    """Clean one page and read its words (raises ``OcrTimeoutError`` / ``OcrFailedError``).

    A page that reads badly gets Tesseract's orientation detection and, when it was turned,
    a second reading of the upright page; the better reading is kept.
    """
    timeout = get_settings().tesseract_timeout_s if timeout is None else timeout
    start = time.perf_counter()
    cleaned = clean_page(page.image, steps=steps, debug_dir=debug_dir, page=page.page)
    dpi = round((page.dpi or 300) * steps.upscale_factor)
    words = tesseract.read_words(cleaned, lang=lang, psm=OCR_PSM, timeout=timeout, dpi=dpi)
    if not steps.fix_orientation and reads_badly(words):
        turned = cleanup.fix_orientation(cleaned)
        if turned is not cleaned:
            turned = cleanup.deskew(turned) if steps.deskew else turned
            again = tesseract.read_words(turned, lang=lang, psm=OCR_PSM, timeout=timeout, dpi=dpi)
            if _mean_confidence(again) * len(again) > _mean_confidence(words) * len(words):
                cleaned, words = turned, again
    return PageOcr(page, cleaned, words, time.perf_counter() - start)


def extract_page_ocr(
    result: PageOcr, declared_type: str | None = None, engine: str = ""
) -> PageExtraction:
    """Classify an OCR'd page and extract its fields (no Tesseract call)."""
    page = result.page
    text = page_text(result.words)
    found = classify_text(text, declared_type)
    doc_type = found.doc_type
    extraction = PageExtraction(
        doc_type=doc_type,
        source_file=page.source_path,
        source_sha256=page.source_sha256,
        page=page.page,
        page_text=text,
        ocr_seconds=round(result.seconds, 3),
        ocr_engine=engine,
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
    width = result.image.shape[1]
    extraction.fields = extract_fields(result.words, spec, page_width=width)
    return extraction


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
