"""
### scan_batch — one uploaded batch of scans, from files to national-format rows

`start` names the batch, `plan` lists its folder in chunks → `ocr_chunk` (cleanup +
Tesseract + field extraction, mapped over chunks; a finished chunk is reused on retry) →
`prepare` (normalise, validate with Great Expectations, route to review) → `load` (one
transaction, idempotent upsert) → `report`.

Params: `batch_dir` (folder of scans), `batch_id` (defaults to the folder name),
`declared_type` (the clerk's record type, a hint only), `commune_code`, `chunk_size`.
The work itself lives in `sohoa.batch`; this file is wiring only.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

DEFAULT_ARGS = {
    "owner": "sohoa-data-team",
    "retries": 2,
    "retry_delay": timedelta(seconds=20),
    "retry_exponential_backoff": True,
}


@dag(
    dag_id="scan_batch",
    schedule=None,
    start_date=pendulum.datetime(2025, 7, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "ocr", "batch"],
    doc_md=__doc__,
    params={
        "batch_dir": Param(type="string", description="Folder holding the batch's scans"),
        "batch_id": Param(None, type=["null", "string"], description="Defaults to folder name"),
        "declared_type": Param(None, type=["null", "string"], description="Clerk's record type"),
        "commune_code": Param(None, type=["null", "string"], description="5-digit, scheme 2025"),
        "chunk_size": Param(20, type="integer", minimum=1, description="Files per OCR task"),
        "database_url": Param(None, type=["null", "string"], description="Override settings"),
    },
)
def scan_batch():
    @task
    def start(params=None) -> dict:
        from sohoa.pipeline_tasks import start_batch

        return start_batch(params)

    @task
    def plan(batch: dict) -> list[dict]:
        from sohoa.pipeline_tasks import plan_chunks

        return plan_chunks(batch)

    @task(max_active_tis_per_dag=2)
    def ocr_chunk(files: list[str], work_dir: str, declared_type: str | None) -> str:
        from sohoa.batch import ocr_chunk as run_chunk

        return run_chunk(files, work_dir, declared_type)

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

    batch = start()
    chunk_paths = ocr_chunk.expand_kwargs(plan(batch))
    report(load(prepare(chunk_paths, batch), batch))


scan_batch()
