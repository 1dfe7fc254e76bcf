"""The Tesseract wrapper: error mapping with a fake pytesseract (fast) and the real engine
(``integration``)."""

from __future__ import annotations

import os

import numpy as np
import pytesseract
import pytest

from ocr import tesseract
from sohoa.errors import MissingDependencyError, OcrFailedError, OcrTimeoutError


def blank(h: int = 200, w: int = 300) -> np.ndarray:
    return np.full((h, w), 255, np.uint8)


def test_words_from_data_keeps_words_only():
    data = {
        "level": [1, 4, 5, 5, 5],
        "text": ["", "", "Họ,", "  ", "tên:"],
        "conf": [-1, -1, 91.5, 10, 88],
        "left": [0, 10, 10, 60, 90],
        "top": [0, 5, 5, 5, 5],
        "width": [900, 300, 40, 5, 50],
        "height": [900, 30, 30, 30, 30],
        "block_num": [0, 1, 1, 1, 1],
        "par_num": [0, 1, 1, 1, 1],
        "line_num": [0, 1, 1, 1, 1],
    }
    words = tesseract.words_from_data(data)
    assert [w.text for w in words] == ["Họ,", "tên:"]
    assert words[0].confidence == 91.5 and words[0].box == (10, 5, 40, 30)
    assert words[1].line_key == (1, 1, 1)


def test_timeout_becomes_ocr_timeout(monkeypatch):
    def slow(*args, **kwargs):
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", slow)
    with pytest.raises(OcrTimeoutError) as err:
        tesseract.read_words(blank(), timeout=3)
    assert err.value.reason == "ocr_timeout"
    assert isinstance(err.value.__cause__, RuntimeError)


def test_failure_becomes_ocr_failed_and_is_logged(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise pytesseract.TesseractError(1, "Error in pixReadMem")

    monkeypatch.setattr(pytesseract, "image_to_string", broken)
    with pytest.raises(OcrFailedError) as err:
        tesseract.read_text(blank())
    assert isinstance(err.value.__cause__, pytesseract.TesseractError)
    assert "pixReadMem" in caplog.text


def test_single_thread_is_forced(monkeypatch):
    seen = {}

    def spy(*args, **kwargs):
        seen["omp"] = os.environ.get("OMP_THREAD_LIMIT")
        seen["timeout"] = kwargs["timeout"]
        return ""

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    monkeypatch.setattr(pytesseract, "image_to_string", spy)
    tesseract.read_text(blank(), timeout=7)
    assert seen == {"omp": "1", "timeout": 7}


def test_osd_on_a_blank_page_is_unknown(monkeypatch):
    def too_few(*args, **kwargs):
        raise pytesseract.TesseractError(1, "Too few characters. Skipping this page")

    monkeypatch.setattr(pytesseract, "image_to_osd", too_few)
    assert tesseract.detect_orientation(blank()).rotate is None


def test_probe_says_how_to_install(monkeypatch):
    tesseract.probe.cache_clear()
    tesseract.installed_languages.cache_clear()
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    try:
        with pytest.raises(MissingDependencyError) as err:
            tesseract.probe("vie")
        assert "apt-get install tesseract-ocr-vie" in err.value.message_en
    finally:
        tesseract.probe.cache_clear()
        tesseract.installed_languages.cache_clear()


@pytest.mark.integration
def test_probe_real_engine():
    tesseract.probe.cache_clear()
    engine = tesseract.probe("vie")
    assert engine.startswith("tesseract 5.") or engine.startswith("tesseract 4.")
    with pytest.raises(MissingDependencyError):
        tesseract.probe("xyz")


@pytest.mark.integration
def test_real_timeout_is_reported():
    page = np.full((3000, 2000), 255, np.uint8)
    page[::40, :] = 0
    with pytest.raises(OcrTimeoutError):
        tesseract.read_words(page, timeout=0.01)
