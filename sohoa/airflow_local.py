"""The embedded default: Airflow with SQLite metadata under the project data folder, DAGs run
in-process with ``dag.test()``. Airflow reads its configuration from the environment when it is
first imported, so ``configure`` must run before any ``airflow`` import."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from sohoa.errors import SohoaError
from sohoa.settings import Settings, get_settings

log = logging.getLogger(__name__)

DAGS_DIR = Path(__file__).resolve().parent.parent / "dags"


def configure(settings: Settings | None = None) -> Path:
    """Point Airflow at a project-local home with SQLite metadata and our DAG folder."""
    settings = settings or get_settings()
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_DIR))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    # tasks of the embedded run execute in this process and import the same stage code
    os.environ.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    # dag.test() runs tasks one after another, so one OCR task may use every core; on a real
    # executor each task runs one Tesseract process and the `tesseract` pool sets concurrency
    if "SOHOA_TASK_WORKERS" not in os.environ:
        from sohoa.batch import worker_count

        os.environ["SOHOA_TASK_WORKERS"] = str(worker_count(settings))
    return home


def migrate_metadata() -> None:
    from airflow.utils import db

    db.upgradedb()
    ensure_pool()


def ensure_pool(slots: int | None = None) -> None:
    """The pool the OCR tasks run in (a task in a missing pool is never scheduled)."""
    from airflow.models.pool import Pool

    from dags.sohoa_defaults import TESSERACT_POOL

    slots = slots or int(os.environ.get("SOHOA_TESSERACT_SLOTS", "0")) or (os.cpu_count() or 1)
    if Pool.get_pool(TESSERACT_POOL) is None:
        Pool.create_or_update_pool(
            TESSERACT_POOL, slots, "Concurrent Tesseract processes (one per OCR task)", False
        )


def load_dag(dag_id: str):
    """A DAG from the project's DAG folder; a broken DAG file is a clear error."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        raise SohoaError(
            "Không nạp được DAG của Airflow",
            f"Airflow DAGs failed to import: {bag.import_errors}",
        )
    return bag.get_dag(dag_id)


def run_dag(
    dag_id: str,
    conf: dict[str, Any],
    log_file: Path | None = None,
    logical_date: Any = None,
    dag: Any = None,
) -> str:
    """Run one DAG in-process and return its final state; Airflow's own chatter goes to
    ``log_file`` (or is shown when None). ``logical_date`` picks the partition of a scheduled
    DAG (``archive_backfill``); ``dag`` is a DAG object already loaded (``load_dag``)."""
    configure()
    sink = open(log_file, "a", encoding="utf-8") if log_file else None  # noqa: SIM115
    redirect = (
        (contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink))
        if sink
        else (contextlib.nullcontext(), contextlib.nullcontext())
    )
    try:
        with redirect[0], redirect[1]:
            migrate_metadata()
            dag = dag or load_dag(dag_id)
            extra = {"logical_date": logical_date} if logical_date is not None else {}
            run = dag.test(run_conf=conf, **extra)
    finally:
        if sink:
            sink.close()
    return str(run.state)


class RestClient:
    """Airflow's REST API v2 with a JWT from ``/auth/token`` (simple auth manager or FAB):
    what the scale-out test, the benchmark and scripts use to drive a running Airflow."""

    def __init__(self, url: str, username: str, password: str, timeout: float = 30):
        import httpx

        self.url = url.rstrip("/")
        self._http = httpx.Client(timeout=timeout)
        r = self._http.post(
            f"{self.url}/auth/token", json={"username": username, "password": password}
        )
        r.raise_for_status()
        self._http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self._http.request(method, f"{self.url}/api/v2{path}", **kwargs)
        r.raise_for_status()
        return r.json() if r.content else None

    def wait_for_dag(self, dag_id: str, timeout: float = 300) -> None:
        """Until the DAG processor has parsed ``dag_id``; then unpause it."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                self.call("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def trigger(self, dag_id: str, conf: dict[str, Any], run_id: str | None = None) -> str:
        body = {"logical_date": None, "conf": conf}
        if run_id:
            body["dag_run_id"] = run_id
        return self.call("POST", f"/dags/{dag_id}/dagRuns", json=body)["dag_run_id"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 1800) -> str:
        """The run's final state (``success`` or ``failed``), polling every 2 s."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"]
            if state in ("success", "failed"):
                return state
            time.sleep(2)
        raise TimeoutError(f"{dag_id} run {run_id} not finished after {timeout} s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        out = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=1000")
        return out["task_instances"]

    def close(self) -> None:
        self._http.close()
