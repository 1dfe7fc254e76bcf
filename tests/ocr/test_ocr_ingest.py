"""Ingest: sniffing, bounds and page splitting (no Tesseract)."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import ingest
from sohoa.errors import InputFileError


@pytest.mark.parametrize(
    ("kind", "words", "reason"),
    [
        ("empty", "empty", "bad_input"),
        ("text_as_jpg", "not a scanned image", "bad_input"),
        ("truncated_jpeg", "damaged or incomplete", "damaged_image"),
        ("one_pixel", "too small", "image_too_small"),
        ("garbage_pdf", "PDF", "damaged_pdf"),
        ("bomb_png", "decompression bomb", "decompression_bomb"),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(bad_inputs, kind, words, reason):
    with pytest.raises(InputFileError) as err:
        ingest.load_pages(bad_inputs[kind])
    assert err.value.reason == reason
    assert words.lower() in err.value.message_en.lower()
    assert err.value.message_vi != err.value.message_en  # Vietnamese first, then English
    assert " / " in err.value.for_people()


def test_our_own_pixel_bound(tmp_path):
    from ocr_testdata import png_bytes

    # under Pillow's bomb limit, over ours; a real image (pixels that compress like a scan's)
    rng = np.random.default_rng(0)
    pixels = b"".join(
        b"\x00" + rng.integers(0, 255, 10_000, np.uint8).tobytes() for _ in range(9_000)
    )
    path = tmp_path / "huge.png"
    path.write_bytes(png_bytes(10_000, 9_000, pixels))
    with pytest.raises(InputFileError, match="too large"):
        ingest.load_pages(path)
    # the same declared size in a few bytes is a bomb
    path.write_bytes(png_bytes(10_000, 9_000))
    with pytest.raises(InputFileError, match="decompression bomb"):
        ingest.load_pages(path)


def test_type_is_sniffed_not_taken_from_the_name(tmp_path):
    img = np.full((300, 200, 3), 255, np.uint8)
    img[100:120, 20:180] = (0, 0, 0)
    path = tmp_path / "scan.pdf"  # really a PNG
    _ok, data = cv2.imencode(".png", img)
    path.write_bytes(data.tobytes())
    pages = ingest.load_pages(path)
    assert len(pages) == 1 and pages[0].image.shape == (300, 200, 3)
    assert pages[0].source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert pages[0].source_sha256 == ingest.sha256_file(path)


def test_multipage_tiff_gives_one_page_each(tmp_path):
    frames = [Image.new("L", (400, 300), 255 - 60 * i) for i in range(3)]
    path = tmp_path / "book.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300))
    pages = ingest.load_pages(path)
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[2].image.ndim == 2 and int(pages[2].image[0, 0]) == 255 - 120
    assert pages[0].dpi == pytest.approx(300, abs=1)


def test_pdf_is_rasterised_at_300_dpi(tmp_path):
    path = tmp_path / "two.pdf"
    a4 = (595, 842)  # points
    images = [Image.new("RGB", a4, (255, 255, 255)) for _ in range(2)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=72)
    pages = ingest.load_pages(path)
    assert len(pages) == 2
    h, w = pages[0].image.shape[:2]
    assert abs(w - 2479) <= 3 and abs(h - 3508) <= 3
    assert pages[0].dpi == pytest.approx(300)
    assert pages[1].image.ndim == 3 and pages[1].image.mean() > 250


def test_pdf_with_no_pages(tmp_path):
    path = tmp_path / "none.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
        b"2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n"
        b"trailer\n<</Root 1 0 R/Size 3>>\n%%EOF\n"
    )
    with pytest.raises(InputFileError, match="no pages"):
        ingest.load_pages(path)


def test_missing_file():
    with pytest.raises(InputFileError, match="does not exist"):
        ingest.load_pages("/nonexistent/scan.jpg")
