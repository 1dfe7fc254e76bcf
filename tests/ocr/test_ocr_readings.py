"""A degraded page read twice: each field from the reading that makes sense of it
(``ocr.readings``), the cleanup steps that call for it, and the second reading itself (real
Tesseract, last test)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from ocr import cleanup, pipeline
from ocr.ingest import PageImage
from ocr.readings import take_better_fields
from sohoa.types import FieldReading, PageExtraction, Word
from tests.ocr.test_ocr_cleanup_specks import form, photocopy


def _extraction(doc_type: str, fields: dict[str, str], tables=None, conf: float = 0.9):
    return PageExtraction(
        doc_type=doc_type,
        source_file="scan.jpg",
        source_sha256="0" * 64,
        page=1,
        fields={name: FieldReading(text, conf, (10, 10, 100, 20)) for name, text in fields.items()},
        tables={
            name: [
                {k: FieldReading(v, conf, (10, 10, 100, 20)) for k, v in row.items()}
                for row in rows
            ]
            for name, rows in (tables or {}).items()
        },
    )


def test_a_date_that_parses_is_taken_from_the_second_reading():
    first = _extraction(
        "birth_registration",
        {"registration_date": "ngày 26 tháng 10 năm 005", "child_full_name": "PHAN THỊ UYÊN"},
    )
    second = _extraction(
        "birth_registration",
        {"registration_date": "ngày 26 tháng 10 năm 2005", "child_full_name": "PH4N TH| UYÊN"},
    )
    taken = take_better_fields(first, second)
    assert first.fields["registration_date"].value_text == "ngày 26 tháng 10 năm 2005"
    # the first reading's name is a name, the second's is not: the first is kept
    assert first.fields["child_full_name"].value_text == "PHAN THỊ UYÊN"
    assert taken == ["registration_date"]


def test_of_two_values_that_both_parse_the_surer_is_kept():
    first = _extraction("birth_registration", {"registration_date": "ngày 26 tháng 10 năm 2005"})
    second = _extraction(
        "birth_registration", {"registration_date": "ngày 28 tháng 10 năm 2005"}, conf=0.5
    )
    assert take_better_fields(first, second) == []
    assert first.fields["registration_date"].value_text == "ngày 26 tháng 10 năm 2005"
    surer = _extraction(
        "birth_registration", {"registration_date": "ngày 28 tháng 10 năm 2005"}, conf=0.99
    )
    assert take_better_fields(first, surer) == ["registration_date"]


def test_a_table_is_taken_whole_from_the_reading_with_more_sure_cells():
    rows = {"vertices": [{"point": "1", "x": "1309542.66", "y": "596143.83"}]}
    garbled = {"vertices": [{"point": "1", "x": "13Ù9542.56|", "y": "Sgø243g83"}]}
    first = _extraction("land_certificate", {"parcel_number": "214"}, garbled)
    second = _extraction("land_certificate", {"parcel_number": "214"}, rows)
    assert take_better_fields(first, second) == ["vertices"]
    assert first.tables["vertices"][0]["x"].value_text == "1309542.66"


def test_readings_of_other_record_types_are_left_alone():
    first = _extraction("birth_registration", {"registration_date": "ngày 26 tháng 10 năm 005"})
    second = _extraction("death_registration", {"registration_date": "ngày 26 tháng 10 năm 2005"})
    assert take_better_fields(first, second) == []
    assert first.fields["registration_date"].value_text == "ngày 26 tháng 10 năm 005"


def test_cleanup_notes_the_steps_a_degraded_page_needed():
    clean, speckled = form(), photocopy(form())
    acted: set[str] = set()
    cleanup.clean_page(clean, acted=acted)
    assert acted == set()
    cleanup.clean_page(speckled, acted=acted)
    assert "remove_stray_dots" in acted
    blurred: set[str] = set()
    cleanup.clean_page(cv2.GaussianBlur(form(), (0, 0), 3), acted=blurred)
    assert "sharpen_blurred" in blurred


def test_which_pages_are_read_twice():
    sure = [Word("Quê", 95, (0, 0, 60, 30)), Word("quán:", 93, (70, 0, 90, 30))]
    unsure = [Word("Quê", 60, (0, 0, 60, 30)), Word("quán:", 70, (70, 0, 90, 30))]
    assert not pipeline.needs_second_reading(set(), sure)
    assert pipeline.needs_second_reading({"remove_stray_dots"}, sure)
    assert pipeline.needs_second_reading({"sharpen_blurred"}, sure)
    assert pipeline.needs_second_reading(set(), unsure)
    # a step that acts on every page says nothing of its degradation
    assert not pipeline.needs_second_reading({"deskew"}, sure)


@pytest.mark.integration
def test_a_speckled_page_is_read_twice_and_a_clean_one_once():
    speckled = pipeline.ocr_page(PageImage(1, photocopy(form()), "s.png", "1" * 64))
    clean = pipeline.ocr_page(PageImage(1, form(), "c.png", "2" * 64))
    assert clean.second_words is None
    assert speckled.second_words
    second_text = " ".join(w.text for w in speckled.second_words)
    assert "UYÊN" in second_text and "Kinh" in second_text
    off = dataclasses.replace(cleanup.DEFAULT_STEPS, read_degraded_twice=False)
    assert (
        pipeline.ocr_page(
            PageImage(1, photocopy(form()), "s.png", "1" * 64), steps=off
        ).second_words
        is None
    )
    assert np.array_equal(pipeline.second_reading_image(form()), cv2.medianBlur(form(), 3))
