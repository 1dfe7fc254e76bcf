"""Airflow scaled out for real: PostgreSQL metadata, CeleryExecutor on Redis, scheduler,
api-server, dag-processor and two Celery workers started by ``scripts/airflow-celery.sh``
(its own Airflow database and run folder, torn down afterwards). ``scan_batch`` is triggered
through the REST API v2 with a JWT, and the national-format PostgreSQL database is checked;
``archive_backfill`` is run by ``airflow backfill create`` over two days."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "sample_scans" / "corpus"
SCRIPT = REPO / "scripts" / "airflow-celery.sh"
PG_ADMIN_URL = os.environ.get(
    "SOHOA_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PORT = "28180"  # not the default 28080: a developer's own stack may be running

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]


def _admin() -> sa.Engine:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except Exception as e:  # not reachable: fail in CI, skip on a laptop without it
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL needed by the Celery stack: {e}", pytrace=False)
        pytest.skip(f"PostgreSQL not reachable: {e}")
    return engine


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[dict]:
    """The running stack: its environment, REST client and a national-format database."""
    from sohoa.airflow_local import RestClient

    admin = _admin()
    run = tmp_path_factory.mktemp("celery")
    suffix = uuid.uuid4().hex[:10]
    airflow_db, national_db = f"sohoa_airflow_t{suffix}", f"sohoa_celery_t{suffix}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{national_db}"'))
    env = {
        **os.environ,
        "SOHOA_CELERY_DIR": str(run),
        "SOHOA_AIRFLOW_DB": airflow_db,
        "SOHOA_AIRFLOW_PORT": PORT,
        "SOHOA_AIRFLOW_BROKER": "redis://127.0.0.1:6379/6",
        "SOHOA_DATA_DIR": str(run / "data"),
        "SOHOA_DATABASE_URL": admin.url.set(database=national_db).render_as_string(False),
        "SOHOA_BATCH_HOLD_SHARE": "1.0",  # a few pages: every readable page must load
    }
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True
    )
    client = None
    try:
        assert started.returncode == 0, started.stderr + _tails(run)
        password = json.loads((run / "passwords.json").read_text())["sohoa"]
        client = RestClient(f"http://127.0.0.1:{PORT}", "sohoa", password)
        yield {"env": env, "run": run, "client": client, "url": env["SOHOA_DATABASE_URL"]}
    finally:
        if client:
            client.close()
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True)
        with admin.connect() as conn:
            for name in (airflow_db, national_db):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tails(run: Path) -> str:
    return "".join(
        f"\n== {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        for log in sorted(run.glob("*.log"))
    )


def _copy(names: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def _births(n: int) -> list[str]:
    return sorted(p.name for p in CORPUS.glob("birth_registration-clean-*.png"))[:n]


def test_scan_batch_triggered_by_rest_api_loads_postgresql(stack, tmp_path):
    client = stack["client"]
    client.wait_for_dag("scan_batch")
    batch = _copy([*_births(3), "death_registration-clean-s1001-0000.png"], tmp_path / "b")
    run_id = client.trigger(
        "scan_batch", {"batch_dir": str(batch), "batch_id": "celery-e2e", "chunk_size": 1}
    )
    state = client.wait_for_run("scan_batch", run_id)
    assert state == "success", _tails(stack["run"])

    tis = client.task_instances("scan_batch", run_id)
    ocr = [t for t in tis if t["task_id"] == "ocr_chunk"]
    assert len(ocr) == 4 and all(t["pool"] == "tesseract" for t in ocr)
    for i in (1, 2):  # the pool's two slots: each Celery worker took part of the batch
        assert run_id in (stack["run"] / f"worker-{i}.log").read_text(), f"worker {i} idle"

    engine = sa.create_engine(stack["url"])
    with engine.connect() as conn:
        births = conn.execute(sa.text("SELECT count(*) FROM birth_registrations")).scalar_one()
        deaths = conn.execute(sa.text("SELECT count(*) FROM death_registrations")).scalar_one()
        batches = dict(conn.execute(sa.text("SELECT batch_id, status FROM batches")).all())
    engine.dispose()
    assert (births, deaths) == (3, 1)
    assert batches == {
        "celery-e2e/birth_registration": "loaded",
        "celery-e2e/death_registration": "loaded",
    }


def test_archive_backfill_by_airflow_backfill_create(stack, tmp_path):
    client = stack["client"]
    archive = Path(stack["env"]["SOHOA_DATA_DIR"]) / "archive"
    for day, page in zip(("2025-07-01", "2025-07-02"), _births(2), strict=True):
        _copy([page], archive / day)
    client.wait_for_dag("archive_backfill")
    env = {**stack["env"], **_stack_env(stack["run"])}
    created = subprocess.run(
        [
            str(REPO / ".venv/bin/airflow"),
            "backfill",
            "create",
            "--dag-id",
            "archive_backfill",
            "--from-date",
            "2025-07-01",
            "--to-date",
            "2025-07-02",
            "--reprocess-behavior",
            "completed",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-2000:]
    deadline = time.monotonic() + 1200
    while time.monotonic() < deadline:
        runs = client.call("GET", "/dags/archive_backfill/dagRuns?run_type=backfill")["dag_runs"]
        if len(runs) == 2 and all(r["state"] in ("success", "failed") for r in runs):
            break
        time.sleep(3)
    assert sorted(r["state"] for r in runs) == ["success", "success"], _tails(stack["run"])
    engine = sa.create_engine(stack["url"])
    with engine.connect() as conn:
        archived = (
            conn.execute(
                sa.text("SELECT batch_id FROM batches WHERE batch_id LIKE 'archive-%' ORDER BY 1")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert archived == ["archive-2025-07-01", "archive-2025-07-02"]


def _stack_env(run: Path) -> dict[str, str]:
    """The variables ``env.sh`` exports (the CLI must talk to the stack's metadata)."""
    out = {}
    for line in (run / "env.sh").read_text().splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export ") :].partition("=")
            out[key] = value.strip('"')
    return out
