"""
### landing_sweep — start `scan_batch` for every batch dropped in the landing folder

A batch lands as a folder `<landing>/<batch_id>/` of scans; whoever copies it writes an
empty `READY` file last, so a half-copied folder is never read. Every few minutes this DAG
lists the ready folders and triggers one `scan_batch` run each, with the run id
`landing__<batch_id>`: a folder already triggered is skipped, so the sweep can run as often
as wanted and never starts a batch twice.

Why a sweep and not an Asset watcher: in Airflow 3 an `AssetWatcher` needs an event trigger
(message queues, or `FileDeleteTrigger` that deletes the file it watched and sees one path
only), runs in the triggerer, and asset events arriving between two runs are merged into one
run — several batches would share a run. A sweep over a shared folder works with every
executor, keeps one run per batch, and is safe to repeat.
"""

from __future__ import annotations

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Param, dag, task

from dags.sohoa_defaults import DEFAULT_ARGS, START_DATE


@dag(
    dag_id="landing_sweep",
    schedule="*/5 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "batch", "landing"],
    doc_md=__doc__,
    params={
        "landing_dir": Param(None, type=["null", "string"], description="Default: data/landing"),
    },
)
def landing_sweep():
    @task
    def ready_batches(params=None) -> list[dict]:
        from sohoa.pipeline_tasks import landed_batches

        return landed_batches((params or {}).get("landing_dir"))

    TriggerDagRunOperator.partial(
        task_id="trigger_scan_batch",
        trigger_dag_id="scan_batch",
        skip_when_already_exists=True,
        wait_for_completion=False,
    ).expand_kwargs(ready_batches())


landing_sweep()
