"""Text helpers shared by classification and extraction: folding for OCR-tolerant matching."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Characters that only decorate a form: leader dots, colons, underscores, ellipses, bars.
LEADER_CHARS = ".:…_·•‥-–—|;,'\"`~*"


def nfc(text: str) -> str:
    """NFC with inner white space folded to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Upper case without diacritics (Đ → D), for matching that survives OCR's lost tone marks."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    return _SPACE.sub(" ", stripped.upper()).strip()


def fold_alnum(text: str) -> str:
    """``fold`` keeping only letters, digits and single spaces (punctuation dropped)."""
    return _SPACE.sub(" ", re.sub(r"[^0-9A-Z ]+", " ", fold(text))).strip()


def strip_leaders(text: str) -> str:
    """Remove leader dots, colons and similar decoration from both ends of a word or value."""
    return text.strip().strip(LEADER_CHARS + " ").strip()


# Characters Tesseract's ``vie`` model emits that never occur in Vietnamese forms, mapped to what
# was printed: fraction and division slashes in dates, Ø for Ơ.
_OCR_CHAR_MAP = str.maketrans({"⁄": "/", "∕": "/", "Ø": "Ơ", "ø": "ơ", "Ð": "Đ"})


def repair_chars(text: str) -> str:
    """Replace characters that are certain OCR confusions (never printed on these forms)."""
    return text.translate(_OCR_CHAR_MAP)
