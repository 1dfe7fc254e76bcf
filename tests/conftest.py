"""Test-wide set-up: every test session gets its own data folder (database, Airflow home, work
files) so tests never touch a developer's ``var/``. Airflow reads its configuration when first
imported, hence the environment is set here, before any test module imports it."""

from __future__ import annotations

import os
import tempfile
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
