"""From an uploaded batch to the ``scan_batch`` DAG, without losing any upload.

Every upload is first a row in ``upload_queue`` (status ``queued``). ``dispatch`` then either
triggers ``scan_batch`` through Airflow's REST API (v2, JWT from ``/auth/token``) when
``SOHOA_AIRFLOW_API_URL`` is set, or — the embedded default, no Airflow server — runs the batch
in this process through the DAG's own task functions (``sohoa.pipeline_tasks``). When Airflow
cannot be reached the row stays ``queued`` with the reason; ``sweep`` (``sohoa sweep``, a cron
line, or the portal's own timer) tries again. Claiming a row is a compare-and-set on its status,
so several portal workers and sweeps never run one batch twice. A batch run in-process touches
its row after every chunk; one left ``running`` with no sign of life for ``STALLED_AFTER`` (the
portal process died mid-batch) is queued again by the sweep — every stage is idempotent, and
pages already read are reused.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from registry.models import UploadQueueEntry

log = logging.getLogger(__name__)

_queue = UploadQueueEntry.__table__
DAG_ID = "scan_batch"
STALLED_AFTER = timedelta(minutes=30)  # far above one chunk's time: chunks are a few pages


@dataclass(frozen=True)
class AirflowApi:
    url: str
    username: str | None
    password: str | None

    @classmethod
    def from_env(cls) -> AirflowApi | None:
        url = os.environ.get("SOHOA_AIRFLOW_API_URL", "").strip().rstrip("/")
        if not url:
            return None
        return cls(
            url, os.environ.get("SOHOA_AIRFLOW_USERNAME"), os.environ.get("SOHOA_AIRFLOW_PASSWORD")
        )

    def _token(self, client: httpx.Client) -> str:
        r = client.post(
            f"{self.url}/auth/token", json={"username": self.username, "password": self.password}
        )
        r.raise_for_status()
        return r.json()["access_token"]

    def trigger(self, conf: dict[str, Any], run_id: str) -> str:
        with httpx.Client(timeout=10) as client:
            headers = {"Authorization": f"Bearer {self._token(client)}"}
            r = client.post(
                f"{self.url}/api/v2/dags/{DAG_ID}/dagRuns",
                json={"dag_run_id": run_id, "logical_date": None, "conf": conf},
                headers=headers,
            )
            r.raise_for_status()
            return r.json()["dag_run_id"]

    def state(self, run_id: str) -> str:
        with httpx.Client(timeout=10) as client:
            headers = {"Authorization": f"Bearer {self._token(client)}"}
            r = client.get(f"{self.url}/api/v2/dags/{DAG_ID}/dagRuns/{run_id}", headers=headers)
            r.raise_for_status()
            return r.json()["state"]


def _conf(row: Any) -> dict[str, Any]:
    return {
        "batch_dir": row["batch_dir"],
        "batch_id": row["batch_id"],
        "declared_type": row["declared_type"],
        "commune_code": row["commune_code"],
    }


def _set(engine: Engine, batch_id: str, expect: str | None = None, **values: Any) -> bool:
    """Update a queue row; with ``expect``, only when its status still is that (claim)."""
    stmt = update(_queue).where(_queue.c.batch_id == batch_id)
    if expect is not None:
        stmt = stmt.where(_queue.c.status == expect)
    with engine.begin() as conn:
        return conn.execute(stmt.values(updated_at=datetime.now(UTC), **values)).rowcount == 1


def run_in_process(engine: Engine, row: Any, database_url: str | None = None) -> None:
    """The embedded default: the DAG's task functions, in order, in this process."""
    from sohoa import batch as stages
    from sohoa import pipeline_tasks as tasks

    try:
        batch = tasks.start_batch({**_conf(row), "database_url": database_url})
        chunks = []
        for c in tasks.plan_chunks(batch):
            chunks.append(stages.ocr_chunk(c["files"], c["work_dir"], c["declared_type"]))
            _set(engine, row["batch_id"], expect="running")  # alive: not a stalled run
        summary = tasks.report_batch(tasks.load_batch(tasks.prepare_batch(chunks, batch), batch))
    except Exception as e:  # the batch failed; the clerk sees why, the portal lives on
        log.exception("batch %s failed", row["batch_id"])
        _set(engine, row["batch_id"], status="failed", message=f"{type(e).__name__}: {e}")
        return
    _set(engine, row["batch_id"], status="done", summary=_jsonable(summary), message=None)


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(summary, default=str))


def dispatch(engine: Engine, batch_id: str, database_url: str | None = None) -> str:
    """Hand one queued batch on; returns its new status (``queued`` if it must wait)."""
    with engine.connect() as conn:
        row = conn.execute(select(_queue).where(_queue.c.batch_id == batch_id)).mappings().first()
    if row is None or row["status"] != "queued":
        return row["status"] if row else "missing"
    api = AirflowApi.from_env()
    if api is None:
        if not _set(
            engine, batch_id, expect="queued", status="running", attempts=row["attempts"] + 1
        ):
            return "running"  # another worker claimed it
        run_in_process(engine, row, database_url)
        return "done"
    if not _set(
        engine, batch_id, expect="queued", status="triggered", attempts=row["attempts"] + 1
    ):
        return "triggered"
    try:
        run_id = api.trigger(_conf(row), run_id=f"portal__{batch_id}")
    except (httpx.HTTPError, KeyError, ValueError) as e:
        log.warning("Airflow unreachable for batch %s: %s", batch_id, e)
        _set(
            engine,
            batch_id,
            status="queued",
            message=f"Airflow chưa nhận lô, sẽ thử lại / Airflow not reachable, will retry: {e}",
        )
        return "queued"
    _set(engine, batch_id, dag_run_id=run_id, message=None)
    return "triggered"


def refresh_triggered(engine: Engine) -> None:
    """Follow batches handed to Airflow until their DAG run ends."""
    api = AirflowApi.from_env()
    if api is None:
        return
    with engine.connect() as conn:
        rows = conn.execute(select(_queue).where(_queue.c.status == "triggered")).mappings().all()
    for row in rows:
        if not row["dag_run_id"]:
            continue
        try:
            state = api.state(row["dag_run_id"])
        except httpx.HTTPError as e:
            log.info("cannot ask Airflow about %s: %s", row["batch_id"], e)
            continue
        if state in ("success", "failed"):
            _set(
                engine,
                row["batch_id"],
                status="done" if state == "success" else "failed",
                message=None if state == "success" else f"DAG run {state}",
            )


def requeue_stalled(engine: Engine, now: datetime | None = None) -> int:
    """Queue again the in-process runs that stopped giving signs of life; returns how many."""
    cutoff = (now or datetime.now(UTC)) - STALLED_AFTER
    with engine.begin() as conn:
        stalled = conn.execute(
            update(_queue)
            .where(_queue.c.status == "running", _queue.c.updated_at < cutoff)
            .values(
                status="queued",
                updated_at=datetime.now(UTC),
                message="Lần xử lý trước bị dừng giữa chừng; lô được xếp hàng lại. / "
                "The previous run stopped half-way; the batch is queued again.",
            )
        ).rowcount
    if stalled:
        log.warning("%d stalled in-process batch(es) queued again", stalled)
    return stalled


def sweep(engine: Engine, database_url: str | None = None, limit: int = 20) -> dict[str, int]:
    """Dispatch waiting batches (oldest first) and follow triggered ones; returns counts."""
    requeue_stalled(engine)
    with engine.connect() as conn:
        waiting = (
            conn.execute(
                select(_queue.c.batch_id)
                .where(_queue.c.status == "queued")
                .order_by(_queue.c.created_at)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    counts: dict[str, int] = {}
    for batch_id in waiting:
        status = dispatch(engine, batch_id, database_url)
        counts[status] = counts.get(status, 0) + 1
    refresh_triggered(engine)
    return counts
