"""The audit trail: one append-only ``audit_events`` row per view or change of personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from registry.models import AuditEvent

_events = AuditEvent.__table__


def audit(conn: Connection, actor: str, action: str, **what: Any) -> None:
    """Append an event (inside the caller's transaction, so it stands or falls with the change).

    ``what``: doc_type, record_id, batch_id, commune_code, field, old_value, new_value, why.
    """
    conn.execute(insert(_events).values(actor=actor, action=action, **what))
