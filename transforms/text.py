"""Unicode repair and white-space folding for Vietnamese text (NATIONAL_FORMAT.md §1, "text").

Every function here takes and returns a pandas Series and works once per unique value (a cache
keyed by the text), because OCR batches repeat the same strings (place names, authorities, "Kinh",
"Việt Nam") many times over.

Repairs, in order:

1. legacy 8-bit encodings read as Latin-1 (TCVN3/ABC ``B¶o Th¾ng``, VNI ``Nguyeãn``) are decoded,
   but only when the text holds characters that never occur in Vietnamese Unicode;
2. Ð (U+00D0, Icelandic eth) and ð become Đ (U+0110) and đ — Tesseract and some fonts mix them up;
3. combining marks are put in the order that composes (shape mark — circumflex, breve, horn —
   before the tone mark), then NFC: ``e`` + acute + circumflex becomes ``ế``;
4. white space (including no-break space) is folded to one space and trimmed.

Apostrophes are kept as written: U+2019 in ``B’Lao`` stays U+2019, ``K' BRỒNG`` keeps its ASCII
apostrophe and its space (minority names are kept as printed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

# --- legacy encodings -------------------------------------------------------------------------

# TCVN 5712:1993 (VN1/VN3, the "ABC" fonts .VnTime/.VnTimeH) bytes 0xA0..0xFF, as glibc's iconv
# decodes them (`iconv -f TCVN5712-1`). Text typed in those fonts reaches us as the Latin-1
# characters with the same code points. Bytes 0xB0..0xB4 are combining tone marks in VN1.
_TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒ"
    "ĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
)
assert len(_TCVN3_HIGH) == 96
_TCVN3_TABLE = {0xA0 + i: ch for i, ch in enumerate(_TCVN3_HIGH)}
# A character in 0xA1..0xBF (¡ ¢ … ¿) never occurs in Vietnamese Unicode text, but every TCVN3
# word with ă â ê ô ơ ư đ or a tone on a/ă lands there.
_TCVN3_MARKERS = frozenset(chr(c) for c in range(0xA1, 0xC0))

# VNI-Windows: a base letter followed by a mark character (Nguyeãn = Nguyễn, Vieät = Việt);
# ơ ư đ and the i-vowels are single characters of their own.
_CIRC, _BREVE = "\u0302", "\u0306"
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK,
    "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}  # fmt: skip
_VNI_LETTERS = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
}  # fmt: skip
_VNI_TABLE: dict[int, str] = {}
for _k, _v in _VNI_MARKS.items():
    _VNI_TABLE[ord(_k)] = _v
    _VNI_TABLE[ord(_k.upper())] = _v
for _k, _v in _VNI_LETTERS.items():
    _VNI_TABLE[ord(_k)] = _v
    _VNI_TABLE[ord(_k.upper())] = _v.upper()
# Characters VNI uses that are not Vietnamese letters at all: their presence marks VNI text.
_VNI_MARKERS = frozenset("øûïöñäåëüæ" + "øûïöñäåëüæ".upper())

# --- Unicode repair ---------------------------------------------------------------------------

_SHAPE_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_TONE_BEFORE_SHAPE = re.compile(f"([{_TONE_MARKS}]+)([{_SHAPE_MARKS}])")
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110"})
_SPACE = re.compile(r"\s+")


def decode_legacy(text: str) -> str:
    """Decode TCVN3 or VNI text that reached us as Latin-1 characters; else return it unchanged."""
    if not text or max(text) > "\u00ff":
        return text  # holds real Vietnamese Unicode (or is empty): not legacy
    chars = set(text)
    if chars & _TCVN3_MARKERS:
        return text.translate(_TCVN3_TABLE)
    if chars & _VNI_MARKERS:
        return unicodedata.normalize("NFC", text.translate(_VNI_TABLE))
    return text


# A character that a repair step below would change: a combining mark or a look-alike of Đ.
_NEEDS_REPAIR = re.compile("[\u0300-\u036f\u00d0\u00f0\u0189]")


def repair_unicode(text: str) -> str:
    """One string: legacy decoding, Ð→Đ, mark order, NFC, white space folded."""
    # Fast path (most OCR text): plain ASCII, or composed Unicode beyond Latin-1 (so not legacy)
    # with no stray mark or look-alike: only the white space needs folding.
    if text.isascii() or (
        max(text) > "\u00ff"
        and unicodedata.is_normalized("NFC", text)
        and not _NEEDS_REPAIR.search(text)
    ):
        return " ".join(text.split())
    text = decode_legacy(text).translate(_LOOKALIKES)
    text = unicodedata.normalize("NFD", text)
    text = _TONE_BEFORE_SHAPE.sub(r"\2\1", text)
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text).strip()


def _per_unique(s: pd.Series, func: Callable[[str], object]) -> tuple[np.ndarray, list]:
    """(code per row, -1 for null; ``func`` of each unique value) — one hash pass."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    return codes, [func(v) for v in uniques.tolist()]


def _take(results: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    table = np.empty(len(results) + 1, dtype=object)  # the last slot answers the nulls (-1)
    for i, r in enumerate(results):
        table[i] = r
    table[pd.isna(table)] = None  # missing results become None here, once per unique value
    return pd.Series(table[codes], index=index, dtype=object)


def map_unique(s: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply ``func`` once per unique non-null value of ``s``; nulls stay null (None)."""
    codes, results = _per_unique(s, func)
    return _take(results, codes, s.index)


def map_unique_parts(
    s: pd.Series, func: Callable[[str], tuple], parts: int
) -> tuple[pd.Series, ...]:
    """Like ``map_unique`` for a ``func`` returning a ``parts``-tuple: one Series per part
    (None for null input and for None parts)."""
    codes, results = _per_unique(s, func)
    return tuple(_take([r[k] for r in results], codes, s.index) for k in range(parts))


def numbers_of(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")`` as float, parsed once per distinct value (a column
    of years or ID digits holds a few hundred distinct values among a hundred thousand)."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    parsed = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
    table = np.append(parsed.to_numpy(dtype=float), np.nan)  # the last slot answers the nulls
    return pd.Series(table[codes], index=s.index)


def all_text(s: pd.Series) -> bool:
    """Whether ``s`` is an object column whose every non-null cell is a ``str``."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def clean_text(s: pd.Series) -> pd.Series:
    """Repaired, folded text; empty strings become None (an empty field is an unread field)."""
    out = map_unique(s.astype(object), lambda v: repair_unicode(str(v)) or None)
    return out


def clean_name(s: pd.Series) -> pd.Series:
    """A person's name: repaired text in upper case (NFC is kept: upper() does not decompose)."""
    return clean_text(s).str.upper().astype(object).where(lambda x: x.notna(), None)


_NOT_WORD = re.compile(r"[\W_]+")


def word_key(text: str) -> str:
    """Lower-case words, marks and punctuation between them dropped: ``Ủy ban-nhân: dân`` →
    ``ủy ban nhân dân`` (for comparing a reading with a fixed wording)."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def strip_marks(text: str) -> str:
    """Letters without any diacritic (tone or shape), Đ→D: the key used for fuzzy look-ups."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strip_tones(text: str) -> str:
    """Letters with their shape marks (â ă ê ô ơ ư đ) kept and tone marks removed."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", kept)


def split_kinh_name(
    full_name: pd.Series, family_names: frozenset[str]
) -> tuple[pd.Series, pd.Series]:
    """(family, given) where the split is certain: ≥ 2 words and the first is a known family name.

    Anything else (minority names with K', Ka, Y, H' prefixes, foreign names, one word) gives
    None for both: the full string stays the only truth.
    """
    words = full_name.str.split(" ")
    first = words.str[0]
    certain = full_name.notna() & (words.str.len() >= 2) & first.isin(family_names)
    family = first.where(certain, None).astype(object)
    given = words.str[-1].where(certain, None).astype(object)
    return family, given


# Tesseract reads a thin slash between digits as I, l, |, ! or 1-less stroke: "02!2025",
# "463IKS". Only between a digit and a digit or capital, where no Vietnamese word stands.
_MISREAD_SLASH = re.compile(r"(?<=\d)\s*[Il|!]\s*(?=[\dA-Z])")


def repair_slashes(text: str) -> str:
    """``02!2025`` → ``02/2025``, ``463IKS`` → ``463/KS`` (numbers and dates only)."""
    return _MISREAD_SLASH.sub("/", text)
