"""Scan and phone-photo degradations (OpenCV + numpy), each recorded with its parameters.

Levels:
- ``clean``: straight (|skew| ≤ 0.3°), white, lossless PNG;
- ``mild``: skew ≤ 2.5°, slightly yellowed paper, slight noise, mild blur, light JPEG;
- ``harsh``: a random subset of: skew ≤ 7°, rotation by 90/180/270, uneven lighting and a
  shadow, Gaussian and salt-and-pepper noise, blur, strong JPEG, yellowed paper, photocopy look
  (darker grey background, speckle, contrast), low resolution (150-200 DPI), phone-photo
  perspective (the page quadrilateral on a darker background with a visible page edge).

``rotation`` in the JSON is the clockwise angle (0, 90, 180, 270) the whole image was turned by
after everything else; turning the image counter-clockwise by it restores an upright page.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

LEVELS = ("clean", "mild", "harsh")


def _rotate(img: np.ndarray, angle: float, border: tuple[int, int, int]) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise positive), same size."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def _paper_tint(
    img: np.ndarray, rng: np.random.Generator, strength: float
) -> tuple[np.ndarray, dict]:
    """Yellowed paper: tint the white, plus low-frequency blotches."""
    tint = np.array([1.0, 1.0 - 0.035 * strength, 1.0 - 0.13 * strength], np.float32)  # RGB
    h, w = img.shape[:2]
    small = rng.normal(0, 1, (8, 6)).astype(np.float32)
    blot = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    blot = 1.0 - 0.025 * strength * (blot - blot.min()) / (np.ptp(blot) + 1e-6)
    out = img.astype(np.float32) * tint[None, None, :] * blot[..., None]
    return out.clip(0, 255).astype(np.uint8), {"strength": round(strength, 3)}


def _lighting(
    img: np.ndarray, rng: np.random.Generator, amount: float, shadow: bool
) -> tuple[np.ndarray, dict]:
    """Uneven illumination (a smooth gradient) and optionally a soft shadow band."""
    h, w = img.shape[:2]
    gx, gy = rng.uniform(-1, 1, 2)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    field = 1.0 - amount * (0.5 + 0.5 * ((xx / w - 0.5) * gx + (yy / h - 0.5) * gy))
    info = {"amount": round(amount, 3), "gradient": [round(float(gx), 3), round(float(gy), 3)]}
    if shadow:
        # a shadow cast from one side: a blurred half-plane
        ang = rng.uniform(0, 2 * np.pi)
        off = rng.uniform(0.55, 0.9)
        d = (xx / w - 0.5) * np.cos(ang) + (yy / h - 0.5) * np.sin(ang)
        depth = rng.uniform(0.2, 0.45)
        mask = 1.0 / (1.0 + np.exp(-(d - (off - 0.5)) * 25))
        field *= 1.0 - depth * mask
        info["shadow"] = {
            "angle_deg": round(float(np.degrees(ang)), 1),
            "depth": round(float(depth), 3),
        }
    out = img.astype(np.float32) * field[..., None]
    return out.clip(0, 255).astype(np.uint8), info


def _noise(img: np.ndarray, rng: np.random.Generator, sigma: float, salt: float) -> np.ndarray:
    out = img.astype(np.float32)
    if sigma > 0:
        out += rng.normal(0, sigma, img.shape[:2])[..., None]
    out = out.clip(0, 255).astype(np.uint8)
    if salt > 0:
        m = rng.random(img.shape[:2])
        out[m < salt / 2] = 20
        out[m > 1 - salt / 2] = 255
    return out


def _photocopy(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Grey background, boosted contrast, toner speckle."""
    bg = rng.uniform(175, 215)
    gamma = rng.uniform(1.2, 1.8)
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    # keep some colour of the seal: blend grey with original
    g = gray**gamma * bg
    out = 0.75 * g[..., None] + 0.25 * img.astype(np.float32) * bg / 255
    h, w = gray.shape
    n = int(h * w * rng.uniform(0.0004, 0.0015))
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    rs = rng.integers(1, 4, n)
    for y, x, r in zip(ys, xs, rs, strict=True):
        cv2.circle(out, (int(x), int(y)), int(r), (40.0, 40.0, 40.0), -1)
    return out.clip(0, 255).astype(np.uint8), {
        "background": round(float(bg), 1),
        "gamma": round(float(gamma), 2),
        "speckles": n,
    }


def _perspective(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Phone photo: the page as a quadrilateral on a darker surface, page edge visible."""
    h, w = img.shape[:2]
    margin = rng.uniform(0.04, 0.1)
    ow, oh = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    jitter = 0.06
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    base = np.float32(
        [
            [w * margin, h * margin],
            [w * (1 + margin), h * margin],
            [w * (1 + margin), h * (1 + margin)],
            [w * margin, h * (1 + margin)],
        ]
    )
    dst = base + rng.uniform(-jitter, jitter, (4, 2)).astype(np.float32) * np.float32([w, h])
    m = cv2.getPerspectiveTransform(src, dst)
    surface = np.array(
        [rng.uniform(40, 110), rng.uniform(35, 100), rng.uniform(30, 90)], np.float32
    )
    bg = np.empty((oh, ow, 3), np.float32)
    bg[:] = surface
    tex = cv2.resize(rng.normal(0, 1, (oh // 40 + 2, ow // 40 + 2)).astype(np.float32), (ow, oh))
    bg += tex[..., None] * 10
    # soft drop shadow of the page
    mask = np.zeros((oh, ow), np.float32)
    cv2.fillConvexPoly(mask, (dst + 12).astype(np.int32), 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), 15)
    bg *= 1 - 0.5 * mask[..., None]
    warped = cv2.warpPerspective(
        img,
        m,
        (ow, oh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    pm = np.zeros((oh, ow), np.uint8)
    cv2.fillConvexPoly(pm, dst.astype(np.int32), 255)
    pm = cv2.GaussianBlur(pm, (3, 3), 0).astype(np.float32)[..., None] / 255
    out = warped.astype(np.float32) * pm + bg * (1 - pm)
    # resize back to roughly the original pixel count
    out = cv2.resize(
        out.clip(0, 255).astype(np.uint8), (w, int(oh * w / ow)), interpolation=cv2.INTER_AREA
    )
    scale = w / ow
    corners = (dst * scale).round(1).tolist()
    return out, {"page_corners": corners, "surface_rgb": surface.round().astype(int).tolist()}


def apply(img: np.ndarray, level: str, seed: int, dpi: int) -> tuple[np.ndarray, dict, int]:
    """Degrade an RGB page; return (image, recorded degradations, effective dpi)."""
    if level not in LEVELS:
        raise ValueError(f"degrade must be one of {LEVELS}, not {level!r}")
    r = random.Random(seed)
    nrng = np.random.default_rng(seed)
    rec: dict = {"skew_deg": 0.0, "rotation": 0, "perspective": False}
    out = img
    if level == "clean":
        skew = round(r.uniform(-0.3, 0.3), 2) if r.random() < 0.5 else 0.0
        if skew:
            out = _rotate(out, skew, (255, 255, 255))
        rec["skew_deg"] = skew
        return out, rec, dpi
    if level == "mild":
        out, rec["paper_tint"] = _paper_tint(out, nrng, r.uniform(0.2, 0.8))
        skew = round(r.uniform(-2.5, 2.5), 2)
        out = _rotate(out, skew, (250, 248, 240))
        rec["skew_deg"] = skew
        if r.random() < 0.6:
            s = round(r.uniform(0.3, 0.8), 2)
            out = cv2.GaussianBlur(out, (0, 0), s)
            rec["blur_sigma"] = s
        sigma = round(r.uniform(0.8, 2.5), 2)
        out = _noise(out, nrng, sigma, 0.0)
        rec["noise_sigma"] = sigma
        rec["jpeg_quality"] = r.randint(58, 78)
        return out, rec, dpi
    # harsh: at least three effects from the menu
    menu = [
        "tint",
        "lighting",
        "noise",
        "salt",
        "blur",
        "photocopy",
        "lowres",
        "perspective",
        "rotation",
        "skew",
    ]
    chosen = set(r.sample(menu, r.randint(3, 6)))
    chosen.add("skew") if r.random() < 0.7 else None
    if "photocopy" in chosen and "tint" in chosen and r.random() < 0.5:
        chosen.discard("tint")
    eff_dpi = dpi
    if "tint" in chosen:
        out, rec["paper_tint"] = _paper_tint(out, nrng, r.uniform(0.7, 1.6))
    if "photocopy" in chosen:
        out, rec["photocopy"] = _photocopy(out, nrng)
    if "lighting" in chosen:
        out, rec["lighting"] = _lighting(out, nrng, r.uniform(0.15, 0.45), r.random() < 0.6)
    if "skew" in chosen:
        skew = round(r.uniform(-7, 7), 2)
        border = (255, 255, 255) if r.random() < 0.5 or "perspective" in chosen else (60, 60, 60)
        out = _rotate(out, skew, border)
        rec["skew_deg"] = skew
        rec["skew_border"] = list(border)
    if "perspective" in chosen:
        out, info = _perspective(out, nrng)
        rec["perspective"] = True
        rec["perspective_info"] = info
    if "blur" in chosen:
        if r.random() < 0.7:
            s = round(r.uniform(0.8, 1.8), 2)
            out = cv2.GaussianBlur(out, (0, 0), s)
            rec["blur_sigma"] = s
        else:
            k = r.randint(5, 11)
            ker = np.zeros((k, k), np.float32)
            ker[k // 2, :] = 1.0 / k
            ang = r.uniform(0, 180)
            ker = cv2.warpAffine(
                ker, cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), ang, 1.0), (k, k)
            )
            ker /= ker.sum()
            out = cv2.filter2D(out, -1, ker)
            rec["motion_blur"] = {"length": k, "angle_deg": round(ang, 1)}
    if "lowres" in chosen and dpi > 170:
        target = r.randint(150, min(200, dpi - 10))
        f = target / dpi
        h, w = out.shape[:2]
        out = cv2.resize(out, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
        rec["downscale"] = {"factor": round(f, 4), "dpi": target}
        eff_dpi = target
    sigma = round(r.uniform(4, 12), 2) if "noise" in chosen else round(r.uniform(1, 3), 2)
    salt = round(r.uniform(0.001, 0.006), 4) if "salt" in chosen else 0.0
    out = _noise(out, nrng, sigma, salt)
    rec["noise_sigma"] = sigma
    if salt:
        rec["salt_pepper"] = salt
    if "rotation" in chosen:
        rot = r.choice((90, 180, 270, 180))
        k = {90: -1, 180: 2, 270: 1}[rot]  # np.rot90 turns counter-clockwise
        out = np.ascontiguousarray(np.rot90(out, k))
        rec["rotation"] = rot
    rec["jpeg_quality"] = r.randint(15, 40) if r.random() < 0.6 else r.randint(40, 65)
    rec["applied"] = sorted(chosen)
    return out, rec, eff_dpi


def encode(img: np.ndarray, level: str, rec: dict) -> tuple[bytes, str]:
    """Encode an RGB page: PNG for clean, JPEG (quality from ``rec``) otherwise."""
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    if level == "clean":
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        ext = ".png"
    else:
        ok, buf = cv2.imencode(
            ".jpg",
            bgr,
            [cv2.IMWRITE_JPEG_QUALITY, int(rec["jpeg_quality"]), cv2.IMWRITE_JPEG_OPTIMIZE, 1],
        )
        ext = ".jpg"
    if not ok:
        raise RuntimeError("image encoding failed")
    return buf.tobytes(), ext
