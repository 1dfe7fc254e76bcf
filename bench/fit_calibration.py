"""Fit the confidence calibration (``sohoa/calibration.json``) on generator pages.

    .venv/bin/python bench/fit_calibration.py var/dev77/clean var/dev77/mild var/devh77/harsh \
        --cache var/fit_cache --note "seeds 77 and 4242, 14 pages per type and level"

Each directory holds generator pages with their truth (``sample_scans.generate``). The pages are
read with calibration off (``SOHOA_CALIBRATION=0``: raw reading confidences, doubts leave them
unchanged), through the OCR cache of ``bench/eval_cached.py`` (a first run fills it), prepared
as ``sohoa eval`` prepares them, and every value read is scored against the truth. Then:

- per kind of field (``sohoa.confidence.KINDS``), a logistic regression (scikit-learn) of
  "the value is right" on the reading's raw confidence and the page's confidence, fitted on the
  values no flag touched;
- per doubting reason (``transforms.flags.DOUBTS``), the odds factor that makes the model's
  chances fit the values that reason touched (maximum likelihood, at most 1: a doubt never
  raises a confidence); a reason seen on fewer than ``MIN_DOUBTED`` values takes the factor of
  all doubted values together.

A development tool, not a test; the file it writes says how it was made.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MIN_DOUBTED = 20


def scored_values(extractions, records, truths) -> list[dict]:
    """One dict per value read: kind, raw confidence, page confidence, reasons on it, right."""
    from sohoa.confidence import field_kind
    from sohoa.evaluate import scored_cells, values_equal

    out = []
    for truth, image in truths:
        key = (str(image), truth.get("page", 1))
        record, ex = records.get(key), extractions.get(key)
        if record is None or ex is None:
            continue
        reasons = defaultdict(set)
        for flag in record.get("flags") or []:
            reasons[flag.get("field")].add(flag.get("reason"))
        for name, want, value, confidence in scored_cells(truth, record, row_index=True):
            if value is None or confidence is None:
                continue
            out.append(
                {
                    "kind": field_kind(re.sub(r"\[\d+\]", "", name)),
                    "reading": float(confidence),
                    "page": ex.page_confidence,
                    "reasons": sorted(reasons.get(name, ())),
                    "right": bool(values_equal(value, want)),
                }
            )
    return out


def read_pages(directory: Path, cache: Path) -> list[dict]:
    import eval_cached

    import ocr.pipeline as pipeline
    from sohoa.batch import extract_files, prepare_records
    from sohoa.evaluate import truth_files

    cache.mkdir(parents=True, exist_ok=True)
    pipeline.ocr_page = eval_cached._cached_ocr_page(cache, refresh=False)
    truths = []
    for path in truth_files(directory):
        truth = json.loads(path.read_text("utf-8"))
        truths.append((truth, path.parent / truth["image"]))
    extractions = extract_files([image for _, image in truths])
    prepared = prepare_records(extractions).records()
    records = {(str(r["source_file"]), r["page"]): r for r in prepared}
    by_page = {(ex.source_file, ex.page): ex for ex in extractions}
    return scored_values(by_page, records, truths)


def fit_kinds(values: list[dict]) -> dict[str, dict[str, float]]:
    from sohoa.confidence import KINDS

    kinds = {}
    for kind in KINDS:
        clean = [v for v in values if v["kind"] == kind and not v["reasons"]]
        x = np.array([[v["reading"], v["page"]] for v in clean])
        y = np.array([v["right"] for v in clean])
        model = LogisticRegression(C=100.0).fit(x, y)  # two inputs, thousands of values
        kinds[kind] = {
            "intercept": round(float(model.intercept_[0]), 4),
            "reading": round(float(model.coef_[0][0]), 4),
            "page": round(float(model.coef_[0][1]), 4),
            "values": len(clean),
            "right": int(y.sum()),
        }
    return kinds


def odds_factor(z: np.ndarray, right: np.ndarray) -> float:
    """exp(d) for the shift d of the log-odds ``z`` that best fits ``right`` (at most 1)."""

    def loss(d: float) -> float:
        p = np.clip(expit(z + d), 1e-9, 1 - 1e-9)
        return -float(np.sum(np.where(right, np.log(p), np.log(1 - p))))

    d = minimize_scalar(loss, bounds=(-10.0, 0.0), method="bounded").x
    return round(float(np.exp(d)), 4)


def fit_doubts(values: list[dict], kinds: dict[str, dict[str, float]]) -> dict[str, dict]:
    from transforms.flags import DOUBTS

    def log_odds(v: dict) -> float:
        w = kinds[v["kind"]]
        return w["intercept"] + w["reading"] * v["reading"] + w["page"] * v["page"]

    doubted = [v for v in values if v["reasons"] and set(v["reasons"]) <= DOUBTS]
    if not doubted:
        return {}
    everyone = odds_factor(
        np.array([log_odds(v) for v in doubted]), np.array([v["right"] for v in doubted])
    )
    doubts = {}
    for reason in sorted(DOUBTS):
        mine = [v for v in doubted if reason in v["reasons"]]
        factor = everyone
        if len(mine) >= MIN_DOUBTED:
            factor = odds_factor(
                np.array([log_odds(v) for v in mine]), np.array([v["right"] for v in mine])
            )
        doubts[reason] = {
            "factor": factor,
            "values": len(mine),
            "right": sum(v["right"] for v in mine),
        }
    return doubts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directories", nargs="+", type=Path, help="generator pages with truth")
    ap.add_argument("--cache", type=Path, default=Path("var/ocr_cache"), help="OCR cache")
    ap.add_argument("--note", default="", help="what pages these are")
    ap.add_argument("--out", type=Path, default=ROOT / "sohoa" / "calibration.json")
    args = ap.parse_args()
    os.environ["SOHOA_CALIBRATION"] = "0"  # raw confidences; worker processes inherit it
    from sohoa import confidence

    confidence._model.cache_clear()
    values = [v for d in args.directories for v in read_pages(d, args.cache)]
    kinds = fit_kinds(values)
    doubts = fit_doubts(values, kinds)
    model = {
        "made_by": "bench/fit_calibration.py (logistic regression per kind of field on the "
        "reading's and the page's raw confidence; odds factors of doubts)",
        "made_on": date.today().isoformat(),
        "from": args.note or ", ".join(str(d) for d in args.directories),
        "kinds": kinds,
        "doubts": {reason: d["factor"] for reason, d in doubts.items()},
        "doubted_values": {reason: [d["values"], d["right"]] for reason, d in doubts.items()},
    }
    args.out.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(json.dumps(model, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
