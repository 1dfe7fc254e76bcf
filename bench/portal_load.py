"""Portal load: concurrent reviewers working a queue of flagged records, on loopback.

    .venv/bin/python bench/portal_load.py [--records 100000] [--reviewers 50] [--seconds 60]
        [--workers 2] [--think 1.0] [--pg URL]

Seeds a fresh, migrated database (SQLite under ``var/bench/``, or a throwaway PostgreSQL
database with ``--pg``) with ``--records`` flagged birth records over 50 communes by bulk
inserts, one reviewer account per commune, then starts the portal with uvicorn and
``--workers`` worker processes (as a deployment behind a reverse proxy would) and lets
``--reviewers`` httpx/asyncio clients work: queue page → record page → accept the flagged
field (a real save: compare-and-set, lock, audit) → next, with ``--think`` seconds between
pages (a person reads the scan). Reports p50/p95/max latency per page kind, pages per second,
errors and conflicts. Logins (argon2) happen before measuring. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portal.accounts import add_user  # noqa: E402
from registry.db import get_engine, upgrade  # noqa: E402
from registry.models import (  # noqa: E402
    Batch,
    BirthRegistration,
    FieldValue,
    Page,
    ReviewFlag,
    SourceFile,
)
from sohoa.cli import PORTAL_KEEP_ALIVE_S  # noqa: E402

COMMUNES = [f"{25000 + i:05d}" for i in range(50)]
PASSWORD = "bench password 123"
FIELDS = ("child_full_name", "child_date_of_birth", "mother_full_name")


def seed(url: str, records: int, chunk: int = 10_000) -> None:
    upgrade(url)
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(Batch.__table__),
            [
                {
                    "batch_id": f"B-{c}",
                    "doc_type": "birth_registration",
                    "commune_code": c,
                    "commune_code_scheme": "2025",
                    "status": "loaded",
                }
                for c in COMMUNES
            ],
        )
    for start in range(0, records, chunk):
        files, pages, recs, fields, flags = [], [], [], [], []
        for i in range(start, min(records, start + chunk)):
            sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
            rid = sha[:24]
            commune = COMMUNES[i % len(COMMUNES)]
            files.append({"sha256": sha, "original_path": f"/nonexistent/{i}.png"})
            pages.append({"source_sha256": sha, "page": 1, "batch_id": f"B-{commune}"})
            recs.append(
                {
                    "record_id": rid,
                    "source_sha256": sha,
                    "page": 1,
                    "batch_id": f"B-{commune}",
                    "run_id": "bench",
                    "rules_version": "bench",
                    "ocr_engine": "bench",
                    "status": "needs_review",
                    "child_full_name": f"NGUYỄN VĂN {i}",
                    "child_date_of_birth": "2010-01-01",
                    "mother_full_name": "TRẦN THỊ LAN",
                }
            )
            for f in FIELDS:
                value = recs[-1][f]
                fields.append(
                    {
                        "record_id": rid,
                        "field": f,
                        "doc_type": "birth_registration",
                        "raw_value": value,
                        "value": value,
                        "confidence": 0.5,
                        "source_sha256": sha,
                        "page": 1,
                        "run_id": "bench",
                        "machine_value": value,
                        "machine_run_id": "bench",
                        "locked": False,
                    }
                )
            flags.append(
                {
                    "record_id": rid,
                    "doc_type": "birth_registration",
                    "field": "child_full_name",
                    "reason": "low_confidence",
                    "message_vi": "Độ tin cậy thấp",
                    "message_en": "Low confidence",
                    "raised_by": "machine",
                    "run_id": "bench",
                    "resolved": False,
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(SourceFile.__table__), files)
            conn.execute(insert(Page.__table__), pages)
            conn.execute(insert(BirthRegistration.__table__), recs)
            conn.execute(insert(FieldValue.__table__), fields)
            conn.execute(insert(ReviewFlag.__table__), flags)
    for k, c in enumerate(COMMUNES):
        add_user(engine, f"rev{k:02d}", PASSWORD, "reviewer", [c])
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _login(client: httpx.AsyncClient, user: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    r = await client.post(
        "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303, r.text


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--reviewers", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--pg", help="PostgreSQL server URL (a throwaway database is made there)")
    args = ap.parse_args()

    bench_dir = REPO / "var" / "bench" / "portal"
    bench_dir.mkdir(parents=True, exist_ok=True)
    admin = None
    if args.pg:
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        name = f"sohoa_portal_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    else:
        db = bench_dir / "portal_load.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    t0 = time.perf_counter()
    seed(url, args.records)
    seed_s = time.perf_counter() - t0
    port = _free_port()
    env = {
        **os.environ,
        "SOHOA_DATABASE_URL": url,
        "SOHOA_DATA_DIR": str(bench_dir),
        "SOHOA_PORTAL_SWEEP_S": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "portal.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--timeout-keep-alive",
            str(PORTAL_KEEP_ALIVE_S),  # as `sohoa serve` runs it
        ],
        cwd=REPO,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        load_before = os.getloadavg()[0]
        result = asyncio.run(_measure(base, args.reviewers, args.seconds, args.think))
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(20)
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    report = {
        "engine": "postgresql" if args.pg else "sqlite",
        "records": args.records,
        "reviewers": args.reviewers,
        "uvicorn_workers": args.workers,
        "think_s": args.think,
        "seconds": args.seconds,
        "seed_s": round(seed_s, 1),
        "pages": {
            k: {
                "n": len(v),
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(_pct(v, 95), 1),
                "max_ms": round(max(v), 1),
            }
            for k, v in result["latency"].items()
            if v
        },
        "all_pages": _summary(result["latency"]),
        "pages_per_s": round(sum(map(len, result["latency"].values())) / args.seconds, 1),
        "errors": len(result["errors"]),
        "error_samples": result["errors"][:5],
        "conflicts": result["conflicts"],
        # the machine's 1-minute load average around the run (other work shares the cores)
        "cpu_cores": os.cpu_count(),
        "load_average": [round(load_before, 1), round(load_after, 1)],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


def _summary(latency):
    every = [x for v in latency.values() for x in v]
    if not every:
        return {}
    return {
        "n": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(_pct(every, 95), 1),
    }


async def _measure(base, reviewers, seconds, think):
    out = {"latency": {}, "errors": [], "conflicts": 0}
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(reviewers)]
    try:
        sem = asyncio.Semaphore(4)

        async def login(k, c):
            async with sem:
                await _login(c, f"rev{k % len(COMMUNES):02d}")

        await asyncio.gather(*(login(k, c) for k, c in enumerate(clients)))
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(_work(c, stop_at, think, out) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return out


async def _timed(out, kind, coro):
    t0 = time.perf_counter()
    r = await coro
    out["latency"].setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    return r


async def _work(client, stop_at, think, out):
    """One reviewer: queue → record → accept the flagged name → queue …"""
    while time.monotonic() < stop_at:
        try:
            r = await _timed(out, "queue", client.get("/review"))
            m = re.search(r'href="(/review/birth_registration/[0-9a-f]+)"', r.text)
            if r.status_code != 200 or not m:
                out["errors"].append(f"queue: HTTP {r.status_code}")
                return
            await asyncio.sleep(think)
            path = m.group(1)
            r = await _timed(out, "record", client.get(path))
            if r.status_code != 200:
                out["errors"].append(f"record: HTTP {r.status_code}")
                return
            token = re.search(r'name="csrf-token" content="([^"]+)"', r.text).group(1)
            version = re.search(r'name="version" value="(\d+)"', r.text).group(1)
            value = re.search(r'id="v-child_full_name" name="value" value="([^"]*)"', r.text)
            await asyncio.sleep(think)
            r = await _timed(
                out,
                "save",
                client.post(
                    f"{path}/field",
                    data={
                        "csrf_token": token,
                        "field": "child_full_name",
                        "value": value.group(1) if value else "",
                        "version": version,
                    },
                ),
            )
            if r.status_code == 409:
                out["conflicts"] += 1
            elif r.status_code != 303:
                out["errors"].append(f"save: HTTP {r.status_code}")
                return
            await asyncio.sleep(think)
        except httpx.HTTPError as e:
            out["errors"].append(f"{type(e).__name__}: {e}")
            return


if __name__ == "__main__":
    main()
