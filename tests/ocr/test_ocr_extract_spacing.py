"""A space printed after a name's apostrophe (``K' HA``) is read from the pixels: Tesseract glues
``K' HA`` into one word ``K'HA``, and the format keeps names as written. Lines are drawn with
real fonts of several shapes (sans, serif bold — whose apostrophe has wide side bearings —, a
letter-spaced line) and the glued word is given the box Tesseract gives it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.extract import split_printed_spaces
from sohoa.types import Word

FONTS = "/usr/share/fonts/truetype/dejavu/"


def _line(tokens: list[str], glued: str, font_file: str, tracking: int = 0) -> tuple:
    """Draw ``tokens`` on one line (``glued`` is one token that holds its own space) and return
    (image, words), each word boxed as Tesseract boxes it (``glued`` as one word)."""
    font = ImageFont.truetype(FONTS + font_file, 40)
    image = Image.new("L", (1800, 100), 255)
    draw = ImageDraw.Draw(image)
    words, x = [], 20
    for token in tokens:
        left = x
        for ch in token:
            draw.text((x, 20), ch, font=font, fill=0)
            x += font.getlength(ch) + tracking
        ink = np.asarray(image)[:, int(left) : int(x) + 1] < 128
        cols, rows = np.flatnonzero(ink.any(axis=0)), np.flatnonzero(ink.any(axis=1))
        box = (int(left) + int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1),
               int(rows[-1] - rows[0] + 1))  # fmt: skip
        text = token.replace(" ", "") if token == glued else token
        words.append(Word(text, 90.0, box, (1, 1, 1)))
        x += font.getlength(" ") + tracking
    return np.asarray(image), words


@pytest.mark.parametrize("font_file", ["DejaVuSans.ttf", "DejaVuSerif-Bold.ttf"])
def test_a_printed_space_after_the_apostrophe_splits_the_word(font_file):
    image, words = _line(["Họ", "và", "tên:", "K' HA", "DƯƠNG"], "K' HA", font_file)
    assert [w.text for w in split_printed_spaces(words, image)] == [
        "Họ", "và", "tên:", "K'", "HA", "DƯƠNG",
    ]  # fmt: skip


@pytest.mark.parametrize("font_file", ["DejaVuSans.ttf", "DejaVuSerif-Bold.ttf"])
@pytest.mark.parametrize("name", ["K'HA", "K'Ho", "R'Lấp,", "N'Thol"])
def test_no_space_no_split(font_file, name):
    image, words = _line(["Dân", "tộc:", name, "Quốc", "tịch"], name, font_file)
    assert [w.text for w in split_printed_spaces(words, image)] == [w.text for w in words]


def test_a_letter_spaced_line_is_judged_by_its_own_spacing():
    image, words = _line(["xã", "K'Long,", "huyện", "Lạc", "Dương"], "K'Long,", "DejaVuSans.ttf", 8)
    assert [w.text for w in split_printed_spaces(words, image)] == [w.text for w in words]
    image, words = _line(["ông", "K' LONG", "sinh"], "K' LONG", "DejaVuSans.ttf", 8)
    assert [w.text for w in split_printed_spaces(words, image)] == ["ông", "K'", "LONG", "sinh"]


def test_the_split_words_share_the_glued_words_box():
    image, words = _line(["tên:", "K' HA"], "K' HA", "DejaVuSans.ttf")
    prefix, rest = split_printed_spaces(words, image)[1:]
    glued = words[1].box
    assert prefix.box[0] == glued[0] and rest.box[0] + rest.box[2] == glued[0] + glued[2]
