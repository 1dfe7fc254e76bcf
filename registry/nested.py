"""Nested rows of a record (household members, land holders and vertices): read and write.

The frame's list column (``members``, ``holders``, ``vertices``) holds one list of national-format
dicts per record; ``raw__<list>``, ``conf__<list>`` and the optional ``box__<list>`` beside it hold
lists aligned with it (one dict of field → raw text / confidence / box per row). Rows are turned
into one DataFrame per list with pandas (no per-cell Python beyond building the dicts) and
written with one statement per chunk:

- SQLite: ``INSERT … ON CONFLICT (record_id, index) DO UPDATE`` with executemany;
- PostgreSQL: ``COPY`` into a temporary staging table (dropped at commit), then one
  ``INSERT … SELECT … ON CONFLICT DO UPDATE`` merge.

Either way the write is part of the batch's one transaction. ``updated_at`` and ``run_id`` move
only when a value did; ``last_seen_run_id`` says which run last read the row. A row missing from a
re-run is kept (its ``last_seen_run_id`` stays older than the record's ``run_id``): nothing is
deleted silently. A field a reviewer locked (a ``field_values`` row named ``members[3].full_name``,
see ``registry.review.lock_field``) keeps the reviewer's value; the run's reading goes to that
row's ``machine_value``.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Double, Integer, SmallInteger, Table, select, update
from sqlalchemy.engine import Connection

from registry.models import NESTED_TABLES, FieldValue

log = logging.getLogger(__name__)

CHUNK = 5000
_fields = FieldValue.__table__
_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d+)\]\.(?P<field>[a-z_0-9]+)$")


@dataclass
class NestedRows:
    """The rows of one list column of a batch, ready to write."""

    name: str
    table: Table
    index: str
    fields: tuple[str, ...]  # columns of the row besides the key (national fields)
    frame: pd.DataFrame  # record_id, index, source_sha256, page, fields…, raw/conf/box JSON


def field_path(name: str, index: int, field: str) -> str:
    """The ``field_values.field`` of one nested value: ``members[3].full_name``."""
    return f"{name}[{index}].{field}"


def parse_path(path: str) -> tuple[str, int, str] | None:
    m = _PATH.match(path)
    return (m["list"], int(m["index"]), m["field"]) if m else None


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def read_nested(records: pd.DataFrame, doc_type: str, problems: list[str]) -> dict[str, NestedRows]:
    """Explode every list column of ``doc_type`` into rows; problems are appended, not raised."""
    out = {}
    for name, (model, index, fields) in NESTED_TABLES.get(doc_type, {}).items():
        table = model.__table__
        row_fields = tuple(f for f in fields if f != index)
        cols = records.columns
        lists = records[name].tolist()
        raws = records[f"raw__{name}"].tolist() if f"raw__{name}" in cols else None
        confs = records[f"conf__{name}"].tolist() if f"conf__{name}" in cols else None
        boxes = records[f"box__{name}"].tolist() if f"box__{name}" in cols else None
        rids = records["record_id"].tolist()
        shas = records["source_sha256"].tolist()
        pages = records["page"].tolist()
        items: list[dict[str, Any]] = []
        for n, value in enumerate(lists):
            if not _is_list(value):
                if not _missing(value):
                    problems.append(f"record {rids[n]!r}: {name} must be a list of dicts")
                continue
            side = []
            for label, column in (("raw", raws), ("conf", confs), ("box", boxes)):
                s = column[n] if column is not None else None
                if s is None or (not _is_list(s) and _missing(s)):
                    s = ()
                elif not _is_list(s) or (len(s) and len(s) != len(value)):
                    problems.append(
                        f"record {rids[n]!r}: {label}__{name} must be a list as long as {name}"
                    )
                    s = ()
                side.append(s)
            for k, item in enumerate(value):
                if not isinstance(item, dict):
                    problems.append(f"record {rids[n]!r}: {name}[{k}] is not a dict")
                    continue
                unknown = set(item) - set(fields)
                if unknown:
                    problems.append(
                        f"record {rids[n]!r}: {name}[{k}] has unknown fields {sorted(unknown)}"
                    )
                row = {f: item.get(f) for f in row_fields}
                row["record_id"] = rids[n]
                row["source_sha256"] = shas[n]
                row["page"] = pages[n]
                row[index] = item.get(index, k + 1) if index in fields else k + 1
                raw, conf, box = (s[k] if len(s) else None for s in side)
                row["raw_values"] = raw or None
                row["confidences"] = conf or None
                row["boxes"] = box or None
                items.append(row)
        frame = pd.DataFrame(
            items,
            columns=[
                "record_id",
                index,
                "source_sha256",
                "page",
                *row_fields,
                "raw_values",
                "confidences",
                "boxes",
            ],
        )
        frame = _coerce(frame, table, (index, *row_fields), name, problems)
        dup = frame.duplicated(["record_id", index], keep=False)
        for rid, idx in frame.loc[dup, ["record_id", index]].drop_duplicates().itertuples(False):
            problems.append(f"record {rid!r}: {name} has {index} {idx} twice")
        out[name] = NestedRows(name, table, index, row_fields, frame)
    return out


def _coerce(
    frame: pd.DataFrame, table: Table, columns: tuple[str, ...], name: str, problems: list[str]
) -> pd.DataFrame:
    """Column by column (vectorised): each to its SQL type, problems listed by row."""
    expected = {Boolean: ("boolean",), Integer: ("integer",), SmallInteger: ("integer",)}
    for c in columns:
        type_ = table.c[c].type
        s = frame[c]
        # Fast path: a column already all of the right kind (or empty) needs no per-cell look.
        kind = pd.api.types.infer_dtype(s, skipna=True)
        want = next((v for k, v in expected.items() if isinstance(type_, k)), None)
        if isinstance(type_, Double):
            want = ("floating", "integer", "mixed-integer-float")
        if want is None:
            want = ("string",)
        if kind in (*want, "empty"):
            if isinstance(type_, Double):
                frame[c] = s.astype(object).where(s.notna(), None)
            else:
                frame[c] = s.astype(object).where(s.notna(), None)
            continue
        present = s.notna() & s.map(lambda v: not _missing(v))
        if isinstance(type_, Boolean):
            ok = s.map(lambda v: isinstance(v, (bool, np.bool_)))
            conv = s.map(lambda v: bool(v) if isinstance(v, (bool, np.bool_)) else None)
        elif isinstance(type_, (Integer, SmallInteger)):
            num = pd.to_numeric(s.where(~s.map(lambda v: isinstance(v, (bool, str)))), "coerce")
            ok = num.notna() & (num % 1 == 0)
            conv = num.astype("Int64").astype(object).where(ok, None)
        elif isinstance(type_, Double):
            num = pd.to_numeric(s.where(~s.map(lambda v: isinstance(v, (bool, str)))), "coerce")
            ok = num.notna()
            conv = num.astype(object).where(ok, None)
        else:
            ok = s.map(lambda v: isinstance(v, str))
            conv = s.where(ok, None)
        bad = present & ~ok
        for rid, v in zip(frame.loc[bad, "record_id"], s[bad], strict=True):
            problems.append(f"record {rid!r}: {name}.{c}: cannot be stored as {type_}: {v!r}")
        frame[c] = conv.astype(object).where(present & ok, None)
    return frame


def member_key_conflicts(conn: Connection, rows: NestedRows) -> dict[str, list[str]]:
    """Give members their natural key (book number|member index); return flags to raise.

    A key is NULL when the book number is unknown, when an earlier row of the batch (record_id
    order) has it, or when another row in the database holds it; the record then gets a
    ``duplicate_natural_key`` flag naming the holder. Returns record_id → holder descriptions.
    """
    f = rows.frame
    f.sort_values(["record_id", rows.index], inplace=True, ignore_index=True)
    book = f["household_book_number"]
    key = (book.astype(str) + "|" + f[rows.index].astype(str)).where(book.notna(), None)
    conflicts: dict[str, list[str]] = {}
    dup = key.notna() & key.duplicated(keep="first")
    first = {
        k: (r, i)
        for k, r, i in zip(key, f["record_id"], f[rows.index], strict=True)
        if k is not None and not _missing(k)
    }
    for rid, k in zip(f.loc[dup, "record_id"], key[dup], strict=True):
        conflicts.setdefault(rid, []).append(f"{first[k][0]} #{first[k][1]}")
    key = key.where(~dup, None)
    wanted = [k for k in key.dropna().unique().tolist()]
    t = rows.table
    held: dict[str, tuple[str, int]] = {}
    for start in range(0, len(wanted), 500):
        stmt = select(t.c.natural_key, t.c.record_id, t.c[rows.index]).where(
            t.c.natural_key.in_(wanted[start : start + 500])
        )
        for k, rid, idx in conn.execute(stmt):
            held[k] = (rid, idx)
    if held:
        mine = pd.Series(list(zip(f["record_id"], f[rows.index], strict=True)), index=f.index)
        holder = key.map(held)
        clash = holder.notna() & (holder != mine)
        for rid, h in zip(f.loc[clash, "record_id"], holder[clash], strict=True):
            conflicts.setdefault(rid, []).append(f"{h[0]} #{h[1]}")
        key = key.where(~clash, None)
    f["natural_key"] = key.astype(object).where(key.notna(), None)
    return conflicts


def apply_locks(conn: Connection, rows: NestedRows, run_id: str) -> int:
    """Keep reviewers' values on locked nested fields; record the run's reading beside them."""
    f = rows.frame
    if f.empty:
        return 0
    ids = f["record_id"].unique().tolist()
    locks = []
    for start in range(0, len(ids), 500):
        stmt = select(_fields.c.record_id, _fields.c.field).where(
            _fields.c.record_id.in_(ids[start : start + 500]),
            _fields.c.locked.is_(True),
            _fields.c.field.like(f"{rows.name}[%"),
        )
        locks.extend(conn.execute(stmt).all())
    kept = 0
    t = rows.table
    position = {
        (r, i): n for n, (r, i) in enumerate(zip(f["record_id"], f[rows.index], strict=True))
    }
    for rid, path in locks:
        parsed = parse_path(path)
        if parsed is None or parsed[2] not in rows.fields:
            continue
        _, idx, field = parsed
        current = conn.execute(
            select(t.c[field]).where(t.c.record_id == rid, t.c[rows.index] == idx)
        ).first()
        n = position.get((rid, idx))
        if current is None or n is None:
            continue
        machine = f.at[f.index[n], field]
        if machine != current[0]:
            kept += 1
        f.at[f.index[n], field] = current[0]
        conn.execute(
            update(_fields)
            .where(_fields.c.record_id == rid, _fields.c.field == path)
            .values(
                machine_value=None if machine is None else _text(machine), machine_run_id=run_id
            )
        )
    return kept


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def write_nested(conn: Connection, rows: NestedRows, run_id: str, now: Any) -> int:
    """Upsert the rows (see the module's rules); returns how many rows were handed over."""
    f = rows.frame
    if f.empty:
        return 0
    t = rows.table
    key = ["record_id", rows.index]
    data = [*rows.fields, *(["natural_key"] if "natural_key" in t.c else [])]
    data += ["source_sha256", "page", "raw_values", "confidences", "boxes"]
    columns = [*key, *data, "run_id", "last_seen_run_id", "created_at", "updated_at"]
    out = f.copy()
    for c in ("raw_values", "confidences", "boxes"):
        out[c] = [
            None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True) for v in out[c]
        ]
    out["run_id"] = run_id
    out["last_seen_run_id"] = run_id
    name = conn.dialect.name
    # As SQLAlchemy's DateTime writes it on each engine (SQLite: naive text in UTC).
    stamp = now.isoformat() if name == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
    out["created_at"] = stamp
    out["updated_at"] = stamp
    out = out[columns]
    q = conn.dialect.identifier_preparer.quote
    cols = ", ".join(q(c) for c in columns)
    if name == "postgresql":
        differs = " OR ".join(f"t.{q(c)} IS DISTINCT FROM excluded.{q(c)}" for c in data)
    else:
        differs = " OR ".join(f"t.{q(c)} IS NOT excluded.{q(c)}" for c in data)
    set_ = [f"{q(c)} = excluded.{q(c)}" for c in data]
    set_ += [
        f"run_id = CASE WHEN {differs} THEN excluded.run_id ELSE t.run_id END",
        f"updated_at = CASE WHEN {differs} THEN excluded.updated_at ELSE t.updated_at END",
        "last_seen_run_id = excluded.last_seen_run_id",
    ]
    conflict = f"ON CONFLICT ({q('record_id')}, {q(rows.index)}) DO UPDATE SET {', '.join(set_)}"
    if name == "postgresql":
        _merge_postgresql(conn, t, out, columns, cols, conflict)
    else:
        values = list(out.itertuples(index=False, name=None))
        sql = (
            f"INSERT INTO {q(t.name)} AS t ({cols}) VALUES ({', '.join('?' * len(columns))}) "
            f"{conflict}"
        )
        cursor = conn.connection.driver_connection.cursor()
        try:
            for start in range(0, len(values), CHUNK):
                cursor.executemany(sql, values[start : start + CHUNK])
        finally:
            cursor.close()
    log.debug("wrote %d %s rows", len(out), rows.name)
    return len(out)


def _merge_postgresql(
    conn: Connection, t: Table, out: pd.DataFrame, columns: list[str], cols: str, conflict: str
) -> None:
    q = conn.dialect.identifier_preparer.quote
    stage = f"stage_{t.name}"
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {q(t.name)} INCLUDING DEFAULTS)"
            " ON COMMIT DROP"
        )
        cur.execute(f"TRUNCATE {stage}")
        buffer = io.StringIO()
        _to_copy_text(out, buffer)
        buffer.seek(0)
        with cur.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cur.execute(f"INSERT INTO {q(t.name)} AS t ({cols}) SELECT {cols} FROM {stage} {conflict}")


def _to_copy_text(frame: pd.DataFrame, buffer: io.StringIO) -> None:
    """The frame in COPY's text format (tab-separated, \\N for NULL, escapes), vectorised."""
    parts = []
    for c in frame.columns:
        s = frame[c]
        null = s.isna()
        if s.map(lambda v: isinstance(v, (bool, np.bool_))).any():
            text = s.map(lambda v: "t" if v else "f")
        else:
            text = s.astype(str)
            text = (
                text.str.replace("\\", "\\\\", regex=False)
                .str.replace("\t", "\\t", regex=False)
                .str.replace("\n", "\\n", regex=False)
                .str.replace("\r", "\\r", regex=False)
            )
        parts.append(text.where(~null, "\\N"))
    lines = parts[0].str.cat(parts[1:], sep="\t") if len(parts) > 1 else parts[0]
    buffer.write("\n".join(lines.tolist()))
    buffer.write("\n")
