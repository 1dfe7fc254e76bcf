"""Clerks: upload a batch, see their communes' batches, their progress and result."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import insert, or_, select

from portal import security
from portal.app import templates
from portal.audit import audit
from portal.deps import Clerk, in_scope
from portal.dispatch import dispatch
from portal.i18n import DOC_TYPES
from portal.uploads import check_files, safe_name
from registry.models import Batch, UploadQueueEntry
from sohoa.settings import get_settings

router = APIRouter()
_queue = UploadQueueEntry.__table__
_batches = Batch.__table__
MAX_FILES = 500


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, me: Clerk):
    return templates.TemplateResponse(request, "upload.html", {"communes": sorted(me.communes)})


@router.post("/upload")
async def upload(request: Request, background: BackgroundTasks, me: Clerk):
    form = await request.form(max_files=MAX_FILES)
    security.check_csrf(request, form.get("csrf_token"))
    commune = str(form.get("commune_code") or "")
    in_scope(me, commune)
    declared = str(form.get("declared_type") or "") or None
    if declared is not None and declared not in DOC_TYPES:
        raise HTTPException(400, "Loại hồ sơ không hợp lệ / Unknown record type")
    uploads = [f for f in form.getlist("files") if hasattr(f, "filename") and f.filename]
    if not uploads:
        raise HTTPException(400, "Chưa chọn tệp nào / No file was chosen")
    settings = get_settings()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    batch_id = f"{commune}-{stamp}-{secrets.token_hex(3)}"
    batch_dir = settings.data_dir / "uploads" / batch_id
    incoming = Path(tempfile.mkdtemp(prefix="upload-", dir=settings.data_dir))
    try:
        files = []
        for k, up in enumerate(uploads):
            # one folder per file, so the file keeps the clerk's name in every message
            (incoming / str(k)).mkdir()
            path = incoming / str(k) / safe_name(Path(up.filename).name)
            with open(path, "wb") as fh:
                await asyncio.to_thread(shutil.copyfileobj, up.file, fh)
            files.append((Path(up.filename).name, path))
        checked = await asyncio.to_thread(check_files, files, batch_dir)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    engine = request.app.state.engine
    status = "queued" if checked.accepted else "failed"
    with engine.begin() as conn:
        conn.execute(
            insert(_queue).values(
                batch_id=batch_id,
                commune_code=commune,
                declared_type=declared,
                batch_dir=str(batch_dir),
                uploaded_by=me.username,
                status=status,
                accepted_files=checked.accepted,
                refused_files=[asdict(r) for r in checked.refused],
                message=None
                if checked.accepted
                else "Không có tệp nào đọc được / No readable file in the upload",
            )
        )
        audit(
            conn,
            me.username,
            "upload",
            batch_id=batch_id,
            commune_code=commune,
            new_value=f"{len(checked.accepted)} accepted, {len(checked.refused)} refused",
        )
    if checked.accepted:
        background.add_task(dispatch, engine, batch_id, request.app.state.database_url)
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


@router.get("/batches", response_class=HTMLResponse)
def batches(request: Request, me: Clerk):
    with request.app.state.engine.connect() as conn:
        rows = (
            conn.execute(
                select(_queue)
                .where(_queue.c.commune_code.in_(sorted(me.communes)))
                .order_by(_queue.c.created_at.desc())
                .limit(100)
            )
            .mappings()
            .all()
        )
    return templates.TemplateResponse(request, "batches.html", {"rows": rows})


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: str, me: Clerk):
    with request.app.state.engine.connect() as conn:
        row = conn.execute(select(_queue).where(_queue.c.batch_id == batch_id)).mappings().first()
        if row is None:
            raise HTTPException(404)
        in_scope(me, row["commune_code"])
        loaded = (
            conn.execute(
                select(_batches).where(
                    or_(_batches.c.batch_id == batch_id, _batches.c.batch_id.like(f"{batch_id}/%"))
                )
            )
            .mappings()
            .all()
        )
    return templates.TemplateResponse(request, "batch.html", {"row": row, "loaded": loaded})
