"""What every form shares: per-page style, a text-flow writer, the header, the signature block,
and the authority that registers a record (old commune before 1 July 2025, new one after)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from sohoa.national_format import NATIONAL_FIELDS

from .. import admin, people, vntext
from ..render import Font, Page, a4_pixels, pick_family

REFORM_DATE = dt.date(2025, 7, 1)
DPIS = (200, 200, 220, 240, 250, 300, 300)
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Rendered:
    """A drawn page with its ground truth."""

    page: Page
    fields: dict
    printed: dict
    layout: dict


def empty_fields(doc_type: str) -> dict:
    return dict.fromkeys(NATIONAL_FIELDS[doc_type])


@dataclass
class Style:
    """Everything that varies in how a page is typeset."""

    dpi: int
    family: str
    value_family: str
    size_pt: float
    line_spacing: float
    margin_left_mm: float
    margin_right_mm: float
    margin_top_mm: float
    leader: str  # "none" | "dots" | "dashes" | "rule"
    value_style: str  # "regular" | "bold" | "italic"
    name_case: str  # "upper" | "title"
    label_gap_em: float
    value_column: float | None  # fraction of the text width where values start, or inline
    ink: tuple[int, int, int]

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "ink"}
        return {"font": self.family} | d | {"ink": list(self.ink)}


def draw_style(
    rng: random.Random,
    *,
    leader_share: float = 0.5,
    title_case_share: float = 0.2,
    typewriter: bool = False,
) -> Style:
    family = pick_family(rng)
    if typewriter:
        value_family = "Liberation Mono"
    elif rng.random() < 0.7:
        value_family = family
    else:
        value_family = pick_family(rng)
    r = rng.random()
    leader = "none" if r > leader_share else rng.choice(("dots", "dots", "dots", "dashes", "rule"))
    return Style(
        dpi=rng.choice(DPIS),
        family=family,
        value_family=value_family,
        size_pt=round(rng.uniform(11.0, 14.0), 1),
        line_spacing=round(rng.uniform(1.45, 2.0), 2),
        margin_left_mm=round(rng.uniform(16, 30), 1),
        margin_right_mm=round(rng.uniform(12, 24), 1),
        margin_top_mm=round(rng.uniform(10, 24), 1),
        leader=leader,
        value_style=rng.choice(("regular", "regular", "regular", "bold", "italic")),
        name_case="title" if rng.random() < title_case_share else "upper",
        label_gap_em=round(rng.uniform(0.25, 1.2), 2),
        value_column=None if rng.random() < 0.65 else round(rng.uniform(0.3, 0.42), 3),
        ink=(rng.randint(10, 45),) * 3,
    )


class Form:
    """A writer that flows labelled lines down a page."""

    def __init__(self, rng: random.Random, style: Style):
        self.rng = rng
        self.s = style
        w, h = a4_pixels(style.dpi)
        self.page = Page(w, h, style.dpi, ink=style.ink)
        self.x0 = self.page.mm(style.margin_left_mm)
        self.x1 = w - self.page.mm(style.margin_right_mm)
        self.font = Font(style.family, "regular", style.size_pt, style.dpi)
        self.bold = self.font.with_(style="bold")
        self.italic = self.font.with_(style="italic")
        self.value_font = Font(style.value_family, style.value_style, style.size_pt, style.dpi)
        self.lh = self.font.px * style.line_spacing
        self.y = self.page.mm(style.margin_top_mm) + self.font.px

    # --- flow ---------------------------------------------------------------------------------
    def newline(self, k: float = 1.0) -> None:
        self.y += self.lh * k

    def name(self, full_name_title: str) -> str:
        """A person's name in this page's case."""
        return people.upper_nfc(full_name_title) if self.s.name_case == "upper" else full_name_title

    def field(
        self,
        label: str,
        value: str | None,
        *,
        x: float | None = None,
        end: float | None = None,
        value_x: float | None = None,
        value_font: Font | None = None,
        label_font: Font | None = None,
        newline: bool = True,
    ) -> float:
        """``label`` then ``value`` (wrapped onto following lines); returns the value's end."""
        x = self.x0 if x is None else x
        end = self.x1 if end is None else end
        lf = label_font or self.font
        vf = value_font or self.value_font
        gap = self.font.px * self.s.label_gap_em
        lx1 = self.page.text(x, self.y, label, lf)
        vx = lx1 + gap
        if value_x is None and self.s.value_column is not None and x == self.x0:
            col = self.x0 + (self.x1 - self.x0) * self.s.value_column
            if col > lx1 + gap * 0.5:
                vx = col
        elif value_x is not None and value_x > lx1 + gap * 0.5:
            vx = value_x
        lines = (
            self.page.wrap(value or "", vf, end - vx, end - x - self.font.px * 1.5) if value else []
        )
        leader = self.s.leader
        if not lines:
            if leader != "none":
                self.page.leader(lx1 + gap * 0.3, end, self.y, self.font, leader)
            if newline:
                self.newline()
            return lx1
        xe = vx
        for i, ln in enumerate(lines):
            lx = vx if i == 0 else x + self.font.px * 1.5
            if leader != "none" and i == 0:
                self.page.leader(lx1 + gap * 0.3, lx - gap * 0.3, self.y, self.font, leader)
            xe = self.page.text(lx, self.y, ln, vf)
            if leader != "none":
                self.page.leader(xe + gap * 0.3, end, self.y, self.font, leader)
            if i < len(lines) - 1:
                self.newline()
        if newline:
            self.newline()
        return xe

    def fields_inline(
        self,
        segments: list[tuple[str, str | None]],
        columns: list[float] | None = None,
        *,
        x: float | None = None,
        end: float | None = None,
    ) -> None:
        """Several ``label: value`` pairs on one line, at column fractions (or evenly spaced)."""
        x = self.x0 if x is None else x
        end = self.x1 if end is None else end
        n = len(segments)
        columns = columns or [i / n for i in range(n)]
        xs = [x + (end - x) * c for c in columns] + [end]
        cur = x
        for i, (label, value) in enumerate(segments):
            sx = max(xs[i], cur + self.font.px * 1.2) if i else x
            seg_end = max(
                xs[i + 1] - self.font.px * 0.8, sx + self.font.width(label) + self.font.px * 3
            )
            if i == n - 1:
                seg_end = end
            cur = self.field(label, value, x=sx, end=seg_end, newline=False, value_x=None)
        self.newline()

    def center(
        self, s: str, font: Font, *, cx: float | None = None, underline: bool = False
    ) -> tuple[float, float]:
        cx = (self.x0 + self.x1) / 2 if cx is None else cx
        return self.page.text_center(cx, self.y, s, font, underline=underline)


# --- registering authority -------------------------------------------------------------------


@dataclass
class Authority:
    """The People's Committee that registered a record, and its truth code."""

    commune_text: str  # "xã Hiệp Thạnh"
    district_text: str | None  # "huyện Đức Trọng" (old scheme only)
    province_text: str  # "tỉnh Lâm Đồng"
    commune_code: str | None  # 2025 code (None when the old commune was split)
    old_province_code: str  # "68" / "67" / "60"; after the reform "68"
    scheme: str  # "old" | "2025"
    place_name: str  # used in "Đức Trọng, ngày …" (district or commune short name)
    old: admin.OldCommune | None = None
    new: admin.NewCommune | None = None
    extra: dict = field(default_factory=dict)

    def full_text(self, rng: random.Random, abbreviated: bool) -> str:
        head = "UBND" if abbreviated else "Ủy ban nhân dân"
        parts = [f"{head} {self.commune_text}"]
        # a clerk may leave the district out, but not where the old province had two communes
        # of that name (phường 2 of Đà Lạt and of Bảo Lộc): the text would name neither
        if self.district_text and (rng.random() < 0.85 or not _unique_in_province(self.old)):
            parts.append(self.district_text)
        parts.append(self.province_text)
        return ", ".join(parts)

    def names_itself(self) -> bool:
        """Whether the commune line alone (``UBND XÃ TÂN HÀ``) tells the commune among all the
        old communes of today's province (Tân Hà of Lâm Hà and of Đức Linh do not)."""
        return self.old is None or _home_commune_names()[self.commune_text] == 1

    def header_lines(self) -> list[str]:
        """The top-left block: ``UBND HUYỆN ĐỨC TRỌNG`` / ``UBND XÃ HIỆP THẠNH``."""
        lines = []
        if self.district_text:
            lines.append(f"UBND {self.district_text.upper()}")
        else:
            lines.append(f"UBND {self.province_text.upper()}")
        lines.append(f"UBND {self.commune_text.upper()}")
        return lines

    def seal_text(self) -> str:
        t = f"ỦY BAN NHÂN DÂN {self.commune_text.upper()}"
        if self.district_text:
            d = self.district_text.split(" ", 1)
            t += f" * {d[0][0].upper()}. {d[1].upper()}"
        return t


@lru_cache(maxsize=1)
def _old_commune_names() -> Counter:
    return Counter(
        (c.old_province_code, c.text(with_district=False, with_province=False))
        for c in admin.lam_dong_old_communes()
    )


def _unique_in_province(c: admin.OldCommune) -> bool:
    key = (c.old_province_code, c.text(with_district=False, with_province=False))
    return _old_commune_names()[key] == 1


@lru_cache(maxsize=1)
def _home_commune_names() -> Counter:
    return Counter(
        c.text(with_district=False, with_province=False) for c in admin.lam_dong_old_communes()
    )


def draw_authority(rng: random.Random, when: dt.date) -> Authority:
    if when >= REFORM_DATE:
        c = admin.pick_new_commune(rng)
        return Authority(
            commune_text=c.text(with_province=False),
            district_text=None,
            province_text="tỉnh Lâm Đồng",
            commune_code=c.code,
            old_province_code="68",
            scheme="2025",
            place_name=c.short,
            new=c,
        )
    c = admin.pick_old_commune(rng)
    return Authority(
        commune_text=c.text(with_district=False, with_province=False),
        district_text=f"{c.district_type.lower()} {c.district_short}",
        province_text=f"tỉnh {c.province_short}",
        commune_code=c.new_code,
        old_province_code=c.old_province_code,
        scheme="old",
        place_name=c.district_short if rng.random() < 0.6 else c.short,
        old=c,
    )


def residence_text(
    rng: random.Random, when: dt.date, *, minority: bool = False, near: Authority | None = None
) -> tuple[str, dict]:
    """A residence address as written at date ``when``: old 3-level before the reform, new after.

    Returns the text and a dict describing the unit (for codes where a record needs them).
    """
    if near is not None and rng.random() < 0.75:
        if near.scheme == "2025" and near.new is not None:
            unit = {"scheme": "2025", "commune_code": near.new.code, "province_code": "68"}
            base = near.new.text()
            urban = near.new.type == "Phường"
        else:
            assert near.old is not None
            base = near.old.text()
            unit = {
                "scheme": "old",
                "commune_code": near.old.new_code,
                "province_code": "68",
                "split": near.old.split,
            }
            urban = near.old.type != "Xã"
    elif when >= REFORM_DATE:
        c = admin.pick_new_commune(rng)
        base = c.text()
        urban = c.type == "Phường"
        unit = {"scheme": "2025", "commune_code": c.code, "province_code": "68"}
    else:
        c = admin.pick_old_commune(rng)
        base = c.text()
        urban = c.type != "Xã"
        unit = {
            "scheme": "old",
            "commune_code": c.new_code,
            "province_code": "68",
            "split": c.split,
        }
    prefix = admin.locality_prefix(rng, minority=minority, urban=urban)
    return f"{prefix}, {base}", unit


# --- header and signature --------------------------------------------------------------------


def draw_header(
    form: Form,
    rng: random.Random,
    authority_lines: list[str] | None,
    number_text: str | None = None,
) -> dict:
    """Motto (right or centred) and, when given, the issuing authority top-left."""
    p = form.page
    motto_pt = form.s.size_pt * rng.uniform(0.95, 1.1)
    mf = form.bold.with_(pt=motto_pt)
    mf2 = form.bold.with_(pt=motto_pt * rng.uniform(0.98, 1.08))
    info: dict = {"authority_block": bool(authority_lines)}
    y0 = form.y
    if authority_lines:
        left_w = (form.x1 - form.x0) * 0.38
        cx_l = form.x0 + left_w / 2
        cx_r = form.x0 + left_w + (form.x1 - form.x0 - left_w) / 2
        af = form.font.with_(pt=motto_pt * 0.95)
        for i, ln in enumerate(authority_lines):
            f = af if i < len(authority_lines) - 1 else af.with_(style="bold")
            p.text_center(cx_l, form.y, ln, f)
            form.y += form.font.px * 1.35
        xa, xb = cx_l - left_w * 0.18, cx_l + left_w * 0.18
        p.hline(xa, xb, form.y - form.font.px * 1.35 + af.px * 0.6, 2)
        form.y += form.font.px * 0.2
        if number_text:
            form.y += form.font.px * 0.5
            p.text_center(cx_l, form.y, number_text, form.font)
        y_end = form.y
        form.y = y0
        # the motto's font must fit the right-hand column
        width_r = form.x1 - (form.x0 + left_w)
        while mf.width(MOTTO_1) > width_r * 0.98 and mf.pt > 7:
            mf = mf.with_(pt=mf.pt - 0.3)
        p.text_center(cx_r, form.y, MOTTO_1, mf)
        form.y += mf.px * 1.35
        a, b = p.text_center(cx_r, form.y, MOTTO_2, mf2)
        p.hline(a, b, form.y + mf2.px * 0.3, 2)
        form.y = max(form.y, y_end) + form.lh * 0.6
    else:
        p.text_center((form.x0 + form.x1) / 2, form.y, MOTTO_1, mf)
        form.y += mf.px * 1.35
        a, b = p.text_center((form.x0 + form.x1) / 2, form.y, MOTTO_2, mf2)
        p.hline(a, b, form.y + mf2.px * 0.3, 2)
        form.y += form.lh * 0.6
    info["motto_pt"] = round(motto_pt, 1)
    return info


def signer_name(rng: random.Random) -> str:
    p = people.make_person(rng, birth_year=rng.randint(1960, 1992), ethnicity="Kinh")
    return p.full_name


def draw_signature_block(
    form: Form,
    rng: random.Random,
    *,
    place_date: str | None,
    titles: list[str],
    note: str | None,
    signer: str,
    seal_text: str,
    seal_over_value: bool = False,
    left_block: list[str] | None = None,
) -> dict:
    """Right-hand signature block: place and date, title(s), note, scribble, seal, signer name."""
    p = form.page
    cx = form.x0 + (form.x1 - form.x0) * rng.uniform(0.68, 0.75)
    y_start = form.y
    if place_date:
        p.text_center(cx, form.y, place_date, form.italic)
        form.y += form.lh * 0.95
    title_y = form.y
    for t in titles:
        p.text_center(cx, form.y, t, form.bold)
        form.y += form.font.px * 1.35
    if note:
        p.text_center(cx, form.y, note, form.italic.with_(pt=form.s.size_pt * 0.88))
        form.y += form.font.px * 1.3
    if left_block:
        ly = title_y
        lcx = form.x0 + (form.x1 - form.x0) * 0.22
        for i, t in enumerate(left_block):
            p.text_center(
                lcx, ly, t, form.bold if i == 0 else form.italic.with_(pt=form.s.size_pt * 0.88)
            )
            ly += form.font.px * 1.35
    sig_h = form.font.px * rng.uniform(2.5, 4.0)
    sig_w = form.font.px * rng.uniform(6, 10)
    sig = p.signature(cx - sig_w / 2, form.y, sig_w, sig_h, rng)
    radius = p.mm(rng.uniform(16, 20))
    if seal_over_value:
        scx = cx - radius * rng.uniform(0.7, 1.3)
        scy = y_start - radius * rng.uniform(0.1, 0.6)
    else:
        scx = cx - radius * rng.uniform(0.3, 1.0)
        scy = form.y + sig_h * 0.5 + rng.uniform(-0.3, 0.3) * radius
    form.y += sig_h + form.font.px * 1.2
    p.text_center(cx, form.y, signer, form.bold)
    form.y += form.lh
    seal = p.seal(scx, scy, radius, seal_text, form.s.family, rng)
    return {"signature": sig, "seal": seal | {"over_value": seal_over_value}}


def number_suffix(rng: random.Random, options: list[tuple[str | None, float]]) -> str | None:
    keys = [o[0] for o in options]
    return rng.choices(keys, weights=[o[1] for o in options])[0]


@dataclass(frozen=True)
class RegistrationNumbers:
    """An entry number (``Số: 45/TLKT-BS``) and book (``Quyển số: 02/2013``) of a civil book."""

    number: str
    suffix: str | None
    book: str
    book_year: int | None

    @property
    def number_printed(self) -> str:
        return self.number + (f"/{self.suffix}" if self.suffix else "")

    @property
    def book_printed(self) -> str:
        return self.book + (f"/{self.book_year}" if self.book_year else "")

    def fields(self) -> dict:
        return {
            "registration_number": self.number,
            "registration_number_suffix": self.suffix,
            "book_number": self.book,
            "book_year": self.book_year,
        }

    def printed(self) -> dict:
        return {"registration_number": self.number_printed, "book_number": self.book_printed}


def registration_numbers(
    rng: random.Random, suffix: str | None, year: int, max_number: int, max_book: int
) -> RegistrationNumbers:
    """Draw an entry number (zero-padded on a fifth of the books) and a book number; books
    restart each year and most print their year after the slash."""
    number = str(rng.randint(1, max_number))
    if rng.random() < 0.2:
        number = number.zfill(rng.choice((2, 3)))
    book = (
        f"{rng.randint(1, max_book):02d}" if rng.random() < 0.85 else str(rng.randint(1, max_book))
    )
    book_has_year = rng.random() < 0.85
    return RegistrationNumbers(number, suffix, book, year if book_has_year else None)


def date_print(rng: random.Random, d: dt.date, styles: tuple[str, ...] = vntext.DATE_STYLES) -> str:
    return vntext.format_date(d, rng.choice(styles))


def place_date_line(place: str, d: dt.date) -> str:
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
