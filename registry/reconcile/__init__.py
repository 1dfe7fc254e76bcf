"""Household reconciliation: paper household members against the national residence database.

Public API (NATIONAL_FORMAT.md §3, DESIGN.md ``sohoa reconcile``):

- ``reconcile(paper_df, national_df, ...) -> DataFrame`` on national-format frames;
- ``run_database_reconciliation(engine, run_id=None) -> dict``: ``household_members`` against
  ``national_residents``, results into ``reconciliation_results``;
- ``load_national_csv(engine, path) -> int``: a national snapshot CSV into
  ``national_residents``.

See ``README.md`` for the model, the decisions and how to run it on PostgreSQL or Spark.
"""

from registry.reconcile.database import load_national_csv, run_database_reconciliation
from registry.reconcile.engine import OUTPUT_COLUMNS, reconcile

__all__ = ["OUTPUT_COLUMNS", "load_national_csv", "reconcile", "run_database_reconciliation"]
