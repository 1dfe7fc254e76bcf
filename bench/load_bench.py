"""Load benchmark: household-member rows with their provenance, rows/s on SQLite and PostgreSQL.

    .venv/bin/python bench/load_bench.py [--members 100000] [--per-record 10] [--pg URL]

Builds a synthetic normalised household batch (``registry.samples``), loads it into a fresh,
migrated database on each engine (SQLite file under ``var/bench/``; a throwaway PostgreSQL
database, dropped afterwards) and reports member rows per second for the first load and for an
identical re-load (the idempotent no-op path). Frame building is not timed. Not a test.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from registry.db import get_engine, upgrade
from registry.loader import load_batch
from registry.samples import household_frame

RUN = {"run_id": "bench-run", "rules_version": "bench", "ocr_engine": "tesseract 5.3 vie"}


def _time_loads(url: str, frame, members: int) -> dict:
    upgrade(url)
    engine = get_engine(url)
    batch = {"batch_id": "B-BENCH", "doc_type": "household_registration"}
    try:
        out = {}
        for label in ("first_load", "reload"):
            start = time.perf_counter()
            summary = load_batch(engine, frame, batch=batch, **RUN)
            seconds = time.perf_counter() - start
            assert summary.nested_rows == members, summary
            out[label] = {"seconds": round(seconds, 2), "rows_per_s": round(members / seconds)}
        return out
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--per-record", type=int, default=10)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    records = args.members // args.per_record
    members = records * args.per_record
    frame = household_frame(records, args.per_record, batch_id="B-BENCH")
    results = {"members": members, "records": records}

    path = Path("var/bench/load_bench.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in path.parent.glob("load_bench.db*"):
        p.unlink()
    results["sqlite"] = _time_loads(f"sqlite:///{path}", frame, members)

    if not args.skip_pg:
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        name = f"sohoa_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            results["postgresql"] = _time_loads(url, frame, members)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
