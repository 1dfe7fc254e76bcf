"""The bodies of the ``scan_batch`` DAG's tasks: small functions taking and returning plain,
JSON-able values (paths, ids, summaries) so they travel through XCom."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from sohoa import batch as stages
from sohoa.settings import get_settings

log = logging.getLogger(__name__)


def start_batch(params: dict[str, Any]) -> dict[str, Any]:
    """The batch's identity and folders, from the DAG run's params."""
    settings = get_settings()
    batch_dir = Path(params["batch_dir"]).resolve()
    batch_id = params.get("batch_id") or batch_dir.name
    return {
        "batch_id": batch_id,
        "batch_dir": str(batch_dir),
        "declared_type": params.get("declared_type"),
        "commune_code": params.get("commune_code"),
        "database_url": params.get("database_url"),
        "chunk_size": int(params.get("chunk_size") or 20),
        "reuse_pages": params.get("reuse_pages", True) is not False,
        "work_dir": str(settings.data_dir / "work" / batch_id.replace("/", "_")),
        "started_at": time.time(),
    }


def plan_chunks(batch: dict[str, Any]) -> list[dict[str, Any]]:
    """Keyword arguments of one ``ocr_chunk`` task per chunk of files."""
    chunks = stages.plan_chunks(batch["batch_dir"], batch["chunk_size"])
    log.info("batch %s: %d chunks from %s", batch["batch_id"], len(chunks), batch["batch_dir"])
    return [
        {
            "files": files,
            "work_dir": batch["work_dir"],
            "declared_type": batch["declared_type"],
            "reuse_pages": batch.get("reuse_pages", True),
        }
        for files in chunks
    ]


def prepare_batch(chunk_paths: list[str], batch: dict[str, Any]) -> str:
    extractions = stages.read_chunks(chunk_paths)
    prepared = stages.prepare_records(
        extractions, batch["batch_id"], data_docs_dir=get_settings().data_docs_dir
    )
    for doc_type, reason in prepared.held.items():
        log.warning("batch %s: %s held: %s", batch["batch_id"], doc_type, reason)
    return stages.save_prepared(prepared, Path(batch["work_dir"]) / "prepared")


def load_batch(prepared_path: str, batch: dict[str, Any]) -> dict[str, Any]:
    prepared = stages.read_prepared(prepared_path)
    record_ids = [rid for df in prepared.frames.values() for rid in df.get("record_id", [])]
    before = field_snapshot(record_ids, batch.get("database_url"))
    loaded = stages.load_records(prepared, batch, batch.get("database_url"))
    changes = changed_values(before, field_snapshot(record_ids, batch.get("database_url")))
    summary = stages.summarise(batch["batch_id"], prepared, loaded, time.monotonic())
    out = summary.to_dict()
    out["seconds"] = round(time.time() - batch.get("started_at", time.time()), 2)
    out["unreadable_files"] = prepared.unreadable
    out["changed_values"] = len(changes)
    if changes:  # a re-run after a rules or OCR change: what it changed, value by value
        path = Path(batch["work_dir"]) / f"changes-{time.strftime('%Y%m%dT%H%M%S')}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(c, ensure_ascii=False) + "\n" for c in changes)
        out["changes_file"] = str(path)
        out["changes_sample"] = changes[:20]
    return out


def report_batch(summary: dict[str, Any]) -> dict[str, Any]:
    work_dir = get_settings().data_dir / "work" / summary["batch_id"].replace("/", "_")
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    log.info("batch %s summary: %s", summary["batch_id"], summary)
    return summary


# --------------------------------------------------------------------- what a re-run changed
def field_snapshot(record_ids: list[str], database_url: str | None) -> dict[tuple, tuple]:
    """``(record_id, field) → (value, machine_value, locked)`` of the given records."""
    from sqlalchemy import select

    from registry.db import get_engine, upgrade
    from registry.models import FieldValue

    if not record_ids:
        return {}
    upgrade(database_url)
    engine = get_engine(database_url)
    t = FieldValue.__table__
    cols = (t.c.record_id, t.c.field, t.c.value, t.c.machine_value, t.c.locked)
    out: dict[tuple, tuple] = {}
    try:
        with engine.connect() as conn:
            for i in range(0, len(record_ids), 500):
                part = record_ids[i : i + 500]
                for r in conn.execute(select(*cols).where(t.c.record_id.in_(part))):
                    out[(r.record_id, r.field)] = (r.value, r.machine_value, bool(r.locked))
    finally:
        engine.dispose()
    return out


def changed_values(before: dict[tuple, tuple], after: dict[tuple, tuple]) -> list[dict]:
    """Values a load changed. On a locked field the reviewer's value stays, so what changed is
    what the machine read (``machine_value``); new fields of new records are not changes."""
    changes = []
    for key, (value, machine, locked) in sorted(after.items()):
        if key not in before:
            continue
        old_value, old_machine, _ = before[key]
        old, new = (old_machine, machine) if locked else (old_value, value)
        if old != new:
            changes.append(
                {
                    "record_id": key[0],
                    "field": key[1],
                    "before": old,
                    "after": new,
                    "locked": locked,
                }
            )
    return changes


# ------------------------------------------------------------------------- archive partitions
def archive_partition(params: dict[str, Any], partition_date: str) -> dict[str, Any] | None:
    """The archive batch of one day (``<archive_root>/<YYYY-MM-DD>/``), or None when that day
    has no folder. The batch id is the date, so re-running a day is the same batch."""
    root = Path(params.get("archive_root") or get_settings().data_dir / "archive")
    folder = root / partition_date
    if not folder.is_dir():
        log.info("archive partition %s: no folder %s", partition_date, folder)
        return None
    return start_batch(
        {**params, "batch_dir": str(folder), "batch_id": f"archive-{partition_date}"}
    )


# --------------------------------------------------------------------------- failure callback
STEP_NAMES = {  # task id → (Vietnamese, English) for the clerk's message
    "start": ("nhận lô", "receiving the batch"),
    "plan": ("chia lô", "planning the batch"),
    "ocr_chunk": ("đọc trang (OCR)", "reading pages (OCR)"),
    "prepare": ("chuẩn hoá và kiểm tra", "normalising and validating"),
    "load": ("ghi vào cơ sở dữ liệu", "loading into the database"),
    "report": ("báo cáo", "reporting"),
}


def failure_message(task_id: str, tries: int, error: BaseException | str | None) -> str:
    vi, en = STEP_NAMES.get(task_id, (task_id, task_id))
    detail = str(error or "").strip().splitlines()[0][:300] if error else "không rõ / unknown"
    return (
        f"thất bại: bước {vi} không xong sau {tries} lần thử ({detail}) / "
        f"failed: the {en} step did not finish after {tries} tries ({detail})"
    )


def record_batch_failure(
    params: dict[str, Any], task_id: str, tries: int, error: BaseException | str | None
) -> str:
    """Mark the batch (and its per-type sub-batches) failed with a message a clerk can read.
    Never raises: a callback that fails would hide the original failure."""
    from sqlalchemy import insert, or_, update

    from registry.db import get_engine, upgrade
    from registry.models import Batch

    message = failure_message(task_id, tries, error)
    batch_id = params.get("batch_id") or Path(params.get("batch_dir") or "unknown").name
    t = Batch.__table__
    url = params.get("database_url")
    try:
        upgrade(url)
        engine = get_engine(url)
        with engine.begin() as conn:
            stamp = {"status": "failed", "failure_message": message, "finished_at": _utcnow()}
            hit = conn.execute(
                update(t)
                .where(or_(t.c.batch_id == batch_id, t.c.batch_id.like(f"{batch_id}/%")))
                .values(**stamp)
            ).rowcount
            if not hit and params.get("declared_type"):
                conn.execute(
                    insert(t).values(batch_id=batch_id, doc_type=params["declared_type"], **stamp)
                )
            elif not hit:
                log.warning("batch %s has no row to mark failed (type unknown)", batch_id)
        engine.dispose()
    except Exception:  # see docstring
        log.exception("could not record the failure of batch %s", batch_id)
    log.error("batch %s: %s", batch_id, message)
    return message


def _utcnow():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# ------------------------------------------------------------------------- other DAGs' bodies
def landed_batches(landing_dir: str | None) -> list[dict[str, Any]]:
    """``TriggerDagRunOperator`` arguments for every landed folder with a ``READY`` file."""
    root = Path(landing_dir or get_settings().data_dir / "landing")
    ready = sorted(p.parent for p in root.glob("*/READY")) if root.is_dir() else []
    log.info("landing %s: %d ready batches", root, len(ready))
    return [
        {
            "trigger_run_id": f"landing__{folder.name}",
            "conf": {"batch_dir": str(folder), "batch_id": folder.name},
        }
        for folder in ready
    ]


def reconcile_households(params: dict[str, Any], dag_run_id: str | None) -> dict[str, Any]:
    """Run the household reconciliation; the run id follows the DAG run (a retry replaces)."""
    from registry.db import get_engine, upgrade
    from registry.reconcile import run_database_reconciliation

    url = params.get("database_url")
    upgrade(url)
    engine = get_engine(url)
    try:
        run_id = f"airflow-{dag_run_id}" if dag_run_id else None
        return run_database_reconciliation(engine, run_id=run_id)
    finally:
        engine.dispose()
