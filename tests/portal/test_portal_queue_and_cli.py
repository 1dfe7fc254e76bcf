"""``sohoa user add`` and ``sohoa sweep``; a batch that waited while Airflow was away is picked
up by the sweep and run in-process (the embedded default); crops come from the real page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import COMMUNE_A, PASSWORD, csrf_of
from sqlalchemy import insert, select, update

from portal.accounts import authenticate
from portal.dispatch import STALLED_AFTER, requeue_stalled
from registry.models import FieldValue, SourceFile, UploadQueueEntry
from sohoa.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "sample_scans" / "corpus"


def test_user_add_makes_an_account_that_can_log_in(portal, monkeypatch, capsys):
    monkeypatch.setenv("SOHOA_NEW_PASSWORD", PASSWORD)
    argv = ["user", "add", "admin2", "--role", "data_admin", "--commune", COMMUNE_A]
    assert main(argv) == 0
    assert authenticate(portal.engine, "admin2", PASSWORD) is not None
    assert main(argv) != 0  # the name is taken: a sentence, not a traceback
    assert "admin2" in capsys.readouterr().err
    bad = ["user", "add", "x", "--role", "mayor", "--commune", COMMUNE_A]
    assert main(bad) == 1
    assert "mayor" in capsys.readouterr().err


def test_sweep_with_nothing_waiting(portal, capsys):
    assert main(["sweep"]) == 0
    assert capsys.readouterr().out.strip() == "{}"


def test_a_run_that_stopped_giving_signs_of_life_is_queued_again(portal):
    queue = UploadQueueEntry.__table__
    now = datetime.now(UTC)
    with portal.engine.begin() as conn:
        for batch_id, status, at in [
            ("B-STALLED", "running", now - STALLED_AFTER - timedelta(minutes=1)),
            ("B-BUSY", "running", now - STALLED_AFTER + timedelta(minutes=5)),
            ("B-OLD-DONE", "done", now - timedelta(days=3)),
        ]:
            conn.execute(
                insert(queue).values(
                    batch_id=batch_id,
                    commune_code=COMMUNE_A,
                    batch_dir="/nonexistent",
                    uploaded_by="clerk_a",
                    status=status,
                    updated_at=at,
                )
            )
    assert requeue_stalled(portal.engine, now) == 1
    with portal.engine.connect() as conn:
        rows = {r.batch_id: r for r in conn.execute(select(queue))}
    assert rows["B-STALLED"].status == "queued" and "xếp hàng lại" in rows["B-STALLED"].message
    assert rows["B-BUSY"].status == "running" and rows["B-OLD-DONE"].status == "done"


@pytest.mark.integration  # real OCR of one page in-process
def test_a_waiting_batch_is_run_by_the_sweep_once_airflow_is_not_needed(portal, monkeypatch):
    monkeypatch.setenv("SOHOA_AIRFLOW_API_URL", "http://127.0.0.1:9")  # away
    monkeypatch.setenv("SOHOA_WORKERS", "1")
    client = portal.client("clerk_a")
    page = sorted(CORPUS.glob("birth_registration-*.png"))[1].read_bytes()
    r = client.post(
        "/upload",
        data={"csrf_token": csrf_of(client.get("/upload").text), "commune_code": COMMUNE_A},
        files=[("files", ("p.png", page, "image/png"))],
    )
    batch_id = r.headers["location"].rsplit("/", 1)[1]
    queue = UploadQueueEntry.__table__
    with portal.engine.connect() as conn:
        assert conn.execute(select(queue.c.status)).scalar_one() == "queued"
    monkeypatch.delenv("SOHOA_AIRFLOW_API_URL")  # the embedded default from now on
    assert main(["sweep"]) == 0
    with portal.engine.connect() as conn:
        row = conn.execute(select(queue).where(queue.c.batch_id == batch_id)).mappings().one()
    assert row["status"] == "done", row["message"]
    assert row["attempts"] == 2 and row["summary"]["pages"] == 1
    assert "Xong" in client.get(f"/batches/{batch_id}").text


@pytest.mark.integration  # the page is rebuilt with the real cleanup
def test_crop_and_full_page_come_from_the_cleaned_scan(portal):
    scan = sorted(CORPUS.glob("birth_registration-*.png"))[0]
    with portal.engine.begin() as conn:
        sha = (
            conn.execute(
                select(FieldValue.source_sha256).where(FieldValue.record_id == portal.record_a)
            )
            .scalars()
            .first()
        )
        conn.execute(
            update(SourceFile.__table__)
            .where(SourceFile.sha256 == sha)
            .values(original_path=str(scan))
        )
    client = portal.client("reviewer_a")
    rec = f"/review/birth_registration/{portal.record_a}"
    r = client.get(f"{rec}/crop/child_full_name.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(r.content)) as crop:
        # the box (300 × 32, see conftest) plus the margin on each side
        assert crop.size == (300 + 24, 32 + 24)
    r = client.get(f"{rec}/page.png")
    assert r.status_code == 200
    with Image.open(BytesIO(r.content)) as full:
        assert max(full.size) <= 1800
    assert client.get(f"{rec}/crop/child_personal_id.png").status_code == 404  # no box
