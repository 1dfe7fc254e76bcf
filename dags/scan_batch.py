"""
### scan_batch — one uploaded batch of scans, from files to national-format rows

`start` names the batch, `plan` lists its folder in chunks → `ocr_chunk` (cleanup +
Tesseract + field extraction, mapped over chunks, in the `tesseract` pool: one Tesseract
process per task, the pool bounds how many run at once across all workers; every scan's
result is cached by its SHA-256, so a retried or re-run chunk reads only unfinished pages) →
`prepare` (normalise, validate with Great Expectations, route to review) → `load` (one
transaction per record type, idempotent upsert; reports which values a re-run changed) →
`report`.

Triggered by the portal through the REST API (`POST /api/v2/dags/scan_batch/dagRuns`), by
`landing_sweep` for batches dropped in the landing folder, or by hand. Params: `batch_dir`
(folder of scans), `batch_id` (defaults to the folder name), `declared_type` (the clerk's
record type, a hint only), `commune_code`, `chunk_size`, `reuse_pages`, `database_url`.
After the last retry a failed task writes "failed: …" (Vietnamese / English) on the batch
record. The work itself lives in `sohoa.batch` and `sohoa.pipeline_tasks`.
"""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from dags.sohoa_defaults import DEFAULT_ARGS, START_DATE, batch_tasks


@dag(
    dag_id="scan_batch",
    schedule=None,
    start_date=START_DATE,
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
        "reuse_pages": Param(True, type="boolean", description="Reuse cached page results"),
        "database_url": Param(None, type=["null", "string"], description="Override settings"),
    },
)
def scan_batch():
    @task
    def start(params=None) -> dict:
        from sohoa.pipeline_tasks import start_batch

        return start_batch(params)

    batch_tasks(start())


scan_batch()
