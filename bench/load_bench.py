"""Load benchmark: household-member rows with their provenance, rows/s on SQLite and PostgreSQL.

    .venv/bin/python bench/load_bench.py [--members 100000] [--per-record 10] [--repeat 3]
                                         [--pg URL] [--skip-pg]

Builds a synthetic normalised household batch (``registry.samples``), loads it into a fresh,
migrated database on each engine (SQLite file under ``var/bench/``; a throwaway PostgreSQL
database, dropped afterwards) and reports member rows per second for the first load and for an
identical re-load (the idempotent no-op path): the median of ``--repeat`` rounds, each on a
fresh database, with every round's figure beside it. ``cpu_s`` is the loader process's own CPU
time and, on PostgreSQL, ``server_cpu_s`` the CPU time of the database's server processes
serving the load (read from ``/proc``: the server must run on this machine). ``load_avg`` is the
machine's 1-minute load at the start: on a shared machine wall-clock figures move with it, CPU
seconds much less, so ``rows_per_cpu_s`` (rows per second of loader + server CPU) is printed
beside the wall-clock rate. Frame building is not timed. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
            engine.dispose()  # a new server process serves the load: its CPU time is the load's
            start, cpu = time.perf_counter(), time.process_time()
            summary = load_batch(engine, frame, batch=batch, **RUN)
            seconds = time.perf_counter() - start
            cpu_s = time.process_time() - cpu
            server_s = _server_cpu_s(engine)
            assert summary.nested_rows == members, summary
            if label == "reload":
                assert summary.unchanged == summary.records, summary  # the no-op path
            out[label] = {
                "seconds": round(seconds, 2),
                "rows_per_s": round(members / seconds),
                "cpu_s": round(cpu_s, 2),
            }
            if server_s is not None:
                out[label]["server_cpu_s"] = round(server_s, 2)
                out[label]["rows_per_cpu_s"] = round(members / (cpu_s + server_s))
            else:
                out[label]["rows_per_cpu_s"] = round(members / cpu_s)
        return out
    finally:
        engine.dispose()


def _server_cpu_s(engine) -> float | None:
    """CPU seconds of the PostgreSQL server processes connected to this database (the load's:
    the database is the bench's own), from ``/proc/<pid>/stat``; None on SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        pids = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend'"
            )
        ).scalars()
        total = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _median(rounds: list[dict]) -> dict:
    out = {}
    for label in ("first_load", "reload"):
        rates = [r[label]["rows_per_s"] for r in rounds]
        out[label] = {
            "rows_per_s_median": round(statistics.median(rates)),
            "rows_per_s_rounds": rates,
            "cpu_s_median": round(statistics.median(r[label]["cpu_s"] for r in rounds), 2),
            "rows_per_cpu_s_median": round(
                statistics.median(r[label]["rows_per_cpu_s"] for r in rounds)
            ),
        }
        if "server_cpu_s" in rounds[0][label]:
            out[label]["server_cpu_s_median"] = round(
                statistics.median(r[label]["server_cpu_s"] for r in rounds), 2
            )
    return out


def _sqlite_round(frame, members: int) -> dict:
    path = Path("var/bench/load_bench.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in path.parent.glob("load_bench.db*"):
        p.unlink()
    return _time_loads(f"sqlite:///{path}", frame, members)


def _postgresql_round(admin_url: str, frame, members: int) -> dict:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"sohoa_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        return _time_loads(url, frame, members)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--per-record", type=int, default=10)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = args.members // args.per_record
    members = records * args.per_record
    frame = household_frame(records, args.per_record, batch_id="B-BENCH")
    results = {
        "members": members,
        "records": records,
        "load_avg": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    results["sqlite"] = _median([_sqlite_round(frame, members) for _ in range(args.repeat)])
    if not args.skip_pg:
        rounds = [_postgresql_round(args.pg, frame, members) for _ in range(args.repeat)]
        results["postgresql"] = _median(rounds)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
