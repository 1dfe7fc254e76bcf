"""Person names: clean, repair tone marks Tesseract dropped on capitals, split where certain.

The repair uses a lexicon of Kinh name syllables per role (family / middle / given) with rough
frequencies, ``data/name_syllables.csv`` (see ``data/README.md``). A word is repaired only when

* the name starts with a known family name (minority and foreign names are never touched),
* the word, with its marks stripped, matches lexicon entries of its role,
* the read word has lost its tone mark (shape marks ê, ô, ơ, ư, ă, â, đ kept, or every mark lost)
  or has hỏi where the entry has ngã or the reverse — a read word with another tone is never
  changed (``HƯỜNG`` is not ``HƯƠNG``), except a word that no name is written with: a first
  word that is no family name at all (``LẺ``, ``TRẤN``, ``ĐỈNH``) where one Kinh family name
  alone has its letters, and a middle or given syllable found in no role of the lexicon
  (``QUẦN``, ``HÁI``, ``CHỊ``) where an entry has its letters and hat/horn marks — and
* the best entry is at least ``settings.name_repair_min_ratio`` times as frequent as both the read
  form and the next consistent entry.

So ``NGUYÊN`` as a family name becomes ``NGUYỄN`` and ``HÔNG`` as a given name becomes ``HỒNG``,
but ``NGUYÊN`` as a given name stays, and ``HOÀNG``/``HUỲNH`` or ``VŨ``/``VÕ`` are never merged
(their stripped forms differ). Every repair is reported so the caller keeps the raw text, lowers
the confidence and flags ``name_repaired``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from sohoa.national_format import KINH_FAMILY_NAMES, OTHER_FAMILY_NAMES
from sohoa.settings import get_settings
from transforms.text import map_unique_parts, repair_unicode, strip_marks, strip_tones

ROLES = ("family", "middle", "given")
_HOOK, _TILDE = "\u0309", "\u0303"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


@dataclass(frozen=True)
class Lexicon:
    weight: dict[tuple[str, str], float]  # (role, syllable) → weight
    by_key: dict[tuple[str, str], tuple[tuple[str, float], ...]]  # (role, stripped) → entries

    def weight_of(self, role: str, syllable: str) -> float:
        return self.weight.get((role, syllable), 0.0)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged syllable lexicon, loaded once."""
    weight: dict[tuple[str, str], float] = {}
    by_key: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    text = resources.files("transforms.data").joinpath("name_syllables.csv").read_text("utf-8")
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        role, syllable, w = row["role"], row["syllable"], float(row["weight"])
        weight[(role, syllable)] = w
        by_key[(role, strip_marks(syllable))].append((syllable, w))
    frozen = {k: tuple(sorted(v, key=lambda e: -e[1])) for k, v in by_key.items()}
    return Lexicon(weight=weight, by_key=frozen)


def _tone(word: str) -> str | None:
    marks = [c for c in unicodedata.normalize("NFD", word) if c in _TONES]
    return marks[0] if marks else None


def _consistent(read: str, candidate: str) -> bool:
    """The candidate could have been read as ``read`` by Tesseract: its tone mark dropped (shape
    marks kept, or every mark dropped), or hỏi and ngã swapped."""
    read_tone = _tone(read)
    if read_tone is None:
        return strip_tones(read) in (strip_tones(candidate), strip_marks(read))
    return strip_tones(read) == strip_tones(candidate) and {read_tone, _tone(candidate)} == {
        _HOOK,
        _TILDE,
    }


def _hat_as_breve(text: str) -> str:
    return text.replace("Â", "Ă").replace("â", "ă")


def repair_word(word: str, role: str, lexicon: Lexicon, min_ratio: float) -> str:
    """The repaired word, or the word itself when no repair is certain enough."""
    entries = lexicon.by_key.get((role, strip_marks(word)))
    if not entries:
        return word
    consistent = [(s, w) for s, w in entries if _consistent(word, s)]
    if role == "family":  # a family name is only ever repaired into a known Kinh family name
        consistent = [(s, w) for s, w in consistent if s in KINH_FAMILY_NAMES]
        if not consistent and not known_family_name(word):
            # no family name is written so (LẺ, TRẤN, ĐỈNH, LẶNG): a tone misread, whichever
            # tone, when one Kinh family name alone has these letters
            same = {s for s, _w in entries if s in KINH_FAMILY_NAMES}
            return same.pop() if len(same) == 1 else word
    elif not consistent and not any(lexicon.weight_of(r, word) for r in ROLES):
        # a syllable no name is written with (QUẦN, HÁI, CHỊ, KIỂN, VẤN): its tone was misread
        # when an entry has the same letters and hat/horn marks (QUÂN, HẢI, CHI, KIÊN), a hat
        # and a breve alike (VĂN: a faint breve reads as a hat)
        shape = _hat_as_breve(strip_tones(word))
        consistent = [(s, w) for s, w in entries if _hat_as_breve(strip_tones(s)) == shape]
    if not consistent or consistent[0][0] == word:
        return word
    best, best_w = consistent[0]
    rivals = [w for s, w in consistent[1:] if s != word]
    read_w = max(lexicon.weight_of(r, word) * (1.0 if r == role else 0.1) for r in ROLES)
    if best_w > 0 and best_w >= min_ratio * max([read_w, *rivals[:1]]):
        return best
    return word


# letters Tesseract reads for others in capitals (ĐIỂU → ĐTỂU, HẢI → HẢT, NGUYỄN → WGUYỄN) and
# strokes it adds (KIM → KTIM): (read, printed); "" printed is a letter read from nothing
_CONFUSIONS = (("T", "I"), ("W", "N"), ("T", ""), ("I", ""))
_VOWELS = set("AEIOUY")


def _known_word(word: str, lexicon: Lexicon) -> bool:
    if lexicon is load_lexicon():  # the packaged lexicon: asked once per word (100k-row columns)
        return _known_packaged_word(word)
    return _name_word(word, lexicon)


def _name_word(word: str, lexicon: Lexicon) -> bool:
    return known_family_name(word) or any(lexicon.weight_of(role, word) for role in ROLES)


@lru_cache(maxsize=65536)
def _known_packaged_word(word: str) -> bool:
    return _name_word(word, load_lexicon())


def unconfuse_word(word: str, lexicon: Lexicon) -> str:
    """A name word no name is written with, read with one letter confused (``ĐTỂU`` for
    ``ĐIỂU``, ``HẢT`` for ``HẢI``, ``KTIM`` for ``KIM``): the one known word that undoing one
    confusion gives; else the word as read (a name of another people is no known word either,
    so only the confusions above are undone, and only into a known word)."""
    if not word.isalpha() or _known_word(word, lexicon):
        return word
    found = {
        word[:i] + printed + word[i + 1 :]
        for read, printed in _CONFUSIONS
        for i, ch in enumerate(word)
        # a letter read from nothing sits where no letter can (KT, ĐT: THÀO keeps its T)
        if ch == read and (printed or (i > 0 and strip_marks(word[i - 1]) not in _VOWELS))
    }
    found = {w for w in found if w and _known_word(w, lexicon)}
    return found.pop() if len(found) == 1 else word


# letters a table's rule or a stray stroke is read as, glued into a name word (TRỊ INH, HU LỲNH)
_STROKES = "ILl|"


def _respaced(a: str, b: str, lexicon: Lexicon) -> set[tuple[str, ...]]:
    """Ways two words read with their space misplaced or a stroke inside give known words: the
    space moved by one letter (``VĂ NHÀO`` → ``VĂN HÀO``), no space (a word split in two), no
    space and one stroke-letter less (``HU LỲNH`` → ``HUỲNH``, ``IN GUYỄN`` → ``NGUYỄN``)."""
    joined = a + b
    found = {(a + b[0], b[1:]), (a[:-1], a[-1] + b), (joined,)}
    found |= {(joined[:i] + joined[i + 1 :],) for i, c in enumerate(joined) if c in _STROKES}
    return {f for f in found if all(w and _known_word(w, lexicon) for w in f)}


def respace_name(name: str, lexicon: Lexicon) -> str:
    """A Kinh name whose words Tesseract split in the wrong place (``PHẠM VĂ NHÀO``, ``NGUYÊ
    NHỮU KHOA``, ``TRỊ INH VĂN VIỆT``): where a word is no name word, the one way of respacing
    it with its neighbour into known words (``_respaced``) is taken, if the name then starts
    with a Kinh family name (the names of other peoples are never touched)."""
    words = name.split(" ")
    if len(words) < 2 or any(not w.isalpha() for w in words):
        return name
    if all(_known_word(w, lexicon) for w in words):
        return name  # most names: nothing to respace
    k = 0
    while k < len(words) - 1:
        a, b = words[k], words[k + 1]
        if not (_known_word(a, lexicon) and _known_word(b, lexicon)):
            ways = _respaced(a, b, lexicon)
            if len(ways) == 1:
                words[k : k + 2] = list(ways.pop())
        k += 1
    fixed = " ".join(words)
    if fixed == name:
        return name
    first = repair_word(words[0], "family", lexicon, get_settings().name_repair_min_ratio)
    return fixed if first in KINH_FAMILY_NAMES else name


def known_family_name(word: str) -> bool:
    """A family name as written: Kinh (the national format's, the lexicon's) or of another
    people (``OTHER_FAMILY_NAMES``)."""
    return (
        word in KINH_FAMILY_NAMES
        or word in OTHER_FAMILY_NAMES
        or load_lexicon().weight_of("family", word) > 0
    )


def repair_name(
    name: str,
    lexicon: Lexicon,
    min_ratio: float,
    cache: dict[tuple[str, str], str] | None = None,
) -> str:
    """Repair each word of an upper-case NFC name by its role (first family, last given).

    Only names whose first word is (or repairs into) a Kinh family name are touched; a middle
    word that is itself a family name (the mother's, ``TRẦN LÊ MINH KHOA``) is kept.
    ``cache`` ((word, role) → repaired word) is shared over a column: names are many, their
    syllables few.
    """
    words = name.split(" ")
    if len(words) < 2 or any(not w.isalpha() for w in words):
        return name  # apostrophes, digits, hyphens: a minority or foreign name, or noise
    cache = {} if cache is None else cache

    def repaired(word: str, role: str) -> str:
        key = (word, role)
        if key not in cache:
            cache[key] = repair_word(word, role, lexicon, min_ratio)
        return cache[key]

    family = repaired(words[0], "family")
    if family not in KINH_FAMILY_NAMES:
        return name  # not a Kinh-style name: kept as written
    middles = [w if w in KINH_FAMILY_NAMES else repaired(w, "middle") for w in words[1:-1]]
    given = repaired(words[-1], "given")
    return " ".join([family, *middles, given])


@dataclass
class NameResult:
    full_name: pd.Series
    family_name: pd.Series
    given_name: pd.Series
    repaired: pd.Series  # bool: a word was changed by the lexicon
    tidied: pd.Series  # bool: stray marks were dropped (``name_marks_tidied``)

    def flag(self, flags, field: str, raw: pd.Series) -> None:
        """The name's flags: a repair only doubts it, dropped marks send it to review."""
        flags.add(self.repaired, field, "name_repaired", raw)
        flags.add(self.tidied, field, "name_marks_tidied", raw)


# A mark between two words or letters of a name (``LÊ: TẤN``, ``MỊNH. TUYỂN``, ``VĂN,€HIẾN``),
# or an apostrophe after a word of two letters or more (``VĂN’KIÊN``): names are written with
# none but the apostrophe after a minority name's one-letter prefix (K', H') and the hyphen
# of a hyphenated name (the national format allows it, ``expectations.text_checks.NAME``).
_LETTER = r"[^\W\d_]"
_MARKS_BETWEEN = re.compile(rf"(?<={_LETTER})\s*[:;.,*€†\"“”`^~|]+\s*(?={_LETTER})")
_LOOSE_APOSTROPHE = re.compile(rf"(?<={_LETTER}{{2}})['’]+\s*(?={_LETTER})")
_END_MARKS = re.compile(rf"^[\s:;.,\-*'’`^~|]+|[\s:;.,\-*`^~|]+$|(?<={_LETTER}{{2}})['’]+$")


def tidy_name_marks(name: str) -> str:
    """``name`` without the marks no name is written with (see above)."""
    out = _LOOSE_APOSTROPHE.sub(" ", _MARKS_BETWEEN.sub(" ", name))
    return " ".join(_END_MARKS.sub("", out).split()) or name


def normalise_names(raw: pd.Series) -> NameResult:
    """Clean, upper-case and repair a column of names; split family/given where certain."""
    lexicon = load_lexicon()
    ratio = get_settings().name_repair_min_ratio
    words: dict[tuple[str, str], str] = {}

    def one(value: object) -> tuple[str | None, str | None, str | None, bool, bool]:
        # as clean_name, repair_name and split_kinh_name do it, once per unique raw name
        as_read = repair_unicode(str(value)).upper()
        if not as_read:
            return None, None, None, False, False
        cleaned = tidy_name_marks(as_read)
        respaced = respace_name(cleaned, lexicon)
        unconfused = " ".join(unconfuse_word(w, lexicon) for w in respaced.split(" "))
        fixed = repair_name(unconfused, lexicon, ratio, words)
        parts = fixed.split(" ")
        certain = len(parts) >= 2 and parts[0] in KINH_FAMILY_NAMES
        family, given = (parts[0], parts[-1]) if certain else (None, None)
        return fixed, family, given, fixed != cleaned, cleaned != as_read

    full, family, given, repaired, tidied = map_unique_parts(raw, one, 5)
    return NameResult(full, family, given, repaired.eq(True), tidied.eq(True))
