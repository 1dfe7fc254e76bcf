"""Camera shake: a page smeared along one line is found and sharpened (synthetic pages; the
last test runs real Tesseract)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from test_ocr_cleanup_specks import LINES, form

from ocr import cleanup

WITHOUT = dataclasses.replace(cleanup.DEFAULT_STEPS, deblur_motion=False)


def shake(page: np.ndarray, length: int, angle: float, noise: float = 3.0) -> np.ndarray:
    """The page as a camera moving ``length`` px along ``angle`` degrees sees it."""
    kernel = cleanup._line_kernel(cleanup.MotionBlur(angle, length, 0.0))
    smeared = cv2.filter2D(page, -1, kernel, borderType=cv2.BORDER_REPLICATE).astype(np.float32)
    smeared += np.random.default_rng(length).normal(0, noise, page.shape)
    return np.clip(smeared, 0, 255).astype(np.uint8)


def likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation: 1 for the same picture at any contrast."""
    a, b = a.astype(np.float64) - a.mean(), b.astype(np.float64) - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def angle_apart(a: float, b: float) -> float:
    return min(abs(a - b) % 180, 180 - abs(a - b) % 180)


@pytest.mark.parametrize("length, angle", [(11, 135.0), (10, 40.0), (9, 75.0), (8, 100.0)])
def test_a_shaken_page_is_found_and_sharpened(length, angle):
    page = form()
    shaken = shake(page, length, angle)
    blur = cleanup.motion_blur(shaken)
    assert blur is not None
    # the print's own strokes pull the direction found by up to a fifth of a right angle
    assert angle_apart(blur.angle, angle) <= 20 and abs(blur.length - length) <= 2, blur
    sharper = cleanup.deblur_motion(shaken)
    assert likeness(sharper, page) > likeness(shaken, page) + 0.01


def test_a_sharp_or_evenly_blurred_page_is_left_alone():
    page = form()
    for unshaken in (page, cv2.GaussianBlur(page, (0, 0), 2.0), shake(page, 1, 0.0)):
        assert cleanup.motion_blur(unshaken) is None
        assert np.array_equal(cleanup.deblur_motion(unshaken), unshaken)
    assert cleanup.motion_blur(np.full((400, 400), 255, np.uint8)) is None  # no ink at all
    assert cleanup.motion_blur(np.zeros((1, 1), np.uint8)) is None  # too small to tell


@pytest.mark.integration
def test_a_shaken_form_reads_better_after_deblurring():
    from ocr import tesseract

    shaken = shake(form(), 11, 135.0)
    printed = " ".join(LINES).split()

    def right(steps) -> int:  # printed words read exactly
        words = tesseract.read_words(cleanup.clean_page(shaken, steps))
        return sum(1 for w in words if w.text in printed)

    assert right(cleanup.DEFAULT_STEPS) >= right(WITHOUT) + 4  # measured 22 → 28 of 44
