"""Cleanup steps on synthetic images (no Tesseract)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import cleanup


def text_page(width: int = 1600, height: int = 2000, lines: int = 25) -> np.ndarray:
    """White page with lines of black 'text' (Hershey font, like print at ~300 DPI)."""
    img = np.full((height, width), 255, np.uint8)
    for i in range(lines):
        y = 150 + i * 70
        cv2.putText(
            img,
            "Ho va ten nguoi me: NGUYEN THI HONG",
            (120, y),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.3,
            0,
            3,
            cv2.LINE_AA,
        )
    return img


def rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=255)


@pytest.mark.parametrize("angle", [-7.3, -2.0, 0.8, 4.45, 9.0])
def test_deskew_residual_under_a_third_of_a_degree(angle):
    page = rotate(text_page(), angle)  # counter-clockwise: the text rises to the right
    found = cleanup.estimate_skew(page)
    assert abs(found - angle) < 0.3
    straight = cleanup.deskew(page)
    assert abs(cleanup.estimate_skew(straight)) < 0.3


def test_a_long_level_line_does_not_pull_the_skew_to_zero():
    """A phone photo flattened to its sheet: the sheet's edge runs level along the top and
    left, while the page printed on it is skewed (dev harsh page read 0.05° for -5.6°)."""
    page = rotate(text_page(), -5.5)
    page[8:12, 40:-40] = 0  # the sheet's top edge
    page[40:-40, 8:12] = 0  # and its left edge
    assert abs(cleanup.estimate_skew(page) + 5.5) < 0.3


def test_red_seal_does_not_erase_black_text():
    gray = text_page(800, 400, 4)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    ink = np.full_like(bgr, 255)
    cv2.circle(ink, (400, 200), 150, (40, 40, 220), 25)  # a red ring printed over the text
    seal = (bgr.astype(np.float32) * ink / 255).astype(np.uint8)  # inks multiply
    out = cleanup.suppress_colour_ink(seal)
    ring = np.zeros(gray.shape, bool)
    cv2.circle(ring.view(np.uint8), (400, 200), 150, 1, 25)
    text = gray < 100
    assert out[ring & ~text].mean() > 150  # red ink became light
    assert out[ring & text].mean() < 110  # black text under the seal stayed dark
    plain = cleanup.to_gray(seal)
    assert plain[ring & ~text].mean() < out[ring & ~text].mean()


def test_red_serial_line_stays_dark_while_the_seal_turns_light():
    page = np.full((1400, 1000, 3), 255, np.uint8)
    cv2.circle(page, (700, 700), 180, (40, 40, 220), 20)  # the seal's ring
    cv2.putText(page, "CN 719597", (80, 1200), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (40, 30, 170), 4)
    out = cleanup.suppress_colour_ink(page)
    ring = np.zeros(page.shape[:2], np.uint8)
    cv2.circle(ring, (700, 700), 180, 1, 20)
    serial = (page[:, :, 1] < 128) & ~ring.astype(bool)
    assert out[ring.astype(bool)].mean() > 150  # the seal is suppressed
    assert out[serial].mean() < 110  # the red serial is read like black text


def test_leader_dots_removed_but_isolated_dots_kept():
    img = np.full((200, 1200), 255, np.uint8)
    for x in range(300, 1100, 18):  # a dotted leader
        cv2.circle(img, (x, 100), 3, 0, -1)
    cv2.putText(img, "Ho ten", (20, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    cv2.circle(img, (150, 170), 3, 0, -1)  # a lone dot (like a dấu nặng)
    out = cleanup.remove_leader_dots(img)
    assert (out[90:112, 290:1110] < 128).sum() == 0
    assert (out[160:180, 140:160] < 128).sum() > 0
    assert (out[60:120, 20:200] < 128).sum() == (img[60:120, 20:200] < 128).sum()


def test_dashed_leaders_removed_but_a_lone_hyphen_kept():
    img = np.full((200, 1200), 255, np.uint8)
    cv2.putText(img, "Noi sinh", (20, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    for x in range(300, 1100, 22):  # a dashed leader on the baseline: "_ _ _ _"
        cv2.rectangle(img, (x, 108), (x + 12, 109), 0, -1)
    cv2.rectangle(img, (600, 160), (612, 161), 0, -1)  # one hyphen alone: "Độc lập - Tự do"
    out = cleanup.remove_leader_dots(img)
    assert (out[100:115, 290:1110] < 128).sum() == 0
    assert (out[155:165, 595:615] < 128).sum() > 0
    assert (out[60:120, 20:250] < 128).sum() == (img[60:120, 20:250] < 128).sum()


def test_flatten_illumination_evens_the_paper():
    page = text_page(800, 800, 8).astype(np.float32)
    shade = np.linspace(0.55, 1.0, 800, dtype=np.float32)[None, :]
    dark = (page * shade).astype(np.uint8)
    flat = cleanup.flatten_illumination(dark)
    paper = page > 250
    assert np.std(flat[paper]) < np.std(dark[paper]) / 3
    assert flat[paper].mean() > 240


def test_specks_go_diacritics_stay():
    img = text_page(800, 700, 3)  # text down to y ≈ 300
    for i in range(8):  # dấu nặng-like dots right under the letters are kept
        cv2.circle(img, (140 + 60 * i, 304), 3, 0, -1)
    rng = np.random.default_rng(1)
    noisy = img.copy()
    for y, x in zip(rng.integers(480, 690, 40), rng.integers(10, 790, 40), strict=True):
        noisy[y : y + 3, x : x + 3] = 0
    out = cleanup.remove_specks(noisy)
    assert (out[470:] < 128).sum() == 0
    assert (out[:400] < 128).sum() == (img[:400] < 128).sum()


def test_clean_page_leaves_input_untouched_and_writes_debug(tmp_path):
    page = cv2.cvtColor(rotate(text_page(), 3.0), cv2.COLOR_GRAY2BGR)
    before = page.copy()
    out = cleanup.clean_page(page, debug_dir=tmp_path)
    assert np.array_equal(page, before)
    assert out.ndim == 2 and out.dtype == np.uint8
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written[0].startswith("p001_00_input") and len(written) >= 5
    none = cleanup.clean_page(page, steps=cleanup.NO_STEPS)
    assert np.array_equal(none, cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))


def test_rotate_quarter_round_trip():
    img = text_page(300, 200, 1)
    assert np.array_equal(cleanup.rotate_quarter(cleanup.rotate_quarter(img, 90), 270), img)
    assert cleanup.rotate_quarter(img, 90).shape == (300, 200)


def _form_lines() -> np.ndarray:
    """Two labelled lines: colons, a full stop, an i's dot, plus a dấu nặng and an accent dot."""
    img = np.full((300, 1000), 255, np.uint8)
    cv2.putText(img, "Ho ten:   NGUYEN VAN A.", (40, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    cv2.putText(img, "Dan toc:   Kinh", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    cv2.circle(img, (72, 211), 3, 0, -1)  # dấu nặng right under the "a" of "Dan"
    cv2.circle(img, (150, 168), 3, 0, -1)  # a mark right above the "o" of "toc"
    return img


STRAY_DOTS = [(120, 150), (600, 145), (226, 88), (800, 190), (420, 265), (940, 40)]


def test_stray_dots_between_lines_and_words_go_marks_of_print_stay():
    img = _form_lines()
    noisy = img.copy()
    for x, y in STRAY_DOTS:  # between lines, in a word gap, in the margin, under the text
        cv2.circle(noisy, (x, y), 3, 0, -1)
    out = cleanup.remove_stray_dots(noisy)
    for x, y in STRAY_DOTS:
        assert (out[y - 6 : y + 7, x - 6 : x + 7] < 200).sum() == 0, (x, y)
    # the colons, the full stop, the i's dot and both diacritics are untouched
    assert np.array_equal(out, img)


def test_stray_dots_keeps_a_speck_in_a_diacritic_place_and_erases_its_rim():
    img = _form_lines()
    noisy = img.copy()
    cv2.circle(noisy, (600, 145), 4, 120, -1)  # a speck with a light rim, mid-gap
    cv2.circle(noisy, (600, 145), 2, 0, -1)
    out = cleanup.remove_stray_dots(noisy)
    assert out[139:152, 594:607].min() == 255  # rim lighter than the ink threshold goes too
    # a speck right after a letter on its rows is a full stop to this rule: it stays
    cv2.circle(noisy, (378, 98), 3, 0, -1)  # just right of the last "N" of "NGUYEN", baseline
    out = cleanup.remove_stray_dots(noisy)
    assert (out[94:103, 374:383] < 128).sum() > 0


def test_stray_dots_density_gate_leaves_a_lightly_specked_page_alone():
    img = _form_lines()
    noisy = img.copy()
    cv2.circle(noisy, (600, 145), 3, 0, -1)
    density = cleanup.speckle_density(noisy)
    assert 0 < density < 0.05
    assert np.array_equal(cleanup.remove_stray_dots(noisy, min_density=0.05), noisy)
    assert not np.array_equal(cleanup.remove_stray_dots(noisy, min_density=0.0), noisy)


def test_stray_dots_on_a_speckled_page_more_go_than_with_remove_specks():
    """On a photocopy nearly every speck has a letter within 2 text heights, so remove_specks
    spares them; the position rule takes those that sit in no place of print."""
    page = text_page(800, 900, 10)  # lines 70 px apart, letters ~30 px high
    rng = np.random.default_rng(7)
    noisy = page.copy()
    letters = cv2.dilate((page < 200).astype(np.uint8), np.ones((11, 11), np.uint8))
    specks = []
    for y, x in zip(rng.integers(20, 880, 800), rng.integers(10, 790, 800), strict=True):
        if not letters[y, x]:  # specks touching no letter (those merged with one stay)
            cv2.circle(noisy, (int(x), int(y)), int(rng.integers(1, 4)), 0, -1)
            specks.append((int(x), int(y)))

    def left(img):
        return sum(1 for x, y in specks if img[y, x] < 128)

    old, new = cleanup.remove_specks(noisy), cleanup.remove_stray_dots(noisy)
    assert left(noisy) == len(specks) > 300
    assert left(new) < 0.5 * left(old)
    assert (new[page < 128] < 128).mean() > 0.999  # letters lose nothing


def _struck_page(angle_rise: int = 700) -> tuple[np.ndarray, np.ndarray]:
    """A text page and the same page with a pen stroke drawn across six of its lines."""
    page = text_page()
    struck = page.copy()
    cv2.line(struck, (100, 1400), (1500, 1400 - angle_rise), 0, 4, cv2.LINE_AA)
    return page, struck


def test_a_slanted_stroke_is_found_and_text_lines_are_not():
    page, struck = _struck_page()
    assert cleanup.slanted_strokes(page) == []
    (stroke,) = cleanup._strokes(cleanup.slanted_strokes(struck))
    line = cleanup._fit_stroke(struck < 160, stroke)
    assert abs(line[0] - 100) < 15 and abs(line[1] - 1400) < 15
    assert abs(line[2] - 1500) < 15 and abs(line[3] - 700) < 15
    assert cleanup._stroke_width(struck < 160, line) in range(3, 8)


def test_erasing_a_stroke_keeps_the_letters_it_does_not_cross():
    page, struck = _struck_page()
    erased = cleanup.erase_slanted_strokes(struck)
    assert erased is not struck and (struck < 160).sum() > (erased < 160).sum()
    stroke_only = (struck < 160) & ~(page < 160)
    # the stroke is gone where it ran over paper; the page's text is kept but for the
    # crossings (a pen's width of the letters under it)
    assert (erased[stroke_only] < 160).mean() < 0.05
    assert (erased[page < 160] < 160).mean() > 0.97
    assert cleanup.erase_slanted_strokes(page) is page  # nothing to erase: untouched


def test_ruled_lines_and_borders_are_no_stroke():
    page = text_page()
    cv2.line(page, (50, 1900), (1550, 1900), 0, 3)  # a table rule
    cv2.line(page, (20, 0), (20, 1999), 0, 3)  # a vertical border
    assert cleanup.slanted_strokes(page) == []


def _table_rows() -> np.ndarray:
    """Three rows of a members' table: rules between them, text inside, the middle row struck
    through with a level line at its text's mid-height."""
    page = np.full((600, 1600), 255, np.uint8)
    for y in (100, 220, 340, 460):
        cv2.line(page, (80, y), (1520, y), 0, 2)  # the table's rules
    for x in (80, 300, 1520):
        cv2.line(page, (x, 100), (x, 460), 0, 2)
    for i, y in enumerate((175, 295, 415)):
        cv2.putText(page, f"{i + 1}   NGUYEN VAN HOANG   CON   19/01/1961   KINH", (100, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3, cv2.LINE_AA)  # fmt: skip
    return page


def test_a_level_strike_through_a_table_row_is_found_and_rules_are_not():
    page = _table_rows()
    assert cleanup.level_strikes(page) == []  # rules: letters do not cross them
    struck = page.copy()
    cv2.line(struck, (110, 280), (1500, 280), 0, 4)
    ((x, y, w, h),) = cleanup.level_strikes(struck)
    assert abs(x - 110) < 5 and abs(x + w - 1500) < 5 and 276 <= y <= 280 and 3 <= h <= 6
    # an underline under a value has letters above it only
    underlined = page.copy()
    cv2.line(underlined, (320, 306), (1500, 306), 0, 3)
    assert cleanup.level_strikes(underlined) == []


def test_erasing_a_level_strike_clears_it_between_letters():
    page = _table_rows()
    struck = page.copy()
    cv2.line(struck, (110, 280), (1500, 280), 0, 4)
    erased = cleanup.erase_slanted_strokes(struck)
    row = (slice(276, 285), slice(110, 1500))
    between = (struck[row] < 160) & ~(page[row] < 160)
    # most of the stroke over paper is gone; the letters outside its band are untouched
    assert (erased[row][between] < 160).mean() < 0.4
    assert (erased[:270] == struck[:270]).all() and (erased[290:] == struck[290:]).all()
    assert cleanup.erase_slanted_strokes(page) is page


def test_only_a_blurred_page_is_sharpened():
    sharp = text_page(800, 800, 8)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 3.0)
    assert cleanup.blur_level(sharp) < 1.0 <= cleanup.blur_level(blurred)
    assert cleanup.blur_level(np.full((50, 50), 255, np.uint8)) == 0.0  # no ink at all
    assert np.array_equal(cleanup.sharpen_blurred(sharp), sharp)
    crisper = cleanup.sharpen_blurred(blurred)
    # the letters' edges get steeper: more of the rim goes to ink or paper
    assert cleanup.blur_level(crisper) < cleanup.blur_level(blurred)
    edges = [np.abs(cv2.Sobel(img, cv2.CV_32F, 1, 0)).mean() for img in (blurred, crisper)]
    assert edges[1] > 1.2 * edges[0]
