"""What reviewers see: the queue, one record with its fields and flags, scoped to communes.

A record belongs to the commune of its batch (``batches.commune_code``). Every query here takes
the caller's communes and returns nothing outside them: a record of another commune is "not
found" (404), so its existence is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.engine import Connection

from registry.models import RECORD_TABLES, Batch, FieldValue, RecordVersion, ReviewFlag

_batches = Batch.__table__
_fields = FieldValue.__table__
_flags = ReviewFlag.__table__
_versions = RecordVersion.__table__

QUEUE_PAGE = 50
REJECTED = "page_rejected"  # a reviewer's flag: the page must be scanned again


@dataclass
class QueueItem:
    doc_type: str
    record_id: str
    commune_code: str | None
    created_at: datetime
    reasons: str | None


def _table(doc_type: str):
    model = RECORD_TABLES.get(doc_type)
    return None if model is None else model.__table__


def queue(
    conn: Connection,
    communes: frozenset[str],
    doc_type: str | None = None,
    commune: str | None = None,
    reason: str | None = None,
    limit: int = QUEUE_PAGE,
) -> list[QueueItem]:
    """Records needing review in the caller's communes, oldest first (rejected pages wait for
    a new scan, not in the queue)."""
    scope = sorted(communes & {commune}) if commune else sorted(communes)
    if not scope:
        return []
    types = [
        t for t in ([doc_type] if doc_type else sorted(RECORD_TABLES)) if _table(t) is not None
    ]
    if not types:
        return []
    batches = dict(
        conn.execute(
            select(_batches.c.batch_id, _batches.c.commune_code).where(
                _batches.c.commune_code.in_(scope)
            )
        ).all()
    )
    if not batches:
        return []
    # Candidates come in created_at order straight off the queue index (batch_id, status,
    # created_at, record_id); the few rejected pages are dropped afterwards, so the database
    # never checks every flagged record of a commune for a rejection.
    found: list[QueueItem] = []
    offset, step = 0, limit + 10
    while len(found) < limit:
        rows = _candidates(conn, types, list(batches), reason, offset, step)
        rejected = _rejected(conn, [r.record_id for r in rows])
        found += [
            QueueItem(r.doc_type, r.record_id, batches.get(r.batch_id), r.created_at, None)
            for r in rows
            if r.record_id not in rejected
        ]
        if len(rows) < step:
            break
        offset += step
    found = found[:limit]
    reasons = _open_reasons(conn, [i.record_id for i in found])
    for item in found:
        item.reasons = reasons.get(item.record_id)
    return found


def _candidates(conn, types, batch_ids, reason, offset, n):
    parts = []
    for t in types:
        table = _table(t)
        conds = [table.c.batch_id.in_(batch_ids), table.c.status == "needs_review"]
        if reason:
            conds.append(
                exists().where(
                    _flags.c.record_id == table.c.record_id,
                    _flags.c.resolved.is_(False),
                    _flags.c.reason == reason,
                )
            )
        parts.append(
            select(
                literal(t).label("doc_type"),
                table.c.record_id,
                table.c.batch_id,
                table.c.created_at,
            )
            .where(*conds)
            .order_by(table.c.created_at, table.c.record_id)
            .limit(offset + n)
        )
    if len(parts) == 1:
        return conn.execute(parts[0].offset(offset)).all()
    union = union_all(*[p.subquery().select() for p in parts]).subquery()
    return conn.execute(
        select(union).order_by(union.c.created_at, union.c.record_id).offset(offset).limit(n)
    ).all()


def _rejected(conn: Connection, record_ids: list[str]) -> set[str]:
    if not record_ids:
        return set()
    return set(
        conn.execute(
            select(_flags.c.record_id).where(
                _flags.c.record_id.in_(record_ids),
                _flags.c.resolved.is_(False),
                _flags.c.reason == REJECTED,
            )
        ).scalars()
    )


def _open_reasons(conn: Connection, record_ids: list[str]) -> dict[str, str]:
    if not record_ids:
        return {}
    rows = conn.execute(
        select(_flags.c.record_id, _flags.c.reason).where(
            _flags.c.record_id.in_(record_ids), _flags.c.resolved.is_(False)
        )
    ).all()
    out: dict[str, set[str]] = {}
    for rid, why in rows:
        out.setdefault(rid, set()).add(why)
    return {rid: ", ".join(sorted(v)) for rid, v in out.items()}


def find_record(
    conn: Connection, doc_type: str, record_id: str, communes: frozenset[str]
) -> dict[str, Any] | None:
    """The record row with its batch's commune, or None when unknown or out of scope."""
    table = _table(doc_type)
    if table is None or not communes:
        return None
    row = (
        conn.execute(
            select(table, _batches.c.commune_code.label("batch_commune_code"))
            .join(_batches, _batches.c.batch_id == table.c.batch_id)
            .where(table.c.record_id == record_id, _batches.c.commune_code.in_(sorted(communes)))
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def field_rows(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(_fields).where(_fields.c.record_id == record_id).order_by(_fields.c.field)
    ).mappings()
    return [dict(r) for r in rows]


def open_flags(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(_flags)
        .where(_flags.c.record_id == record_id, _flags.c.resolved.is_(False))
        .order_by(_flags.c.flag_id)
    ).mappings()
    return [dict(r) for r in rows]


def version_of(conn: Connection, record_id: str) -> int:
    v = conn.execute(
        select(_versions.c.version).where(_versions.c.record_id == record_id)
    ).scalar_one_or_none()
    return v or 0


def queue_size(conn: Connection, communes: frozenset[str]) -> int:
    total = 0
    for table in (m.__table__ for m in RECORD_TABLES.values()):
        total += conn.execute(
            select(func.count())
            .select_from(table.join(_batches, _batches.c.batch_id == table.c.batch_id))
            .where(table.c.status == "needs_review", _batches.c.commune_code.in_(sorted(communes)))
        ).scalar_one()
    return total
