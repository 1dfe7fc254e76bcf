"""Drawing primitives for a form page: fonts, text with recorded boxes, dotted leaders, tables,
the national-motto header, a red round seal and a signature scribble.

Every text drawn through :class:`Page` is recorded (box + string) so that the page's text can be
written line by line as ground truth (:meth:`Page.text_lines`); leaders, rules, seal and
signature are form furniture and are not recorded.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/freefont"),
)

# family → (regular, bold, italic, bold italic) file names; all cover Vietnamese.
FONT_FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
                         "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                        "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
                     "DejaVuSerif-BoldItalic.ttf"),
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                    "DejaVuSans-BoldOblique.ttf"),
    "DejaVu Serif Condensed": ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf",
                               "DejaVuSerifCondensed-Italic.ttf",
                               "DejaVuSerifCondensed-BoldItalic.ttf"),
    "DejaVu Sans Condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
                              "DejaVuSansCondensed-Oblique.ttf",
                              "DejaVuSansCondensed-BoldOblique.ttf"),
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
                   "NotoSerif-BoldItalic.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
                  "NotoSans-BoldItalic.ttf"),
    "FreeSerif": ("FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifItalic.ttf",
                  "FreeSerifBoldItalic.ttf"),
    "FreeSans": ("FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf",
                 "FreeSansBoldOblique.ttf"),
    "Liberation Mono": ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf",
                        "LiberationMono-Italic.ttf", "LiberationMono-BoldItalic.ttf"),
}  # fmt: skip
# Weights: Times-like serif dominates Vietnamese administrative documents.
FORM_FONT_WEIGHTS = {
    "Liberation Serif": 30, "FreeSerif": 10, "DejaVu Serif": 8, "Noto Serif": 10,
    "DejaVu Serif Condensed": 4, "Liberation Sans": 12, "Noto Sans": 8, "DejaVu Sans": 6,
    "FreeSans": 6, "DejaVu Sans Condensed": 4,
}  # fmt: skip
STYLES = ("regular", "bold", "italic", "bolditalic")


@cache
def font_path(family: str, style: str = "regular") -> Path:
    name = FONT_FAMILIES[family][STYLES.index(style)]
    for d in FONT_DIRS:
        p = d / name
        if p.exists():
            return p
    raise FileNotFoundError(f"font {name} ({family}) not installed; see sample_scans/README.md")


@cache
def load_font(family: str, style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, style)), px)


def pick_family(rng: random.Random, weights: dict[str, float] | None = None) -> str:
    weights = weights or FORM_FONT_WEIGHTS
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class Font:
    family: str
    style: str
    pt: float
    dpi: int

    @property
    def px(self) -> int:
        return max(6, round(self.pt * self.dpi / 72))

    @property
    def pil(self) -> ImageFont.FreeTypeFont:
        return load_font(self.family, self.style, self.px)

    def width(self, s: str) -> float:
        return self.pil.getlength(s)

    def with_(self, **kw) -> Font:
        d = {"family": self.family, "style": self.style, "pt": self.pt, "dpi": self.dpi}
        d.update(kw)
        return Font(**d)


@dataclass
class TextItem:
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    text: str


@dataclass
class Page:
    """An RGB page being drawn, in pixels at ``dpi``; ``ink`` is the printing colour."""

    width: int
    height: int
    dpi: int
    ink: tuple[int, int, int] = (25, 25, 25)
    items: list[TextItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.img = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)

    def mm(self, v: float) -> int:
        return round(v * self.dpi / 25.4)

    # --- text ---------------------------------------------------------------------------------
    def text(
        self,
        x: float,
        baseline: float,
        s: str,
        font: Font,
        *,
        fill: tuple[int, int, int] | None = None,
        record: bool = True,
        underline: bool = False,
    ) -> float:
        """Draw ``s`` with its left end at ``x`` on ``baseline``; return the right end."""
        if not s:
            return x
        f = font.pil
        self.draw.text((x, baseline), s, font=f, fill=fill or self.ink, anchor="ls")
        w = f.getlength(s)
        if record:
            ascent, descent = f.getmetrics()
            self.items.append(
                TextItem(x, baseline - ascent, x + w, baseline + descent, baseline, s)
            )
        if underline:
            y = baseline + max(2, font.px // 8)
            self.draw.line((x, y, x + w, y), fill=fill or self.ink, width=max(1, font.px // 18))
        return x + w

    def text_center(
        self, cx: float, baseline: float, s: str, font: Font, **kw
    ) -> tuple[float, float]:
        w = font.width(s)
        x0 = cx - w / 2
        return x0, self.text(x0, baseline, s, font, **kw)

    def text_right(self, x1: float, baseline: float, s: str, font: Font, **kw) -> float:
        x0 = x1 - font.width(s)
        self.text(x0, baseline, s, font, **kw)
        return x0

    def leader(
        self, x0: float, x1: float, baseline: float, font: Font, style: str = "dots"
    ) -> None:
        """A dotted (or dashed / ruled) leader line for a form's blank, not recorded as text."""
        if x1 - x0 < font.px * 0.6:
            return
        y = baseline - 1
        if style == "rule":
            self.draw.line((x0, y + 2, x1, y + 2), fill=self.ink, width=max(1, font.px // 24))
            return
        step = font.px * (0.28 if style == "dots" else 0.55)
        r = max(1.0, font.px / 26)
        x = x0 + step / 2
        while x < x1:
            if style == "dots":
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=self.ink)
            else:
                self.draw.line((x, y, x + step * 0.55, y), fill=self.ink, width=max(1, round(r)))
            x += step

    def wrap(self, s: str, font: Font, first_width: float, width: float) -> list[str]:
        """Split ``s`` into lines: the first fits ``first_width``, the rest ``width``."""
        words = s.split()
        lines: list[str] = []
        cur = ""
        limit = first_width
        for w in words:
            cand = f"{cur} {w}" if cur else w
            if font.width(cand) <= limit or not cur:
                cur = cand
            else:
                lines.append(cur)
                cur = w
                limit = width
        if cur or not lines:
            lines.append(cur)
        return lines

    # --- text ground truth --------------------------------------------------------------------
    def text_lines(self) -> list[str]:
        """The recorded text grouped into visual lines (top to bottom, left to right)."""
        items = sorted(self.items, key=lambda i: (i.baseline, i.x0))
        lines: list[list[TextItem]] = []
        for it in items:
            h = it.y1 - it.y0
            if lines:
                last = lines[-1]
                ref = sum(i.baseline for i in last) / len(last)
                if abs(it.baseline - ref) < 0.4 * h:
                    last.append(it)
                    continue
            lines.append([it])
        return [" ".join(i.text for i in sorted(ln, key=lambda i: i.x0)) for ln in lines]

    def remove_items_in(self, box: tuple[float, float, float, float]) -> None:
        """Forget text later covered (nothing covers text fully here; kept for completeness)."""
        x0, y0, x1, y1 = box
        self.items = [
            i for i in self.items if not (i.x0 >= x0 and i.x1 <= x1 and i.y0 >= y0 and i.y1 <= y1)
        ]

    # --- rules and tables ---------------------------------------------------------------------
    def hline(self, x0: float, x1: float, y: float, width: int = 2) -> None:
        self.draw.line((x0, y, x1, y), fill=self.ink, width=width)

    def vline(self, x: float, y0: float, y1: float, width: int = 2) -> None:
        self.draw.line((x, y0, x, y1), fill=self.ink, width=width)

    def table(
        self,
        x: float,
        y: float,
        col_widths: list[float],
        rows: list[list[str]],
        font: Font,
        *,
        header_font: Font | None = None,
        header_rows: int = 1,
        pad: float | None = None,
        line_gap: float = 1.25,
        align: list[str] | None = None,
        rule: int = 2,
        min_row_h: float = 0.0,
    ) -> list[tuple[float, float]]:
        """Draw a bordered table; return each row's (top, bottom)."""
        pad = pad if pad is not None else font.px * 0.3
        xs = [x]
        for w in col_widths:
            xs.append(xs[-1] + w)
        spans = []
        top = y
        for r, row in enumerate(rows):
            f = header_font if (header_font and r < header_rows) else font
            lh = f.px * line_gap
            cells = [
                self.wrap(str(c), f, col_widths[i] - 2 * pad, col_widths[i] - 2 * pad) if c else []
                for i, c in enumerate(row)
            ]
            n = max(1, *(len(c) for c in cells))
            h = max(min_row_h, n * lh + 2 * pad)
            for i, lines in enumerate(cells):
                a = (align[i] if align else "left") if r >= header_rows else "center"
                for k, ln in enumerate(lines):
                    base = top + pad + (k + 0.8) * lh + (h - 2 * pad - n * lh) / 2
                    if a == "center":
                        self.text_center((xs[i] + xs[i + 1]) / 2, base, ln, f)
                    elif a == "right":
                        self.text_right(xs[i + 1] - pad, base, ln, f)
                    else:
                        self.text(xs[i] + pad, base, ln, f)
            spans.append((top, top + h))
            top += h
        for t, _ in spans:
            self.hline(xs[0], xs[-1], t, rule)
        self.hline(xs[0], xs[-1], top, rule)
        for xx in xs:
            self.vline(xx, y, top, rule)
        return spans

    # --- seal and signature -------------------------------------------------------------------
    def seal(
        self,
        cx: float,
        cy: float,
        radius: float,
        ring_text: str,
        family: str,
        rng: random.Random,
        *,
        color: tuple[int, int, int] | None = None,
        strength: float | None = None,
    ) -> dict:
        """Stamp a red round seal (ring text, inner circle, star), multiplied onto the page."""
        color = color or (rng.randint(175, 215), rng.randint(10, 45), rng.randint(25, 60))
        strength = strength if strength is not None else rng.uniform(0.55, 0.9)
        size = int(radius * 2 + 8)
        layer = Image.new("L", (size, size), 0)
        d = ImageDraw.Draw(layer)
        c = size / 2
        w = max(2, int(radius * 0.045))
        d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=w)
        r2 = radius * 0.66
        d.ellipse((c - r2, c - r2, c + r2, c + r2), outline=255, width=max(1, w // 2))
        # five-pointed star
        rs, ri = radius * 0.3, radius * 0.12
        pts = []
        for k in range(10):
            a = -math.pi / 2 + k * math.pi / 5
            rr = rs if k % 2 == 0 else ri
            pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
        d.polygon(pts, fill=255)
        # ring text, clockwise from the left
        fpx = max(8, int(radius * 0.19))
        f = load_font(family, "bold", fpx)
        text = f" {ring_text} * " if "*" not in ring_text else f" {ring_text} "
        total = sum(f.getlength(ch) for ch in text)
        r_text = radius * 0.83
        span = min(2 * math.pi * 0.94, total / r_text)
        a = -math.pi / 2 - span / 2
        for ch in text:
            cw = f.getlength(ch)
            a_mid = a + (cw / 2) / r_text
            glyph = Image.new("L", (fpx * 2, fpx * 2), 0)
            ImageDraw.Draw(glyph).text((fpx, fpx), ch, font=f, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(a_mid + math.pi / 2), resample=Image.BICUBIC)
            gx = c + r_text * math.cos(a_mid) - fpx
            gy = c + r_text * math.sin(a_mid) - fpx
            layer.paste(255, (int(gx), int(gy)), glyph)
            a += cw / r_text
        arr = np.asarray(layer, dtype=np.float32) / 255.0
        # uneven ink: blotchy texture and drop-outs
        nrng = np.random.default_rng(rng.getrandbits(32))
        tex = nrng.random((max(2, size // 24), max(2, size // 24))).astype(np.float32)
        tex = (
            np.asarray(
                Image.fromarray((tex * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC),
                np.float32,
            )
            / 255
        )
        arr = arr * np.clip(0.45 + 0.75 * tex, 0, 1) * strength
        arr *= nrng.random(arr.shape) > 0.04
        angle = rng.uniform(-25, 25)
        arr = (
            np.asarray(
                Image.fromarray((arr * 255).astype(np.uint8)).rotate(angle, resample=Image.BICUBIC),
                np.float32,
            )
            / 255
        )
        self._multiply(arr, color, int(cx - size / 2), int(cy - size / 2))
        return {
            "center": [round(cx), round(cy)],
            "radius": round(radius),
            "angle": round(angle, 1),
            "text": ring_text,
        }

    def _multiply(self, alpha: np.ndarray, color: tuple[int, int, int], x: int, y: int) -> None:
        page = np.asarray(self.img, dtype=np.float32)
        h, w = alpha.shape
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None]
        col = np.array(color, np.float32)[None, None, :] / 255.0
        region = page[y0:y1, x0:x1]
        page[y0:y1, x0:x1] = region * (1 - a + a * col)
        self.img = Image.fromarray(page.clip(0, 255).astype(np.uint8))
        self.draw = ImageDraw.Draw(self.img)

    def signature(self, x: float, y: float, w: float, h: float, rng: random.Random) -> dict:
        """A scribbled signature (smooth random strokes) inside the box (x, y, w, h)."""
        color = rng.choice([(20, 30, 110), (15, 15, 20), (30, 45, 140), (40, 40, 60)])
        width = max(2, int(h * rng.uniform(0.025, 0.05)))
        n_strokes = rng.randint(1, 3)
        for s in range(n_strokes):
            pts = []
            n = rng.randint(6, 12)
            sx = x + w * rng.uniform(0, 0.2) + s * w * 0.15
            for k in range(n):
                px = sx + (w * 0.8) * k / (n - 1) + rng.uniform(-w * 0.06, w * 0.06)
                py = (
                    y
                    + h * (0.5 + 0.42 * math.sin(k * rng.uniform(1.2, 2.6) + s))
                    + rng.uniform(-h * 0.15, h * 0.15)
                )
                pts.append((px, py))
            self.draw.line(_smooth(pts, 8), fill=color, width=width, joint="curve")
        if rng.random() < 0.6:  # underline flourish
            yy = y + h * rng.uniform(0.75, 0.95)
            self.draw.line(
                _smooth(
                    [(x + w * 0.1, yy), (x + w * 0.5, yy + h * 0.08), (x + w * 0.95, yy - h * 0.1)],
                    8,
                ),
                fill=color,
                width=width,
            )
        return {"box": [round(x), round(y), round(w), round(h)]}


def _smooth(pts: list[tuple[float, float]], k: int) -> list[tuple[float, float]]:
    """Catmull-Rom through ``pts`` with ``k`` samples per segment."""
    if len(pts) < 3:
        return pts
    p = [pts[0], *pts, pts[-1]]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        for j in range(k):
            t = j / k
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[d]
                        + (-p0[d] + p2[d]) * t
                        + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2
                        + (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3
                    )
                    for d in (0, 1)
                )
            )
    out.append(pts[-1])
    return out


def fit_widths(
    rows: list[list[str]],
    font: Font,
    header_font: Font,
    weights: list[float],
    total: float,
    pad: float,
    header_rows: int = 1,
) -> list[float]:
    """Column widths summing to ``total``: each at least its widest word, the rest by weight."""
    n = len(weights)
    need = [0.0] * n
    for r, row in enumerate(rows):
        f = header_font if r < header_rows else font
        for i, cell in enumerate(row):
            for w in str(cell).split():
                need[i] = max(need[i], f.width(w) + 2 * pad + 2)
    base = [total * w / sum(weights) for w in weights]
    widths = [max(b, nd) for b, nd in zip(base, need, strict=True)]
    excess = sum(widths) - total
    if excess > 0:
        slack = [w - nd for w, nd in zip(widths, need, strict=True)]
        s = sum(slack)
        if s > 0:
            widths = [w - excess * sl / s for w, sl in zip(widths, slack, strict=True)]
    return widths


A4_MM = (210.0, 297.0)


def a4_pixels(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)
