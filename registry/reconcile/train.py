"""Train the linkage model and save it as JSON (``registry/reconcile/model.json``).

Unsupervised, as Splink does it: u probabilities from random pairs, m probabilities by
expectation maximisation within two blocks (same full date of birth; same family and given name),
so each comparison is trained in a block that does not fix it. No labels are used. A province
retrains on its own paper and snapshot::

    python -m registry.reconcile.train --paper P.csv --national N.csv [--out model.json]

Without ``--paper``/``--national`` it trains on the synthetic generator's data (seed 1).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import pandas as pd
from splink import Linker, block_on

from registry.reconcile import settings as model_settings
from registry.reconcile.linkage import duckdb_api
from registry.reconcile.prepare import prepare_national, prepare_paper

log = logging.getLogger(__name__)

# EM on mostly clean records learns that some disagreements never happen to a true match (m = 0,
# an infinite penalty). Paper does everything sometimes: every level keeps m ≥ M_FLOOR, and a
# level random pairs never reached keeps u ≥ U_FLOOR, so no single field can veto a link by
# accident (deliberate vetoes are in settings.POLICY).
M_FLOOR = 0.002
U_FLOOR = 1e-6


def floor_probabilities(model: dict) -> dict:
    """Clamp every non-null level's m and u from below and renormalise m per comparison."""
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for lv in levels:
            lv["m_probability"] = max(lv.get("m_probability") or 0.0, M_FLOOR)
            lv["u_probability"] = max(lv.get("u_probability") or 0.0, U_FLOOR)
        total = sum(lv["m_probability"] for lv in levels)
        for lv in levels:
            lv["m_probability"] /= total
    return model


def train(paper: pd.DataFrame, national: pd.DataFrame, out: Path, seed: int = 1) -> Path:
    """Train on prepared frames; write the model JSON to ``out``."""
    linker = Linker(
        [paper, national],
        model_settings.settings("link_only"),
        db_api=duckdb_api(),
        input_table_aliases=["paper", "national"],
        set_up_basic_logging=False,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob_full"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_plain", "given_plain"), estimate_without_term_frequencies=True
    )
    model = floor_probabilities(linker.misc.save_model_to_json())
    out.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("model written to %s", out)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paper", type=Path)
    ap.add_argument("--national", type=Path)
    ap.add_argument("--out", type=Path, default=model_settings.MODEL_PATH)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.paper and args.national:
        paper = pd.read_csv(args.paper, dtype=str, keep_default_na=False)
        national = pd.read_csv(args.national, dtype=str, keep_default_na=False)
    else:
        from sample_scans import national as generator

        nat_rows, paper_rows, _ = generator.build(50_000, 20_000, seed=1)
        paper, national = pd.DataFrame(paper_rows), pd.DataFrame(nat_rows)
    train(prepare_paper(paper), prepare_national(national), args.out)
    print(f"model → {args.out}")


if __name__ == "__main__":
    main()
