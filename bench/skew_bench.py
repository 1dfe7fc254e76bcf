"""Deskew: how far from level is the text after the skew step's estimate?

    .venv/bin/python bench/skew_bench.py var/dev77/harsh var/dev77/mild [--limit N]

For every generator page whose truth records no quarter turn, the scan goes through the
cleanup steps before deskew (perspective, colour, gray, illumination) and
``ocr.cleanup.estimate_skew`` is compared with the skew the generator applied
(``degradations.skew_deg``, 0 when none; a phone photo's skew was applied to the page inside the
photographed sheet, so it is what is left once the sheet is flattened). Prints the median and
90th percentile of the residual and the pages over 0.3° (the cleanup's target). A development
tool, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr import cleanup  # noqa: E402

TARGET_DEG = 0.3


def level_image(scan: np.ndarray) -> np.ndarray:
    """The page as the deskew step sees it (the default steps before it, orientation aside)."""
    image = cleanup.correct_perspective(scan)
    image = cleanup.suppress_colour_ink(image)
    return cleanup.flatten_illumination(cleanup.to_gray(image))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="pages per folder (0: all)")
    args = parser.parse_args()
    residuals: list[tuple[float, str]] = []
    for folder in args.folders:
        truths = sorted(folder.glob("*.json"))
        truths = truths[: args.limit] if args.limit else truths
        for path in truths:
            truth = json.loads(path.read_text("utf-8"))
            found = truth.get("degradations") or {}
            if found.get("rotation"):
                continue  # a quarter turn is the orientation step's, measured apart
            scan = cv2.imread(str(path.with_name(truth["image"])), cv2.IMREAD_COLOR)
            estimate = cleanup.estimate_skew(level_image(scan))
            residuals.append((abs(estimate - float(found.get("skew_deg") or 0.0)), path.stem))
    values = np.array([r for r, _ in residuals])
    over = sorted(((r, s) for r, s in residuals if r > TARGET_DEG), reverse=True)
    print(
        f"pages {len(values)}: residual skew median {np.median(values):.2f}°, "
        f"90th percentile {np.percentile(values, 90):.2f}°, over {TARGET_DEG}°: {len(over)}"
    )
    for r, stem in over:
        print(f"  {r:5.2f}°  {stem}")


if __name__ == "__main__":
    main()
