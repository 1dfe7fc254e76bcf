"""Which turns of a badly read page are tried, and of what (no Tesseract: its reading is
scripted by turn)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ocr import cleanup, pipeline, tesseract
from ocr.ingest import PageImage
from sohoa.types import Word


def _reading(upright: int) -> list[Word]:
    """``upright`` confident words wider than tall among noise: a page read badly overall."""
    good = [Word("những", 95.0, (10 * i, 10, 60, 20)) for i in range(upright)]
    noise = [Word("ượp", 5.0, (10 * i, 40, 30, 20)) for i in range(200)]
    return good + noise


@pytest.fixture
def page() -> PageImage:
    image = np.full((1400, 1000), 255, np.uint8)
    image[200:1200:40, 100:900] = 0  # lines of "text" so the page is not blank
    return PageImage(1, image, "x.png", "0" * 64)


def test_each_turn_is_of_the_first_cleanup_not_of_a_turn_kept_before(monkeypatch, page):
    # OSD says 90 for a page read sideways; 90 reads better but still badly, so 270 is tried
    # too — of the page as first cleaned, not of the 90° turn just kept
    upright = {0: 1, 90: 10, 270: 45}
    turned_from: list[int] = []
    monkeypatch.setattr(pipeline, "reads_sideways", lambda words: len(words) < 210)
    monkeypatch.setattr(
        cleanup, "detect_orientation",
        lambda image, **kw: type("Osd", (), {"rotate": 90, "confidence": 1.0})(),
    )  # fmt: skip
    monkeypatch.setattr(cleanup, "deskew", lambda image, **kw: image)

    def rotate_quarter(image, turn):
        turned_from.append(int(image[0, 0]))
        out = image.copy()
        out[0, 0] = turn // 10  # the turn, marked where no text is
        return out

    monkeypatch.setattr(cleanup, "rotate_quarter", rotate_quarter)
    read: list[int] = []

    def read_words(image, **kwargs):
        turn = 0 if image[0, 0] == 255 else int(image[0, 0]) * 10
        read.append(turn)
        return _reading(upright[turn])

    monkeypatch.setattr(tesseract, "read_words", read_words)
    # the page reads badly after its turn too: no second reading here, only turns
    once = dataclasses.replace(cleanup.DEFAULT_STEPS, read_degraded_twice=False)
    result = pipeline.ocr_page(page, steps=once)
    assert read == [0, 90, 270]
    assert turned_from == [255, 255]  # both turns of the unmarked first cleanup
    assert pipeline.upright_words(result.words) == 45


@pytest.mark.parametrize(
    ("osd", "sideways", "expected"),
    [
        ((0, 0.02), False, [180]),  # OSD cannot place a badly read page: try it upside down
        ((0, 3.0), False, []),  # OSD sure it is upright: nothing to try
        ((90, 1.0), False, [90]),
        ((0, 0.5), True, [180, 90, 270]),
    ],
)
def test_turns_tried_follow_osd_and_a_half_turn_when_osd_is_unsure(
    monkeypatch, osd, sideways, expected
):
    answer = tesseract.Orientation(rotate=osd[0], confidence=osd[1])
    monkeypatch.setattr(cleanup, "detect_orientation", lambda image, **kw: answer)
    assert pipeline._turns_to_try(np.zeros((10, 10), np.uint8), sideways) == expected
