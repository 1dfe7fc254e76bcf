"""Reviewers: the queue, one record per screen with scan crops, edits, page rejection,
household reconciliation decisions; a record's history and the audit export (data_admin)."""

from __future__ import annotations

import asyncio
import csv
import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import insert, select

from portal import security
from portal.accounts import Account
from portal.app import templates
from portal.audit import audit
from portal.deps import DataAdmin, Reviewer
from portal.edits import (
    EditConflict,
    EditRefused,
    confirm_record,
    record_level,
    reject_page,
    save_field,
)
from portal.records import field_rows, find_record, open_flags, queue, version_of
from portal.scans import cleaned_page, crop_png, page_png
from registry.models import (
    RECONCILIATION_DECISIONS,
    AuditEvent,
    Batch,
    HouseholdBook,
    HouseholdMember,
    NationalResident,
    ReconciliationDecision,
    ReconciliationResult,
    SourceFile,
)
from sohoa.settings import get_settings

router = APIRouter()
_events = AuditEvent.__table__
_sources = SourceFile.__table__
_results = ReconciliationResult.__table__
_decisions = ReconciliationDecision.__table__
_residents = NationalResident.__table__
_batches = Batch.__table__


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    me: Reviewer,
    doc_type: str | None = None,
    commune: str | None = None,
    reason: str | None = None,
):
    with request.app.state.engine.connect() as conn:
        items = queue(conn, me.communes, doc_type or None, commune or None, reason or None)
    return templates.TemplateResponse(
        request,
        "queue.html",
        {
            "items": items,
            "communes": sorted(me.communes),
            "filters": {
                "doc_type": doc_type or "",
                "commune": commune or "",
                "reason": reason or "",
            },
        },
    )


@router.get("/review/next")
def review_next(request: Request, me: Reviewer, skip: str | None = None):
    """The oldest record of the queue (other than ``skip``), or the queue when it is empty."""
    with request.app.state.engine.connect() as conn:
        items = [i for i in queue(conn, me.communes, limit=2) if i.record_id != skip]
    target = f"/review/{items[0].doc_type}/{items[0].record_id}" if items else "/review"
    return RedirectResponse(target, status_code=303)


def _load(request: Request, me: Account, doc_type: str, record_id: str):
    with request.app.state.engine.connect() as conn:
        record = find_record(conn, doc_type, record_id, me.communes)
        if record is None:
            raise HTTPException(404)
        return (
            record,
            field_rows(conn, record_id),
            open_flags(conn, record_id),
            version_of(conn, record_id),
        )


@router.get("/review/{doc_type}/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request,
    doc_type: str,
    record_id: str,
    me: Reviewer,
    msg: str | None = None,
):
    record, fields, flags, version = _load(request, me, doc_type, record_id)
    with request.app.state.engine.begin() as conn:
        audit(
            conn,
            me.username,
            "view_record",
            doc_type=doc_type,
            record_id=record_id,
            batch_id=record["batch_id"],
            commune_code=record["batch_commune_code"],
        )
    names = {f["field"] for f in fields}
    by_field: dict[str, list[dict]] = {}
    for f in flags:
        by_field.setdefault("" if record_level(f, names) else f["field"] or "", []).append(f)
    threshold = get_settings().review_confidence_threshold
    for f in fields:
        f["flags"] = by_field.get(f["field"], [])
        conf = f["confidence"]
        low = f["value"] is not None and conf is not None and conf < threshold
        f["doubtful"] = not f["locked"] and (bool(f["flags"]) or low)
    fields.sort(key=lambda f: (not f["doubtful"], f["field"]))
    return templates.TemplateResponse(
        request,
        "record.html",
        {
            "record": record,
            "doc_type": doc_type,
            "fields": fields,
            "version": version,
            "record_flags": by_field.get("", []),
            "msg": msg,
            "problems": None,
        },
    )


@router.post("/review/{doc_type}/{record_id}/field", response_class=HTMLResponse)
async def save(request: Request, doc_type: str, record_id: str, me: Reviewer):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    field_name = str(form.get("field") or "")
    try:
        version = int(str(form.get("version") or "0"))
    except ValueError as e:
        raise HTTPException(400) from e
    try:
        checked = await asyncio.to_thread(
            save_field,
            request.app.state.engine,
            doc_type=doc_type,
            record_id=record_id,
            field_name=field_name,
            text=str(form.get("value") or ""),
            seen_version=version,
            actor=me.username,
            communes=me.communes,
            confirm=bool(form.get("confirm")),
            why=str(form.get("why") or "") or None,
        )
    except LookupError as e:
        raise HTTPException(404) from e
    except (EditConflict, EditRefused) as e:
        return _refusal(request, e, doc_type, record_id)
    if checked.problems:
        return templates.TemplateResponse(
            request,
            "confirm.html",
            {
                "doc_type": doc_type,
                "record_id": record_id,
                "field": field_name,
                "value": str(form.get("value") or ""),
                "normalised": checked.value,
                "version": version,
                "problems": checked.problems,
            },
            status_code=200,
        )
    return RedirectResponse(
        f"/review/{doc_type}/{record_id}?msg=saved#f-{field_name}", status_code=303
    )


def _refusal(request: Request, e: EditConflict | EditRefused, doc_type: str, record_id: str):
    """Another reviewer was first (409) or the decision is refused (422): said, nothing kept."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {"message": e.for_people(), "key": None, "back": f"/review/{doc_type}/{record_id}"},
        status_code=409 if isinstance(e, EditConflict) else 422,
    )


@router.post("/review/{doc_type}/{record_id}/confirm")
async def confirm(request: Request, doc_type: str, record_id: str, me: Reviewer):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    try:
        await asyncio.to_thread(
            confirm_record,
            request.app.state.engine,
            doc_type=doc_type,
            record_id=record_id,
            seen_version=int(str(form.get("version") or "0")),
            actor=me.username,
            communes=me.communes,
        )
    except LookupError as e:
        raise HTTPException(404) from e
    except (EditConflict, EditRefused) as e:
        return _refusal(request, e, doc_type, record_id)
    return RedirectResponse(f"/review/next?skip={record_id}", status_code=303)


@router.post("/review/{doc_type}/{record_id}/reject")
async def reject(request: Request, doc_type: str, record_id: str, me: Reviewer):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    try:
        reject_page(
            request.app.state.engine,
            doc_type=doc_type,
            record_id=record_id,
            seen_version=int(str(form.get("version") or "0")),
            actor=me.username,
            communes=me.communes,
            why=str(form.get("why") or ""),
        )
    except LookupError as e:
        raise HTTPException(404) from e
    except (EditConflict, EditRefused) as e:
        return _refusal(request, e, doc_type, record_id)
    return RedirectResponse("/review", status_code=303)


def _page_file(request: Request, me: Account, doc_type: str, record_id: str):
    with request.app.state.engine.connect() as conn:
        record = find_record(conn, doc_type, record_id, me.communes)
        if record is None:
            raise HTTPException(404)
        original = conn.execute(
            select(_sources.c.original_path).where(_sources.c.sha256 == record["source_sha256"])
        ).scalar_one_or_none()
    if original is None:
        raise HTTPException(404)
    try:
        return record, cleaned_page(original, record["source_sha256"], record["page"])
    except (FileNotFoundError, OSError) as e:
        raise HTTPException(404, "Không còn ảnh quét gốc / The original scan is gone") from e


@router.get("/review/{doc_type}/{record_id}/crop/{field_name}.png")
async def crop(
    request: Request,
    doc_type: str,
    record_id: str,
    field_name: str,
    me: Reviewer,
):
    with request.app.state.engine.connect() as conn:
        if find_record(conn, doc_type, record_id, me.communes) is None:
            raise HTTPException(404)
        rows = {f["field"]: f for f in field_rows(conn, record_id)}
    f = rows.get(field_name)
    if f is None or f["box_width"] is None:
        raise HTTPException(404)
    _, path = await asyncio.to_thread(_page_file, request, me, doc_type, record_id)
    box = (f["box_left"], f["box_top"], f["box_width"], f["box_height"])
    png = await asyncio.to_thread(crop_png, path, box)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@router.get("/review/{doc_type}/{record_id}/page.png")
async def full_page(request: Request, doc_type: str, record_id: str, me: Reviewer):
    _, path = await asyncio.to_thread(_page_file, request, me, doc_type, record_id)
    png = await asyncio.to_thread(page_png, path)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@router.get("/records/{doc_type}/{record_id}/history", response_class=HTMLResponse)
def history(request: Request, doc_type: str, record_id: str, me: Reviewer):
    engine = request.app.state.engine
    with engine.connect() as conn:
        record = find_record(conn, doc_type, record_id, me.communes)
        if record is None:
            raise HTTPException(404)
        events = (
            conn.execute(
                select(_events).where(_events.c.record_id == record_id).order_by(_events.c.event_id)
            )
            .mappings()
            .all()
        )
    with engine.begin() as conn:
        audit(
            conn,
            me.username,
            "view_history",
            doc_type=doc_type,
            record_id=record_id,
            commune_code=record["batch_commune_code"],
        )
    return templates.TemplateResponse(
        request, "history.html", {"events": events, "doc_type": doc_type, "record_id": record_id}
    )


@router.get("/audit/export.csv")
def audit_export(request: Request, me: DataAdmin):
    """The audit trail of the admin's communes, for inspectors (itself an audited action)."""
    engine = request.app.state.engine
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(_events)
                .where(_events.c.commune_code.in_(sorted(me.communes)))
                .order_by(_events.c.event_id)
            )
            .mappings()
            .all()
        )
    with engine.begin() as conn:
        audit(conn, me.username, "export_audit", new_value=f"{len(rows)} events")
    buf = io.StringIO()
    cols = [c.name for c in _events.columns]
    writer = csv.DictWriter(buf, fieldnames=cols)
    writer.writeheader()
    writer.writerows({c: r[c] for c in cols} for r in rows)
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


# --------------------------------------------------------------------- reconciliation


def _paper_entry(conn, entry_id: str):
    """The household member a reconciliation entry stands for (ids are
    ``record_id:member_index``) and its book's batch commune, or (None, None)."""
    record_id, _, index = entry_id.rpartition(":")
    if not record_id or not index.isdigit():
        return None, None
    books, members = HouseholdBook.__table__, HouseholdMember.__table__
    row = (
        conn.execute(
            select(members, _batches.c.commune_code.label("batch_commune_code"))
            .join(books, books.c.record_id == members.c.record_id)
            .join(_batches, _batches.c.batch_id == books.c.batch_id)
            .where(members.c.record_id == record_id, members.c.member_index == int(index))
        )
        .mappings()
        .first()
    )
    return (dict(row), row["batch_commune_code"]) if row else (None, None)


def _result_commune(conn, result) -> str | None:
    """The commune a reconciliation result belongs to: the paper entry's batch commune; else
    the commune its evidence names; else the matched national resident's (none: nobody)."""
    _, commune = _paper_entry(conn, result["entry_id"])
    if commune:
        return commune
    evidence = result["evidence"] or {}
    if isinstance(evidence, dict) and evidence.get("commune_code"):
        return str(evidence["commune_code"])
    if result["matched_personal_id"]:
        return conn.execute(
            select(_residents.c.address_commune_code).where(
                _residents.c.personal_id == result["matched_personal_id"]
            )
        ).scalar_one_or_none()
    return None


@router.get("/reconciliation", response_class=HTMLResponse)
def reconciliation(request: Request, me: Reviewer):
    with request.app.state.engine.connect() as conn:
        rows = (
            conn.execute(
                select(_results).order_by(_results.c.created_at, _results.c.entry_id).limit(500)
            )
            .mappings()
            .all()
        )
        visible = [r for r in rows if _result_commune(conn, r) in me.communes][:100]
    return templates.TemplateResponse(request, "reconciliation.html", {"rows": visible})


def _load_result(conn, me: Account, run_id: str, entry_id: str):
    result = (
        conn.execute(
            select(_results).where(_results.c.run_id == run_id, _results.c.entry_id == entry_id)
        )
        .mappings()
        .first()
    )
    if result is None or _result_commune(conn, result) not in me.communes:
        raise HTTPException(404)
    return result


@router.get("/reconciliation/{run_id}/{entry_id}", response_class=HTMLResponse)
def reconciliation_entry(request: Request, run_id: str, entry_id: str, me: Reviewer):
    engine = request.app.state.engine
    with engine.connect() as conn:
        result = _load_result(conn, me, run_id, entry_id)
        commune = _result_commune(conn, result)
        paper, _ = _paper_entry(conn, entry_id)
        national = None
        if result["matched_personal_id"]:
            national = (
                conn.execute(
                    select(_residents).where(
                        _residents.c.personal_id == result["matched_personal_id"]
                    )
                )
                .mappings()
                .first()
            )
        decisions = (
            conn.execute(
                select(_decisions)
                .where(_decisions.c.entry_id == entry_id)
                .order_by(_decisions.c.decision_id)
            )
            .mappings()
            .all()
        )
    with engine.begin() as conn:
        audit(conn, me.username, "view_reconciliation", record_id=entry_id, commune_code=commune)
    return templates.TemplateResponse(
        request,
        "reconciliation_entry.html",
        {
            "result": result,
            "paper": paper,
            "national": national,
            "decisions": decisions,
            "choices": RECONCILIATION_DECISIONS,
        },
    )


@router.post("/reconciliation/{run_id}/{entry_id}")
async def decide(request: Request, run_id: str, entry_id: str, me: Reviewer):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    decision = str(form.get("decision") or "")
    why = str(form.get("why") or "").strip()
    if decision not in RECONCILIATION_DECISIONS or not why:
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "message": "Cần chọn quyết định và ghi lý do / Choose a decision and give a reason",
                "key": None,
                "back": f"/reconciliation/{run_id}/{entry_id}",
            },
            status_code=422,
        )
    with request.app.state.engine.begin() as conn:
        # the write comes first (SQLite read-then-write); out of scope rolls it back
        conn.execute(
            insert(_decisions).values(
                run_id=run_id, entry_id=entry_id, decision=decision, why=why, actor=me.username
            )
        )
        result = _load_result(conn, me, run_id, entry_id)
        audit(
            conn,
            me.username,
            "decide_reconciliation",
            record_id=entry_id,
            commune_code=_result_commune(conn, result),
            new_value=decision,
            why=why,
        )
    return RedirectResponse(f"/reconciliation/{run_id}/{entry_id}", status_code=303)
