"""Vietnamese text as forms print it: dates in figures and in words, numbers and areas in words."""

from __future__ import annotations

import datetime as dt
import random

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTH_WORDS = (
    "", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một",
    "mười hai",
)  # fmt: skip


def _two(n: int, *, leading: bool) -> str:
    """0-99 in words; ``leading`` False means hundreds precede it ("linh năm")."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        if ones == 0:
            return ""
        return _DIGITS[ones] if leading else f"linh {_DIGITS[ones]}"
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if ones == 0:
        return head
    if ones == 5:
        tail = "lăm"
    elif ones == 1 and tens > 1:
        tail = "mốt"
    elif ones == 4 and tens > 1:
        tail = "tư"
    else:
        tail = _DIGITS[ones]
    return f"{head} {tail}"


def _three(n: int, *, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if not full and hundreds == 0:
        return _two(rest, leading=True)
    out = f"{_DIGITS[hundreds]} trăm"
    if rest:
        out += " " + _two(rest, leading=False)
    return out


def number_words(n: int) -> str:
    """Integer in words: 1990 → ``một nghìn chín trăm chín mươi``, 2005 → ``… linh năm``."""
    if n < 0:
        raise ValueError("negative")
    if n == 0:
        return "không"
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    units = ("", "nghìn", "triệu", "tỷ")
    words = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        top = i == len(groups) - 1
        part = _three(g, full=not top)
        words.append(f"{part} {units[i]}".strip())
    return " ".join(words)


def day_words(d: int, rng: random.Random | None = None) -> str:
    if d <= 10 and (rng is None or rng.random() < 0.7):
        return "mồng " + ("mười" if d == 10 else _DIGITS[d])
    return _two(d, leading=True)


def date_words(d: dt.date, rng: random.Random | None = None) -> str:
    """``Ngày năm tháng ba năm một nghìn chín trăm chín mươi`` (capitalised)."""
    s = f"ngày {day_words(d.day, rng)} tháng {MONTH_WORDS[d.month]} năm {number_words(d.year)}"
    return s[0].upper() + s[1:]


DATE_STYLES = ("slash", "words_long", "dash", "dot")


def format_date(d: dt.date, style: str) -> str:
    """A date as printed: ``05/03/1990``, ``ngày 05 tháng 3 năm 1990``, ``05-03-1990``…"""
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "slash_short":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "words_long":
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    if style == "words_short":
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    raise ValueError(style)


def decimal_comma(x: float, places: int = 1) -> str:
    """720.2 → ``720,2``; 1250.0 → ``1.250,0`` when large values get a thousands dot."""
    s = f"{x:,.{places}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def area_words(x: float) -> str:
    """720.2 → ``Bảy trăm hai mươi phẩy hai mét vuông``."""
    whole = int(x)
    frac = round((x - whole) * 10)
    s = number_words(whole)
    if frac:
        s += f" phẩy {_DIGITS[frac]}"
    s += " mét vuông"
    return s[0].upper() + s[1:]
