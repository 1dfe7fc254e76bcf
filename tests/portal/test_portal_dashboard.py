"""The data team's dashboard: its numbers against rows built here, on SQLite and PostgreSQL;
only the caller's communes; data_admin only; readable SVG charts; the Data Docs served
read-only."""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from conftest import COMMUNE_A, COMMUNE_B, birth_frame
from sqlalchemy import select, update

from portal import dashboard
from portal.edits import reject_page, save_field
from registry.db import get_engine, upgrade
from registry.loader import load_batch
from registry.models import AuditEvent, BirthRegistration, Page
from transforms.flags import make_flag

PG = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DT = "birth_registration"
_births = BirthRegistration.__table__
_pages = Page.__table__

# Wednesday 16 July 2025, 12:00 in Vietnam: ISO week 2025-W29 runs from Monday 14 July.
NOW = datetime(2025, 7, 16, 5, 0, tzinfo=UTC)
THIS_WEEK = datetime(2025, 7, 15, 3, 0, tzinfo=UTC)
LAST_WEEK = datetime(2025, 7, 8, 3, 0, tzinfo=UTC)
# Sunday 13 July 20:00 UTC is Monday 14 July 03:00 in Vietnam: this week, not last week.
MONDAY_LOCAL = datetime(2025, 7, 13, 20, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgresql", marks=pytest.mark.integration),
    ]
)
def dashboard_engine(request, tmp_path, monkeypatch):
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'dashboard.db'}"
        upgrade(url)
        engine = get_engine(url)
        yield engine
        engine.dispose()
        get_settings.cache_clear()
        return
    with request.getfixturevalue("pg_database")("sohoa_dashboard") as url:
        upgrade(url)
        engine = get_engine(url)
        yield engine
        engine.dispose()
        get_settings.cache_clear()


def add_batch(engine, batch_id, commune, n, kind, at) -> list[str]:
    """``n`` birth records of ``kind`` (auto, flagged, audit) loaded through the real loader,
    their records and pages dated ``at``."""
    frame = birth_frame(batch_id, [f"TRẦN VĂN {chr(65 + i)}" for i in range(n)])
    if kind == "auto":
        frame["status"] = "auto_accepted"
        frame["flags"] = [[] for _ in range(n)]
    elif kind == "audit":  # what expectations.routing gives the random audit sample
        frame["flags"] = [[make_flag("record", "audit_sample")] for _ in range(n)]
    load_batch(
        engine,
        frame,
        batch={"batch_id": batch_id, "doc_type": DT, "commune_code": commune},
        run_id="run-1",
        rules_version="test",
        ocr_engine="test",
    )
    with engine.begin() as conn:
        conn.execute(update(_births).where(_births.c.batch_id == batch_id).values(created_at=at))
        conn.execute(update(_pages).where(_pages.c.batch_id == batch_id).values(created_at=at))
    return list(frame["record_id"])


def fix(engine, record_id, commune, value):
    """A reviewer's save of the child's name (``value`` equal to the stored one accepts it)."""
    save_field(
        engine,
        doc_type=DT,
        record_id=record_id,
        field_name="child_full_name",
        text=value,
        seen_version=0,
        actor="reviewer_a",
        communes=frozenset({commune}),
        confirm=True,
    )


def statuses(engine, record_ids) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(_births.c.record_id, _births.c.status).where(
                    _births.c.record_id.in_(record_ids)
                )
            ).all()
        )


@pytest.fixture
def province(dashboard_engine):
    """Commune A: a week of mixed work, a quiet week before it and one record from long ago;
    commune B: a busy week whose numbers must never show for A."""
    e = dashboard_engine
    this_week = {
        "auto": add_batch(e, "A-AUTO", COMMUNE_A, 4, "auto", THIS_WEEK),
        "auto_monday": add_batch(e, "A-MON", COMMUNE_A, 1, "auto", MONDAY_LOCAL),
        "flagged": add_batch(e, "A-FLAG", COMMUNE_A, 3, "flagged", THIS_WEEK),
        "audit": add_batch(e, "A-AUDIT", COMMUNE_A, 4, "audit", THIS_WEEK),
    }
    last_week = {
        "auto": add_batch(e, "A-AUTO-0", COMMUNE_A, 3, "auto", LAST_WEEK),
        "flagged": add_batch(e, "A-FLAG-0", COMMUNE_A, 1, "flagged", LAST_WEEK),
    }
    old = add_batch(e, "A-OLD", COMMUNE_A, 1, "flagged", LONG_AGO)
    other = add_batch(e, "B-1", COMMUNE_B, 7, "flagged", THIS_WEEK)
    # reviewers at work in A: one flagged record fixed; of the audit sample, one value
    # changed, one accepted as read, one page sent back, one not looked at yet
    fix(e, this_week["flagged"][0], COMMUNE_A, "TRẦN VĂN ÂN")
    audit = this_week["audit"]
    fix(e, audit[0], COMMUNE_A, "TRẦN VĂN BẢO")
    fix(e, audit[1], COMMUNE_A, "TRẦN VĂN B")  # what birth_frame stored: accepted
    reject_page(
        e,
        doc_type=DT,
        record_id=audit[2],
        seen_version=0,
        actor="reviewer_a",
        communes=frozenset({COMMUNE_A}),
        why="blurred",
    )
    # B's reviewer changes a value of B's audit-free batch: nothing of it may reach A
    fix(e, other[0], COMMUNE_B, "LÊ THỊ CÚC")
    return e, this_week, last_week, old, other


def test_weekly_numbers_match_the_rows(province):
    engine, this_week, last_week, old, _ = province
    with engine.connect() as conn:
        frame = dashboard.weekly(conn, frozenset({COMMUNE_A}), weeks=2, now=NOW)
        totals = dashboard.backlog_by_commune(conn, frozenset({COMMUNE_A}), now=NOW)
    assert set(frame["commune_code"]) == {COMMUNE_A}
    assert list(frame["week"]) == ["2025-W28", "2025-W29"]
    w28, w29 = (frame.set_index("week").loc[w] for w in ("2025-W28", "2025-W29"))

    # expected values from the rows built above, counted by hand
    ids29 = [r for ids in this_week.values() for r in ids]
    records29 = 4 + 1 + 3 + 4
    assert w29["records"] == records29 and w29["pages"] == records29
    # the fixed flagged record ends auto_accepted, but a person touched it
    assert w29["straight_through"] == pytest.approx(5 / records29)
    rejected = {this_week["audit"][2]}
    waiting29 = [r for r, s in statuses(engine, ids29).items() if s == "needs_review"]
    assert w29["backlog"] == len(set(waiting29) - rejected) >= 3  # 2 flagged + 1 unaudited
    assert w29["backlog_oldest_days"] == pytest.approx((NOW - THIS_WEEK) / timedelta(days=1))
    # audit sample: 3 reviewed (changed, accepted, page sent back), 2 of them corrections
    assert w29["audited_reviewed"] == 3 and w29["audited_corrected"] == 2
    assert w29["residual_error"] == pytest.approx(2 / 3)
    assert w29["pages_per_day"] == pytest.approx(records29 / 3)  # Monday to Wednesday

    records28 = sum(len(ids) for ids in last_week.values())
    assert w28["records"] == records28 == 4 and w28["pages"] == 4
    assert w28["straight_through"] == pytest.approx(3 / 4)
    assert w28["backlog"] == 1
    assert w28["backlog_oldest_days"] == pytest.approx((NOW - LAST_WEEK) / timedelta(days=1))
    assert w28["audited_reviewed"] == 0 and math.isnan(w28["residual_error"])
    assert w28["pages_per_day"] == pytest.approx(4 / 7)

    # the backlog of the commune counts every week, the one from June too
    row = totals.set_index("commune_code").loc[COMMUNE_A]
    assert row["backlog"] == w29["backlog"] + w28["backlog"] + len(old)
    assert row["backlog_oldest_days"] == pytest.approx((NOW - LONG_AGO) / timedelta(days=1))


def test_another_communes_rows_never_count(province):
    engine, *_ = province
    with engine.connect() as conn:
        only_a = dashboard.weekly(conn, frozenset({COMMUNE_A}), weeks=2, now=NOW)
        only_b = dashboard.weekly(conn, frozenset({COMMUNE_B}), weeks=2, now=NOW)
        both = dashboard.weekly(conn, frozenset({COMMUNE_A, COMMUNE_B}), weeks=2, now=NOW)
        nobody = dashboard.weekly(conn, frozenset(), weeks=2, now=NOW)
    b29 = only_b.set_index("week").loc["2025-W29"]
    assert b29["records"] == 7 and b29["audited_reviewed"] == 0
    assert b29["straight_through"] == 0  # one touched, six waiting
    mine = both[both["commune_code"] == COMMUNE_A].reset_index(drop=True)
    assert mine[dashboard.COUNTS].equals(only_a[dashboard.COUNTS])
    assert nobody.empty


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def test_dashboard_page_shows_own_communes_with_charts(portal):
    # the fixture loaded one flagged record in each commune, now
    client = portal.client("admin_a")
    r = client.get("/dashboard")
    assert r.status_code == 200
    html = r.text
    assert COMMUNE_B not in html
    svgs = _svgs(html)
    assert len(svgs) == len(dashboard.CHARTS)
    for svg in svgs:
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        legend = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert COMMUNE_A in legend and COMMUNE_B not in legend
    rows = re.findall(r'<tr data-commune="(\d+)" data-week="([^"]+)">(.*?)</tr>', html, re.S)
    assert [c for c, _, _ in rows] == [COMMUNE_A]
    cells = dict(re.findall(r'<td class="(\w+)">([^<]*)</td>', rows[0][2]))
    assert cells["records"] == "1" and cells["pages"] == "1" and cells["backlog"] == "1"
    assert cells["straight_through"] == "0.0 %" and cells["residual_error"] == ""
    assert "Tỷ lệ tự động hoàn toàn" in html
    client.get("/lang/en")
    assert "Straight-through rate" in client.get("/dashboard").text
    assert client.get("/dashboard", params={"commune": COMMUNE_B}).status_code == 404
    assert client.get("/dashboard", params={"commune": COMMUNE_A, "weeks": 4}).status_code == 200


def test_dashboard_is_for_the_data_team_only(portal):
    for who in ("clerk_a", "reviewer_a", "reviewer_b"):
        assert portal.client(who).get("/dashboard").status_code == 403, who
        assert portal.client(who).get("/data-docs/index.html").status_code == 403, who
    assert portal.client().get("/dashboard").headers["location"] == "/login"


def test_many_communes_are_drawn_as_one_series():
    communes = [f"{24000 + i}" for i in range(dashboard.MAX_SERIES + 1)]
    mondays = dashboard.week_starts(NOW, 2)
    counts = pd.DataFrame(
        [
            {"commune_code": c, "week_start": m, "week": dashboard.week_label(m), "pages": 1,
             "records": 2, "straight_through_records": 1, "backlog": 1,
             "audited_reviewed": 0, "audited_corrected": 0}
            for c in communes for m in mondays
        ]
    )  # fmt: skip
    drawn = dashboard.series_frame(dashboard.with_rates(counts, NOW), NOW, "en")
    assert set(drawn["commune_code"]) == {"All communes"}
    assert list(drawn["records"]) == [2 * len(communes)] * 2
    assert list(drawn["straight_through"]) == [0.5, 0.5]
    svg = ET.fromstring(dashboard.charts(drawn, "en")["straight_through"])
    legend = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "All communes" in legend and communes[0] not in legend


def test_data_docs_are_served_read_only_and_only_the_site(portal):
    from sohoa.settings import get_settings

    client = portal.client("admin_a")
    assert "Chưa có báo cáo kiểm tra dữ liệu" in client.get("/dashboard").text
    assert client.get("/data-docs/index.html").status_code == 404
    docs = get_settings().data_docs_dir
    (docs / "validations" / "birth_registration").mkdir(parents=True)
    (docs / "gx").mkdir()
    (docs / "index.html").write_text("<html>GX index</html>", encoding="utf-8")
    (docs / "validations" / "birth_registration" / "run.html").write_text("<p>run</p>")
    (docs / "gx" / "great_expectations.yml").write_text("config_version: 4")
    (docs.parent / "secret.txt").write_text("not for the web")

    assert 'href="/data-docs/index.html"' in client.get("/dashboard").text
    r = client.get("/data-docs/index.html")
    assert r.status_code == 200 and "GX index" in r.text
    assert r.headers["content-type"].startswith("text/html")
    # its scripts run sandboxed: no access to the portal's origin, cookies or session
    assert r.headers["content-security-policy"] == "sandbox allow-scripts"
    assert client.get("/data-docs/").text == r.text
    assert client.get("/data-docs/validations/birth_registration/run.html").status_code == 200
    for path in (
        "/data-docs/gx/great_expectations.yml",
        "/data-docs/..%2Fsecret.txt",
        "/data-docs/validations/..%2F..%2Fsecret.txt",
        "/data-docs/validations",
        "/data-docs/missing.html",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "not for the web" not in r.text and "config_version" not in r.text
    with portal.engine.connect() as conn:
        viewed = (
            conn.execute(select(AuditEvent.new_value).where(AuditEvent.action == "view_data_docs"))
            .scalars()
            .all()
        )
    assert viewed == ["index.html", "index.html", "validations/birth_registration/run.html"]
