"""Page cleanup before OCR: each step is a plain function image → image with its own parameters.

``clean_page`` is the one orchestrator; it reads top to bottom as the list of steps, each of
which can be switched off, and writes every intermediate image when ``debug_dir`` is given.
The input image is never modified.

What each step measurably does on the generator pages is recorded in ``ocr/README.md``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

Image = np.ndarray
Step = Callable[[Image], Image]


# --------------------------------------------------------------------------- colour and gray


def suppress_colour_ink(image: Image, min_saturation: int = 60) -> Image:
    """Gray page where red/magenta ink (seals, red stamps) turns light and black text stays black.

    Takes the red channel (where red ink is light and black or blue ink stays dark) for pixels
    whose hue is red and saturated, and ordinary luminance elsewhere, so a red seal over black
    text keeps the text. Gray input is returned unchanged.
    """
    if image.ndim == 2:
        return image
    bgr = image[:, :, :3]
    luminance = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    b = bgr[:, :, 0].astype(np.int16)
    g = bgr[:, :, 1].astype(np.int16)
    r = bgr[:, :, 2].astype(np.int16)
    # red-ish: red clearly above both green and blue (covers red, orange-red, magenta seals)
    reddish = (r - np.maximum(g, b)) > min_saturation // 2
    reddish &= ~_red_text_lines(reddish)  # a serial printed in red is data, not a seal
    out = luminance.copy()
    out[reddish] = bgr[:, :, 2][reddish]
    return out


def _red_text_lines(reddish: np.ndarray, max_side: int = 1600) -> np.ndarray:
    """The red pixels that form lines of text (wide, one text line tall) away from any seal.

    Seals are round or square and large; a certificate serial or a red heading is a short,
    wide band. Judged on a downscaled mask with letters joined along the line.
    """
    h, w = reddish.shape
    if not reddish.any():
        return np.zeros_like(reddish)
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(
        reddish.view(np.uint8) * 255, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
    )
    small = (small > 60).astype(np.uint8)
    short = min(small.shape)
    join = max(3, round(short * 0.02))  # wider than the space between words
    joined = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((max(1, join // 3), join), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    seals, lines = [], []
    for i in range(1, count):
        x, y, bw, bh, area = stats[i]
        if bw >= short * 0.05 and bh >= short * 0.05 and 0.5 <= bw / bh <= 2.0:
            seals.append((x, y, x + bw, y + bh))
        elif bw >= 3 * bh and bh <= short * 0.04 and area >= 0.2 * bw * bh:
            lines.append((i, x, y, x + bw, y + bh))
    keep = np.zeros(small.shape, np.uint8)
    for i, x0, y0, x1, y1 in lines:
        near_seal = any(
            x0 < sx1 and sx0 < x1 and y0 < sy1 and sy0 < y1 for sx0, sy0, sx1, sy1 in seals
        )
        if not near_seal:
            keep[labels == i] = 1
    if not keep.any():
        return np.zeros_like(reddish)
    full = cv2.resize(keep, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    return full & reddish


def to_gray(image: Image) -> Image:
    """Plain luminance (no-op on gray input)."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)


# --------------------------------------------------------------------------- geometry


def _ink_mask(gray: Image, max_side: int) -> tuple[Image, float]:
    """Binary ink mask (ink = 255) of a downscaled copy, and the scale used."""
    h, w = gray.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = (
        gray
        if scale == 1.0
        else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask, scale


# levels (× Otsu's) the paper is split from the surface at: Otsu's own, and lower ones that
# keep a shadowed part of the page (a shadow cast across a phone photo halves the paper's
# brightness; Otsu's level then cuts the page along the shadow). Steps of 0.05-0.1: light
# falling off towards one corner of a photocopy left a dent at 0.8 and 0.65 and took in the
# table top at 0.6, and only 0.7 gave the sheet (a dev harsh page, 0 of 18 fields read)
PAGE_LEVELS = (1.0, 0.9, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5)
# gray levels a page side must step down from paper to surface (median along it, see
# ``page_edge_steps``): dev harsh phone photos' page sides measured 45-200, the shadow edges
# Otsu's level cut pages along 0-10
PAGE_EDGE_MIN_STEP = 25.0
# corners of a page found on the photo's edge: a flatbed scan turned inside a border has all four
# there; a phone photo whose page nearly fills it, three
MAX_CORNERS_ON_FRAME = 3


def find_page_quad(
    image: Image,
    max_side: int = 800,
    min_area_frac: float = 0.2,
    max_area_frac: float = 0.95,
    min_contrast: float = 40.0,
    min_solidity: float = 0.975,
    min_margin_frac: float = 0.005,
    min_edge_step: float = PAGE_EDGE_MIN_STEP,
) -> np.ndarray | None:
    """Corners (tl, tr, br, bl; float32, full-size pixels) of a sheet of paper photographed on
    a darker surface, or ``None`` when no confident quadrilateral is found.

    Works on a downscaled copy: the paper is split from the darker surface at Otsu's level and,
    for a page half in shadow, at lower levels (``PAGE_LEVELS``); the region's convex hull is
    simplified until four of its edges are the page's (edges along the photo's frame are where
    the sheet was cut off) and each corner is where two page edges cross — a corner cut off by
    the photo's edge is found outside it. Confident means: the region covers 20-95% of the
    photo, it is clearly brighter than what surrounds it, it is nearly convex, the
    quadrilateral cut by the frame fits it and is 80% in the photo, no corner sits on the frame
    (a flatbed scan whose page fills the image, or a page rotated inside a gray border touching
    it, is left alone) and each of its sides is a sharp step from paper to surface
    (``page_edge_steps``): the soft edge of a shadow across the page is none. The first level
    that gives one gives the page.
    """
    gray = to_gray(image)
    h, w = gray.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    for level in PAGE_LEVELS:
        _, mask = cv2.threshold(small, otsu * level, 255, cv2.THRESH_BINARY)
        if cv2.countNonZero(mask) > max_area_frac * mask.size:
            break  # paper everywhere (a flat scan): lower levels only take in more
        found = _quad_of_mask(
            small, mask, min_area_frac, max_area_frac, min_contrast, min_solidity, min_margin_frac
        )
        if found is None:
            continue
        steps = page_edge_steps(small, found)
        log.debug("page quad at %.2f × Otsu: edge steps %s", level, steps.round(1).tolist())
        if steps.min() >= min_edge_step:
            return _order_corners(found / scale)
    return None


def page_edge_steps(small: Image, quad: np.ndarray, reach: float = 4.0) -> np.ndarray:
    """Per side of ``quad`` (in ``small``'s pixels): the median step in gray level from
    ``reach`` pixels inside the side to ``reach`` pixels outside, along the part of the side
    inside the image (a side the photo cut off entirely counts as sharp). A sheet's own edge
    is a step of tens of gray levels across a few pixels; a shadow's edge spreads the same
    change over a tenth of the page.
    """
    h, w = small.shape[:2]
    centre = quad.mean(axis=0)
    steps = []
    for i in range(4):
        a, b = quad[i].astype(np.float64), quad[(i + 1) % 4].astype(np.float64)
        length = float(np.linalg.norm(b - a))
        normal = np.array([b[1] - a[1], a[0] - b[0]]) / max(length, 1e-9)
        if np.dot(centre - (a + b) / 2, normal) > 0:
            normal = -normal  # pointing out of the page
        t = np.linspace(0.05, 0.95, max(8, int(length / 4)))[:, None]
        points = a + t * (b - a)
        inner, outer = points - reach * normal, points + reach * normal
        ok = np.all((outer >= 0) & (outer <= [w - 1, h - 1]), axis=1)
        ok &= np.all((inner >= 0) & (inner <= [w - 1, h - 1]), axis=1)
        if ok.sum() < 4:
            steps.append(np.inf)
            continue
        steps.append(float(np.median(_gray_at(small, inner[ok]) - _gray_at(small, outer[ok]))))
    return np.array(steps)


def _gray_at(gray: Image, points: np.ndarray) -> np.ndarray:
    """Gray levels at (x, y) points, nearest pixel."""
    return gray[points[:, 1].round().astype(int), points[:, 0].round().astype(int)].astype(float)


def _quad_of_mask(
    small: Image,
    mask: Image,
    min_area_frac: float,
    max_area_frac: float,
    min_contrast: float,
    min_solidity: float,
    min_margin_frac: float,
) -> np.ndarray | None:
    """The confident quadrilateral (``find_page_quad``'s tests) of the largest bright region
    of ``mask``, in ``small``'s pixels; ``None`` when there is none."""
    k = max(5, int(max(small.shape) * 0.02) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)  # text and dust inside the page
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)  # bright specks on the surface
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    region = max(contours, key=cv2.contourArea)
    total = float(small.shape[0] * small.shape[1])
    area = cv2.contourArea(region)
    if not (min_area_frac <= area / total <= max_area_frac):
        return None
    hull = cv2.convexHull(region)
    if area / max(cv2.contourArea(hull), 1.0) < min_solidity:
        return None
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, [hull], -1, 255, thickness=-1)
    inside, outside = small[filled > 0], small[filled == 0]
    if outside.size == 0 or float(inside.mean()) - float(outside.mean()) < min_contrast:
        return None
    sh, sw = small.shape[:2]
    quad = _quad_of_edges(hull, sw, sh)
    if quad is None or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    # the four points must fit the region: the page seen is the quad cut by the photo's edge
    frame = np.float32([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]])
    seen, _ = cv2.intersectConvexConvex(quad, frame)
    if abs(seen - area) / area > 0.04 or seen < 0.8 * cv2.contourArea(quad):
        return None
    # corners are inside the photo, or outside it (cut off, found by their two edges), or
    # two at most on its edge: a flatbed scan's page, or a page turned inside a border, has
    # its four corners on the edge
    margin = min_margin_frac * max(sh, sw)
    reach = 0.25 * max(sh, sw)
    on_edge = 0
    for x, y in quad:
        inside = margin <= x <= sw - 1 - margin and margin <= y <= sh - 1 - margin
        outside = x < -margin or y < -margin or x > sw - 1 + margin or y > sh - 1 + margin
        if x < -reach or y < -reach or x > sw - 1 + reach or y > sh - 1 + reach:
            return None
        on_edge += not (inside or outside)
    if on_edge > MAX_CORNERS_ON_FRAME:
        return None
    return quad


def _on_frame(a: np.ndarray, b: np.ndarray, width: int, height: int, tol: float = 2.0) -> bool:
    """Both ends of a polygon edge on the same side of the photo: the photo's edge, not the
    page's."""
    return bool(
        (a[0] <= tol and b[0] <= tol)
        or (a[1] <= tol and b[1] <= tol)
        or (a[0] >= width - 1 - tol and b[0] >= width - 1 - tol)
        or (a[1] >= height - 1 - tol and b[1] >= height - 1 - tol)
    )


def _crossing(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> np.ndarray | None:
    """Where the lines through p1-p2 and q1-q2 cross (None when parallel)."""
    d1, d2 = p2 - p1, q2 - q1
    denom = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(denom) < 1e-9:
        return None
    t = ((q1[0] - p1[0]) * d2[1] - (q1[1] - p1[1]) * d2[0]) / denom
    return p1 + t * d1


def _quad_of_edges(hull: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """The page's four corners from its outline: the outline simplified until four of its
    edges are the page's own (edges along the photo's frame are where the page was cut off),
    each corner where two neighbouring page edges cross, inside the photo or outside it."""
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        poly = cv2.approxPolyDP(hull, eps * perimeter, True).reshape(-1, 2).astype(np.float64)
        n = len(poly)
        edges = [(poly[i], poly[(i + 1) % n]) for i in range(n)]
        page_edges = [e for e in edges if not _on_frame(*e, width, height)]
        if len(page_edges) == 4:
            break
        if n == 4 and len(page_edges) == 3:
            # the photo cut the page along a whole side: its two corners there are lost, and
            # the part seen (three page sides and the photo's edge) is what can be flattened
            return poly.astype(np.float32)
    else:
        return None
    corners = [_crossing(*page_edges[i - 1], *page_edges[i]) for i in range(4)]
    if any(c is None for c in corners):
        return None
    return np.array(corners, dtype=np.float32)


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def correct_perspective(image: Image) -> Image:
    """Warp a phone photo of a page to a flat rectangle (only with a confident quadrilateral).

    The output keeps the page's own resolution (the longer of each pair of opposite sides);
    anything outside the page (table, hands) is dropped, and a part of the page the photo cut
    off is left blank. Other images are returned unchanged.
    """
    quad = find_page_quad(image)
    if quad is None:
        return image
    tl, tr, br, bl = quad
    width = round(float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = round(float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    if width < 64 or height < 64:
        return image
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    log.info(
        "perspective corrected: page %dx%d from corners %s",
        width,
        height,
        quad.astype(int).tolist(),
    )
    # a corner cut off by the photo's edge leaves a wedge with no picture: blank paper
    blank = (255,) * (image.shape[2] if image.ndim == 3 else 1)
    return cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=blank,
    )  # fmt: skip


def rotate_quarter(image: Image, degrees_clockwise: int) -> Image:
    """Rotate by a multiple of 90° clockwise (lossless)."""
    turns = (degrees_clockwise // 90) % 4
    if turns == 0:
        return image
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[turns])


def detect_orientation(image: Image, max_side: int = 1600):
    """Tesseract's OSD answer (clockwise turn that makes the page upright) on a small copy."""
    from ocr import tesseract  # the only module that runs Tesseract

    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = (
        image
        if scale == 1.0
        else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    return tesseract.detect_orientation(small, dpi=max(70, int(300 * scale)))


def fix_orientation(image: Image, min_confidence: float = 2.0, max_side: int = 1600) -> Image:
    """Turn a page upright (0/90/180/270) using Tesseract's OSD on a downscaled copy.

    Unknown orientation (too little text) or low confidence leaves the page as it is.
    """
    found = detect_orientation(image, max_side)
    if found.rotate is None or found.rotate == 0 or found.confidence < min_confidence:
        return image
    log.info("page rotated by %d° (OSD confidence %.1f)", found.rotate, found.confidence)
    return rotate_quarter(image, found.rotate)


def estimate_skew(gray: Image, max_angle: float = 10.0, max_side: int = 1400) -> float:
    """Skew angle in degrees (positive = text rises to the right) by projection profile.

    Projects the ink pixels onto the vertical axis for candidate angles (coarse, then fine) and
    keeps the angle whose row profile is sharpest (largest sum of squared differences).
    """
    mask, _ = _ink_mask(gray, max_side)
    # a long level or upright line (a photographed sheet's edge, a rule) is one spike in the
    # profile at 0° that outweighs every text line at the page's real angle
    mask[_long_runs(mask, 0.08, 0.08) > 0] = 0
    ys, xs = np.nonzero(mask)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 300_000:  # subsample for speed; the profile keeps its shape
        pick = np.random.default_rng(0).choice(len(xs), 300_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float32) - mask.shape[1] / 2
    ys = ys.astype(np.float32)
    height = mask.shape[0]

    def sharpness(angle: float) -> float:
        t = np.deg2rad(angle)
        proj = ys * np.cos(t) + xs * np.sin(t)
        bins = np.clip(proj.astype(np.int32) + height // 2, 0, 2 * height)
        hist = np.bincount(bins, minlength=2 * height + 1).astype(np.float64)
        return float(np.sum(np.diff(hist) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = max(fine, key=sharpness)
    return float(best)


def deskew(image: Image, max_angle: float = 10.0, min_angle: float = 0.1) -> Image:
    """Rotate the page so text lines are horizontal (residual well under 0.3°)."""
    gray = to_gray(image)
    angle = estimate_skew(gray, max_angle=max_angle)
    if abs(angle) < min_angle:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    border = 255 if image.ndim == 2 else (255, 255, 255)
    log.debug("deskew by %.2f°", angle)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )


# --------------------------------------------------------------------------- tone


def flatten_illumination(
    gray: Image, kernel_frac: float = 1 / 40, work_scale: float = 0.25
) -> Image:
    """Divide by an estimate of the paper's brightness (shadows, yellowed or uneven scans).

    The background is a large morphological closing (text removed) on a downscaled copy,
    smoothed and scaled back; the page is divided by it so paper becomes white.
    """
    gray = to_gray(gray)
    h, w = gray.shape
    small = cv2.resize(gray, None, fx=work_scale, fy=work_scale, interpolation=cv2.INTER_AREA)
    k = max(3, int(max(h, w) * work_scale * kernel_frac) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.blur(background, (k, k))
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, background, scale=255)
    return out


def stretch_contrast(gray: Image, low_pct: float = 0.5, high_pct: float = 99.5) -> Image:
    """Stretch gray levels so faint ink gets darker (cheap, percentile based)."""
    gray = to_gray(gray)
    lo, hi = np.percentile(gray[::4, ::4], (low_pct, high_pct))
    if hi - lo < 10:
        return gray
    lut = np.clip((np.arange(256) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)


def blur_level(gray: Image) -> float:
    """Gray between ink and paper around the letters, per pixel of ink: a sharp print has a
    thin rim, a blurred one a wide ring of mid-gray (dev harsh pages: unblurred 0.1-1.1, mostly
    under 0.9; Gaussian or motion blur 0.4-2.4, half above 1.0)."""
    gray = to_gray(gray)
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink_below, paper_from = math.ceil(0.6 * level), math.ceil(0.95 * level)  # gray levels
    # OpenCV calls, not NumPy masks: this runs on every page (about 3 × faster)
    _, ink = cv2.threshold(gray, ink_below - 1, 1, cv2.THRESH_BINARY_INV)
    inked = cv2.countNonZero(ink)
    if not inked:
        return 0.0
    near = cv2.dilate(ink, np.ones((7, 7), np.uint8))
    rim = cv2.bitwise_and(near, cv2.inRange(gray, ink_below, paper_from - 1))
    return cv2.countNonZero(rim) / inked


def sharpen_blurred(
    gray: Image, min_blur: float = 1.0, sigma: float = 2.0, amount: float = 1.0
) -> Image:
    """An unsharp mask, only on a page whose letters are blurred (``blur_level``): on sharp
    pages it costs more than it gives (README)."""
    gray = to_gray(gray)
    if blur_level(gray) < min_blur:
        return gray
    soft = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, soft, -amount, 0)


@dataclass(frozen=True)
class MotionBlur:
    """A shake of the camera along one line: its direction (degrees, 0 = along the image's
    rows, 90 = down its columns) and its length in pixels."""

    angle: float
    length: int
    anisotropy: float  # gradient energy along the shake / across it (1: no direction)


def _gradients(gray: Image, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    y0, y1, x0, x1 = box
    part = gray[y0:y1, x0:x1].astype(np.float32)
    return cv2.Sobel(part, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(part, cv2.CV_32F, 0, 1, ksize=3)


def motion_blur(
    gray: Image, max_anisotropy: float = 0.43, lengths: tuple[int, int] = (3, 16)
) -> MotionBlur | None:
    """The camera shake that blurred a page, or None for a page not smeared along one line.

    Print has edges in every direction (stems, bowls, serifs); a shake smears them along
    one, so the gradient energy along it falls far under the energy across it. Dev harsh
    pages (seeds 77, 4242, 555; 210): motion-blurred 0.19-0.42 on 18 of 27 (the other nine,
    mostly shakes of 5-6 px that read well as they are, 0.44-0.82), every other page —
    Gaussian blur, low resolution and speckle included — 0.45-0.98. The direction is the
    one of least energy: the print's own stems and rules pull it by up to 20° on a page of
    few lines. The length is the lag at which the derivative along the shake is most unlike
    itself: a blur along a line of length L makes that derivative the difference of two
    copies of the page L apart."""
    gray = to_gray(gray)
    h, w = gray.shape
    if min(h, w) < 8 * lengths[1]:  # too small to tell a shake from the letters' own shapes
        return None
    gx, gy = _gradients(gray, (h // 6, 5 * h // 6, w // 8, 7 * w // 8))
    sxx, syy, sxy = float(np.mean(gx * gx)), float(np.mean(gy * gy)), float(np.mean(gx * gy))
    spread = math.hypot((sxx - syy) / 2, sxy)
    most, least = (sxx + syy) / 2 + spread, (sxx + syy) / 2 - spread
    if most <= 0 or least / most >= max_anisotropy:
        return None
    angle = (math.degrees(0.5 * math.atan2(2 * sxy, sxx - syy)) + 90.0) % 180.0
    # the lag search on a central square: autocorrelations of the two derivatives by FFT
    half = min(h, w, 1400) // 2
    gx, gy = _gradients(gray, (h // 2 - half, h // 2 + half, w // 2 - half, w // 2 + half))
    t = math.radians(angle)
    along = math.cos(t) * (gx - gx.mean()) + math.sin(t) * (gy - gy.mean())
    spectrum = np.fft.rfft2(along)
    auto = np.fft.fftshift(np.fft.irfft2(spectrum * np.conj(spectrum), s=along.shape))
    auto = auto.astype(np.float32)
    cy, cx = auto.shape[0] // 2, auto.shape[1] // 2
    lags = range(lengths[0], lengths[1] + 1)
    values = [
        cv2.getRectSubPix(auto, (1, 1), (cx + lag * math.cos(t), cy + lag * math.sin(t)))[0, 0]
        for lag in lags
    ]
    # a shake makes the derivative along it strongly unlike itself L px on (dev harsh: -0.16
    # to -0.45 of its energy); rules alone (a blank ledger) give no derivative along them
    energy = float(auto[cy, cx])
    if energy <= 0 or min(values) > -0.1 * energy:
        return None
    length = lags[int(np.argmin(values))]
    return MotionBlur(round(angle, 1), length, round(least / most, 3))


def _line_kernel(blur: MotionBlur) -> np.ndarray:
    size = 2 * blur.length + 3
    kernel = np.zeros((size, size), np.float32)
    centre, reach, t = size / 2 - 0.5, (blur.length - 1) / 2, math.radians(blur.angle)
    scale = 16  # cv2.line's sub-pixel points are fixed-point, 4 fractional bits
    ends = [
        (
            round((centre + s * reach * math.cos(t)) * scale),
            round((centre + s * reach * math.sin(t)) * scale),
        )
        for s in (-1, 1)
    ]
    cv2.line(kernel, ends[0], ends[1], 1.0, 1, cv2.LINE_AA, shift=4)
    return kernel / kernel.sum()


def deblur_motion(gray: Image, balance: float = 0.04) -> Image:
    """Undo a camera shake (``motion_blur``) with a Wiener filter; other pages unchanged.

    ``balance`` is the noise-to-signal ratio the filter assumes. The 27 motion-blurred dev
    harsh pages read 46.2 % of their fields without the step and 62.0 / 61.7 / 63.7 / 58.4 %
    at 0.01 / 0.02 / 0.04 / 0.08 (README)."""
    gray = to_gray(gray)
    blur = motion_blur(gray)
    if blur is None:
        return gray
    log.debug(
        "motion blur %.1f° × %d px (anisotropy %.2f)", blur.angle, blur.length, blur.anisotropy
    )
    kernel = _line_kernel(blur)
    pad = 2 * kernel.shape[0]  # reflected margins keep the filter's wrap-around off the page
    page = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_REFLECT).astype(np.float32)
    psf = np.zeros_like(page)
    psf[: kernel.shape[0], : kernel.shape[1]] = kernel
    psf = np.roll(psf, (-(kernel.shape[0] // 2), -(kernel.shape[1] // 2)), axis=(0, 1))
    blurred, shake = np.fft.rfft2(page / 255.0), np.fft.rfft2(psf)
    sharp = np.fft.irfft2(blurred * np.conj(shake) / (np.abs(shake) ** 2 + balance), s=page.shape)
    sharp = sharp[pad:-pad, pad:-pad]
    return np.clip(sharp * 255.0, 0, 255).astype(np.uint8)


def binarise(gray: Image, block_size: int = 41, c: int = 15) -> Image:
    """Adaptive (local mean) threshold: ink black, paper white."""
    gray = to_gray(gray)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block_size | 1, c
    )


# --------------------------------------------------------------------------- form furniture


def remove_specks(gray: Image, ink_threshold: int = 150, reach: float = 2.0) -> Image:
    """Erase isolated specks (photocopy dust, salt noise) far from any letter.

    A speck is a blob no bigger than a dot whose surroundings (``reach`` × text height) hold no
    letter-sized blob; a diacritic sits right above or below its letter and is kept.
    """
    gray = to_gray(gray)
    ink = (gray < ink_threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return gray
    hs = stats[:, cv2.CC_STAT_HEIGHT]
    ws = stats[:, cv2.CC_STAT_WIDTH]
    letters = hs[1:][(hs[1:] >= 8) & (hs[1:] <= 200)]
    text_h = float(np.median(letters)) if len(letters) else 30.0
    max_speck = max(2.0, 0.3 * text_h)
    small = (hs <= max_speck) & (ws <= max_speck)
    small[0] = False
    big_mask = (~small[labels] & (labels > 0)).astype(np.uint8)
    k = max(3, int(reach * text_h) | 1)
    # a square neighbourhood: as good as a disc here and 30× faster (separable)
    near_big = cv2.dilate(big_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    lonely = (small[labels] & (near_big == 0)).astype(np.uint8)
    # the speck's blurred rim is lighter than the ink threshold: left alone, it reads as a ring
    # ("o") and slows Tesseract down; the rim is erased too, still far from any letter
    rim = max(3, int(max_speck) | 1)
    lonely = cv2.dilate(lonely, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (rim, rim)))
    out = gray.copy()
    out[(lonely > 0) & (near_big == 0)] = 255
    return out


@dataclass(frozen=True)
class _Marks:
    """Connected ink blobs of a page, split into dot-sized marks and the rest."""

    gray: np.ndarray
    labels: np.ndarray
    stats: np.ndarray
    text_h: float
    small: np.ndarray  # per label: a dot-sized mark (speck, diacritic, punctuation)
    anchor: np.ndarray  # per label: a letter or other text-sized mark a dot can belong to


def _marks(
    gray: Image,
    ink_threshold: int,
    max_dot_frac: float,
    min_anchor_frac: float = 0.0,
    max_mark_frac: float = 0.0,
) -> _Marks | None:
    """Blobs of the page: dot-sized marks (up to ``max_dot_frac`` × text height), and anchors
    (letters: at least ``min_anchor_frac`` × text height tall). With ``max_mark_frac``, marks up
    to that size that are no anchor (two or three specks run together) are judged like dots."""
    ink = (gray < ink_threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return None
    hs, ws = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    letters = hs[1:][(hs[1:] >= 8) & (hs[1:] <= 200)]
    text_h = float(np.median(letters)) if len(letters) else 30.0
    max_dot = max(2.0, max_dot_frac * text_h)
    small = (hs <= max_dot) & (ws <= max_dot)
    # rules and borders are no letters: a band along a ruled line would shelter every speck
    anchor = ~small & (hs >= min_anchor_frac * text_h) & (hs <= 4 * text_h) & (ws <= 6 * text_h)
    if max_mark_frac > 0:
        areas = stats[:, cv2.CC_STAT_AREA]
        dash = (ws >= 2 * hs) & (areas >= 0.75 * ws * hs)  # a hyphen is solid, specks are round
        small |= (
            ~anchor & ~dash & (hs <= max_mark_frac * text_h) & (ws <= 2 * max_mark_frac * text_h)
        )
    small[0] = anchor[0] = False
    return _Marks(gray, labels, stats, text_h, small, anchor)


@dataclass(frozen=True)
class DotPlaces:
    """Where print puts a dot-sized mark, in text heights (see ``_stray_dots``)."""

    above: float = 0.45  # over a letter (a tone mark over a hat is within reach of the letter)
    below: float = 0.3  # dấu nặng
    after: float = 0.4  # full stop, comma, colon, apostrophe right of a letter
    side: float = 0.15  # a mark over a letter may lean past its columns
    # a letter is at least this tall: a run of specks, a hyphen or a hat is none and shelters
    # no dot (0: any blob bigger than a dot)
    min_anchor: float = 0.5
    # blobs up to this height (twice as wide) that are no letter and no solid dash (specks run
    # together) are judged like dots (0: dots only)
    max_mark: float = 0.8
    rules: bool = True  # pieces of a ruled line (a table's, an underline) are kept
    rule_ink: int = 200  # rules are looked for in this lighter mask
    # a dot that joins a letter in this lighter mask is a piece of it (a blurred stroke);
    # 0: not looked for. Dev harsh (seeds 77, 4242): 0 → 66.3 / 65.8 %, 200 (toner specks
    # join letters through JPEG halos) → 64.2 / 67.7 %, 175 → 67.4 / 67.0 %
    letter_ink: int = 175


def speckle_density(
    gray: Image,
    ink_threshold: int = 150,
    max_dot_frac: float = 0.3,
    places: DotPlaces = DotPlaces(),
) -> float:
    """Dot-sized marks per text-height square that sit in no place a printed mark can sit.

    Counted like ``remove_stray_dots`` judges them, over the page's area in text-height units:
    a clean print (once its dotted leaders are gone) has almost none, a photocopy with toner
    speckle several hundredths.
    """
    gray = to_gray(gray)
    marks = _marks(gray, ink_threshold, max_dot_frac, places.min_anchor, places.max_mark)
    if marks is None:
        return 0.0
    stray = _spare_rules(marks, _stray_dots(marks, places), places)
    stray = _spare_letter_parts(marks, stray, places)
    area = gray.shape[0] * gray.shape[1] / (marks.text_h**2)
    return float(np.count_nonzero(stray)) / max(area, 1.0)


def ruled_lines(
    gray: Image,
    ink_threshold: int = 200,
    min_length_frac: float = 0.08,
    min_height_frac: float = 0.05,
    grow: int = 5,
) -> Image:
    """Mask (255) of long horizontal and vertical lines in an ink mask, grown to ``grow``
    pixels across. With the light default threshold a faint rule that breaks up at the usual
    ink threshold is whole. (Closing gaps along the lines first was measured: 9 px made
    speckled text lines into "rules".)"""
    ink = (to_gray(gray) < ink_threshold).astype(np.uint8) * 255
    lines = _long_runs(ink, min_length_frac, min_height_frac)
    return cv2.dilate(lines, np.ones((grow, grow), np.uint8))


def _long_runs(ink: Image, min_length_frac: float, min_height_frac: float) -> Image:
    """The pixels of an ink mask that lie on a horizontal run at least ``min_length_frac`` of
    its width long or a vertical one ``min_height_frac`` of its height long (at least 20 px)."""
    h, w = ink.shape[:2]
    lines = np.zeros_like(ink)
    for size in ((max(20, int(w * min_length_frac)), 1), (1, max(20, int(h * min_height_frac)))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    return lines


def _smear(
    mask: np.ndarray, up: int = 0, down: int = 0, left: int = 0, right: int = 0, half: int = 0
) -> np.ndarray:
    """Pixels that have a ``mask`` pixel within ``up`` rows below them (the zone above the
    mask), ``down`` rows above them, ``right`` columns to their left or ``left`` to their
    right; ``half`` widens a vertical smear sideways."""
    kh, kw = up + down + 1, left + right + 2 * half + 1
    # cv2 reads src(p + k - anchor) over the kernel: the anchor sets the smear's direction
    return cv2.dilate(mask, np.ones((kh, kw), np.uint8), anchor=(right + half, down)) > 0


def _stray_dots(marks: _Marks, places: DotPlaces) -> np.ndarray:
    """Per label: a dot-sized mark outside every place where print puts one.

    A diacritic or an i's dot sits directly above (stacked marks: up to ``above`` × text
    height) or below (dấu nặng, ``below``) a letter within its columns (± ``side``); a full
    stop, comma, colon or apostrophe sits just right of a letter (``after``) within the rows
    the letter covers. Anything else — between lines, between words, inside empty cells — is
    a speck. The zones over and under a letter are its own pixels smeared up or down, so its
    shape (not its box) decides.
    """
    labels, text_h, stats = marks.labels, marks.text_h, marks.stats
    anchor_mask = marks.anchor[labels].astype(np.uint8)

    def px(frac: float) -> int:
        return max(2, round(frac * text_h))

    half = max(1, round(places.side * text_h))
    over = _smear(anchor_mask, up=px(places.above), half=half)
    over |= _smear(anchor_mask, down=px(places.below), half=half)
    # punctuation goes by the letter's box, not its pixels: the comma of "Ngày," sits right of
    # the "y", whose own pixels at the baseline are its tail, far to the left
    right_half = np.zeros_like(anchor_mask)
    for x, y, w, h in stats[marks.anchor, :4]:
        right_half[y : y + h, x + w // 2 : x + w] = 1
    after = _smear(right_half, right=px(places.after))
    return _outside(marks, marks.small, over | after)


def _outside(marks: _Marks, which: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """Per label: one of ``which`` with no pixel in ``zone``."""
    labels, stats = marks.labels, marks.stats
    out = np.zeros(len(which), bool)
    # per mark, within its own box: much cheaper than label lookups over the whole page
    for i in np.nonzero(which)[0]:
        x, y, w, h = stats[i, :4]
        box = labels[y : y + h, x : x + w] == i
        out[i] = not zone[y : y + h, x : x + w][box].any()
    return out


def _spare_letter_parts(marks: _Marks, stray: np.ndarray, places: DotPlaces) -> np.ndarray:
    """Stray dots without the pieces of letters: a blurred letter's strokes are lighter than
    the ink threshold in places and fall apart into dots there, but at a lighter level they
    still join the letter (a toner speck stands apart at any level)."""
    if not places.letter_ink or not stray.any():
        return stray
    light = (marks.gray < places.letter_ink).astype(np.uint8)
    count, joined = cv2.connectedComponents(light, connectivity=8)
    lettered = np.zeros(count, bool)
    lettered[np.unique(joined[marks.anchor[marks.labels]])] = True
    lettered[0] = False
    # a mark lies wholly inside one lighter blob: any of its pixels tells which
    on_letter = np.zeros(len(stray), bool)
    pixels = stray[marks.labels]
    on_letter[marks.labels[pixels]] = lettered[joined[pixels]]
    return stray & ~on_letter


def _spare_rules(marks: _Marks, stray: np.ndarray, places: DotPlaces) -> np.ndarray:
    """Stray dots without the pieces of ruled lines: a thin or faint rule falls apart into
    dots at the ink threshold (a table whose rules were erased to dashes reads in part)."""
    if not places.rules or not stray.any():
        return stray
    return _outside(marks, stray, ruled_lines(marks.gray, places.rule_ink) > 0)


def remove_stray_dots(
    gray: Image,
    ink_threshold: int = 150,
    max_dot_frac: float = 0.3,
    min_density: float = 0.0,
    places: DotPlaces = DotPlaces(),
) -> Image:
    """Erase dot-sized marks that sit where no printed mark sits (photocopy toner speckle).

    ``remove_specks`` spares any speck near a letter, and on a photocopy nearly every speck is
    near one; here a dot is kept only in a diacritic's or a punctuation mark's place (see
    ``_stray_dots``). Pages with fewer than ``min_density`` stray dots per text-height square
    are returned unchanged. The speck's blurred rim goes with it, never a letter's pixels.
    """
    gray = to_gray(gray)
    marks = _marks(gray, ink_threshold, max_dot_frac, places.min_anchor, places.max_mark)
    if marks is None:
        return gray
    stray = _stray_dots(marks, places)
    area = max(1.0, gray.shape[0] * gray.shape[1] / (marks.text_h**2))
    # sparing rule pieces only lowers the count: a page under the gate without it stays under
    if np.count_nonzero(stray) / area < min_density:
        return gray
    stray = _spare_letter_parts(marks, _spare_rules(marks, stray, places), places)
    density = float(np.count_nonzero(stray)) / area
    if density < min_density:
        return gray
    log.debug("stray dots: %d (%.3f per text square)", int(np.count_nonzero(stray)), density)
    # each speck and its blurred rim (lighter than the ink threshold) become paper; pixels of
    # any other blob in the speck's surroundings stay
    rim = max(1, int(max(2.0, max_dot_frac * marks.text_h) * 0.25))
    out = gray.copy()
    labels, (height, width) = marks.labels, gray.shape
    for i in np.nonzero(stray)[0]:
        x, y, w, h = marks.stats[i, :4]
        y0, x0 = max(0, y - rim), max(0, x - rim)
        y1, x1 = min(height, y + h + rim), min(width, x + w + rim)
        near = labels[y0:y1, x0:x1]
        out[y0:y1, x0:x1][(near == 0) | (near == i)] = 255
    return out


def remove_leader_dots(gray: Image, min_run: int = 4, ink_threshold: int = 160) -> Image:
    """Erase dotted and dashed leader lines (``.......``, ``- - - -``, ``_ _ _``) between labels
    and values.

    A leader is a run of at least ``min_run`` small blobs on one baseline, evenly spaced: dots
    (roughly square, under a third of the text height) or dashes (thin and wide: at most a
    quarter of the text height tall, under one text height wide). Isolated marks (the dot of a
    dấu nặng, a full stop, the hyphen in "Độc lập - Tự do") are left alone. Erased pixels become
    paper white.
    """
    gray = to_gray(gray)
    ink = (gray < ink_threshold).astype(np.uint8)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return gray
    ws, hs, areas = (
        stats[:, cv2.CC_STAT_WIDTH],
        stats[:, cv2.CC_STAT_HEIGHT],
        stats[:, cv2.CC_STAT_AREA],
    )
    # mark sizes follow the page's own text height (median blob height of letters)
    letters = hs[(hs >= 8) & (hs <= 200)]
    text_h = float(np.median(letters)) if len(letters) else 30.0
    max_dot = max(3.0, 0.35 * text_h)
    dots = (ws <= max_dot) & (hs <= max_dot) & (np.maximum(ws, hs) <= 2.5 * np.minimum(ws, hs))
    dashes = (hs <= max(2.0, 0.25 * text_h)) & (ws >= 2 * hs) & (ws <= 1.0 * text_h)
    small = (dots | dashes) & (ws >= 1) & (hs >= 1) & (areas >= 2)
    small[0] = False
    idx = np.nonzero(small)[0]
    if len(idx) < min_run:
        return gray
    # a mark right above or below a letter is a diacritic or an i's dot ("Giới tính" has four
    # in a row), never a leader: leaders sit on the baseline beside the words
    letter_mask = (labels > 0) & (hs[labels] >= 0.4 * text_h) & (hs[labels] <= 4 * text_h)
    reach_y = max(3, int(0.6 * text_h))
    near_letter = cv2.dilate(
        letter_mask.astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * reach_y + 1)),
    )
    cxi = np.clip(centroids[idx, 0].astype(int), 0, gray.shape[1] - 1)
    cyi = np.clip(centroids[idx, 1].astype(int), 0, gray.shape[0] - 1)
    idx = idx[near_letter[cyi, cxi] == 0]
    if len(idx) < min_run:
        return gray
    cy = centroids[idx, 1]
    cx = centroids[idx, 0]
    # group marks into rows by centre y, then into evenly spaced runs along x
    order = np.lexsort((cx, np.round(cy / max(2.0, max_dot / 2))))
    out = gray.copy()
    run: list[int] = []

    def flush(run: list[int]) -> None:
        if len(run) >= min_run:
            for j in run:
                x, y, w, h = stats[j, :4]
                out[max(0, y - 1) : y + h + 1, max(0, x - 1) : x + w + 1] = 255

    prev = None
    for k in order:
        j = idx[k]
        if prev is not None:
            pj = idx[prev]
            gap = centroids[j, 0] - centroids[pj, 0]
            same_row = abs(centroids[j, 1] - centroids[pj, 1]) <= max(2.0, 0.3 * max_dot)
            reach = 4.0 * max_dot + 0.5 * (ws[j] + ws[pj])  # centre to centre, dash widths too
            if same_row and 0 < gap <= reach:
                run.append(j)
                prev = k
                continue
            flush(run)
        run = [j]
        prev = k
    flush(run)
    return out


def remove_rules(gray: Image, min_length_frac: float = 0.08, ink_threshold: int = 160) -> Image:
    """Erase long horizontal and vertical ruled lines (table borders, underlines)."""
    gray = to_gray(gray)
    lines = ruled_lines(gray, ink_threshold, min_length_frac, min_length_frac / 2, grow=3)
    out = gray.copy()
    out[lines > 0] = 255
    return out


def slanted_strokes(
    gray: Image, min_length_frac: float = 0.25, ink_threshold: int = 160, max_side: int = 1000
) -> list[tuple[int, int, int, int]]:
    """Long straight slanted lines (10-80° from the rows): a stroke drawn across a cancelled
    entry (a struck-out household member). Text never lines up that far at a slant.
    Returns segments (x0, y0, x1, y1) in the image's pixels."""
    scale = min(1.0, max_side / max(gray.shape[:2]))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < ink_threshold).astype(np.uint8) * 255
    min_length = int(min_length_frac * small.shape[1])
    segments = cv2.HoughLinesP(ink, 1, np.pi / 360, threshold=min_length // 2,
                               minLineLength=min_length, maxLineGap=8)  # fmt: skip
    found = []
    for x0, y0, x1, y1 in [] if segments is None else segments[:, 0]:
        angle = abs(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
        if 10 <= min(angle, 180 - angle) <= 80:
            found.append(tuple(np.rint(np.array([x0, y0, x1, y1]) / scale).astype(int).tolist()))
    return found


def _fit_stroke(ink: np.ndarray, segments: list[tuple[int, int, int, int]], reach: int = 6):
    """One straight line through the ink along a group of Hough segments of one stroke (Hough
    gives several, a pixel or two apart): (x0, y0, x1, y1)."""
    near = np.zeros(ink.shape, np.uint8)
    for seg in segments:
        cv2.line(near, seg[:2], seg[2:], 255, thickness=2 * reach + 1)
    ys, xs = np.nonzero((near > 0) & ink)
    vx, vy, cx, cy = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32),
                                 cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()  # fmt: skip
    t = (xs - cx) * vx + (ys - cy) * vy
    ends = [cx + t.min() * vx, cy + t.min() * vy, cx + t.max() * vx, cy + t.max() * vy]
    return tuple(np.rint(ends).astype(int).tolist())


def _strokes(segments: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Hough segments grouped by stroke: those that touch when drawn a few pixels wide."""
    if not segments:
        return []
    width = max(max(s[0], s[2]) for s in segments) + 10
    height = max(max(s[1], s[3]) for s in segments) + 10
    drawn = np.zeros((height, width), np.uint8)
    for seg in segments:
        cv2.line(drawn, seg[:2], seg[2:], 255, thickness=9)
    _n, labels = cv2.connectedComponents(drawn)
    groups: dict[int, list] = {}
    for seg in segments:
        groups.setdefault(int(labels[seg[1], seg[0]]), []).append(seg)
    return list(groups.values())


def _stroke_width(ink: np.ndarray, segment: tuple[int, int, int, int]) -> int:
    """Median run of ink across a line, sampled at points along it (the pen's width)."""
    x0, y0, x1, y1 = segment
    length = float(np.hypot(x1 - x0, y1 - y0))
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # unit normal
    widths = []
    for t in np.linspace(0.05, 0.95, 25):
        cx, cy = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        d = np.arange(-12, 13)
        px, py = np.rint(cx + d * nx).astype(int), np.rint(cy + d * ny).astype(int)
        inside = (py >= 0) & (py < ink.shape[0]) & (px >= 0) & (px < ink.shape[1])
        widths.append(int(ink[py[inside], px[inside]].sum()))
    return int(np.median(widths))


def level_strikes(
    gray: Image, ink_threshold: int = 160, min_length_frac: float = 0.08, min_crossed: float = 0.06
) -> list[tuple[int, int, int, int]]:
    """Long level lines drawn through the middle of a text line (a cancelled row of a table):
    boxes (x, y, w, h). A table's rule or an underline has text on one side of it at most, so
    it is told apart by the letters crossing the line — ink just above and just below it in at
    least ``min_crossed`` of its columns (rules: 0-4 % on the dev pages, where vertical rules
    cross them; a stroke through a row of text 8-12 %)."""
    ink = (gray < ink_threshold).astype(np.uint8)
    length = max(20, int(min_length_frac * gray.shape[1]))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(runs)
    found = []
    for x, y, w, h, _area in stats[1:n]:
        if not 2 <= h <= 12 or w < length:  # a pen's width; a 1-px run is a slanted line's piece
            continue
        above = ink[max(0, y - 2) : y, x : x + w].any(axis=0)
        below = ink[y + h : y + h + 2, x : x + w].any(axis=0)
        if (above & below).mean() >= min_crossed:
            found.append((int(x), int(y), int(w), int(h)))
    return found


def erase_slanted_strokes(gray: Image, ink_threshold: int = 160) -> Image:
    """Paint over strokes across cancelled entries — long slanted strokes (``slanted_strokes``)
    and level lines through a row of text (``level_strikes``) — so that they do not join the
    text lines they cross into one: Tesseract then loses the rows under them. Where a letter
    crosses the stroke (ink just above and below it) the letter's ink is kept. Applied to the
    image Tesseract reads only: the page kept for extraction keeps the stroke, which marks the
    entry struck out."""
    groups = _strokes(slanted_strokes(gray, ink_threshold=ink_threshold))
    level = level_strikes(gray, ink_threshold=ink_threshold)
    if not groups and not level:
        return gray
    ink = gray < ink_threshold
    out = gray.copy()
    for x, y, w, h in level:
        # the line runs through the letters' middle: it is erased between letters (no ink
        # near it above or below) and kept across them, where it is part of the letter's shape
        # as much as a bar through it (cutting every letter in two read worse)
        near = 2 * h + 2
        above = ink[max(0, y - 1 - near) : max(0, y - 1), x : x + w].any(axis=0)
        below = ink[y + h + 1 : y + h + 1 + near, x : x + w].any(axis=0)
        out[max(0, y - 1) : y + h + 1, x : x + w][:, ~(above | below)] = 255
    if not groups:
        return out
    band = np.zeros(gray.shape, np.uint8)
    reach = 1
    for group in groups:
        line = _fit_stroke(ink, group)
        width = _stroke_width(ink, line)
        if 0 < width <= 12:
            cv2.line(band, line[:2], line[2:], 255, thickness=width + 2)
            slope = abs(line[3] - line[1]) / max(1, abs(line[2] - line[0]))
            reach = max(reach, int((width + 2) * np.hypot(1, slope)) + 2)  # the band's height
    in_band = band > 0
    outside = ink & ~in_band
    above = np.zeros_like(outside)
    below = np.zeros_like(outside)
    for d in range(1, reach + 1):
        above[d:] |= outside[:-d]
        below[:-d] |= outside[d:]
    out[in_band & ~(above & below)] = 255
    return out


def upscale(gray: Image, factor: float = 1.5) -> Image:
    """Enlarge the page (Tesseract reads best with an x-height of about 20-30 px)."""
    if factor == 1.0:
        return gray
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def text_height(gray: Image, ink_threshold: int = 150) -> float:
    """Median height in pixels of letter-sized ink blobs (0 when there are none)."""
    ink = (to_gray(gray) < ink_threshold).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hs, ws = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = hs[(hs >= 8) & (hs <= 200) & (ws >= 3)]
    return float(np.median(letters)) if len(letters) else 0.0


def upscale_small_text(
    gray: Image, min_height: float = 20.0, target_height: float = 26.0, max_factor: float = 2.5
) -> Image:
    """Enlarge a page whose letters are small (a low-resolution scan or a far phone photo).

    Tesseract's LSTM reads worst below a letter height of about 20 px; pages already above
    ``min_height`` are returned unchanged (enlarging them costs time and accuracy, see README).
    """
    height = text_height(gray)
    if height <= 0 or height >= min_height:
        return gray
    factor = min(max_factor, target_height / height)
    log.debug("letters %.0f px high: upscale by %.2f", height, factor)
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


# --------------------------------------------------------------------------- page content


def empty_page_kind(
    image: Image,
    max_side: int = 700,
    dark_level: int = 60,
    dark_share: float = 0.85,
    min_ink_share: float = 0.0015,
    min_marks: int = 25,
) -> str | None:
    """``"dark"`` for an all-black (or lens-cap) image, ``"blank"`` for a page with no writing
    on it, ``None`` for a page worth reading. Cheap: one downscaled gray copy.

    Blank means: after illumination flattening, less than ``min_ink_share`` of the page is ink
    and fewer than ``min_marks`` letter-sized marks are found (dust and a few specks of a
    photocopy are not writing).
    """
    gray = to_gray(image)
    h, w = gray.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if float(np.mean(small < dark_level)) >= dark_share:
        return "dark"
    flat = flatten_illumination(small, work_scale=1.0)
    ink = (flat < 150).astype(np.uint8)
    if float(ink.mean()) >= min_ink_share:
        _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        hs = stats[1:, cv2.CC_STAT_HEIGHT]
        marks = int(np.count_nonzero((hs >= 4) & (hs <= max(8, small.shape[0] // 10))))
        if marks >= min_marks:
            return None
    return "blank"


# --------------------------------------------------------------------------- orchestrator


@dataclass(frozen=True)
class CleanupSteps:
    """Which steps ``clean_page`` runs. The defaults are what measurably helped (README)."""

    correct_perspective: bool = True
    suppress_colour_ink: bool = True
    flatten_illumination: bool = True
    # OSD costs 1-2.5 s a page (as much as the OCR): the pipeline runs it only for pages that
    # read badly, then OCRs again (see ocr.pipeline.ocr_page)
    fix_orientation: bool = False
    deskew: bool = True
    deblur_motion: bool = True
    sharpen_blurred: bool = True
    remove_specks: bool = True
    remove_leader_dots: bool = True
    # after the leaders (a dotted leader is a row of "stray" dots): photocopy toner speckle
    remove_stray_dots: bool = True
    # stray dots per text-height square: clean and mild pages measured ≤ 0.007, photocopies
    # 0.04-0.19 (dev seed 77, half its pages); a page below is left as it is
    stray_dots_min_density: float = 0.015
    remove_rules: bool = False
    binarise: bool = False
    upscale_small_text: bool = False  # measured: harsh 44.6 % → 39.7 % (README)
    upscale_factor: float = 1.0
    # for Tesseract's reading only (``ocr.pipeline``): the page kept shows the stroke
    erase_slanted_strokes: bool = True
    # a QR block and the code under it are blanked from the page's reading and the code is read
    # alone (``ocr.zones``)
    read_qr_code_apart: bool = True
    # a blurred or speckled page is read a second time, smoothed, and each field taken from the
    # reading that makes sense of it (``ocr.pipeline.needs_second_reading``, ``ocr.readings``)
    read_degraded_twice: bool = True
    extra: Sequence[tuple[str, Step]] = field(default_factory=tuple)


DEFAULT_STEPS = CleanupSteps()
NO_STEPS = CleanupSteps(
    correct_perspective=False,
    suppress_colour_ink=False,
    fix_orientation=False,
    deskew=False,
    deblur_motion=False,
    sharpen_blurred=False,
    flatten_illumination=False,
    remove_specks=False,
    remove_leader_dots=False,
    remove_stray_dots=False,
    upscale_small_text=False,
    erase_slanted_strokes=False,
    read_qr_code_apart=False,
    read_degraded_twice=False,
)


def clean_page(
    image: Image,
    steps: CleanupSteps = DEFAULT_STEPS,
    debug_dir: str | Path | None = None,
    page: int = 1,
    acted: set[str] | None = None,
) -> Image:
    """Run the cleanup steps in order and return a gray page ready for OCR.

    ``acted``, when given, receives the names of the steps that act only on a degraded page
    and changed this one (``sharpen_blurred``, ``remove_stray_dots``): what a scan needed."""
    trace = _Trace(debug_dir, page)
    img = trace("00_input", image)
    img = trace("00_perspective", correct_perspective(img)) if steps.correct_perspective else img
    img = trace("01_colour", suppress_colour_ink(img)) if steps.suppress_colour_ink else img
    img = trace("02_gray", to_gray(img))
    img = trace("03_flatten", flatten_illumination(img)) if steps.flatten_illumination else img
    img = trace("04_orientation", fix_orientation(img)) if steps.fix_orientation else img
    img = trace("05_deskew", deskew(img)) if steps.deskew else img
    img = trace("05_deblur", deblur_motion(img)) if steps.deblur_motion else img
    if steps.sharpen_blurred:
        img = _noted(acted, "sharpen_blurred", img, trace("05_sharpen", sharpen_blurred(img)))
    img = trace("05_specks", remove_specks(img)) if steps.remove_specks else img
    img = trace("06_leaders", remove_leader_dots(img)) if steps.remove_leader_dots else img
    if steps.remove_stray_dots:
        cleared = remove_stray_dots(img, min_density=steps.stray_dots_min_density)
        img = _noted(acted, "remove_stray_dots", img, trace("06_stray_dots", cleared))
    img = trace("07_rules", remove_rules(img)) if steps.remove_rules else img
    img = trace("08_binarise", binarise(img)) if steps.binarise else img
    img = trace("09_small_text", upscale_small_text(img)) if steps.upscale_small_text else img
    if steps.upscale_factor != 1.0:
        img = trace("09_upscale", upscale(img, steps.upscale_factor))
    for name, step in steps.extra:
        img = trace(f"10_{name}", step(img))
    trace.done()
    return img


def _noted(acted: set[str] | None, step: str, before: Image, after: Image) -> Image:
    """``after``, with ``step`` noted in ``acted`` when it changed the page (these steps hand
    back the very image they were given when the page does not need them)."""
    if acted is not None and after is not before:
        acted.add(step)
    return after


class _Trace:
    """Times each step and, with a debug folder, writes its image as ``p{page}_{step}.png``."""

    def __init__(self, debug_dir: str | Path | None, page: int) -> None:
        self.dir = Path(debug_dir) if debug_dir else None
        if self.dir:
            self.dir.mkdir(parents=True, exist_ok=True)
        self.page = page
        self.t = time.perf_counter()
        self.times: dict[str, float] = {}

    def __call__(self, name: str, image: Image) -> Image:
        now = time.perf_counter()
        self.times[name] = now - self.t
        self.t = now
        if self.dir is not None:
            cv2.imwrite(str(self.dir / f"p{self.page:03d}_{name}.png"), image)
        return image

    def done(self) -> None:
        log.debug(
            "cleanup page %d: %s",
            self.page,
            ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in self.times.items()),
        )
