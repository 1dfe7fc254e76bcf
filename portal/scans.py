"""Page images for reviewers: the cleaned page the field boxes refer to, and crops of it.

Field boxes are in the coordinates of the cleaned page that OCR read (``ocr.pipeline``), so the
page is rebuilt the same way — ``ocr.ingest`` then ``ocr.cleanup.clean_page`` with the default
steps — from the stored original, once, and cached as PNG under ``<data>/page_images``.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.settings import get_settings

log = logging.getLogger(__name__)

CROP_MARGIN = 12
MAX_PAGE_SIDE = 1800  # full page on demand, scaled for a screen


def cleaned_page(original_path: str, sha: str, page: int) -> Path:
    """Path of the cached cleaned page image (built on first use)."""
    cache = get_settings().data_dir / "page_images" / f"{sha}-{page}.png"
    if cache.exists():
        return cache
    from ocr.cleanup import DEFAULT_STEPS, clean_page
    from ocr.ingest import iter_pages

    for p in iter_pages(original_path):
        if p.page == page:
            cleaned = clean_page(p.image, steps=DEFAULT_STEPS)
            break
    else:
        raise FileNotFoundError(f"{original_path} has no page {page}")
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.png")
    Image.fromarray(np.asarray(cleaned)).save(tmp)
    tmp.replace(cache)  # atomic: a half-written cache never serves
    return cache


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def crop_png(page_path: Path, box: tuple[int, int, int, int]) -> bytes:
    left, top, width, height = box
    with Image.open(page_path) as img:
        region = (
            max(0, left - CROP_MARGIN),
            max(0, top - CROP_MARGIN),
            min(img.width, left + width + CROP_MARGIN),
            min(img.height, top + height + CROP_MARGIN),
        )
        return _png(img.crop(region))


def page_png(page_path: Path) -> bytes:
    with Image.open(page_path) as img:
        img.thumbnail((MAX_PAGE_SIDE, MAX_PAGE_SIDE))
        return _png(img)
