"""Text helpers shared by classification and extraction: folding for OCR-tolerant matching."""

from __future__ import annotations

import calendar
import itertools
import re
import unicodedata
from collections.abc import Callable

from rapidfuzz.distance import Levenshtein

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


# a double quote inside a word, or after a lone capital (a name's ``K’ LÂM``), is an apostrophe
_QUOTE_IN_WORD = re.compile(r"(?<=\w)[\"“”](?=\w)|(?<=^[A-ZĐ])[\"“”]$")
_APOSTROPHE_FOR = {'"': "'", "“": "’", "”": "’"}  # straight for straight, curly for curly


def repair_chars(text: str) -> str:
    """Replace characters that are certain OCR confusions (never printed on these forms); a
    double quote inside a word is an apostrophe (``N"Thol`` is ``N'Thol``, ``K”`` is ``K’``)."""
    text = text.translate(_OCR_CHAR_MAP)
    return _QUOTE_IN_WORD.sub(lambda m: _APOSTROPHE_FOR[m.group()], text)


# A date as printed in a table cell or after a label: day, month, four-digit year.
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
# OCR slips inside a date: cell borders read as ``|``/``l``/``I``/``J`` glued to it, ``o``/``O``
# read for 0, ``l``/``I`` for 1, separators lost ("2703/1938").
_BORDER_CHARS = "|lIJ!\\[]()"
_DIGIT_FOR = str.maketrans({"o": "0", "O": "0", "Ø": "0", "l": "1", "I": "1"})


def _valid_dmy(day: int, month: int, year: int) -> bool:
    if not (1800 <= year <= 2100 and 1 <= month <= 12):
        return False
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _dates_in(token: str) -> set[str]:
    """Every valid ``dd/mm/yyyy`` that ``token`` (digits and separators) can be read as."""
    m = _DATE.fullmatch(token)
    parts: list[tuple[str, str, str]] = []
    if m:
        parts.append(m.groups())
    else:
        head = re.fullmatch(r"(\d{2,4})[/.\-]?(\d{4})", token)
        split = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})(\d{4})", token)
        if head:  # day and month without the separator between them
            digits, year = head.groups()
            for k in range(1, len(digits)):
                parts.append((digits[:k], digits[k:], year))
        elif split:  # the separator before the year lost
            parts.append(split.groups())
    found = set()
    for day, month, year in parts:
        if len(day) <= 2 and len(month) <= 2 and _valid_dmy(int(day), int(month), int(year)):
            found.add(f"{int(day):02d}/{int(month):02d}/{year}")
    return found


# the words of a date written out ("ngày 26 tháng 3 năm 2023") with a tone mark misread
_DATE_WORDS = {"NGAY": "ngày", "THANG": "tháng", "NAM": "năm"}
# a zero read as a letter next to a digit: "tháng Ơ7", "2O/05"
_ZERO_AS_LETTER = re.compile(r"(?<=\d)[ƠơOoØ]|(?<![^\s/.\-])[ƠơOoØ](?=\d)")


def mend_zero_letters(text: str) -> str:
    """A zero read as a letter next to a digit (``Ø2/2004``, ``1O5``) back to ``0``."""
    return _ZERO_AS_LETTER.sub("0", text)


# digits the ``vie`` model misreads in print: a 1 read as 7 or 4, a 0 as 6, 8 or 9
_DIGIT_SLIPS = {"7": "1", "4": "1", "6": "0", "8": "0", "9": "0"}


def _valid_day(text: str) -> bool:
    return len(text) <= 2 and 1 <= int(text) <= 31


def _valid_month(text: str) -> bool:
    return len(text) <= 2 and 1 <= int(text) <= 12


def _valid_year(text: str) -> bool:
    return len(text) == 4 and 1800 <= int(text) <= 2100


_VALID_PART = {"NGAY": _valid_day, "THANG": _valid_month, "NAM": _valid_year}


def mend_digit_slip(number: str, valid: Callable[[str], bool]) -> str | None:
    """``number`` (digits) when ``valid``, else the one reading with a single digit slip undone
    that is valid (month ``72`` → ``12``, year ``2915`` → ``2015``, day ``66`` → ``06``); None
    when no reading or more than one fits."""
    if valid(number):
        return number
    fits = {
        number[:i] + _DIGIT_SLIPS[c] + number[i + 1 :]
        for i, c in enumerate(number)
        if c in _DIGIT_SLIPS
    }
    fits = {f for f in fits if valid(f)}
    return fits.pop() if len(fits) == 1 else None


def mend_year(text: str) -> str | None:
    """A four-digit year as read, or mended when it is impossible and one slip fits
    (``7967`` → ``1967``); None when it stays impossible."""
    return mend_digit_slip(text, _valid_year) if re.fullmatch(r"\d{4}", text) else None


def _mend_dmy(token: str) -> str | None:
    """A ``dd/mm/yyyy`` token that is no valid date, mended by undoing digit slips (``22/91/1983``
    → ``22/01/1983``), each part on its own; None when it is valid or cannot be mended."""
    m = _DATE.fullmatch(token)
    if not m or _valid_dmy(*(int(g) for g in m.groups())):
        return None
    parts = [
        mend_digit_slip(g, valid)
        for g, valid in zip(m.groups(), (_valid_day, _valid_month, _valid_year), strict=True)
    ]
    if None in parts or not _valid_dmy(*(int(p) for p in parts)):
        return None
    day, month, year = parts
    sep1, sep2 = token[m.end(1)], token[m.end(2)]
    return f"{day}{sep1}{month}{sep2}{year}"


# a 1 read as a bracket or bar after a digit: "tháng 1]" is "tháng 11"
_ONE_AS_MARK = re.compile(r"\d[\]|]")
_ONE_AS_LETTER = re.compile(r"[IlÍÌ|!]\d|\d[Il!]")  # Í: a 1 with a speck over it


# letters shaped like digits (S/Š 5, Z 2, B 8), in a number of one to four characters
_AS_DIGITS = str.maketrans("SŠZB", "5528")
_LOOKALIKE_NUMBER = re.compile(r"(?=.*[SŠZB])[0-9SŠZB]{1,4}")


# marks a speck or a glued stroke is read as, around a date word or before its number
_MARKS = ".,:;'\"‘’`-_"

# a date word glued to its number, or joined by a mark (thăng.1, 7năm, I0/háng): a space
_DATE_WORD_JOINT = re.compile(r"(?<=[^\W\d_]{2})[.,:;/\-]*(?=\d)|(?<=\d)[.,:;/\-]*(?=[^\W\d_]{2})")


def _date_word(token: str, near: bool) -> str | None:
    """The date word (``NGAY``, ``THANG``, ``NAM``) a token is, as read or, when ``near``, with
    one letter misread, lost or added (``hăm``, ``fhăng``, ``háng``); None when none or two are
    that near."""
    folded = fold(token).strip(_MARKS)  # ``ngấy.``, ``tháng:`` before their numbers
    if folded in _DATE_WORDS:
        return folded
    if not near or len(folded) < 3 or not folded.isalpha():
        return None
    close = [k for k in _DATE_WORDS if Levenshtein.distance(folded, k) <= 1]
    return close[0] if len(close) == 1 else None


def repair_date_words(text: str) -> str:
    """``ngày 26 tháng Ơ7 nắm 2023`` → ``ngày 26 tháng 07 năm 2023`` (a date field only).

    A number after ``ngày``/``tháng``/``năm`` that cannot be a day, month or year (``tháng
    62``, ``năm 2915``), or a value that is a lone impossible year (``7987``), is mended when
    one digit slip undone fits (``tháng 02``, ``năm 2015``, ``1987``)."""
    words = _DATE_WORD_JOINT.sub(" ", mend_zero_letters(text)).split()
    # a word one letter from a date word is one only beside a date word read as it is
    near = any(fold(w).strip(_MARKS) in _DATE_WORDS for w in words)
    for i, w in enumerate(words[:-1]):  # a date word stands before its number
        key = _date_word(w, near)
        if key and re.fullmatch(rf"[{re.escape(_MARKS)}]+\d{{1,4}}", words[i + 1]):
            words[i + 1] = words[i + 1].lstrip(_MARKS)  # tháng '04: a speck before the number
        if key and _ONE_AS_LETTER.fullmatch(words[i + 1]):
            words[i + 1] = re.sub(r"[IlÍÌ|!]", "1", words[i + 1])  # tháng I1: a 1 read as I
        if key and _LOOKALIKE_NUMBER.fullmatch(words[i + 1]):
            # tháng S, năm Z014, ngày 2Š: a letter shaped like its digit, where it makes one
            as_digits = words[i + 1].translate(_AS_DIGITS)
            if _VALID_PART[key](as_digits):
                words[i + 1] = as_digits
        if key and re.match(r"\d", words[i + 1]):
            words[i] = _DATE_WORDS[key]
            valid = _VALID_PART[key]
            if key != "NAM":  # marks between a day or month and the next word (tháng 6- năm)
                words[i + 1] = words[i + 1].rstrip(".:;-_")
            number = words[i + 1]
            if _ONE_AS_MARK.fullmatch(number) and valid(number[0] + "1"):
                number = words[i + 1] = number[0] + "1"
            if number.isdigit():
                words[i + 1] = mend_digit_slip(number, valid) or number
    if len(words) == 1 and re.fullmatch(r"\d{4}", words[0]):
        words[0] = mend_digit_slip(words[0], _valid_year) or words[0]
    return " ".join(words)


def repair_date(text: str) -> str | None:
    """A ``dd/mm/yyyy`` date read with OCR slips, mended when only one reading is a valid date.

    ``2703/1938`` → ``27/03/1938``; ``lo6/07/1959`` (a cell border read as ``l``, 0 as ``o``) →
    ``06/07/1959``; ``112/1938`` stays unrepaired (1/12 or 11/2). Returns None when ``text`` is
    already a plain date, holds no date-like token, or the repair is ambiguous.
    """
    token = text.strip().strip(" ,;:")
    if not token or " " in token:
        return None
    if _DATE.fullmatch(token):
        return _mend_dmy(token)
    readings: set[str] = set()
    cores = {token, token.lstrip(_BORDER_CHARS), token.rstrip(_BORDER_CHARS)}
    for core in cores | {token.strip(_BORDER_CHARS)}:
        for variant in {core, core.translate(_DIGIT_FOR)}:
            if re.fullmatch(r"[\d/.\-]+", variant):
                readings |= _dates_in(variant)
    return readings.pop() if len(readings) == 1 else None


# Vietnamese syllables, folded (no diacritics, Đ → D): an initial consonant, a vowel run, a final.
_INITIAL = "NGH|NG|NH|CH|GH|GI|KH|PH|QU|TH|TR|B|C|D|G|H|K|L|M|N|P|R|S|T|V|X"
_FINAL = "NG|NH|CH|C|K|M|N|P|T"  # K: Đắk, Lắk in place names
# vowel runs that end in an off-glide take no final consonant (OAI, AO, ƯU, …)
_OPEN_RUNS = "OAI|OAY|UAY|UOI|IEU|YEU|UYU|OEO|UOU|AI|AO|AU|AY|EO|EU|IU|OI|UI|UU|IA|UA"
_CLOSED_RUNS = "UYE|IE|YE|UO|UA|OA|OE|UE|UY|OO|A|E|I|O|U|Y"
_SYLLABLE = re.compile(rf"({_INITIAL})?(?:{_OPEN_RUNS}|(?:{_CLOSED_RUNS})(?:{_FINAL})?)")
# tone marks (one per syllable at most); vowel marks (breve, circumflex, horn) are not tones
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _tones(text: str) -> int:
    return sum(ch in _TONES for ch in unicodedata.normalize("NFD", text))


def is_syllable(text: str) -> bool:
    """One Vietnamese syllable (``gái``, ``NGUYỄN``), at most one tone mark, spelled by the
    rules (``ngh``/``gh`` before e, ê, i and ``ng``/``c`` never: ``NGIA`` is no syllable)."""
    m = _SYLLABLE.fullmatch(fold(text))
    return bool(m) and _tones(text) <= 1 and _spelled_right(m.group(1) or "", m.string[m.end(1) :])


# The vowels of a syllable with their quality marks (breve, circumflex, horn), without the
# initial and final consonants: the ones Vietnamese spelling has. ``THƯẬN`` (ƯÂ) or ``KHUẼ``
# (UE after KH) fold to a syllable but are none.
_MARKED_NUCLEI = frozenset(
    "A Ă Â E Ê I O Ô Ơ U Ư Y "
    "AI AO AU ÂU AY ÂY EO ÊU IA IU OI ÔI ƠI UA UI ƯA ƯI ƯU "
    "IÊ YÊ UÔ ƯƠ OA OĂ OE OO UÂ UÊ UƠ UY "
    "IÊU YÊU OAI OAO OAY OEO UÂY UÔI ƯƠI ƯƠU UYA UYÊ UYU".split()
)
_MARKED_INITIAL = re.compile("NGH|NG|NH|CH|GH|GI|KH|PH|QU|TH|TR|[BCDĐÐGHKLMNPRSTVX]")
_MARKED_FINAL = re.compile("(?:NG|NH|CH|C|K|M|N|P|T)$")


def vowels_spelled_right(word: str) -> bool:
    """Whether the vowels of one syllable, marks of quality included, are spelled as Vietnamese
    spells them (tone marks aside); a word that is no syllable at all is left to
    ``is_syllable``. Of the 6,098 syllables of Tesseract's Vietnamese word list, the 61 it
    refuses are written without their marks (``NGUYEN``, ``thuong``)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.upper()) if c not in _TONES)
    bare = unicodedata.normalize("NFC", bare)
    initial = _MARKED_INITIAL.match(bare)
    rest = bare[initial.end() :] if initial else bare
    if initial and initial.group() == "GI" and not re.search("[AĂÂEÊIOÔƠUƯY]", rest):
        rest = "I" + rest  # GÌN, GÌ: the initial G and the vowel I
    nucleus = _MARKED_FINAL.sub("", rest)
    return nucleus in _MARKED_NUCLEI


def _spelled_right(initial: str, rest: str) -> bool:
    front = rest[:1] in ("E", "I")
    if initial in ("NG", "C"):
        return not front
    if initial in ("NGH", "GH"):
        return front
    return True


def _initial_length(text: str) -> int:
    m = _SYLLABLE.fullmatch(fold(text))
    return len(m.group(1) or "") if m else 0


def _syllable_splits(word: str) -> list[list[str]]:
    """Every way to cut ``word`` into two or more Vietnamese syllables of one tone at most."""
    if len(fold(word)) != len(word):  # a letter that folds to two or none: do not guess
        return []
    out: list[list[str]] = []

    def walk(start: int, parts: list[str]) -> None:
        if start == len(word):
            if len(parts) >= 2:
                out.append(list(parts))
            return
        # a one-letter syllable ("Y" of "K'YONG") is more often a misread than a glued word
        for end in range(start + 2, min(len(word), start + 7) + 1):
            if is_syllable(word[start:end]):
                walk(end, [*parts, word[start:end]])

    walk(0, [])
    return out


def merge_doubled_vowel(word: str) -> str | None:
    """One syllable whose vowel Tesseract read twice with two sets of marks (``PHẠAM``,
    ``KIÊỀN``, ``THẮĂM``): the first reading kept (``PHẠM``, ``KIÊN``, ``THẮM``) when only that
    makes a syllable; None otherwise (``XOONG`` is a syllable already)."""
    if len(word) < 3 or not word.isalpha() or is_syllable(word) or len(fold(word)) != len(word):
        return None
    letters = [_without_tone(ch) for ch in word]  # Ư and U, Ê and E stay apart
    fits = [
        word[:i] + word[i + 1 :]
        for i in range(1, len(word))
        if letters[i] == letters[i - 1] and fold(letters[i]) in "AEIOUY"
        and is_syllable(word[:i] + word[i + 1 :])
    ]  # fmt: skip
    return fits[0] if len(fits) == 1 else None


def _without_tone(ch: str) -> str:
    """The letter without its tone mark, keeping breve, circumflex and horn (Ữ → Ư), upper."""
    bare = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONES)
    return unicodedata.normalize("NFC", bare).upper()


def split_glued_syllables(word: str) -> list[str] | None:
    """A word Tesseract glued from several syllables, cut back into them (None: leave it).

    ``TRẦNTHỊBÍCH`` → ``TRẦN THỊ BÍCH`` (table cells set tight), ``tỉnhĐắkNông`` → ``tỉnh Đắk
    Nông``. Only letters-only words that are no syllable themselves; a capital inside a
    lower-case word marks a cut; an all-capital word (names) is cut into the fewest syllables,
    longer initial consonants first (``THỊTHỦY`` is ``THỊ THỦY``, not ``THỊT HỦY``), and left
    alone when that still leaves a tie.
    """
    # a word that is one syllable but for an extra tone mark ("Nguýễn") is misread, not glued
    if len(word) < 4 or not word.isalpha() or _SYLLABLE.fullmatch(fold(word)):
        return None
    cuts = [i for i in range(1, len(word)) if word[i].isupper() and word[i - 1].islower()]
    if cuts:
        parts = [word[a:b] for a, b in itertools.pairwise([0, *cuts, len(word)])]
        return parts if all(len(p) >= 2 and is_syllable(p) for p in parts) else None
    if not word.isupper():  # lower-case runs are as often noise read as letters as glued words
        return None
    ranked = sorted(
        ((len(p), -sum(_initial_length(x) for x in p)), p) for p in _syllable_splits(word)
    )
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]


# What a form prints in a value: Latin letters with Vietnamese marks, digits and plain punctuation.
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}
_FORM_CHAR = re.compile(r"[A-Za-z0-9ĐđƠơƯư\s,.;:/()'\-–]")


def drop_foreign_marks(text: str) -> str:
    """Marks that no Vietnamese letter carries dropped, the letter kept: a speck over a letter
    is read as a mark of another language (``Ñam`` is ``Nam``, ``Bïnh`` is ``Binh``, no
    closer to ``Bình`` but no longer a letter that the forms never print)."""
    kept, base = [], ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if _foreign_mark(ch, base):
                continue
        else:
            base = ch
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def _foreign_mark(mark: str, base: str) -> bool:
    """A combining mark Vietnamese never puts on ``base`` (``ñ`` is no vowel, ``ï`` no mark)."""
    return mark not in _VIETNAMESE_MARKS or base not in "aeiouyAEIOUY"


def is_form_text(text: str) -> bool:
    """True when every character could have been printed on a form (``Thôn 2, xã Lát``);
    False for OCR noise such as ``“``, ``§``, ``¬``, ``ñ`` or a stray ``|``."""
    base = ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if _foreign_mark(ch, base):
                return False
            continue
        if not _FORM_CHAR.match(ch):
            return False
        base = ch
    return True


# a speck read as a full stop inside a list of places: "huyện Lạc. Dương", "Tổ 4. xã", "Lâm,. tỉnh"
_DOUBLE_STOP = re.compile(r"\s*([,;])\s*[.,]+(?=\s)|\.\s*,")
_GLUED_NUMBER = re.compile(r"\b([^\W\d_]{3,})(\d{1,4})\b")
_STOP_BEFORE = re.compile(r"(?<=\w)\.(?= (\w+))")
_UNDERSCORE_AFTER = re.compile(r"(?<=[^\W\d_])_+(?= )")


def tidy_place_stops(text: str) -> str:
    """Full stops OCR put into a comma-separated value (an address, a place of birth) where
    none is printed: after a comma (``Lâm,. tỉnh``), after a whole syllable before a capital
    (``Bình. Thuận``: abbreviations such as ``TP.`` or ``P.`` are no syllables and stay), and
    between a number or syllable and a lower-case word, where a comma was meant (``Tổ 4. xã``);
    and the space lost between a word and its number (``Khu phố2,``)."""
    if "," not in text:
        return text
    text = _UNDERSCORE_AFTER.sub("", text)  # a leader's dash glued to a word: "thành_ phố"
    text = _DOUBLE_STOP.sub(lambda m: m.group(1) or ",", text)
    # a number glued to the word before it: "Khu phố2," is "Khu phố 2,"
    text = _GLUED_NUMBER.sub(
        lambda m: f"{m.group(1)} {m.group(2)}" if is_syllable(m.group(1)) else m.group(0), text
    )

    def fix(m: re.Match[str]) -> str:
        before = re.search(r"(\w+)\.$", text[: m.end()]).group(1)
        plain = before.isdigit() or (
            len(before) >= 2 and is_syllable(before) and not before.isupper()
        )
        if not plain:
            return "."
        return "," if m.group(1)[0].islower() else ""

    return _STOP_BEFORE.sub(fix, text)
