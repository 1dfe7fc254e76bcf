"""Scoring pairs with Splink: paper × national (``link_only``) and paper × paper (``dedupe_only``).

The backend is a Splink database API: DuckDB in-process by default, PostgreSQL (``PostgresAPI``
on a SQLAlchemy engine) or Spark at scale, with the same settings and the same trained model.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker

from registry.reconcile import settings as model_settings

log = logging.getLogger(__name__)

# Share of paper entries expected in the snapshot, and of paper entries entered twice: the prior
# of a random pair is scaled to the sizes of each run (it is not a property of the model).
EXPECTED_LINKED_SHARE = 0.9
EXPECTED_DUPLICATE_SHARE = 0.03
_KEEP = ("unique_id_l", "unique_id_r", "group_id_l", "group_id_r", "match_weight")


class ModelMissingError(RuntimeError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Chưa có mô hình đối chiếu đã huấn luyện ({path}); chạy "
            "`python -m registry.reconcile.train`. / No trained reconciliation model "
            f"({path}); run `python -m registry.reconcile.train`."
        )


def load_model(link_type: str, path: Path | None = None) -> dict[str, Any]:
    """The trained model's settings (JSON) for ``link_type``."""
    path = path or model_settings.MODEL_PATH
    if not path.exists():
        raise ModelMissingError(path)
    model = json.loads(path.read_text(encoding="utf-8"))
    model["link_type"] = link_type
    return model


def duckdb_api() -> Any:
    """Splink on an in-process DuckDB, quiet (no progress bar on stderr), bounded in memory:
    past ``SOHOA_DUCKDB_MEMORY_LIMIT`` (default 4GB) DuckDB spills to its temp folder instead of
    growing (a province's blocked pairs run to a hundred million rows)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    limit = os.environ.get("SOHOA_DUCKDB_MEMORY_LIMIT", "4GB")
    con.execute("SET memory_limit = ?", [limit])
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream large results
    return DuckDBAPI(connection=con)


def postgres_api(engine: Any, schema: str = "splink") -> Any:
    """Splink on PostgreSQL (``fuzzystrmatch`` gives it Levenshtein).

    Splink's own ``PostgresAPI`` copies an input frame through DuckDB's ``postgres`` extension,
    which it downloads on first use; offline, and with nothing fetched at run time, frames go
    in with pandas ``to_sql`` instead (the library's own fallback path). At scale the inputs
    are tables already in PostgreSQL: pass their names to ``Linker`` instead of frames.
    """
    from splink.internals.postgres.database_api import PostgresAPI
    from sqlalchemy import text

    class OfflinePostgresAPI(PostgresAPI):
        def _table_registration(self, input: Any, table_name: str) -> None:
            pd.DataFrame(input).to_sql(
                table_name,
                con=self._engine,
                index=False,
                if_exists="replace",
                schema=self._db_schema,
                chunksize=5_000,
                method="multi",
            )

    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch"))
    return OfflinePostgresAPI(engine, schema=schema)


def _predict(linker: Linker, model: dict[str, Any], min_weight: float) -> pd.DataFrame:
    """Scored pairs above ``min_weight``: ids, groups, weight and gammas only (the matching
    columns stay in the backend: a province has over a million candidate pairs)."""
    scored = linker.inference.predict(threshold_match_weight=min_weight)
    cols = [*_KEEP, *(f"gamma_{c['output_column_name']}" for c in model["comparisons"])]
    if model["link_type"] == "link_only":
        cols += ["source_dataset_l", "source_dataset_r"]
    select = ", ".join(f'"{c}"' for c in cols)
    df = linker.misc.query_sql(f"SELECT {select} FROM {scored.physical_name}")
    # a database API may serve several linkers: leave nothing of this one behind
    linker.table_management.delete_tables_created_by_splink_from_db()
    linker.table_management.invalidate_cache()
    for c in df.columns:
        if c.startswith(("unique_id", "group_id", "source_dataset")):
            df[c] = df[c].astype(object).where(df[c].notna(), None)  # Python work follows
    return df


def score_links(
    paper: pd.DataFrame,
    national: pd.DataFrame,
    db_api: Any = None,
    model_path: Path | None = None,
) -> pd.DataFrame:
    """Candidate (entry, personal_id) pairs above the policy's minimum weight, with gammas.

    Columns: ``entry_id, personal_id, book, household_id, match_weight, gamma_*``.
    """
    model = load_model("link_only", model_path)
    model["probability_two_random_records_match"] = EXPECTED_LINKED_SHARE / max(len(national), 1)
    linker = Linker(
        [paper, national],
        model,
        db_api=db_api or duckdb_api(),
        input_table_aliases=["paper", "national"],
        set_up_basic_logging=False,
    )
    df = _predict(linker, model, model_settings.POLICY["candidate_min_weight"])
    # Splink orders each pair's sides by source name; put paper on the left
    flip = df["source_dataset_l"] != "paper"
    for a, b in (("unique_id_l", "unique_id_r"), ("group_id_l", "group_id_r")):
        left = df[a].where(~flip, df[b])
        right = df[b].where(~flip, df[a])
        df[a], df[b] = left, right
    df = df.drop(columns=["source_dataset_l", "source_dataset_r"]).rename(
        columns={
            "unique_id_l": "entry_id",
            "unique_id_r": "personal_id",
            "group_id_l": "book",
            "group_id_r": "household_id",
        }
    )
    log.info("%d candidate links for %d paper entries", len(df), len(paper))
    return df.reset_index(drop=True)


def score_duplicates(
    paper: pd.DataFrame, db_api: Any = None, model_path: Path | None = None
) -> pd.DataFrame:
    """Candidate pairs of paper entries (the same person entered twice), with gammas.

    Columns: ``entry_id_l, entry_id_r, book_l, book_r, match_weight, gamma_*``.
    """
    model = load_model("dedupe_only", model_path)
    n = max(len(paper), 2)
    model["probability_two_random_records_match"] = min(
        0.5, EXPECTED_DUPLICATE_SHARE * n / (n * (n - 1) / 2)
    )
    linker = Linker(paper, model, db_api=db_api or duckdb_api(), set_up_basic_logging=False)
    df = _predict(linker, model, model_settings.POLICY["candidate_min_weight"])
    df = df.rename(
        columns={
            "unique_id_l": "entry_id_l",
            "unique_id_r": "entry_id_r",
            "group_id_l": "book_l",
            "group_id_r": "book_r",
        }
    )
    log.info("%d candidate duplicate pairs among %d paper entries", len(df), len(paper))
    return df.reset_index(drop=True)


def probability(weight: pd.Series | float) -> pd.Series | float:
    """Match weight (bits) → probability."""
    if isinstance(weight, pd.Series):
        return 1.0 / (1.0 + (2.0 ** (-weight.clip(-60, 60))))
    return 1.0 / (1.0 + 2.0 ** (-max(-60.0, min(60.0, weight))))


def level_labels(model_path: Path | None = None) -> dict[str, dict[int, str]]:
    """Comparison name → gamma value → level label (for the evidence)."""
    model = load_model("link_only", model_path)
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        labels = {-1: "unknown"}
        for i, lv in enumerate(levels):
            labels[len(levels) - 1 - i] = lv.get("label_for_charts") or lv["sql_condition"]
        out[comparison["output_column_name"]] = labels
    return out


def weight_of(p: float) -> float:
    return math.log2(p / (1 - p))
