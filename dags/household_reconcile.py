"""
### household_reconcile — paper household books against the national residence database

Nightly: links every loaded household member to `national_residents` (Splink, see
`registry/reconcile`) and writes one `reconciliation_results` row per entry under a run id
derived from this DAG run, so a retried task replaces its own rows instead of adding more.
Reviewers decide the outcome in the portal; nothing here changes a record.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.sohoa_defaults import DEFAULT_ARGS


@dag(
    dag_id="household_reconcile",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2025, 7, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "household", "reconciliation"],
    doc_md=__doc__,
    params={
        "database_url": Param(None, type=["null", "string"], description="Override settings"),
    },
)
def household_reconcile():
    @task
    def reconcile(params=None, run_id=None) -> dict:
        from sohoa.pipeline_tasks import reconcile_households

        return reconcile_households(dict(params or {}), run_id)

    reconcile()


household_reconcile()
