"""Photocopy speckle: dots told from diacritics and punctuation by where they sit (synthetic
pages; the last test runs real Tesseract)."""

from __future__ import annotations

import dataclasses
import re

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import cleanup

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Số: 225/KS",
    "Họ và tên:   PHAN THỊ UYÊN",
    "Ngày, tháng, năm sinh:   ngày 06 tháng 10 năm 2005",
    "Giới tính:   Nữ",
    "Dân tộc:   Kinh",
    "Nơi sinh:   Bệnh viện Đa khoa tỉnh Đắk Nông",
    "Quê quán:   xã Thông Thụ, huyện Quế Phong, tỉnh Nghệ An",
]
WITHOUT = dataclasses.replace(cleanup.DEFAULT_STEPS, remove_stray_dots=False)


def form(lines: list[str] = LINES) -> np.ndarray:
    """A printed form at ~300 DPI: Vietnamese labels with all their marks and colons."""
    img = Image.new("L", (2000, 120 * len(lines) + 80), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    for i, text in enumerate(lines):
        draw.text((100, 80 + i * 120), text, font=font, fill=0)
    return np.array(img)


def photocopy(page: np.ndarray, specks: int = 2500, seed: int = 3) -> np.ndarray:
    """Gray paper, toner specks 2-7 px across everywhere, sensor noise."""
    rng = np.random.default_rng(seed)
    out = (page.astype(np.float32) * 0.75 + 50).astype(np.uint8)
    for _ in range(specks):
        x, y = int(rng.integers(0, page.shape[1])), int(rng.integers(0, page.shape[0]))
        grey = int(rng.integers(0, 60))
        cv2.circle(out, (x, y), int(rng.integers(1, 4)), grey, -1, cv2.LINE_AA)
    return np.clip(out + rng.normal(0, 8, page.shape), 0, 255).astype(np.uint8)


def test_marks_of_vietnamese_print_all_stay_on_a_clean_form():
    page = form()
    out = cleanup.remove_stray_dots(page)
    assert np.array_equal(out, page)  # no tone mark, dấu nặng, i-dot, colon or comma is lost
    assert cleanup.speckle_density(page) == 0.0


def test_a_run_of_specks_goes_a_hat_and_a_hyphen_stay():
    page = form(["Độc lập - Tự do", "Dân tộc:   Kinh"])
    noisy = page.copy()
    for x in (900, 908, 916):  # three specks run together between the lines
        cv2.circle(noisy, (x, 180), 4, 0, -1)
    cv2.circle(noisy, (1300, 215), 4, 0, -1)  # and one lone speck right of the text
    cv2.circle(noisy, (1308, 219), 4, 0, -1)
    out = cleanup.remove_stray_dots(noisy)
    assert (out[170:192, 890:925] < 128).sum() == 0
    assert (out[205:230, 1290:1318] < 128).sum() == 0
    assert np.array_equal(out, page)  # the hats of Đ/ộ/ậ and the hyphen are kept


def test_specked_page_gate_and_clean_page_step():
    page = form()
    noisy = photocopy(page)
    flat = cleanup.flatten_illumination(noisy)
    assert cleanup.speckle_density(flat) > 0.05  # a photocopy is far above the gate
    assert cleanup.speckle_density(cleanup.flatten_illumination(page)) < 0.015
    # a clean page goes through clean_page exactly as without the step
    assert np.array_equal(cleanup.clean_page(page), cleanup.clean_page(page, WITHOUT))
    # on the photocopy the step erases specks (ink pixels between the lines go)
    gaps = np.zeros(page.shape, bool)
    for i in range(len(LINES) - 1):
        gaps[80 + i * 120 + 65 : 80 + i * 120 + 105] = True  # between the lines
    without, with_step = cleanup.clean_page(noisy, WITHOUT), cleanup.clean_page(noisy)
    assert (with_step[gaps] < 128).sum() < 0.3 * (without[gaps] < 128).sum()


@pytest.mark.integration
def test_speckled_form_reads_without_stray_marks():
    from ocr import tesseract

    noisy = photocopy(form())

    def read(steps) -> list[str]:
        return [w.text for w in tesseract.read_words(cleanup.clean_page(noisy, steps))]

    def junk(words: list[str]) -> int:  # words with no letter or digit: dots read as text
        return sum(1 for w in words if not re.search(r"\w", w))

    def right(words: list[str]) -> int:  # printed words read exactly
        printed = " ".join(LINES).split()
        return sum(1 for w in words if w in printed)

    before, after = read(WITHOUT), read(cleanup.DEFAULT_STEPS)
    assert junk(after) <= 3 < junk(before)
    assert right(after) >= right(before) + 3
    assert {"Số:", "tộc:", "Kinh", "tính:"} <= set(after)


def test_a_turned_page_is_cleaned_afresh_so_its_marks_stay(monkeypatch):
    """Cleanup runs before the page's turn is known: upside down, a tone mark is "under" its
    letter and a colon "left" of one. The reading of a turn is cleaned from the turned scan."""
    from ocr import pipeline, tesseract
    from ocr.ingest import PageImage

    noisy = photocopy(form())
    upside_down = cleanup.rotate_quarter(noisy, 180)
    seen: list[np.ndarray] = []

    def read_words(image, **kwargs):
        seen.append(image)
        return []  # reads badly: the pipeline tries the turns

    monkeypatch.setattr(tesseract, "read_words", read_words)
    monkeypatch.setattr(pipeline, "_turns_to_try", lambda cleaned, sideways: [180])
    once = dataclasses.replace(cleanup.DEFAULT_STEPS, read_degraded_twice=False)
    pipeline.ocr_page(PageImage(1, upside_down, "x.png", "0" * 64), steps=once)
    assert len(seen) == 2
    assert np.array_equal(seen[1], cleanup.clean_page(noisy))
    # turning the first cleanup instead would have lost marks of print
    stale = cleanup.rotate_quarter(cleanup.clean_page(upside_down), 180)
    page = form()
    lost = (page < 100) & (seen[1] > 200)
    lost_stale = (page < 100) & (stale > 200)
    assert lost.sum() < lost_stale.sum()


def test_a_faint_rule_that_breaks_into_dots_is_kept():
    """A thin table rule of a low-resolution scan is dark only here and there: at the ink
    threshold it is a row of dots, which are pieces of the rule, not specks."""
    page = form(["Họ và tên:   PHAN THỊ UYÊN", "Dân tộc:   Kinh"])
    page[300:302, 60:1900] = 175  # the rule, lighter than ink
    page[300:302, 60:1900:11] = 110  # darker every few pixels
    page[300:302, 61:1900:11] = 110
    out = cleanup.remove_stray_dots(page)
    assert np.array_equal(out, page)
    no_rules = cleanup.remove_stray_dots(page, places=cleanup.DotPlaces(rules=False))
    assert (no_rules[300:302] < 150).sum() < (page[300:302] < 150).sum() / 2


def test_pieces_of_a_blurred_letter_are_kept_and_lone_specks_go():
    """A blurred stroke is lighter than the ink threshold in places: its dark pieces are dots
    at that threshold but join their letter at a lighter level; a toner speck joins nothing."""
    page = form(["Họ và tên:   PHAN THỊ UYÊN", "Dân tộc:   Kinh"])
    blurred = page.copy()
    # a slanted stroke from the H of "Họ" down between the lines, light but for two dark spots
    cv2.line(blurred, (108, 110), (170, 175), 165, 8)
    for x, y in ((130, 133), (152, 156)):
        blurred[y - 3 : y + 3, x - 3 : x + 3] = 60
    blurred[380:386, 1700:1706] = 60  # a lone speck of the same darkness
    stroke = np.s_[125:180, 115:180]
    out = cleanup.remove_stray_dots(blurred)
    assert (out[stroke] < 150).sum() == (blurred[stroke] < 150).sum() > 0
    assert (out[380:386, 1700:1706] < 150).sum() == 0
    alone = cleanup.remove_stray_dots(blurred, places=cleanup.DotPlaces(letter_ink=0))
    assert (alone[stroke] < 150).sum() == 0  # without the lighter level, lost


def test_a_turned_clean_page_is_turned_not_cleaned_again(monkeypatch):
    """Where the stray-dot step changed nothing, a turn is the cleaned page turned (as before
    the step existed): no second cleanup."""
    from ocr import pipeline, tesseract
    from ocr.ingest import PageImage

    upside_down = cleanup.rotate_quarter(form(), 180)
    seen: list[np.ndarray] = []

    def read_words(image, **kwargs):
        seen.append(image)
        return []

    monkeypatch.setattr(tesseract, "read_words", read_words)
    monkeypatch.setattr(pipeline, "_turns_to_try", lambda cleaned, sideways: [180])
    pipeline.ocr_page(PageImage(1, upside_down, "x.png", "0" * 64))
    turned = cleanup.deskew(cleanup.rotate_quarter(cleanup.clean_page(upside_down), 180))
    assert np.array_equal(seen[1], turned)
