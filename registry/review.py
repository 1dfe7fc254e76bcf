"""What a reviewer's decisions write, so the portal and the loader agree on what a lock is.

``lock_field`` sets a field to the reviewer's value in the record's table and in
``field_values`` (``locked``, ``locked_by``, ``locked_at``), keeps the machine's reading in
``machine_value``, resolves the open flags on that field and appends a ``review_actions`` row,
in one transaction. The loader never overwrites a locked field (see ``registry.loader``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from registry.errors import LoadInputError
from registry.loader import coerce_value, natural_key_of, record_spec, text_of
from registry.models import (
    NATURAL_KEY_PARTS,
    NESTED_TABLES,
    FieldValue,
    ReviewAction,
    ReviewFlag,
)
from registry.nested import parse_path
from sohoa.national_format import ADMIN_CODE_SCHEME

log = logging.getLogger(__name__)

_fields = FieldValue.__table__
_actions = ReviewAction.__table__
_flags = ReviewFlag.__table__


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    else:  # the caller's connection and transaction
        yield bind


def lock_field(
    bind: Engine | Connection,
    *,
    doc_type: str,
    record_id: str,
    field: str,
    value: Any,
    actor: str,
    why: str | None = None,
) -> None:
    """Set ``field`` of ``record_id`` to the reviewer's ``value`` and lock it against re-runs.

    ``field`` may name a nested value, ``members[3].full_name`` (list, index, field).
    """
    if parse_path(field) is not None:
        _lock_nested(bind, doc_type, record_id, field, value, actor, why)
        return
    table, fields = record_spec(doc_type)
    if field not in fields:
        raise LoadInputError([f"{field!r} is not a field of {doc_type}"])
    try:
        typed = coerce_value(value, table.c[field].type)
    except ValueError as e:
        raise LoadInputError([f"{field}: {e}"]) from e
    now = datetime.now(UTC)
    with _transaction(bind) as conn:
        record = (
            conn.execute(select(table).where(table.c.record_id == record_id)).mappings().first()
        )
        if record is None:
            raise LoadInputError([f"no {doc_type} record {record_id!r}"])
        field_row = (
            conn.execute(
                select(_fields).where(_fields.c.record_id == record_id, _fields.c.field == field)
            )
            .mappings()
            .first()
        )
        if field_row is None:
            raise LoadInputError([f"record {record_id!r} has no value row for {field!r}"])

        changes: dict[str, Any] = {field: typed, "updated_at": now}
        scheme_col = f"{field}_scheme"
        if scheme_col in table.c:
            changes[scheme_col] = (record[scheme_col] or ADMIN_CODE_SCHEME) if typed else None
        if doc_type == "birth_registration" and field in NATURAL_KEY_PARTS:
            key = natural_key_of(doc_type, {**record, field: typed})
            holder = None
            if key is not None:
                holder = conn.execute(
                    select(table.c.record_id).where(
                        table.c.natural_key == key, table.c.record_id != record_id
                    )
                ).scalar_one_or_none()
            changes["natural_key"] = None if holder else key
        conn.execute(update(table).where(table.c.record_id == record_id).values(**changes))
        conn.execute(
            update(_fields)
            .where(_fields.c.record_id == record_id, _fields.c.field == field)
            .values(value=text_of(typed), locked=True, locked_by=actor, locked_at=now)
        )
        # The reviewer's value answers the machine's doubts about this field.
        conn.execute(
            update(_flags)
            .where(
                _flags.c.record_id == record_id,
                _flags.c.field == field,
                _flags.c.resolved.is_(False),
            )
            .values(resolved=True, resolved_by=actor, resolved_at=now)
        )
        conn.execute(
            insert(_actions).values(
                at=now,
                actor=actor,
                action="lock",
                record_id=record_id,
                doc_type=doc_type,
                field=field,
                old_value=text_of(record[field]),
                new_value=text_of(typed),
                why=why,
            )
        )
    log.info("%s locked %s.%s of %s", actor, doc_type, field, record_id)


def _lock_nested(
    bind: Engine | Connection,
    doc_type: str,
    record_id: str,
    path: str,
    value: Any,
    actor: str,
    why: str | None,
) -> None:
    """A reviewer's value for one field of a nested row: a locked ``field_values`` row."""
    name, index, field = parse_path(path)  # type: ignore[misc]
    spec = NESTED_TABLES.get(doc_type, {}).get(name)
    if spec is None or field not in spec[2] or field == spec[1]:
        raise LoadInputError([f"{path!r} is not a nested field of {doc_type}"])
    table = spec[0].__table__
    key_col = spec[1]
    try:
        typed = coerce_value(value, table.c[field].type)
    except ValueError as e:
        raise LoadInputError([f"{path}: {e}"]) from e
    now = datetime.now(UTC)
    with _transaction(bind) as conn:
        where = (table.c.record_id == record_id, table.c[key_col] == index)
        row = conn.execute(select(table).where(*where)).mappings().first()
        if row is None:
            raise LoadInputError([f"record {record_id!r} has no {name} row {index}"])
        conn.execute(update(table).where(*where).values({field: typed, "updated_at": now}))
        existing = conn.execute(
            select(_fields.c.field).where(_fields.c.record_id == record_id, _fields.c.field == path)
        ).first()
        raw = (row["raw_values"] or {}).get(field)
        conf = (row["confidences"] or {}).get(field)
        values = {
            "value": text_of(typed),
            "locked": True,
            "locked_by": actor,
            "locked_at": now,
        }
        if existing is None:
            conn.execute(
                insert(_fields).values(
                    record_id=record_id,
                    field=path,
                    doc_type=doc_type,
                    raw_value=raw,
                    confidence=conf,
                    source_sha256=row["source_sha256"],
                    page=row["page"],
                    run_id=row["run_id"],
                    machine_value=text_of(row[field]),
                    machine_run_id=row["run_id"],
                    **values,
                )
            )
        else:
            conn.execute(
                update(_fields)
                .where(_fields.c.record_id == record_id, _fields.c.field == path)
                .values(**values)
            )
        conn.execute(
            update(_flags)
            .where(
                _flags.c.record_id == record_id,
                _flags.c.field.in_((path, name)),
                _flags.c.resolved.is_(False),
            )
            .values(resolved=True, resolved_by=actor, resolved_at=now)
        )
        conn.execute(
            insert(_actions).values(
                at=now,
                actor=actor,
                action="lock",
                record_id=record_id,
                doc_type=doc_type,
                field=path,
                old_value=text_of(row[field]),
                new_value=text_of(typed),
                why=why,
            )
        )
    log.info("%s locked %s.%s of %s", actor, doc_type, path, record_id)
