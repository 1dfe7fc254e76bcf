"""A pen stroke across a cancelled household member (real Tesseract): the rows under the stroke
are read, and the page kept for extraction still shows the stroke that marks the entry."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import pipeline
from ocr.cleanup import DEFAULT_STEPS
from ocr.ingest import PageImage

pytestmark = pytest.mark.integration

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BLOCK = [
    "STT: 2        Quan hệ với chủ hộ: Con",
    "Họ và tên: Nguyễn Lê Đình Lộc",
    "Ngày sinh: 28/12/1988        Giới tính: Nam",
    "Nơi sinh: huyện Sông Lô, tỉnh Vĩnh Phúc",
    "Dân tộc: Kinh      Tôn giáo: Không      Quốc tịch: Việt Nam",
    "Số định danh cá nhân: 067088824019",
    "Nghề nghiệp, nơi làm việc: Thợ xây",
    "Ngày chuyển đến: 09/03/2015",
]


def _struck_block() -> np.ndarray:
    image = Image.new("RGB", (1654, 1300), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    for i, line in enumerate(BLOCK):
        draw.text((150, 150 + 110 * i), line, font=font, fill="black")
    draw.line((150, 1080, 1400, 140), fill="black", width=4)  # the clerk's stroke
    return np.asarray(image)[:, :, ::-1].copy()


def test_rows_under_a_stroke_are_read_and_the_stroke_kept():
    page = PageImage(page=1, image=_struck_block(), source_path="struck.png",
                     source_sha256="0" * 64, dpi=200)  # fmt: skip
    result = pipeline.ocr_page(page)
    text = " ".join(w.text for w in result.words)
    for value in ("067088824019", "09/03/2015", "28/12/1988"):
        assert value in text
    # the kept image still holds the stroke: dark pixels along its middle
    assert (result.image[600:621, 765:786] < 160).any()
    without = pipeline.ocr_page(page, steps=replace(DEFAULT_STEPS, erase_slanted_strokes=False))
    text_without = " ".join(w.text for w in without.words)
    values = ("067088824019", "09/03/2015", "28/12/1988", "Ngày chuyển đến", "Quốc tịch")
    # the stroke joins the lines it crosses: with it left in, Tesseract loses some of them
    assert sum(v in text for v in values) > sum(v in text_without for v in values)
