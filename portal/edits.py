"""A reviewer's edit: re-normalised, re-validated, then saved with optimistic locking.

The edit is normalised by the record type's own mapper in ``transforms`` (a one-row frame with
the reviewer's text as the raw reading) and the resulting record is run through its Great
Expectations suite; problems on the edited field are shown and must be confirmed. Saving goes
through ``registry.review.lock_field`` inside one transaction that first moves the record's
version from the one the reviewer read to the next (compare-and-set): when another reviewer
saved in between, nothing is written and ``EditConflict`` says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import insert, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from portal.audit import audit
from portal.records import REJECTED, field_rows, find_record, open_flags
from registry.errors import LoadInputError
from registry.loader import text_of
from registry.models import RecordVersion, ReviewAction, ReviewFlag
from registry.review import lock_field
from sohoa.errors import SohoaError
from sohoa.national_format import ENVELOPE_FIELDS, EXTRACTED_FIELDS, NATIONAL_FIELDS

log = logging.getLogger(__name__)

_versions = RecordVersion.__table__
_flags = ReviewFlag.__table__
_actions = ReviewAction.__table__


class EditConflict(SohoaError):
    reason = "edit_conflict"

    def __init__(self) -> None:
        super().__init__(
            "Người duyệt khác vừa lưu hồ sơ này. Không có gì bị ghi đè; hãy tải lại để xem "
            "giá trị mới.",
            "Another reviewer has just saved this record. Nothing was overwritten; reload to "
            "see the new values.",
        )


class EditRefused(SohoaError):
    reason = "edit_refused"


@dataclass
class CheckedEdit:
    value: Any  # the normalised value that would be saved
    problems: list[dict[str, str]] = field(default_factory=list)  # flags on the edited field


def _envelope(record: dict[str, Any], doc_type: str) -> dict[str, Any]:
    env = {f: record.get(f) for f in ENVELOPE_FIELDS}
    env["doc_type"] = doc_type
    env["source_file"] = None
    return env


def check_edit(
    doc_type: str, field_name: str, text: str, record: dict[str, Any], raws: dict[str, Any]
) -> CheckedEdit:
    """Normalise ``text`` as the reading of ``field_name`` and validate the record with it."""
    from expectations.runner import validate
    from transforms import normalise, supports

    text = text.strip()
    if not text:
        return CheckedEdit(None)
    if not supports(doc_type) or field_name not in EXTRACTED_FIELDS.get(doc_type, ()):
        # a derived field (a code) is saved as typed; the database's CHECKs guard its shape
        return CheckedEdit(text)
    raw = _envelope(record, doc_type)
    for f in EXTRACTED_FIELDS[doc_type]:
        if isinstance(raws.get(f), str):
            raw[f] = raws.get(f)
        raw[f"conf__{f}"] = 1.0
    raw[field_name] = text
    normalised = normalise(pd.DataFrame([raw]), doc_type)
    value = normalised.iloc[0][field_name]
    value = None if pd.isna(value) else value
    problems = [f for f in normalised.iloc[0]["flags"] if f.get("field") == field_name]
    if value is None:
        raise EditRefused(
            f"Không chuyển được “{text}” sang định dạng quốc gia cho trường {field_name}.",
            f"“{text}” cannot be put into the national format for {field_name}.",
        )
    # validate the whole record as it would be: the stored values with this one replaced
    row = {**_envelope(record, doc_type)}
    for f in NATIONAL_FIELDS[doc_type]:
        row[f] = record.get(f, [])
    row[field_name] = value
    row["flags"] = []
    try:
        report = validate(pd.DataFrame([row]), doc_type)
        problems += [f for f in report.frame.iloc[0]["flags"] if f.get("field") == field_name]
    except Exception as e:  # a suite that cannot judge one row must not block a person's fix
        log.warning("re-validation of %s.%s failed: %s", doc_type, field_name, e)
    return CheckedEdit(value, problems)


def _claim_version(conn: Connection, doc_type: str, record_id: str, seen: int, actor: str) -> int:
    """Move the record's version from ``seen`` to ``seen + 1`` or raise ``EditConflict``."""
    now = datetime.now(UTC)
    if seen == 0:
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(_versions).values(
                        record_id=record_id,
                        doc_type=doc_type,
                        version=1,
                        updated_by=actor,
                        updated_at=now,
                    )
                )
        except IntegrityError as e:
            raise EditConflict() from e
        return 1
    done = conn.execute(
        update(_versions)
        .where(_versions.c.record_id == record_id, _versions.c.version == seen)
        .values(version=seen + 1, updated_by=actor, updated_at=now)
    )
    if done.rowcount != 1:
        raise EditConflict()
    return seen + 1


def save_field(
    engine: Engine,
    *,
    doc_type: str,
    record_id: str,
    field_name: str,
    text: str,
    seen_version: int,
    actor: str,
    communes: frozenset[str],
    confirm: bool = False,
    why: str | None = None,
) -> CheckedEdit:
    """Check and save a reviewer's value for one field (``text`` equal to the stored value
    accepts it). Raises ``EditConflict``, ``EditRefused`` or, when the check found problems
    and ``confirm`` is false, returns them without saving (``CheckedEdit.problems``)."""
    with engine.connect() as conn:
        record = find_record(conn, doc_type, record_id, communes)
        if record is None:
            raise LookupError(record_id)
        fields = {r["field"]: r for r in field_rows(conn, record_id)}
    if field_name not in fields:
        raise EditRefused(f"Không có trường {field_name}", f"No field {field_name}")
    raws = {f: r["raw_value"] for f, r in fields.items()}
    stored = fields[field_name]["value"]
    accept = text.strip() == (stored or "")
    checked = (
        CheckedEdit(record.get(field_name))
        if accept
        else check_edit(doc_type, field_name, text, record, raws)
    )
    if checked.problems and not confirm:
        return checked
    try:
        with engine.begin() as conn:
            _claim_version(conn, doc_type, record_id, seen_version, actor)
            lock_field(
                conn,
                doc_type=doc_type,
                record_id=record_id,
                field=field_name,
                value=checked.value,
                actor=actor,
                why=why or ("accept" if accept else "edit"),
            )
            audit(
                conn,
                actor,
                "accept_field" if accept else "edit_field",
                doc_type=doc_type,
                record_id=record_id,
                batch_id=record["batch_id"],
                commune_code=record["batch_commune_code"],
                field=field_name,
                old_value=stored,
                new_value=text_of(checked.value),
                why=why,
            )
            _settle_status(conn, doc_type, record_id)
    except LoadInputError as e:
        raise EditRefused(
            f"Giá trị không hợp lệ cho trường {field_name}: {e}",
            f"The value is not valid for {field_name}: {e}",
        ) from e
    except IntegrityError as e:
        raise EditRefused(
            f"Giá trị “{text}” không đúng định dạng quốc gia của trường {field_name}.",
            f"“{text}” does not have the national format of {field_name}.",
        ) from e
    checked.problems = []
    return checked


def record_level(flag: dict[str, Any], field_names: set[str]) -> bool:
    """A flag on the record as a whole (the audit sample, a batch-level check), not on one of
    its fields: no field save resolves it, the reviewer's confirmation of the record does."""
    return flag["reason"] != REJECTED and (flag["field"] or "") not in field_names


def confirm_record(
    engine: Engine,
    *,
    doc_type: str,
    record_id: str,
    seen_version: int,
    actor: str,
    communes: frozenset[str],
) -> None:
    """The reviewer has checked the whole record against the scan: its record-level flags
    (an audit sample, say) are resolved and, with no field left doubtful, it leaves the queue.
    Refused while a field still has an open flag: each field is accepted or fixed first."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        _claim_version(conn, doc_type, record_id, seen_version, actor)
        record = find_record(conn, doc_type, record_id, communes)
        if record is None:
            raise LookupError(record_id)  # rolls the version claim back
        names = {r["field"] for r in field_rows(conn, record_id)}
        flags = open_flags(conn, record_id)
        pending = sorted({f["field"] for f in flags if f["field"] in names})
        if pending:
            raise EditRefused(
                "Còn trường chưa được chấp nhận hoặc sửa: " + ", ".join(pending),
                "Some fields are still to be accepted or fixed: " + ", ".join(pending),
            )
        ids = [f["flag_id"] for f in flags if record_level(f, names)]
        if ids:
            conn.execute(
                update(_flags)
                .where(_flags.c.flag_id.in_(ids))
                .values(resolved=True, resolved_by=actor, resolved_at=now)
            )
        reasons = ", ".join(sorted({f["reason"] for f in flags if f["flag_id"] in ids}))
        _record_action(conn, "confirm_record", actor, doc_type, record, now, reasons or None)
        _settle_status(conn, doc_type, record_id)


def _record_action(
    conn: Connection,
    action: str,
    actor: str,
    doc_type: str,
    record: dict[str, Any],
    at: datetime,
    why: str | None,
) -> None:
    """A decision on the whole record: its ``review_actions`` row and its audit row."""
    conn.execute(
        insert(_actions).values(
            at=at,
            actor=actor,
            action=action,
            record_id=record["record_id"],
            doc_type=doc_type,
            why=why,
        )
    )
    audit(
        conn,
        actor,
        action,
        doc_type=doc_type,
        record_id=record["record_id"],
        batch_id=record["batch_id"],
        commune_code=record["batch_commune_code"],
        why=why,
    )


def _settle_status(conn: Connection, doc_type: str, record_id: str) -> None:
    """A record with no open flag left is reviewed: it leaves the queue."""
    from sqlalchemy import exists, select

    from registry.models import RECORD_TABLES

    table = RECORD_TABLES[doc_type].__table__
    still_open = conn.execute(
        select(exists().where(_flags.c.record_id == record_id, _flags.c.resolved.is_(False)))
    ).scalar()
    if not still_open:
        conn.execute(
            update(table).where(table.c.record_id == record_id).values(status="auto_accepted")
        )


def reject_page(
    engine: Engine,
    *,
    doc_type: str,
    record_id: str,
    seen_version: int,
    actor: str,
    communes: frozenset[str],
    why: str,
) -> None:
    """The page cannot be read as it is: flag it for a new scan and take it off the queue."""
    if not why.strip():
        raise EditRefused("Cần ghi lý do", "A reason is required")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        # the write comes first: on SQLite a read-then-write transaction can be refused
        _claim_version(conn, doc_type, record_id, seen_version, actor)
        record = find_record(conn, doc_type, record_id, communes)
        if record is None:
            raise LookupError(record_id)  # rolls the version claim back
        conn.execute(
            insert(_flags).values(
                record_id=record_id,
                doc_type=doc_type,
                field=None,
                reason=REJECTED,
                message_vi=f"Người duyệt trả lại trang: {why}",
                message_en=f"Page rejected by a reviewer: {why}",
                raised_by="reviewer",
                run_id=None,
                resolved=False,
                created_at=now,
            )
        )
        _record_action(conn, "reject_page", actor, doc_type, record, now, why)
