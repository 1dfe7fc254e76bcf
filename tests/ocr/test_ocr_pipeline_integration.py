"""End to end with the real Tesseract: a committed generator page and bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from ocr_testdata import RESOURCES, same_text

from ocr import pipeline
from sohoa.national_format import EXTRACTED_FIELDS

pytestmark = pytest.mark.integration

PAGE = RESOURCES / "birth_tt04_clean_200dpi.jpg"
TRUTH = RESOURCES / "birth_tt04_clean_200dpi.truth.json"


def test_real_page_end_to_end(tmp_path):
    printed = json.loads(TRUTH.read_text(encoding="utf-8"))["printed"]
    [result] = pipeline.extract_file(PAGE, declared_type="birth_registration", debug_dir=tmp_path)
    assert result.status == "ok" and result.doc_type == "birth_registration"
    assert result.ocr_engine.startswith("tesseract ")
    assert len(result.source_sha256) == 64 and result.page == 1
    keys = EXTRACTED_FIELDS["birth_registration"]
    assert set(result.fields) == set(keys)
    right = [k for k in keys if same_text(result.fields[k].value_text, printed.get(k))]
    assert len(right) / len(keys) >= 0.85, sorted(set(keys) - set(right))
    assert any(p.name.endswith("_deskew.png") for p in tmp_path.iterdir())


def test_ocr_text_reads_the_title():
    [text] = pipeline.ocr_text(PAGE)
    assert "KHAI SINH" in text.upper()
    assert "Quốc tịch" in text


def _write(path: Path, image: np.ndarray) -> Path:
    cv2.imwrite(str(path), image)
    return path


@pytest.mark.parametrize("kind", ["blank", "black"])
def test_pages_without_text_fail_with_a_reason(tmp_path, kind):
    value = 255 if kind == "blank" else 0
    path = _write(tmp_path / f"{kind}.png", np.full((1200, 850), value, np.uint8))
    [result] = pipeline.extract_file(path)
    assert result.status == "failed"
    assert result.reason == {"blank": "blank_page", "black": "dark_page"}[kind]
    assert result.fields == {}
    assert "/" in result.message


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("empty", "bad_input"),
        ("text_as_jpg", "bad_input"),
        ("truncated_jpeg", "damaged_image"),
        ("one_pixel", "image_too_small"),
        ("garbage_pdf", "damaged_pdf"),
        ("bomb_png", "decompression_bomb"),
    ],
)
def test_bad_files_become_failed_results(bad_inputs, kind, reason):
    results = pipeline.extract_file(bad_inputs[kind])
    assert len(results) == 1
    [result] = results
    assert result.status == "failed" and result.reason == reason
    assert result.message and " / " in result.message


def test_timeout_gives_a_skipped_page():
    [result] = pipeline.extract_file(PAGE, timeout=0.01)
    assert result.status == "skipped" and result.reason == "ocr_timeout"
