"""The portal in Debian's Chromium (Playwright, no browser download): a clerk uploads a mixed
batch and sees the refusals and the batch done (real OCR, embedded run); a reviewer fixes a
name on a flagged record (database and audit checked); a second reviewer is stopped.
Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import COMMUNE_A, PASSWORD, USERS
from sqlalchemy import select

from registry.models import AuditEvent, BirthRegistration, FieldValue

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "sample_scans" / "corpus"
SHOTS = REPO / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXED_NAME = "TRẦN THỊ MAI ANH"


@pytest.fixture
def live(tmp_path, monkeypatch):
    """The portal on a free loopback port, served by uvicorn in a thread."""
    import uvicorn

    from portal.accounts import add_user
    from portal.app import create_app
    from registry.db import get_engine, upgrade
    from sohoa.settings import get_settings

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium missing: run scripts/ensure-system-deps.sh", pytrace=False)
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    monkeypatch.setenv("SOHOA_WORKERS", "2")
    monkeypatch.delenv("SOHOA_AIRFLOW_API_URL", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    engine = get_engine(url)
    for name, (role, communes) in USERS.items():
        add_user(engine, name, PASSWORD, role, communes)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", engine
    server.should_exit = True
    thread.join(10)
    engine.dispose()
    get_settings.cache_clear()


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_upload_review_fix_and_conflict_in_chromium(live, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, engine = live
    good = sorted(CORPUS.glob("birth_registration-*.png"))[:2]
    note = tmp_path / "ghi-chu.txt"
    note.write_text("không phải ảnh quét", "utf-8")
    archive = tmp_path / "tai-lieu.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../../tmp/evil.png", good[0].read_bytes())
        z.writestr("readme.txt", "hello")
    archive.write_bytes(buf.getvalue())

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            clerk = browser.new_context(viewport={"width": 412, "height": 915})  # a phone
            page = clerk.new_page()
            _login(page, base, "clerk_a")
            expect(page).to_have_url(f"{base}/upload")
            page.select_option("select[name=commune_code]", COMMUNE_A)
            page.select_option("select[name=declared_type]", "birth_registration")
            page.set_input_files("input[type=file]", [*map(str, good), str(note), str(archive)])
            _shot(page, "01_upload")
            page.click("button[type=submit]")
            refused = page.locator("#refused")
            expect(refused).to_contain_text("ghi-chu.txt")
            expect(refused).to_contain_text("evil.png")
            expect(refused).to_contain_text("không an toàn")
            expect(refused).to_contain_text("Tệp ghi-chu.txt không phải ảnh quét")
            expect(page.locator("#accepted li")).to_have_count(2)
            expect(page.locator("#batch-status")).to_have_attribute(
                "data-status", "done", timeout=240_000
            )
            expect(page.locator("#summary td[data-key=pages]")).to_have_text("2")
            expect(page.locator("#summary td[data-key=needs_review]")).not_to_have_text("0")
            _shot(page, "02_batch_done")

            reviewer = browser.new_context(viewport={"width": 1280, "height": 900})
            r1 = reviewer.new_page()
            _login(r1, base, "reviewer_a")
            r1.goto(f"{base}/review?doc_type=birth_registration")
            _shot(r1, "03_queue")
            r1.locator("#queue a").first.click()
            r1.wait_for_load_state()
            record_url = r1.url
            record_id = record_url.rsplit("/", 1)[1]
            # the second reviewer opens the same record before the first one saves
            other = browser.new_context()
            r2 = other.new_page()
            _login(r2, base, "reviewer_a2")
            r2.goto(record_url)

            r1.fill("#v-child_full_name", FIXED_NAME)
            _shot(r1, "04_record")
            r1.press("#v-child_full_name", "Enter")
            r1.wait_for_load_state()
            if r1.locator("input[name=confirm]").count():  # the checks asked for a reason
                r1.fill("input[name=why]", "sửa theo bản giấy / fixed from the paper")
                r1.click("button")
                r1.wait_for_load_state()
            expect(r1.locator("p.ok")).to_be_visible()
            expect(r1.locator("#v-child_full_name")).to_have_value(FIXED_NAME)
            _shot(r1, "05_saved")

            r2.fill("#v-child_full_name", "LÊ VĂN SAI")
            r2.press("#v-child_full_name", "Enter")
            r2.wait_for_load_state()
            expect(r2.locator("p.error")).to_contain_text("Another reviewer")
            _shot(r2, "06_conflict")

            admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            _login(admin, base, "admin_a")
            admin.goto(f"{base}/dashboard")
            expect(admin.locator("svg").first).to_be_visible()  # the charts, drawn server-side
            _shot(admin, "07_dashboard")
        finally:
            browser.close()

    with engine.connect() as conn:
        name = conn.execute(
            select(BirthRegistration.child_full_name).where(
                BirthRegistration.record_id == record_id
            )
        ).scalar_one()
        fv = (
            conn.execute(
                select(FieldValue.__table__).where(
                    FieldValue.record_id == record_id, FieldValue.field == "child_full_name"
                )
            )
            .mappings()
            .one()
        )
        events = (
            conn.execute(
                select(AuditEvent.__table__).where(
                    AuditEvent.record_id == record_id, AuditEvent.action == "edit_field"
                )
            )
            .mappings()
            .all()
        )
    assert name == FIXED_NAME and fv["locked"] and fv["locked_by"] == "reviewer_a"
    assert [(e["actor"], e["new_value"]) for e in events] == [("reviewer_a", FIXED_NAME)]
