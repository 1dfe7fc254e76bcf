"""Pages per minute of ``scan_batch`` on the real Celery stack, with 1 and with 2 workers.

    .venv/bin/python bench/celery_bench.py            # 40 pages per type × 5 types = 200 pages
    .venv/bin/python bench/celery_bench.py --n 4      # a quick look (20 pages)

For each worker count: ``scripts/airflow-celery.sh start`` with ``SOHOA_CELERY_WORKERS=N``
(one task slot per worker, ``tesseract`` pool of N slots), an empty page cache and a fresh
PostgreSQL national database, one ``scan_batch`` run triggered through the REST API, then
the stack is stopped. Printed: wall time trigger → success, the OCR phase (first OCR task
start → last OCR task end), pages per minute of each, and the scaling efficiency
(rate with 2 workers / (2 × rate with 1)). Both workers run on this machine: they share its
cores with everything else running, which bounds the efficiency measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "airflow-celery.sh"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PORT = "28280"


def generate(pages_dir: Path, n: int) -> list[Path]:
    if not any(pages_dir.glob("*.jpg")) or len(list(pages_dir.glob("*.jpg"))) < 5 * n:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sample_scans.generate",
                "--n",
                str(n),
                "--seed",
                "7",
                "--degrade",
                "mild",
                "--out",
                str(pages_dir),
            ],
            check=True,
            cwd=REPO,
        )
    return sorted(pages_dir.glob("*.jpg"))[: 5 * n]


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def run_once(workers: int, batch_dir: Path, pages: int, chunk_size: int, work: Path) -> dict:
    from sohoa.airflow_local import RestClient

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    tag = uuid.uuid4().hex[:8]
    national, airflow_db = f"sohoa_bench_{tag}", f"sohoa_airflow_bench_{tag}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{national}"'))
    run_dir = work / f"celery-{workers}w-{tag}"
    env = {
        **os.environ,
        "SOHOA_CELERY_DIR": str(run_dir),
        "SOHOA_CELERY_WORKERS": str(workers),
        "SOHOA_AIRFLOW_DB": airflow_db,
        "SOHOA_AIRFLOW_PORT": PORT,
        "SOHOA_AIRFLOW_BROKER": "redis://127.0.0.1:6379/7",
        "SOHOA_DATA_DIR": str(run_dir / "data"),  # empty page cache: every page is read
        "SOHOA_DATABASE_URL": admin.url.set(database=national).render_as_string(False),
    }
    try:
        subprocess.run(["bash", str(SCRIPT), "start"], env=env, check=True)
        password = json.loads((run_dir / "passwords.json").read_text())["sohoa"]
        client = RestClient(f"http://127.0.0.1:{PORT}", "sohoa", password)
        client.wait_for_dag("scan_batch")
        t0 = time.monotonic()
        run_id = client.trigger(
            "scan_batch",
            {"batch_dir": str(batch_dir), "batch_id": f"bench-{tag}", "chunk_size": chunk_size},
        )
        state = client.wait_for_run("scan_batch", run_id, timeout=4 * 3600)
        wall = time.monotonic() - t0
        ocr = [
            t for t in client.task_instances("scan_batch", run_id) if t["task_id"] == "ocr_chunk"
        ]
        ocr_s = max(_ts(t["end_date"]) for t in ocr) - min(_ts(t["start_date"]) for t in ocr)
        client.close()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env)
        with admin.connect() as conn:
            for name in (national, airflow_db):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {
        "workers": workers,
        "state": state,
        "pages": pages,
        "wall_s": round(wall, 1),
        "ocr_s": round(ocr_s, 1),
        "pages_per_min": round(pages / wall * 60, 2),
        "ocr_pages_per_min": round(pages / ocr_s * 60, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="pages per record type (5 types)")
    parser.add_argument("--chunk-size", type=int, default=5)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench")
    args = parser.parse_args()
    args.out = args.out.resolve()  # the workers run elsewhere: every path they get is absolute
    pages = generate(args.out / "pages", args.n)
    batch = args.out / f"celery-batch-{len(pages)}"
    batch.mkdir(parents=True, exist_ok=True)
    for p in pages:  # only the scans: the generator's truth files stay behind
        if not (batch / p.name).exists():
            (batch / p.name).symlink_to(p.resolve())
    results = [
        run_once(int(w), batch, len(pages), args.chunk_size, args.out)
        for w in args.workers.split(",")
    ]
    print(
        f"\nscan_batch on the Celery stack, {len(pages)} mild pages, chunk {args.chunk_size}, "
        f"{os.cpu_count()} cores shared with other work"
    )
    head = ("workers", "state", "wall s", "pages/min", "OCR s", "OCR p/min")
    print(" ".join(f"{h:>10}" for h in head))
    for r in results:
        row = ("workers", "state", "wall_s", "pages_per_min", "ocr_s", "ocr_pages_per_min")
        print(" ".join(f"{r[k]!s:>10}" for k in row))
    by = {r["workers"]: r for r in results}
    if 1 in by and 2 in by:
        eff = by[2]["pages_per_min"] / (2 * by[1]["pages_per_min"])
        ocr_eff = by[2]["ocr_pages_per_min"] / (2 * by[1]["ocr_pages_per_min"])
        print(f"scaling efficiency 1→2 workers: {eff:.0%} (whole run), {ocr_eff:.0%} (OCR phase)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
