"""The code under a QR block, read apart from the page (``ocr.zones``).

Pages are drawn here: a real QR code from OpenCV's encoder, text in DejaVu Sans, nothing from
the project's generator."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import pipeline, tesseract, zones
from ocr.cleanup import DEFAULT_STEPS
from ocr.forms.land import read_tables
from ocr.ingest import PageImage
from sohoa.errors import OcrFailedError
from sohoa.types import FieldReading

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CODE = "689DUJKTX4MC"
MODULE = 7  # pixels per QR module (a 2.4 cm code at 200 DPI)
QR_AT = (1250, 150)


def _qr(text: str = "GCN " + CODE) -> np.ndarray:
    """A real QR code, black modules on white, MODULE pixels each (with its quiet zone)."""
    code = cv2.QRCodeEncoder.create().encode(text)
    return cv2.resize(code, None, fx=MODULE, fy=MODULE, interpolation=cv2.INTER_NEAREST)


def _page(code_text: str | None = CODE, beside: str | None = None, touching: bool = False):
    """A white page with a QR block at QR_AT, ``code_text`` centred under it and ``beside`` a
    line of text on the left at the code's height (as a holder's address runs on a certificate)."""
    image = Image.new("L", (1654, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.text((150, 60), "I. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", font=font)
    qr = _qr()
    if touching:  # modules packed against the finder patterns, as some printed codes have
        qr = qr.copy()
        quiet = (qr.shape[0] - 21 * MODULE) // 2 // MODULE
        for row in range(quiet, quiet + 21):
            for col in (quiet + 7, quiet + 13):
                if row < quiet + 7:
                    qr[row * MODULE : (row + 1) * MODULE, col * MODULE : (col + 1) * MODULE] = 0
    x, y = QR_AT
    image.paste(Image.fromarray(qr), (x, y))
    below = y + qr.shape[0] + 4
    if code_text:
        width = draw.textlength(code_text, font=font)
        draw.text((x + qr.shape[1] / 2 - width / 2, below), code_text, font=font)
    if beside:
        draw.text((150, below), beside, font=font)
    return np.asarray(image).copy(), (x, y, qr.shape[1], qr.shape[0])


def _inside(inner, outer, slack: int = 2 * MODULE) -> bool:
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return (
        ix >= ox - slack
        and iy >= oy - slack
        and ix + iw <= ox + ow + slack
        and iy + ih <= oy + oh + slack
    )


@pytest.mark.parametrize("touching", [False, True])
def test_qr_block_found_by_its_finder_patterns(touching):
    image, qr_box = _page(touching=touching)
    blocks = zones.find_qr_blocks(image)
    assert len(blocks) == 1
    # the block lies inside the code's image (its quiet zone excluded) and covers most of it
    assert _inside(blocks[0], qr_box)
    assert blocks[0][2] * blocks[0][3] > 0.5 * qr_box[2] * qr_box[3]


def test_no_block_on_text_nor_on_a_turned_code():
    image, _ = _page()
    text_only = image.copy()
    text_only[140:, 1200:] = 255
    assert zones.find_qr_blocks(text_only) == []
    # upside down, the three finders are not at the top left, top right and bottom left
    assert zones.find_qr_blocks(cv2.rotate(image, cv2.ROTATE_180)) == []


def test_code_line_under_the_block():
    image, qr_box = _page()
    (zone,) = zones.qr_zones(image)
    assert zone.code is not None
    x, y, w, h = zone.code
    assert y >= qr_box[1] + qr_box[3] - MODULE  # under the block
    assert 25 < h < 70  # one line of 30-px text
    assert x > 1100 and x + w < 1654  # its own text, not the line beside it
    # the line beside it, far enough away, is not part of the code's box
    image, _ = _page(beside="Địa chỉ: Thôn 3, xã Đạ Ròn")
    (zone,) = zones.qr_zones(image)
    assert zone.code is not None and zone.code[0] > 1000


def test_no_code_line_when_none_is_printed_or_it_runs_into_other_text():
    image, _ = _page(code_text=None)
    (zone,) = zones.qr_zones(image)
    assert zone.code is None
    # a line that runs on from the left into the space under the block is no code of its own
    image, _ = _page(code_text=None, beside="Địa chỉ thường trú: Thôn 3, xã Đạ Ròn, huyện Đạ Tẻh")
    (zone,) = zones.qr_zones(image)
    assert zone.code is None


def test_blank_paints_boxes_white_on_a_copy():
    image, qr_box = _page()
    out = zones.blank(image, [qr_box])
    x, y, w, h = qr_box
    assert (out[y : y + h, x : x + w] == 255).all()
    assert (image[y : y + h, x : x + w] < 128).any()  # the original is untouched


@pytest.mark.integration
def test_code_read_alone_and_kept_out_of_the_page_reading():
    image, _ = _page(beside="Địa chỉ: Thôn 3, xã Đạ Ròn")
    (zone,) = zones.qr_zones(image)
    word = zones.read_code(image, zone.code, timeout=30, dpi=200)
    assert word is not None and word.text == CODE
    assert word.doubt is None  # printed clearly: both models read it alike
    assert word.line_key[0] >= zones.ZONE_BLOCK
    page = PageImage(page=1, image=cv2.cvtColor(image, cv2.COLOR_GRAY2BGR),
                     source_path="qr.png", source_sha256="0" * 64, dpi=200)  # fmt: skip
    words = pipeline.ocr_page(page).words
    assert [w.text for w in words].count(CODE) == 1
    address = [w.text for w in words if w.box[1] > zone.code[1] - 20 and w.box[0] < 1000]
    assert address and not any(CODE[:4] in t for t in address)
    # switched off, the code is left to the page's reading
    off = pipeline.ocr_page(page, steps=replace(DEFAULT_STEPS, read_qr_code_apart=False)).words
    assert all(w.line_key[0] < zones.ZONE_BLOCK for w in off)


SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
VERTICES = [("1", "1256886.02", "554821.88"), ("2", "1256844.37", "554792.99"),
            ("3", "1256872.80", "554722.28")]  # fmt: skip


def _serif_page(size: tuple[int, int], texts: list[tuple[int, int, str]]) -> np.ndarray:
    """A gray page with ``texts`` ((x, y, text)) in 48-px Liberation Serif."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SERIF, 48)
    for x, y, text in texts:
        draw.text((x, y), text, font=font)
    return np.asarray(image).copy()


@pytest.mark.integration
def test_vertex_coordinates_the_page_reading_garbles_are_read_again():
    # Tesseract's Vietnamese model reads 554821.88 in Liberation Serif as oo4821.88
    header = [(100, 60, "Điểm"), (420, 60, "X (m)"), (920, 60, "Y (m)")]
    cells = [
        (x, 170 + 110 * i, text)
        for i, row in enumerate(VERTICES)
        for x, text in zip((130, 300, 800), row, strict=True)
    ]
    pixels = cv2.cvtColor(_serif_page((1400, 600), header + cells), cv2.COLOR_GRAY2BGR)
    page = PageImage(page=1, image=pixels, source_path="v.png", source_sha256="0" * 64, dpi=300)
    result = pipeline.ocr_page(page)
    read = read_tables(result.words, result.image)["vertices"]
    assert [(v["x"].value_text, v["y"].value_text) for v in read] == [r[1:] for r in VERTICES]
    # the page's reading alone keeps them garbled, to be flagged (when this fails, the second
    # reading is not needed)
    alone = read_tables(result.words)["vertices"]
    assert [(v["x"].value_text, v["y"].value_text) for v in alone] != [r[1:] for r in VERTICES]


@pytest.mark.integration
def test_numbers_read_again_in_one_call_and_taken_where_they_differ():
    # Liberation Serif numbers the Vietnamese model misreads in the table above; a second,
    # right, reading of another number stays as it was
    pixels = _serif_page((1200, 400), [(100, 60, "554821.88"), (100, 200, "1101")])
    # where the page's reading put them (the boxes of its words)
    words = tesseract.read_words(pixels, lang="vie", psm=3, timeout=30, dpi=300)
    boxes = [min(words, key=lambda w, y=y: abs(w.box[1] - y)).box for y in (70, 210)]
    read = zones.read_numbers(pixels, boxes, timeout=30, dpi=300)
    assert [w.text.strip(".,") if w else None for w in read] == ["554821.88", "1101"]
    assert zones.read_numbers(pixels, [], timeout=30, dpi=300) == []
    fields = {
        "parcel_number": FieldReading("71701", 0.9, boxes[1]),  # as the page's reading had it
        "map_sheet_number": FieldReading("CMND số 1101", 0.9, boxes[1]),  # no plain number
    }
    pipeline._read_numbers_again(fields, ("parcel_number", "map_sheet_number"), pixels)
    assert fields["parcel_number"].value_text == "1101"
    assert fields["parcel_number"].confidence == pytest.approx(
        0.9 * pipeline.NUMBERS_DISAGREE_PENALTY
    )
    assert fields["parcel_number"].doubt == "number_readings_differ"  # a reviewer compares
    assert fields["map_sheet_number"].value_text == "CMND số 1101"
    assert fields["map_sheet_number"].doubt is None


def test_a_second_reading_that_fails_leaves_the_page_reading(monkeypatch):
    # dev s77 harsh, blurred: Tesseract died (status -8) reading a number crop again, and the
    # error ended the whole batch; a refinement that fails must only be skipped
    def crash(*args, **kwargs):
        raise OcrFailedError("Text recognition failed on this page.")

    monkeypatch.setattr(zones.tesseract, "read_words", crash)
    monkeypatch.setattr(zones.tesseract, "installed_languages", lambda: ("eng", "vie"))
    image = np.full((100, 400), 255, np.uint8)
    assert zones.read_numbers(image, [(10, 10, 200, 40)], timeout=5, dpi=300) == [None]
    assert zones.read_code(image, (10, 10, 200, 40), timeout=5, dpi=300) is None
    fields = {"parcel_number": FieldReading("112", 0.9, (10, 10, 200, 40))}
    pipeline._read_numbers_again(fields, ("parcel_number",), image)
    assert fields["parcel_number"] == FieldReading("112", 0.9, (10, 10, 200, 40))
