"""What every sohoa DAG shares: owner, retries with exponential back-off, the failure
callback that tells the clerk, and the ``tesseract`` pool. Imported by the DAG files only;
nothing heavy happens at import (the stage code is imported inside the callables)."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum

# Concurrent OCR tasks across the whole installation (every worker machine): one Tesseract
# process each. Created by `sohoa.airflow_local` and `scripts/airflow-celery.sh`.
TESSERACT_POOL = "tesseract"
START_DATE = pendulum.datetime(2025, 7, 1, tz="Asia/Ho_Chi_Minh")


def task_workers() -> int:
    """Tesseract processes inside one OCR task: 1 on a real executor (the pool is the
    concurrency); the embedded runner, which runs tasks one after another, sets more."""
    return max(1, int(os.environ.get("SOHOA_TASK_WORKERS", "1") or 1))


def on_task_failure(context) -> None:
    """After the last retry: write 'failed: …' (Vietnamese / English) on the batch record."""
    from sohoa.pipeline_tasks import record_batch_failure

    ti = context["ti"]
    params = dict(context.get("params") or {})
    batch = _upstream_batch(ti)
    if batch:  # the archive DAG names its batch in `start`, not in params
        params = {**params, "batch_id": batch["batch_id"]}
    record_batch_failure(params, ti.task_id, ti.try_number, context.get("exception"))


def _upstream_batch(ti) -> dict | None:
    try:
        batch = ti.xcom_pull(task_ids="start")
    except Exception:  # the start task itself failed: nothing to pull
        return None
    return batch if isinstance(batch, dict) and batch.get("batch_id") else None


DEFAULT_ARGS = {
    "owner": "sohoa-data-team",
    "retries": 2,
    "retry_delay": timedelta(seconds=20),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": on_task_failure,
}


def batch_tasks(batch):
    """plan → ocr_chunk (mapped, pooled) → prepare → load → report, after a task returning
    the batch dict (``start``). Shared by ``scan_batch`` and ``archive_backfill``."""
    from airflow.sdk import task

    @task
    def plan(batch: dict | None) -> list[dict]:
        from sohoa.pipeline_tasks import plan_chunks

        return plan_chunks(batch) if batch else []

    @task(pool=TESSERACT_POOL)
    def ocr_chunk(
        files: list[str], work_dir: str, declared_type: str | None, reuse_pages: bool = True
    ) -> str:
        from sohoa.batch import ocr_chunk as run_chunk

        return run_chunk(files, work_dir, declared_type, task_workers(), reuse_pages)

    @task
    def prepare(chunk_paths: list[str], batch: dict) -> str:
        from sohoa.pipeline_tasks import prepare_batch

        return prepare_batch(list(chunk_paths), batch)

    @task
    def load(prepared_path: str, batch: dict) -> dict:
        from sohoa.pipeline_tasks import load_batch

        return load_batch(prepared_path, batch)

    @task
    def report(summary: dict) -> dict:
        from sohoa.pipeline_tasks import report_batch

        return report_batch(summary)

    chunk_paths = ocr_chunk.expand_kwargs(plan(batch))
    return report(load(prepare(chunk_paths, batch), batch))
