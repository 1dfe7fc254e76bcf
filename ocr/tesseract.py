"""The only module that touches pytesseract or the ``tesseract`` binary.

Small, picklable module-level functions. Every call has a timeout (``OcrTimeoutError``, which the
caller reports as a skipped page); any other failure is logged with Tesseract's own output and
raised as ``OcrFailedError`` from the original. Tesseract runs one thread per call
(``OMP_THREAD_LIMIT=1``) so that worker processes × threads stays within the cores.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytesseract
from PIL import Image

from sohoa.errors import MissingDependencyError, OcrFailedError, OcrTimeoutError
from sohoa.types import Word

log = logging.getLogger(__name__)

MIN_VERSION = (4, 1)
INSTALL_HINT_VI = "Hãy cài đặt: apt-get install tesseract-ocr tesseract-ocr-vie"
INSTALL_HINT_EN = "Install it with: apt-get install tesseract-ocr tesseract-ocr-vie"
DEFAULT_DPI = 300


@dataclass(frozen=True, slots=True)
class Orientation:
    """What OSD said: rotate the image clockwise by ``rotate`` degrees to make it upright."""

    rotate: int | None  # 0/90/180/270, or None when unknown
    confidence: float = 0.0


def _force_single_thread() -> None:
    # pytesseract passes os.environ to the child process; one thread per Tesseract call.
    if os.environ.get("OMP_THREAD_LIMIT") != "1":
        os.environ["OMP_THREAD_LIMIT"] = "1"


@lru_cache(maxsize=1)
def _version() -> tuple[str, tuple[int, int]]:
    try:
        version = pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError) as e:
        raise MissingDependencyError(
            f"Không tìm thấy chương trình Tesseract OCR. {INSTALL_HINT_VI}",
            f"The Tesseract OCR program was not found. {INSTALL_HINT_EN}",
        ) from e
    text = str(version)
    match = re.match(r"(\d+)\.(\d+)", text)
    parts = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    return text, parts


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract's installed language data (``vie``, ``eng``, ``osd`` …)."""
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError) as e:
        raise MissingDependencyError(
            f"Không liệt kê được ngôn ngữ của Tesseract. {INSTALL_HINT_VI}",
            f"Tesseract's languages could not be listed. {INSTALL_HINT_EN}",
        ) from e


@lru_cache(maxsize=8)
def probe(lang: str = "vie") -> str:
    """Check once that Tesseract ≥ 4.1 and every language in ``lang`` ("vie+eng") are installed.

    Returns the engine string used for provenance; raises ``MissingDependencyError``.
    """
    text, parts = _version()
    if parts < MIN_VERSION:
        raise MissingDependencyError(
            f"Tesseract {text} quá cũ (cần ≥ 4.1). {INSTALL_HINT_VI}",
            f"Tesseract {text} is too old (4.1 or newer is needed). {INSTALL_HINT_EN}",
        )
    installed = installed_languages()
    missing = [code for code in lang.split("+") if code and code not in installed]
    if missing:
        names = ", ".join(missing)
        pkgs = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise MissingDependencyError(
            f"Thiếu dữ liệu ngôn ngữ Tesseract: {names}. Hãy cài đặt: apt-get install {pkgs}",
            f"Tesseract language data missing: {names}. Install it with: apt-get install {pkgs}",
        )
    return engine_version(lang)


def engine_version(lang: str = "vie") -> str:
    """Engine string for provenance, e.g. ``tesseract 5.3.0 vie``."""
    return f"tesseract {_version()[0]} {lang}"


def _config(psm: int, dpi: int | None, extra: str = "", oem: int | None = 1) -> str:
    parts = [f"--psm {int(psm)}"]
    if oem is not None:
        parts.append(f"--oem {oem}")
    if dpi:
        parts.append(f"--dpi {int(dpi)}")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _as_pil(image: np.ndarray | Image.Image) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    if image.ndim == 2:
        pil = Image.fromarray(image)
    else:
        pil = Image.fromarray(np.ascontiguousarray(image[:, :, ::-1]))  # BGR → RGB
    # pytesseract hands the image over as a temporary file in ``format``: BMP writes in ~20 ms
    # where PNG compression of a 300-DPI page costs ~350 ms per call
    pil.format = "BMP"
    return pil


def _call(func, image, *, what: str, timeout: float, harmless: tuple[str, ...] = (), **kwargs):
    """Run one pytesseract function; ``harmless`` error messages give ``None`` instead."""
    _force_single_thread()
    try:
        return func(_as_pil(image), timeout=timeout, **kwargs)
    except pytesseract.TesseractNotFoundError as e:
        raise MissingDependencyError(
            f"Không tìm thấy chương trình Tesseract OCR. {INSTALL_HINT_VI}",
            f"The Tesseract OCR program was not found. {INSTALL_HINT_EN}",
        ) from e
    except pytesseract.TesseractError as e:
        if any(h.lower() in str(e.message).lower() for h in harmless):
            log.debug("tesseract %s: %s", what, e.message)
            return None
        log.error("tesseract %s failed (status %s): %s", what, e.status, e.message)
        raise OcrFailedError(
            "Nhận dạng chữ bị lỗi trên trang này.",
            "Text recognition failed on this page.",
        ) from e
    except RuntimeError as e:
        if "timeout" in str(e).lower():
            log.warning("tesseract %s timed out after %.0f s", what, timeout)
            raise OcrTimeoutError(
                f"Nhận dạng chữ quá thời gian cho phép ({timeout:.0f} giây); trang bị bỏ qua.",
                f"Text recognition took longer than the {timeout:.0f} s allowed; "
                "the page was skipped.",
            ) from e
        raise


def read_words(
    image: np.ndarray | Image.Image,
    lang: str = "vie",
    psm: int = 3,
    timeout: float = 60.0,
    dpi: int | None = DEFAULT_DPI,
    config: str = "",
) -> list[Word]:
    """Words with confidences (0-100), boxes and (block, paragraph, line) keys, in reading order."""
    data = _call(
        pytesseract.image_to_data,
        image,
        what="image_to_data",
        timeout=timeout,
        lang=lang,
        config=_config(psm, dpi, config),
        output_type=pytesseract.Output.DICT,
    )
    return words_from_data(data)


def words_from_data(data: dict[str, list]) -> list[Word]:
    """Turn pytesseract's ``image_to_data`` dictionary into ``Word``s (word level only)."""
    words: list[Word] = []
    for i, text in enumerate(data.get("text", [])):
        if int(data["level"][i]) != 5:
            continue
        text = str(text).strip()
        if not text:
            continue
        conf = float(data["conf"][i])
        box = (
            int(data["left"][i]),
            int(data["top"][i]),
            int(data["width"][i]),
            int(data["height"][i]),
        )
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.append(Word(text=text, confidence=max(conf, 0.0), box=box, line_key=key))
    return words


def read_text(
    image: np.ndarray | Image.Image,
    lang: str = "vie",
    psm: int = 3,
    timeout: float = 60.0,
    dpi: int | None = DEFAULT_DPI,
    config: str = "",
) -> str:
    """Plain page text as Tesseract writes it."""
    return _call(
        pytesseract.image_to_string,
        image,
        what="image_to_string",
        timeout=timeout,
        lang=lang,
        config=_config(psm, dpi, config),
    )


_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_orientation(
    image: np.ndarray | Image.Image, timeout: float = 30.0, dpi: int | None = DEFAULT_DPI
) -> Orientation:
    """Orientation from Tesseract's OSD; ``rotate=None`` when the page has too little text."""
    out = _call(
        pytesseract.image_to_osd,
        image,
        what="osd",
        timeout=timeout,
        harmless=("Too few characters",),  # blank or nearly blank page: orientation unknown
        lang="osd",
        config=_config(0, dpi, oem=None),  # OSD runs on the legacy engine
    )
    if out is None:
        return Orientation(None, 0.0)
    rotate = _OSD_ROTATE.search(out)
    conf = _OSD_CONF.search(out)
    if not rotate:
        return Orientation(None, 0.0)
    return Orientation(int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0)
