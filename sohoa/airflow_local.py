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
    return home


def migrate_metadata() -> None:
    from airflow.utils import db

    db.upgradedb()


def run_dag(dag_id: str, conf: dict[str, Any], log_file: Path | None = None) -> str:
    """Run one DAG in-process and return its final state; Airflow's own chatter goes to
    ``log_file`` (or is shown when None)."""
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
            from airflow.dag_processing.dagbag import DagBag

            bag = DagBag(dag_folder=str(DAGS_DIR))
            if bag.import_errors:
                raise SohoaError(
                    "Không nạp được DAG của Airflow",
                    f"Airflow DAGs failed to import: {bag.import_errors}",
                )
            dag = bag.get_dag(dag_id)
            run = dag.test(run_conf=conf)
    finally:
        if sink:
            sink.close()
    return str(run.state)
