"""The DAGs run for real, in-process (``dag.test()`` on SQLite metadata, real Tesseract):
a batch loads the expected rows and a re-run changes nothing; a mapped OCR task that fails
once is retried without losing or doubling a page; a failure reaches the batch record; a
backfill over three days run twice equals once and keeps a reviewer's correction."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa

CORPUS = Path(__file__).resolve().parents[2] / "sample_scans" / "corpus"
RECORD_TABLES = {
    "birth_registration": "birth_registrations",
    "death_registration": "death_registrations",
    "marriage_registration": "marriage_registrations",
}

pytestmark = pytest.mark.integration


def _copy(pages: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in pages:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def _scans(pattern: str, n: int) -> list[str]:
    return sorted(p.name for p in CORPUS.glob(pattern) if p.suffix == ".png")[:n]


@pytest.fixture(autouse=True)
def _load_whatever_was_read(monkeypatch):
    """Batches of a few pages: one misread page would hold a whole record type (that rule
    has tests of its own); here every readable page must reach the database."""
    monkeypatch.setenv("SOHOA_BATCH_HOLD_SHARE", "1.0")


@pytest.fixture
def four_scans(tmp_path) -> Path:
    pages = _scans("birth_registration-clean-*", 3) + _scans("death_registration-clean-*", 1)
    return _copy(pages, tmp_path / "batch-4")


def _snapshot(url: str) -> dict[str, list[dict]]:
    """Every row of the record, field and flag tables, updated_at included."""
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in [*RECORD_TABLES.values(), "field_values", "review_flags", "pages"]:
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).mappings().all()
            out[table] = sorted((dict(r) for r in rows), key=lambda r: json.dumps(r, default=str))
    engine.dispose()
    return out


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return n


def _fast_retries(dag, retries: int = 2):
    """The DAG's tasks retried after 1 s instead of the production back-off."""
    for t in dag.tasks:
        t.retries = retries
        t.retry_delay = timedelta(seconds=1)
        t.retry_exponential_backoff = False
    return dag


def test_scan_batch_loads_expected_rows_and_rerun_changes_nothing(
    fresh_settings, four_scans, tmp_path
):
    from sohoa.airflow_local import run_dag

    url = fresh_settings.database_url
    conf = {"batch_dir": str(four_scans), "batch_id": "dag-e2e", "chunk_size": 2}
    log = tmp_path / "airflow.log"
    assert run_dag("scan_batch", conf, log_file=log) == "success", log.read_text()[-3000:]
    assert _count(url, "birth_registrations") == 3
    assert _count(url, "death_registrations") == 1
    first = _snapshot(url)
    assert first["field_values"], "field provenance was loaded"

    assert run_dag("scan_batch", conf, log_file=log) == "success", log.read_text()[-3000:]
    assert _snapshot(url) == first, "a second run of the same batch changed the database"
    summary = json.loads((fresh_settings.data_dir / "work/dag-e2e/summary.json").read_text())
    assert summary["changed_values"] == 0


def test_mapped_ocr_task_failing_once_is_retried_with_no_page_lost_or_doubled(
    fresh_settings, four_scans, tmp_path, monkeypatch
):
    """The second scan read raises once (a worker dying mid-chunk): the retry re-reads only
    what was not finished, and every page is loaded exactly once."""
    from sohoa import airflow_local, batch

    real_extract = batch.extract_files
    reads: list[str] = []
    failed = []

    def flaky_extract(files, *args, **kwargs):
        if len(reads) == 1 and not failed:
            failed.append(files)
            raise RuntimeError("worker lost (test)")
        reads.extend(str(f) for f in files)
        return real_extract(files, *args, **kwargs)

    monkeypatch.setattr(batch, "extract_files", flaky_extract)
    monkeypatch.setenv("SOHOA_TASK_WORKERS", "1")
    airflow_local.configure()
    dag = _fast_retries(airflow_local.load_dag("scan_batch"))
    conf = {"batch_dir": str(four_scans), "batch_id": "dag-retry", "chunk_size": 2}
    log = tmp_path / "airflow.log"
    state = airflow_local.run_dag("scan_batch", conf, log_file=log, dag=dag)
    assert state == "success", log.read_text()[-3000:]
    assert failed, "the one-shot failure did not fire"
    scans = sorted(str(p) for p in four_scans.iterdir())
    assert sorted(reads) == scans, "each scan read once: the finished one was reused on retry"

    url = fresh_settings.database_url
    assert _count(url, "pages") == 4
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        shas = [r[0] for r in conn.execute(sa.text("SELECT source_sha256 FROM pages"))]
    assert len(set(shas)) == 4, "a page was loaded twice"
    assert sum(_count(url, t) for t in RECORD_TABLES.values()) == 4


def test_failed_task_writes_a_readable_reason_on_the_batch(
    fresh_settings, four_scans, tmp_path, monkeypatch
):
    from sohoa import airflow_local, batch

    def broken_prepare(*args, **kwargs):
        raise ValueError("rules file missing (test)")

    monkeypatch.setattr(batch, "prepare_records", broken_prepare)
    monkeypatch.setenv("SOHOA_TASK_WORKERS", "1")
    airflow_local.configure()
    dag = _fast_retries(airflow_local.load_dag("scan_batch"), retries=0)
    one = _copy([next(iter(sorted(p.name for p in four_scans.iterdir())))], tmp_path / "one")
    conf = {
        "batch_dir": str(one),
        "batch_id": "dag-fails",
        "declared_type": "birth_registration",
    }
    state = airflow_local.run_dag("scan_batch", conf, log_file=tmp_path / "a.log", dag=dag)
    assert state == "failed"
    engine = sa.create_engine(fresh_settings.database_url)
    with engine.connect() as conn:
        status, message = conn.execute(
            sa.text("SELECT status, failure_message FROM batches WHERE batch_id = 'dag-fails'")
        ).one()
    assert status == "failed"
    assert message.startswith("thất bại: bước chuẩn hoá")
    assert "/ failed: the normalising and validating step" in message
    assert "rules file missing (test)" in message


def test_archive_backfill_over_three_days_twice_equals_once_and_keeps_corrections(
    fresh_settings, tmp_path
):
    from registry.review import lock_field
    from sohoa import airflow_local

    births = _scans("birth_registration-clean-*", 3)
    root = tmp_path / "archive"
    days = ["2025-07-01", "2025-07-02", "2025-07-03"]
    for day, page in zip(days, births, strict=True):
        _copy([page], root / day)
    conf = {"archive_root": str(root)}
    url = fresh_settings.database_url
    log = tmp_path / "airflow.log"

    def backfill():
        for day in days:
            when = pendulum.parse(day, tz="UTC")
            state = airflow_local.run_dag("archive_backfill", conf, log_file=log, logical_date=when)
            assert state == "success", log.read_text()[-3000:]

    backfill()
    assert _count(url, "birth_registrations") == 3
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        batches = sorted(r[0] for r in conn.execute(sa.text("SELECT batch_id FROM batches")))
        record_id = conn.execute(
            sa.text("SELECT record_id FROM birth_registrations ORDER BY record_id")
        ).scalar()
    assert batches == [f"archive-{d}" for d in days]
    lock_field(
        engine,
        doc_type="birth_registration",
        record_id=record_id,
        field="child_full_name",
        value="NGUYỄN VĂN SỬA",
        actor="reviewer-test",
        why="checked against the paper book",
    )
    once = _snapshot(url)

    backfill()
    assert _snapshot(url) == once, "running the backfill again changed the database"
    for day in days:
        summary = json.loads(
            (fresh_settings.data_dir / f"work/archive-{day}/summary.json").read_text()
        )
        assert summary["changed_values"] == 0 and summary["loaded"]["locked_kept"] in (0, 1)
    with engine.connect() as conn:
        name = conn.execute(
            sa.text("SELECT child_full_name FROM birth_registrations WHERE record_id = :r"),
            {"r": record_id},
        ).scalar_one()
    assert name == "NGUYỄN VĂN SỬA"
    engine.dispose()
