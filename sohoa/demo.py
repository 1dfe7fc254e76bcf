"""``sohoa demo``: make a sample batch, run ``scan_batch`` in-process on the embedded default
(SQLite metadata and database under the project data folder), and summarise what happened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from sohoa.errors import SohoaError
from sohoa.settings import get_settings


def make_sample_batch(out_dir: Path, pages: int, seed: int) -> Path:
    """Birth registration pages from the generator, clean and mildly degraded. Each level gets
    its own seed: the generator draws a page's content from the seed alone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for offset, level, n in ((0, "clean", (pages + 1) // 2), (1, "mild", pages // 2)):
        if n == 0:
            continue
        subprocess.run(
            [
                sys.executable, "-m", "sample_scans.generate",
                "--types", "birth_registration", "--n", str(n), "--seed", str(seed + offset),
                "--degrade", level, "--out", str(out_dir),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return out_dir


def run_demo(pages: int = 6, seed: int = 2026) -> str:
    from registry.reference import upgrade_and_seed
    from sohoa.airflow_local import run_dag

    settings = get_settings()
    upgrade_and_seed(settings.database_url)  # schema and reference data before the run
    batch_id = f"demo-s{seed}-n{pages}"
    batch_dir = make_sample_batch(settings.data_dir / "batches" / batch_id, pages, seed)
    log_file = settings.data_dir / "logs" / f"{batch_id}.airflow.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    state = run_dag(
        "scan_batch",
        {"batch_dir": str(batch_dir), "batch_id": batch_id, "chunk_size": 3},
        log_file=log_file,
    )
    summary_file = settings.data_dir / "work" / batch_id / "summary.json"
    if state != "success" or not summary_file.exists():
        raise SohoaError(
            f"Lô {batch_id} chạy không thành công ({state}); xem {log_file}",
            f"Batch {batch_id} did not succeed ({state}); see {log_file}",
        )
    summary = json.loads(summary_file.read_text("utf-8"))
    counts = _database_counts(settings.database_url)
    lines = [
        f"sohoa demo — batch {batch_id} ({state})",
        f"  pages read:            {summary['pages']}",
        f"  records:               {summary['records']}",
        f"  auto-accepted:         {summary['auto_accepted']}",
        f"  sent to review:        {summary['needs_review']}",
        f"  unreadable pages:      {summary['unreadable']}",
        f"  held record types:     {summary['held'] or 'none'}",
        f"  load:                  {summary['loaded']}",
        f"  database:              {settings.database_url}",
        f"    birth_registrations: {counts.get('birth_registrations')} rows",
        f"    review_flags:        {counts.get('review_flags')} rows",
        f"  Data Docs:             {settings.data_docs_dir}",
        f"  Airflow log:           {log_file}",
        f"  scans:                 {batch_dir}",
    ]
    return "\n".join(lines)


def _database_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("birth_registrations", "review_flags")
                if t in names
            }
    finally:
        engine.dispose()
