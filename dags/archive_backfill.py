"""
### archive_backfill — the paper archive, one partition per day

Each logical date is one partition: the scans received (or the archive volume) of that day
in `<archive_root>/<YYYY-MM-DD>/` (UTC date of the run's logical date), loaded as batch
`archive-<YYYY-MM-DD>`. A day without a folder is skipped. The tasks are those of
`scan_batch` (pooled OCR, cached pages, idempotent upsert), so a day run twice changes
nothing, and a reviewer's locked value is never overwritten.

`catchup=False`: the archive is walked on purpose, by range, with Airflow's backfill:

    airflow backfill create --dag-id archive_backfill \
        --from-date 2025-07-01 --to-date 2025-07-03 --reprocess-behavior completed

After a rules or OCR change (`reuse_pages=false` in the run conf when the rules version
does not capture it), the `load` task of each day lists the values the re-run changed
(`changes_file` in its summary: record, field, before, after, whether it was locked).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from dags.sohoa_defaults import DEFAULT_ARGS, batch_tasks


@dag(
    dag_id="archive_backfill",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=2,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "ocr", "archive", "backfill"],
    doc_md=__doc__,
    params={
        "archive_root": Param(None, type=["null", "string"], description="Default: data/archive"),
        "declared_type": Param(None, type=["null", "string"], description="Record type hint"),
        "commune_code": Param(None, type=["null", "string"], description="5-digit, scheme 2025"),
        "chunk_size": Param(20, type="integer", minimum=1, description="Files per OCR task"),
        "reuse_pages": Param(True, type="boolean", description="Reuse cached page results"),
        "database_url": Param(None, type=["null", "string"], description="Override settings"),
    },
)
def archive_backfill():
    @task
    def start(params=None, ds=None) -> dict | None:
        from sohoa.pipeline_tasks import archive_partition

        return archive_partition(dict(params or {}), ds)

    batch_tasks(start())


archive_backfill()
