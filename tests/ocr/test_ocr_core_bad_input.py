"""Bad input, page by page: every case gives its own reason and the rest of the batch goes on.

The files are made in the test; no page here reaches Tesseract except in the integration test
(blank and black pages are refused before OCR, the rest before decoding).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from ocr_testdata import png_bytes
from PIL import Image

from ocr import cleanup, ingest
from ocr.pipeline import extract_file
from sohoa.errors import InputFileError


def _write(path: Path, image: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), image)
    return path


@pytest.fixture
def bad_batch(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    files["blank_page"] = _write(tmp_path / "blank.png", np.full((1400, 1000), 238, np.uint8))
    files["dark_page"] = _write(tmp_path / "black.jpg", np.zeros((1400, 1000, 3), np.uint8))
    files["image_too_small"] = _write(tmp_path / "dot.png", np.zeros((1, 1), np.uint8))
    ok, jpg = cv2.imencode(".jpg", np.full((1400, 1000, 3), 200, np.uint8))
    assert ok
    files["damaged_image"] = tmp_path / "cut.jpg"
    files["damaged_image"].write_bytes(jpg.tobytes()[: len(jpg) // 2])
    files["empty_pdf"] = tmp_path / "none.pdf"
    import pypdfium2 as pdfium  # a well-formed PDF whose page tree is empty

    empty = pdfium.PdfDocument.new()
    empty.save(str(files["empty_pdf"]))
    empty.close()
    # a real 20000×20000 image (bilevel, so it costs 50 MB to make, not 400 MB)
    files["image_too_large"] = tmp_path / "huge.png"
    Image.new("1", (20_000, 20_000), 1).save(files["image_too_large"])
    files["decompression_bomb"] = tmp_path / "bomb.png"
    files["decompression_bomb"].write_bytes(png_bytes(60_000, 60_000))
    return files


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("blank_page", "blank page"),
        ("dark_page", "all black"),
        ("image_too_small", "too small"),
        ("damaged_image", "damaged or incomplete"),
        ("empty_pdf", "no pages"),
        ("image_too_large", "too large"),
        ("decompression_bomb", "decompression bomb"),
    ],
)
def test_each_bad_input_is_a_page_result_with_its_reason(bad_batch, case, words):
    results = extract_file(bad_batch[case])
    assert len(results) == 1
    page = results[0]
    assert page.status == "failed"
    assert page.reason == case
    vi, en = page.message.split(" / ", 1)
    assert words in en.lower()
    assert vi and vi != en  # Vietnamese first, then English


def test_huge_image_is_refused_before_its_pixels_are_decoded(bad_batch, monkeypatch):
    def no_decode(*_a, **_k):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(Image.Image, "load", no_decode)
    for case in ("image_too_large", "decompression_bomb"):
        with pytest.raises(InputFileError) as err:
            ingest.load_pages(bad_batch[case])
        assert err.value.reason == case


def test_pillow_limit_is_restored_after_opening(bad_batch):
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(InputFileError):
        ingest.load_pages(bad_batch["decompression_bomb"])
    assert before == Image.MAX_IMAGE_PIXELS


def _text_page(width: int = 1000, height: int = 1400) -> np.ndarray:
    page = np.full((height, width), 235, np.uint8)
    for i, y in enumerate(range(120, height - 150, 60)):
        cv2.putText(
            page, f"Ho va ten {i}: NGUYEN VAN A", (80, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2
        )
    return page


def test_empty_page_kind_tells_blank_dark_and_written_pages_apart():
    assert cleanup.empty_page_kind(np.full((1400, 1000), 240, np.uint8)) == "blank"
    assert cleanup.empty_page_kind(np.full((1400, 1000, 3), 12, np.uint8)) == "dark"
    assert cleanup.empty_page_kind(_text_page()) is None
    # a photocopied blank page: gray paper, a shadow and scattered dust is still blank
    rng = np.random.default_rng(7)
    dusty = np.full((1400, 1000), 200, np.uint8)
    dusty[:, :300] = 150
    dusty[rng.random(dusty.shape) < 0.0005] = 0
    assert cleanup.empty_page_kind(dusty) == "blank"


@pytest.mark.integration
def test_batch_goes_on_past_bad_files(bad_batch, tmp_path, monkeypatch):
    from sohoa.batch import extract_files
    from sohoa.settings import get_settings

    good = _write(tmp_path / "good.png", _text_page())
    monkeypatch.setenv("SOHOA_WORKERS", "2")
    get_settings.cache_clear()
    files = [*bad_batch.values(), good]
    results = extract_files(files)
    assert [Path(r.source_file).name for r in results] == [Path(f).name for f in files]
    assert [r.reason for r in results[:-1]] == list(bad_batch)
    assert "NGUYEN" in results[-1].page_text.upper()
