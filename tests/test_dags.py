"""DAG integrity: the DAG files import, are thin, and carry what operators rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # imports Airflow: a few seconds

DAGS_DIR = Path(__file__).resolve().parent.parent / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "scan_batch" in dagbag.dag_ids


def test_every_dag_has_tags_owner_retries_and_doc(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.doc_md and len(dag.doc_md) > 50, f"{dag_id} has no doc"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"
            assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"


def test_dag_files_do_no_heavy_work_at_parse_time():
    """Parsing must not import the stages (OpenCV, pandas, GX) and must be quick."""
    code = f"""
import json, pathlib, runpy, sys, time
import airflow.sdk  # the SDK itself is not counted: every DAG file needs it
t = time.monotonic()
for p in pathlib.Path({str(DAGS_DIR)!r}).glob("*.py"):
    runpy.run_path(str(p))
heavy = [m for m in ("cv2", "great_expectations", "ocr", "transforms", "registry")
         if m in sys.modules]
print(json.dumps({{"seconds": time.monotonic() - t, "heavy": heavy}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"DAG files import heavy modules at parse time: {result}"
    assert result["seconds"] < 2.0, f"parsing the DAG files took {result['seconds']:.2f} s"
