"""Vietnamese spelling rules of ``ocr.text`` against real Vietnamese words."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest

from ocr.text import drop_foreign_marks, is_syllable, vowels_spelled_right


@pytest.mark.parametrize(
    ("word", "right"),
    [
        ("THƯẬN", False),  # THUẬN read with a horn (dev s555 clean, auto-accepted)
        ("KHUẼ", False),  # KHUÊ without its circumflex (dev s561 clean)
        ("NGUYEN", False),  # marks lost
        ("KHUÊ", True),
        ("GÌN", True),
        ("GIÀNG", True),
        ("QUỐC", True),
        ("NGƯỜI", True),
        ("KHUYÊN", True),
        ("XOĂN", True),
        ("THUỞ", True),
        ("NGOẸO", True),
        ("ĐỨC", True),
    ],
)
def test_vowels_with_their_marks(word, right):
    assert vowels_spelled_right(word) is right


@pytest.mark.integration
def test_every_marked_word_of_tesseracts_vietnamese_list_is_spelled_right(tmp_path):
    """The word list inside Tesseract's ``vie`` data (real Vietnamese, not the generator's):
    every syllable written with marks passes; only ones written without them are refused."""
    listing = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=True
    ).stdout
    tessdata = re.search(r'"(.+?)"', listing).group(1)
    subprocess.run(
        ["combine_tessdata", "-u", f"{tessdata}/vie.traineddata", str(tmp_path / "vie.")],
        capture_output=True,
        check=True,
    )
    words_file = tmp_path / "words.txt"
    subprocess.run(
        ["dawg2wordlist", str(tmp_path / "vie.lstm-unicharset"),
         str(tmp_path / "vie.lstm-word-dawg"), str(words_file)],
        capture_output=True, check=True,
    )  # fmt: skip
    words = {unicodedata.normalize("NFC", w.strip()) for w in words_file.read_text("utf-8").split()}
    syllables = [w for w in words if w.isalpha() and is_syllable(w)]
    assert len(syllables) > 5000
    refused = [w for w in syllables if not vowels_spelled_right(w)]
    assert all(w.isascii() for w in refused), [w for w in refused if not w.isascii()]
    assert len(refused) < 0.02 * len(syllables)


@pytest.mark.parametrize(
    ("read", "meant"),
    [("Ñam", "Nam"), ("Bïnh", "Binh"), ("Ÿersin", "Yersin"), ("Đäk Mil", "Đak Mil")],
)
def test_marks_no_vietnamese_letter_carries_are_dropped(read, meant):
    assert drop_foreign_marks(read) == meant


def test_vietnamese_marks_are_kept():
    for text in ("NGUYỄN THỊ NGỌC ÁNH", "Đắk Nông", "Thừa Thiên Huế", "ƯỚC"):
        assert drop_foreign_marks(text) == text
