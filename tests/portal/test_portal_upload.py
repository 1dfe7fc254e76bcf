"""Upload checks: each file through ``ocr.ingest``; ZIP path traversal and bombs refused with a
plain reason while the good files proceed; Airflow away → the batch waits in the queue."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from conftest import COMMUNE_A, COMMUNE_B, csrf_of
from sqlalchemy import select

from portal.uploads import check_files
from registry.models import UploadQueueEntry

CORPUS = Path(__file__).resolve().parents[2] / "sample_scans" / "corpus"


def _page() -> bytes:
    return sorted(CORPUS.glob("birth_registration-*.png"))[0].read_bytes()


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> tuple[str, Path]:
    p = tmp_path / "in" / name
    p.parent.mkdir(exist_ok=True)
    p.write_bytes(data)
    return name, p


def test_good_files_proceed_and_bad_ones_get_a_reason(tmp_path):
    files = [
        _write(tmp_path, "page.png", _page()),
        _write(tmp_path, "notes.txt", b"just some text, not a scan"),
        _write(
            tmp_path,
            "pages.zip",
            _zip({"ok/p1.png": _page(), "../../evil.png": _page(), "/etc/passwd": b"root"}),
        ),
    ]
    out = check_files(files, tmp_path / "batch")
    assert sorted(out.accepted) == ["page.png", "pages.zip__ok_p1.png"]
    assert all((tmp_path / "batch" / n).is_file() for n in out.accepted)
    reasons = {r.file: (r.reason_vi, r.reason_en) for r in out.refused}
    assert set(reasons) == {"notes.txt", "pages.zip:../../evil.png", "pages.zip:/etc/passwd"}
    assert "Tệp notes.txt không phải ảnh quét" in reasons["notes.txt"][0]  # the clerk's name
    assert "unsafe path" in reasons["pages.zip:../../evil.png"][1]
    assert not list(tmp_path.rglob("evil.png"))  # nothing was written outside the batch


def test_zip_bomb_is_refused_unopened(tmp_path):
    bomb = _zip({"zeros.png": b"\0" * (50 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 200_000
    out = check_files([_write(tmp_path, "bomb.zip", bomb)], tmp_path / "batch")
    assert out.accepted == []
    assert "ZIP bomb" in out.refused[0].reason_en
    assert not list((tmp_path / "batch").iterdir())


def test_upload_waits_in_the_queue_when_airflow_is_away(portal, monkeypatch):
    monkeypatch.setenv("SOHOA_AIRFLOW_API_URL", "http://127.0.0.1:9")  # nothing listens there
    client = portal.client("clerk_a")
    token = csrf_of(client.get("/upload").text)
    r = client.post(
        "/upload",
        data={
            "csrf_token": token,
            "commune_code": COMMUNE_A,
            "declared_type": "birth_registration",
        },
        files=[
            ("files", ("p.png", _page(), "image/png")),
            ("files", ("x.exe", b"MZ\x90\x00 not a scan", "application/octet-stream")),
        ],
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "x.exe" in page.text and "p.png" in page.text
    batch_id = r.headers["location"].rsplit("/", 1)[1]
    with portal.engine.connect() as conn:
        row = (
            conn.execute(
                select(UploadQueueEntry.__table__).where(UploadQueueEntry.batch_id == batch_id)
            )
            .mappings()
            .one()
        )
    assert row["status"] == "queued" and row["attempts"] == 1
    assert "Airflow" in row["message"]
    assert row["accepted_files"] == ["p.png"]
    assert Path(row["batch_dir"], "p.png").is_file()


def test_upload_to_another_commune_is_refused(portal):
    client = portal.client("clerk_a")
    token = csrf_of(client.get("/upload").text)
    r = client.post(
        "/upload",
        data={"csrf_token": token, "commune_code": COMMUNE_B},
        files=[("files", ("p.png", _page(), "image/png"))],
    )
    assert r.status_code == 404
    with portal.engine.connect() as conn:
        assert conn.execute(select(UploadQueueEntry.batch_id)).all() == []
