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
        "work_dir": str(settings.data_dir / "work" / batch_id),
        "started_at": time.time(),
    }


def plan_chunks(batch: dict[str, Any]) -> list[dict[str, Any]]:
    """Keyword arguments of one ``ocr_chunk`` task per chunk of files."""
    chunks = stages.plan_chunks(batch["batch_dir"], batch["chunk_size"])
    log.info("batch %s: %d chunks from %s", batch["batch_id"], len(chunks), batch["batch_dir"])
    return [
        {"files": files, "work_dir": batch["work_dir"], "declared_type": batch["declared_type"]}
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
    loaded = stages.load_records(prepared, batch, batch.get("database_url"))
    summary = stages.summarise(batch["batch_id"], prepared, loaded, time.monotonic())
    out = summary.to_dict()
    out["seconds"] = round(time.time() - batch.get("started_at", time.time()), 2)
    out["unreadable_files"] = prepared.unreadable
    return out


def report_batch(summary: dict[str, Any]) -> dict[str, Any]:
    work_dir = get_settings().data_dir / "work" / summary["batch_id"]
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    log.info("batch %s summary: %s", summary["batch_id"], summary)
    return summary
