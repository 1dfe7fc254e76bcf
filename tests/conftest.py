"""Test-wide set-up: every test session gets its own data folder (database, Airflow home, work
files) so tests never touch a developer's ``var/``. Airflow reads its configuration when first
imported, hence the environment is set here, before any test module imports it."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "sample_scans" / "corpus"

_session_dir = Path(tempfile.mkdtemp(prefix="sohoa-tests-"))
os.environ["SOHOA_DATA_DIR"] = str(_session_dir)
os.environ["AIRFLOW_HOME"] = str(_session_dir / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("SOHOA_DATABASE_URL", None)


@pytest.fixture
def fresh_settings(monkeypatch, tmp_path):
    """Settings pointing at a folder of the test's own; restored afterwards."""
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOHOA_DATABASE_URL", f"sqlite:///{tmp_path / 'sohoa.db'}")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


# ----------------------------------------------------------------------------- PostgreSQL
# The server is SOHOA_TEST_PG_URL (default: postgres on 127.0.0.1:5432, trust auth). When it
# cannot be reached its tests are skipped with the reason, except under CI=true, where they fail:
# CI must not go green without having run them.
PG_ADMIN_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@cache
def _postgres_unreachable() -> str | None:
    from sqlalchemy import create_engine

    engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except Exception as e:  # any failure to connect means "not reachable", said with the cause
        return f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(e).__name__}: {e})"
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_admin():
    """An AUTOCOMMIT engine on the server's maintenance database, to create test databases."""
    from sqlalchemy import create_engine

    reason = _postgres_unreachable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true requires PostgreSQL", pytrace=False)
        pytest.skip(reason)
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_database(pg_admin) -> Callable[[str], AbstractContextManager[str]]:
    """``with pg_database("prefix") as url:`` a new, empty database, dropped afterwards."""
    from sqlalchemy import text

    @contextmanager
    def new_database(prefix: str) -> Iterator[str]:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield pg_admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with pg_admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return new_database
