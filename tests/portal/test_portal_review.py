"""Review saves: re-normalised, locked through ``registry.review``, audited; a second reviewer
working from the same version is told and nothing is overwritten."""

from __future__ import annotations

import pytest
from conftest import NAME_A, csrf_of
from sqlalchemy import insert, select

from registry.models import AuditEvent, BirthRegistration, FieldValue, ReviewAction, ReviewFlag

NEW_NAME = "NGUYỄN THỊ HỒNG NHUNG"


def _post(client, path, **data):
    token = csrf_of(client.get(path.rsplit("/", 1)[0]).text)
    return client.post(path, data={"csrf_token": token, **data})


@pytest.mark.integration  # Great Expectations builds its context on the first edit
def test_fix_a_name_then_a_second_reviewer_is_stopped(portal):
    rec = f"/review/birth_registration/{portal.record_a}"
    first, second = portal.client("reviewer_a"), portal.client("reviewer_a2")
    assert first.get(rec).status_code == 200 and second.get(rec).status_code == 200
    r = _post(
        first, f"{rec}/field", field="child_full_name", value="nguyễn  thị hồng nhung", version="0"
    )
    assert r.status_code == 303, r.text
    r = _post(second, f"{rec}/field", field="child_full_name", value="LÊ THỊ HOA", version="0")
    assert r.status_code == 409
    assert "Người duyệt khác" in r.text and "Another reviewer" in r.text
    with portal.engine.connect() as conn:
        name = conn.execute(
            select(BirthRegistration.child_full_name).where(
                BirthRegistration.record_id == portal.record_a
            )
        ).scalar_one()
        fv = (
            conn.execute(
                select(FieldValue.__table__).where(
                    FieldValue.record_id == portal.record_a, FieldValue.field == "child_full_name"
                )
            )
            .mappings()
            .one()
        )
        actions = (
            conn.execute(
                select(ReviewAction.__table__).where(ReviewAction.record_id == portal.record_a)
            )
            .mappings()
            .all()
        )
        audits = (
            conn.execute(
                select(AuditEvent.__table__).where(
                    AuditEvent.record_id == portal.record_a, AuditEvent.action == "edit_field"
                )
            )
            .mappings()
            .all()
        )
    assert name == NEW_NAME  # re-normalised: case and spacing as the national format has them
    assert fv["locked"] and fv["locked_by"] == "reviewer_a"
    assert [a["actor"] for a in actions] == ["reviewer_a"]
    assert len(audits) == 1 and audits[0]["new_value"] == NEW_NAME
    # the second reviewer, after reloading, works from the new version
    page = second.get(rec).text
    assert 'name="version" value="1"' in page


@pytest.mark.integration  # the first normalisation loads the name and place lexicons
def test_a_value_that_cannot_be_normalised_is_refused(portal):
    rec = f"/review/birth_registration/{portal.record_a}"
    client = portal.client("reviewer_a")
    r = _post(client, f"{rec}/field", field="child_date_of_birth", value="not a date", version="0")
    assert r.status_code == 422
    with portal.engine.connect() as conn:
        dob = conn.execute(
            select(BirthRegistration.child_date_of_birth).where(
                BirthRegistration.record_id == portal.record_a
            )
        ).scalar_one()
    assert dob == "2013-02-14"


def test_rejecting_the_page_takes_it_off_the_queue(portal):
    rec = f"/review/birth_registration/{portal.record_a}"
    client = portal.client("reviewer_a")
    assert portal.record_a in client.get("/review").text
    r = _post(client, f"{rec}/reject", why="", version="0")
    assert r.status_code == 422  # a reason is required
    r = _post(client, f"{rec}/reject", why="ảnh mờ / blurred", version="0")
    assert r.status_code == 303
    assert portal.record_a not in client.get("/review").text


def test_reconciliation_decision_needs_a_reason_and_is_audited(portal):
    from sqlalchemy import insert

    from registry.models import NationalResident, ReconciliationDecision, ReconciliationResult

    with portal.engine.begin() as conn:
        conn.execute(
            insert(NationalResident.__table__).values(
                personal_id="068085000123",
                full_name="TRẦN VĂN BA",
                address_commune_code="24778",
                address_commune_code_scheme="2025",
            )
        )
        conn.execute(
            insert(ReconciliationResult.__table__).values(
                run_id="R1",
                entry_id="E1",
                category="CONFLICT",
                matched_personal_id="068085000123",
                match_probability=0.9,
                differing_fields=["date_of_birth"],
            )
        )
    client = portal.client("reviewer_a")
    path = "/reconciliation/R1/E1"
    page = client.get(path)
    assert page.status_code == 200 and "TRẦN VĂN BA" in page.text
    assert "Bỏ mục trên giấy" in page.text and "Cần xác minh tại chỗ" in page.text
    token = csrf_of(page.text)
    r = client.post(path, data={"csrf_token": token, "decision": "needs_field_visit", "why": " "})
    assert r.status_code == 422
    r = client.post(
        path, data={"csrf_token": token, "decision": "needs_field_visit", "why": "hai ngày sinh"}
    )
    assert r.status_code == 303
    with portal.engine.connect() as conn:
        decisions = conn.execute(select(ReconciliationDecision.__table__)).mappings().all()
        audits = (
            conn.execute(
                select(AuditEvent.__table__).where(AuditEvent.action == "decide_reconciliation")
            )
            .mappings()
            .all()
        )
    assert [(d["decision"], d["actor"], d["why"]) for d in decisions] == [
        ("needs_field_visit", "reviewer_a", "hai ngày sinh")
    ]
    assert audits[0]["record_id"] == "E1" and audits[0]["why"] == "hai ngày sinh"
    assert portal.client("reviewer_b").get(path).status_code == 404


def _audit_sample(portal) -> None:
    """Commune A's record was also drawn for the audit sample (a flag on the whole record)."""
    with portal.engine.begin() as conn:
        conn.execute(
            insert(ReviewFlag.__table__).values(
                record_id=portal.record_a,
                doc_type="birth_registration",
                field="record",
                reason="audit_sample",
                message_vi="Mẫu kiểm tra ngẫu nhiên",
                message_en="Random audit sample",
                raised_by="machine",
                resolved=False,
            )
        )


def test_an_audited_record_leaves_the_queue_once_confirmed_as_a_whole(portal):
    _audit_sample(portal)
    rec = f"/review/birth_registration/{portal.record_a}"
    client = portal.client("reviewer_a")
    page = client.get(rec).text
    assert "audit_sample" in page and 'id="confirm-form"' in page
    # the flagged name is still open: the record cannot be confirmed yet
    r = _post(client, f"{rec}/confirm", version="0")
    assert r.status_code == 422 and "child_full_name" in r.text
    # accept the name as read (unchanged value), then confirm the record
    r = _post(client, f"{rec}/field", field="child_full_name", value=NAME_A, version="0")
    assert r.status_code == 303, r.text
    with portal.engine.connect() as conn:
        status = conn.execute(
            select(BirthRegistration.status).where(BirthRegistration.record_id == portal.record_a)
        ).scalar_one()
    assert status == "needs_review"  # the audit flag keeps it in the queue until confirmed
    stale = portal.client("reviewer_a2")
    r = _post(client, f"{rec}/confirm", version="1")
    assert r.status_code == 303 and r.headers["location"].startswith("/review/next")
    r = _post(stale, f"{rec}/confirm", version="1")  # read before the first confirmation
    assert r.status_code == 409
    with portal.engine.connect() as conn:
        status = conn.execute(
            select(BirthRegistration.status).where(BirthRegistration.record_id == portal.record_a)
        ).scalar_one()
        open_flags = conn.execute(
            select(ReviewFlag.reason).where(
                ReviewFlag.record_id == portal.record_a, ReviewFlag.resolved.is_(False)
            )
        ).all()
        actions = conn.execute(
            select(ReviewAction.action, ReviewAction.why).where(
                ReviewAction.record_id == portal.record_a
            )
        ).all()
        audits = conn.execute(
            select(AuditEvent.action).where(AuditEvent.record_id == portal.record_a)
        ).scalars()
        audited = set(audits)
    assert status == "auto_accepted" and open_flags == []
    assert ("confirm_record", "audit_sample") in actions
    assert "confirm_record" in audited
    assert portal.record_a not in client.get("/review").text
