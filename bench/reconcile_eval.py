"""Accuracy of household reconciliation against the generator's truth.

    .venv/bin/python bench/reconcile_eval.py [--people 50000] [--entries 20000] [--seed 7]

Generates a snapshot and paper books (``sample_scans.national``; the model was trained on seed 1,
so evaluate on another seed), runs ``registry.reconcile.reconcile`` and prints: precision and
recall of the link (REDUNDANT/CONFLICT vs NOT_IN_NATIONAL, and the right person), share of
entries with the right category, DUPLICATE_IN_PAPER precision/recall/F1 over pairs, the confusion
matrix per category, and recall per kind of divergence. ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd

from registry.reconcile import reconcile
from sample_scans import national as generator

CATEGORIES = ["REDUNDANT", "CONFLICT", "NOT_IN_NATIONAL", "DUPLICATE_IN_PAPER"]


def evaluate(result: pd.DataFrame, truth: pd.DataFrame) -> dict:
    df = truth.merge(result, on="entry_id", suffixes=("_true", ""))
    true_pid = df["true_personal_id"].replace("", None)
    got_pid = df["matched_personal_id"]
    linked = got_pid.notna()
    # the link is judged on every entry's own link (duplicates included)
    tp = int((linked & (got_pid == true_pid)).sum())
    predicted = int(linked.sum())
    actual = int(true_pid.notna().sum())
    right_category = float((df["category"] == df["category_true"]).mean())

    def pairs(frame: pd.DataFrame, col: str) -> set[frozenset]:
        d = frame[frame[col].notna() & (frame[col] != "")]
        return {frozenset(p) for p in zip(d["entry_id"], d[col], strict=True)}

    true_pairs = pairs(df, "duplicate_of_entry_id_true")
    got_pairs = pairs(df, "duplicate_of_entry_id")
    dup_tp = len(true_pairs & got_pairs)
    dup_p = dup_tp / len(got_pairs) if got_pairs else 1.0
    dup_r = dup_tp / len(true_pairs) if true_pairs else 1.0
    confusion = pd.crosstab(df["category_true"], df["category"]).reindex(
        index=CATEGORIES, columns=CATEGORIES, fill_value=0
    )
    tags = df.assign(tag=df["divergences"].str.split(";")).explode("tag")
    tags = tags[tags["tag"] != ""]
    per_tag = (
        tags.assign(ok=tags["category"] == tags["category_true"])
        .groupby("tag")["ok"]
        .agg(["mean", "size"])
        .sort_values("mean")
    )
    return {
        "entries": len(df),
        "link_precision": tp / predicted if predicted else 1.0,
        "link_recall": tp / actual if actual else 1.0,
        "correct_category": right_category,
        "duplicate_precision": dup_p,
        "duplicate_recall": dup_r,
        "duplicate_f1": 2 * dup_p * dup_r / (dup_p + dup_r) if dup_p + dup_r else 0.0,
        "confusion": confusion,
        "per_divergence": per_tag,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--entries", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    nat, paper, truth = generator.build(args.people, args.entries, args.seed)
    t1 = time.perf_counter()
    result = reconcile(pd.DataFrame(paper), pd.DataFrame(nat), with_evidence=False)
    t2 = time.perf_counter()
    figures = evaluate(result, pd.DataFrame(truth))
    if args.json:
        out = {k: v for k, v in figures.items() if not isinstance(v, pd.DataFrame)}
        out["confusion"] = figures["confusion"].to_dict()
        print(json.dumps(out, indent=2))
        return
    print(f"{len(paper)} paper entries vs {len(nat)} national (seed {args.seed})")
    print(f"generate {t1 - t0:.1f} s, reconcile {t2 - t1:.1f} s")
    print(f"{'link precision':<24}{figures['link_precision']:.4f}   (target >= 0.99)")
    print(f"{'link recall':<24}{figures['link_recall']:.4f}   (target >= 0.97)")
    print(f"{'correct category':<24}{figures['correct_category']:.4f}   (target >= 0.97)")
    print(
        f"{'DUPLICATE_IN_PAPER':<24}P {figures['duplicate_precision']:.4f}  "
        f"R {figures['duplicate_recall']:.4f}  F1 {figures['duplicate_f1']:.4f}   (F1 >= 0.95)"
    )
    print("\nconfusion (rows: truth, columns: result)")
    print(figures["confusion"].to_string())
    print("\ncorrect category by divergence")
    print(figures["per_divergence"].to_string(float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
