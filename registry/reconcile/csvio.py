"""``sohoa reconcile`` on national-format CSV files (DESIGN.md, "Command line")."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from registry.reconcile.engine import OUTPUT_COLUMNS, reconcile
from sohoa.errors import InputFileError


def read_csv(path: Path, side: str) -> pd.DataFrame:
    """Every cell as text; an empty cell is an unknown value (never NaN-as-a-string)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        side_vi = "giấy" if side == "paper" else "quốc gia"
        raise InputFileError(
            f"Không đọc được tệp dữ liệu {side_vi} {path}: {e}.",
            f"Cannot read the {side} file {path}: {e}.",
        ) from e


def to_csv_frame(result: pd.DataFrame) -> pd.DataFrame:
    """Result columns as CSV cells: fields joined by ``;``, evidence as JSON."""
    out = result[list(OUTPUT_COLUMNS)].copy()
    out["match_probability"] = out["match_probability"].round(4)
    out["differing_fields"] = out["differing_fields"].map(";".join)
    if "evidence" in result.columns:
        out["evidence"] = result["evidence"].map(lambda e: json.dumps(e, ensure_ascii=False))
    return out


def reconcile_csv(paper_path: Path, national_path: Path, out: Path | None) -> str:
    """Run the reconciliation on two CSVs; write the result CSV (stdout when ``out`` is None).
    Returns a one-line summary."""
    paper = read_csv(paper_path, "paper")
    national = read_csv(national_path, "national")
    result = reconcile(paper, national)
    frame = to_csv_frame(result)
    if out is None:
        frame.to_csv(sys.stdout, index=False)
    else:
        frame.to_csv(out, index=False, encoding="utf-8")
    counts = result["category"].value_counts().to_dict()
    return f"{len(result)} entries: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
