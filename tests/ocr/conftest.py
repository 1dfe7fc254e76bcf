"""Fixtures for the OCR tests: small bad inputs written per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from ocr_testdata import png_bytes


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    """One file per way a scan can be refused, keyed by what is wrong with it."""
    import cv2
    import numpy as np

    files: dict[str, Path] = {}
    files["empty"] = tmp_path / "empty.jpg"
    files["empty"].write_bytes(b"")
    files["text_as_jpg"] = tmp_path / "notes.jpg"
    files["text_as_jpg"].write_text("Đây là một tệp văn bản, không phải ảnh.\n", encoding="utf-8")
    ok, jpg = cv2.imencode(".jpg", np.full((600, 400, 3), 200, np.uint8))
    assert ok
    files["truncated_jpeg"] = tmp_path / "cut.jpg"
    files["truncated_jpeg"].write_bytes(jpg.tobytes()[: len(jpg) // 3])
    files["one_pixel"] = tmp_path / "dot.png"
    cv2.imwrite(str(files["one_pixel"]), np.zeros((1, 1), np.uint8))
    files["garbage_pdf"] = tmp_path / "broken.pdf"
    files["garbage_pdf"].write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nthis is not a pdf body\n%%EOF\n"
    )
    files["bomb_png"] = tmp_path / "bomb.png"
    files["bomb_png"].write_bytes(png_bytes(60_000, 60_000))
    return files
