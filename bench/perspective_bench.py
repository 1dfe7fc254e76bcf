"""Phone photos: does the perspective step find the page where the generator put it?

    .venv/bin/python bench/perspective_bench.py var/i3/harsh [--tolerance 0.02]

For every generator page under the folders whose truth records a phone photo
(``degradations.perspective``), ``ocr.cleanup.find_page_quad`` runs on the scan as stored and its
four corners are compared with the generator's (``perspective_info.page_corners``, carried
through the later downscale and quarter turn). A page is recovered when every corner lies within
``--tolerance`` of the page's diagonal from the true one; a corner cut off by the photo's edge is
compared where it lies outside the photo, as ``find_page_quad`` places it. Pages where no
quadrilateral was found and pages found wrongly are listed. A development tool, not a test.
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


def true_corners(degradations: dict, width: int, height: int) -> np.ndarray:
    """The generator's page corners in the stored scan's pixels (after downscale and turn).

    ``width`` and ``height`` are the stored scan's; the turn is undone on them to get the
    size the corners were in before it."""
    corners = np.array(degradations["perspective_info"]["page_corners"], np.float64)
    corners *= degradations.get("downscale", {}).get("factor", 1.0)
    turn = degradations.get("rotation", 0)
    w, h = (height, width) if turn in (90, 270) else (width, height)  # size before the turn
    x, y = corners[:, 0], corners[:, 1]
    if turn == 90:  # np.rot90(k=-1): clockwise
        return np.stack([h - 1 - y, x], axis=1)
    if turn == 180:
        return np.stack([w - 1 - x, h - 1 - y], axis=1)
    if turn == 270:  # np.rot90(k=1): counter-clockwise
        return np.stack([y, w - 1 - x], axis=1)
    return corners


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Largest distance from a true corner to the nearest found corner, over the diagonal."""
    distances = np.linalg.norm(truth[:, None, :] - found[None, :, :], axis=2).min(axis=1)
    diagonal = np.linalg.norm(truth.max(axis=0) - truth.min(axis=0))
    return float(distances.max() / diagonal)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directories", nargs="+", type=Path)
    ap.add_argument("--tolerance", type=float, default=0.02, help="of the page's diagonal")
    args = ap.parse_args()
    photos = recovered = 0
    missed, wrong = [], []
    false_finds = others = 0
    for directory in args.directories:
        for truth_file in sorted(directory.glob("*.json")):
            truth = json.loads(truth_file.read_text("utf-8"))
            scan = directory / Path(truth["image"]).name
            image = cv2.imread(str(scan))
            if image is None:
                continue
            found = cleanup.find_page_quad(image)
            degradations = truth.get("degradations") or {}
            if not degradations.get("perspective"):
                others += 1
                false_finds += found is not None
                continue
            photos += 1
            if found is None:
                missed.append(scan.name)
                continue
            error = corner_error(found, true_corners(degradations, *image.shape[1::-1]))
            if error <= args.tolerance:
                recovered += 1
            else:
                wrong.append(f"{scan.name} ({error:.1%})")
    print(f"phone photos: {photos}, page recovered within {args.tolerance:.0%}: {recovered}")
    print(f"no quadrilateral found: {len(missed)} {missed}")
    print(f"found off the page: {len(wrong)} {wrong}")
    print(f"other pages: {others}, a quadrilateral found on {false_finds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
