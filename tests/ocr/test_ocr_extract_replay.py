"""Extraction on recorded Tesseract output of generator pages (fast: no Tesseract runs).

The recordings (``resources/birth_registration-*.json``, see the README there) hold the words
``ocr.pipeline.ocr_page`` read and the text the generator printed for each field.
"""

from __future__ import annotations

import pytest
from ocr_testdata import RECORDINGS, load_recording, same_text

from ocr.classify import classify_text
from ocr.extract import extract_fields, extract_page, page_text
from ocr.forms.birth import BIRTH
from sohoa.national_format import EXTRACTED_FIELDS

BIRTH_KEYS = set(EXTRACTED_FIELDS["birth_registration"])


@pytest.fixture(params=RECORDINGS, ids=[p.stem for p in RECORDINGS])
def recording(request):
    return load_recording(request.param)


def test_there_are_recordings():
    assert len(RECORDINGS) >= 3


def test_every_field_key_is_returned(recording):
    words, width, _printed = recording
    fields = extract_fields(words, BIRTH, width)
    assert set(fields) == BIRTH_KEYS
    for reading in fields.values():
        assert 0.0 <= reading.confidence <= 1.0
        if reading.value_text is None:
            assert reading.confidence == 0.0 and reading.box is None
        else:
            assert reading.box is not None and reading.box[2] > 0 and reading.box[3] > 0


def test_values_match_what_was_printed(recording):
    words, width, printed = recording
    fields = extract_fields(words, BIRTH, width)
    right = [f for f in BIRTH_KEYS if same_text(fields[f].value_text, printed.get(f))]
    # tone marks on capitals are Tesseract's (the normaliser repairs names); the rest must hold
    assert len(right) / len(BIRTH_KEYS) >= 0.85, sorted(BIRTH_KEYS - set(right))


def test_parents_are_kept_apart(recording):
    """Same labels (Dân tộc, Quốc tịch, Nơi cư trú) in the mother's and father's blocks."""
    words, width, printed = recording
    fields = extract_fields(words, BIRTH, width)
    for who in ("mother", "father"):
        assert same_text(fields[f"{who}_birth_year"].value_text, printed[f"{who}_birth_year"])
    assert fields["mother_full_name"].value_text != fields["father_full_name"].value_text
    # a value is never the concatenation of both columns
    for key in ("mother_ethnicity", "father_ethnicity", "mother_nationality"):
        assert same_text(fields[key].value_text, printed[key])


def test_inline_fields_on_one_line(recording):
    words, width, printed = recording
    fields = extract_fields(words, BIRTH, width)
    for key in ("child_sex", "child_ethnicity", "child_nationality"):
        assert same_text(fields[key].value_text, printed[key])


def test_numbers_are_kept_whole(recording):
    words, width, printed = recording
    fields = extract_fields(words, BIRTH, width)
    assert same_text(fields["registration_number"].value_text, printed["registration_number"])
    assert same_text(fields["book_number"].value_text, printed["book_number"])
    assert "/" in fields["book_number"].value_text or "/" not in printed["book_number"]


def test_recorded_pages_classify_as_birth(recording):
    words, _width, _printed = recording
    found = classify_text(page_text(words))
    assert found.doc_type == "birth_registration"
    assert found.score >= 0.6


def test_extract_page_envelope(recording):
    words, width, _printed = recording
    result = extract_page(
        words, BIRTH, source_file="x.png", source_sha256="ab" * 32, page=1, page_width=width
    )
    assert result.doc_type == "birth_registration" and result.status == "ok"
    assert set(result.fields) == BIRTH_KEYS
    assert "KHAI SINH" in result.page_text.upper()
    assert result.to_dict()["fields"]["child_full_name"]["value_text"]
