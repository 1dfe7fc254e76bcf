"""Fit the confidence calibration table (``ocr/calibration.json``) from ``sohoa eval`` results.

Run ``sohoa eval`` with ``SOHOA_CALIBRATION=0`` (raw confidences) on generator pages of seeds of
your own, save the JSON, then::

    .venv/bin/python bench/fit_calibration.py var/x/eval-clean.json var/x/eval-harsh.json \
        --note "birth, seed 4141, 12 pages × clean/mild/harsh"

The bands' counts are summed over the files, then made monotone by pooling adjacent violators
(isotonic regression on the bins, weighted by their counts): each band's calibrated confidence
is the share of values in it that were right. Bands with no values take their neighbour's.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pool_adjacent_violators(values: list[float], weights: list[float]) -> list[float]:
    """Non-decreasing fit of ``values`` (weighted least squares)."""
    blocks = [[v, w, 1] for v, w in zip(values, weights, strict=True)]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            v1, w1, n1 = blocks[i]
            v2, w2, n2 = blocks[i + 1]
            w = w1 + w2
            blocks[i] = [(v1 * w1 + v2 * w2) / w if w else (v1 + v2) / 2, w, n1 + n2]
            del blocks[i + 1]
            i = max(i - 1, 0)
        else:
            i += 1
    out: list[float] = []
    for v, _w, n in blocks:
        out.extend([v] * n)
    return out


def fit(results: list[dict]) -> list[dict]:
    bands: dict[str, list[int]] = {}
    for result in results:
        for b in result["confidence_bands"]:
            n = bands.setdefault(b["band"], [0, 0])
            n[0] += b["fields"]
            n[1] += b["right"]
    names = sorted(bands, key=lambda s: float(s.split("-")[0]))
    acc = [bands[n][1] / bands[n][0] if bands[n][0] else None for n in names]
    for i in range(len(acc)):  # empty bands take the previous band's value (or the next one's)
        if acc[i] is None:
            acc[i] = next((a for a in reversed(acc[:i]) if a is not None), None)
    first = next((a for a in acc if a is not None), 0.0)
    acc = [first if a is None else a for a in acc]
    fitted = pool_adjacent_violators(acc, [bands[n][0] for n in names])
    return [
        {
            "raw_from": float(n.split("-")[0]),
            "calibrated": round(f, 4),
            "fields": bands[n][0],
            "right": bands[n][1],
        }
        for n, f in zip(names, fitted, strict=True)
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+", type=Path, help="sohoa eval --json outputs")
    ap.add_argument("--note", default="", help="what pages the results came from")
    ap.add_argument("--out", type=Path, default=ROOT / "ocr" / "calibration.json")
    args = ap.parse_args()
    results = [json.loads(p.read_text("utf-8")) for p in args.results]
    table = {
        "made_by": "bench/fit_calibration.py (binned isotonic fit of sohoa eval confidence bands)",
        "made_on": date.today().isoformat(),
        "from": args.note or ", ".join(str(p) for p in args.results),
        "bins": fit(results),
    }
    args.out.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(json.dumps(table, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
