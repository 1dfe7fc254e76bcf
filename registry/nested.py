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

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Double, Integer, SmallInteger, Table, case, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from registry.bulk import is_distinct, select_in, upsert
from registry.models import NESTED_TABLES, FieldValue

log = logging.getLogger(__name__)

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
        # Flatten in C-speed steps (extend, zip, DataFrame from dicts); Python per row is slow.
        items: list[Any] = []
        owners: list[int] = []
        positions: list[int] = []
        side_values: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
        for n, value in enumerate(lists):
            if not _is_list(value):
                if not _missing(value):
                    problems.append(f"record {rids[n]!r}: {name} must be a list of dicts")
                continue
            m = len(value)
            for label, column, target in zip(
                ("raw", "conf", "box"), (raws, confs, boxes), side_values, strict=True
            ):
                s = column[n] if column is not None else None
                if s is None or (not _is_list(s) and _missing(s)):
                    s = ()
                elif not _is_list(s) or (len(s) and len(s) != m):
                    problems.append(
                        f"record {rids[n]!r}: {label}__{name} must be a list as long as {name}"
                    )
                    s = ()
                target.extend(s if len(s) else [None] * m)
            items.extend(value)
            owners.extend([n] * m)
            positions.extend(range(1, m + 1))
        keep = [isinstance(item, dict) for item in items]
        if not all(keep):
            for j in (j for j, ok in enumerate(keep) if not ok):
                problems.append(
                    f"record {rids[owners[j]]!r}: {name}[{positions[j] - 1}] is not a dict"
                )
            items, owners, positions, *rest = (
                [v for v, ok in zip(seq, keep, strict=True) if ok]
                for seq in (items, owners, positions, *side_values)
            )
            side_values = tuple(rest)
        unknown = set().union(*items) - set(fields)
        if unknown:
            for j, item in enumerate(items):
                extra = set(item) - set(fields)
                if extra:
                    problems.append(
                        f"record {rids[owners[j]]!r}: {name}[{positions[j] - 1}] has unknown"
                        f" fields {sorted(extra)}"
                    )
        # object columns: the values go back out as Python objects, so Arrow strings (pandas'
        # default) would only cost a conversion each way
        frame = pd.DataFrame(items, columns=list(fields), index=range(len(items)), dtype=object)
        if index in fields:
            given = frame[index]
            frame[index] = given.astype(object).where(given.notna(), pd.Series(positions))
        else:
            frame[index] = positions
        at = np.asarray(owners, dtype=np.int64)
        for label, values in (("record_id", rids), ("source_sha256", shas), ("page", pages)):
            picked = np.asarray(values, dtype=object)[at] if len(at) else []
            frame[label] = pd.Series(picked, index=frame.index, dtype=object)
        for label, values in zip(("raw_values", "confidences", "boxes"), side_values, strict=True):
            frame[label] = pd.Series([v or None for v in values], dtype=object)
        frame = frame[
            ["record_id", index, "source_sha256", "page", *row_fields,
             "raw_values", "confidences", "boxes"]
        ]  # fmt: skip
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
    me = pd.DataFrame({"key": key, "rid": f["record_id"], "idx": f[rows.index]})
    conflicts: dict[str, list[str]] = {}
    # an earlier row of this batch holds the key
    dup = key.notna() & key.duplicated(keep="first")
    if dup.any():
        first = me[key.notna() & ~dup].set_index("key")
        for rid, k in zip(me.loc[dup, "rid"], me.loc[dup, "key"], strict=True):
            conflicts.setdefault(rid, []).append(f"{first.at[k, 'rid']} #{first.at[k, 'idx']}")
        key = key.where(~dup, None)
    # another row in the database holds it
    wanted = key.dropna().unique().tolist()
    t = rows.table
    stmt = select(t.c.natural_key, t.c.record_id, t.c[rows.index])
    held = [tuple(r.values()) for r in select_in(conn, stmt, t.c.natural_key, wanted)]
    if held:
        holders = pd.DataFrame(held, columns=["key", "h_rid", "h_idx"]).set_index("key")
        found = holders.reindex(key.where(key.notna(), "")).reset_index(drop=True)
        clash = found["h_rid"].notna() & (
            (found["h_rid"] != me["rid"]) | (found["h_idx"] != me["idx"])
        )
        for rid, h_rid, h_idx in zip(
            me.loc[clash, "rid"], found.loc[clash, "h_rid"], found.loc[clash, "h_idx"], strict=True
        ):
            conflicts.setdefault(rid, []).append(f"{h_rid} #{int(h_idx)}")
        key = key.where(~clash, None)
    f["natural_key"] = key.astype(object).where(key.notna(), None)
    return conflicts


def apply_locks(conn: Connection, rows: NestedRows, run_id: str) -> int:
    """Keep reviewers' values on locked nested fields; record the run's reading beside them."""
    f = rows.frame
    if f.empty:
        return 0
    ids = f["record_id"].unique().tolist()
    stmt = select(_fields.c.record_id, _fields.c.field).where(
        _fields.c.locked.is_(True), _fields.c.field.like(f"{rows.name}[%")
    )
    locks = [(r["record_id"], r["field"]) for r in select_in(conn, stmt, _fields.c.record_id, ids)]
    if not locks:
        return 0
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
    n = len(f)
    values = {c: f[c].tolist() for c in (*key, *data)}
    values["run_id"] = values["last_seen_run_id"] = [run_id] * n
    values["created_at"] = values["updated_at"] = [now] * n

    def conflict(stmt: Any) -> Any:
        new = stmt.excluded
        pg = isinstance(stmt, postgresql.Insert)
        differs = or_(*[is_distinct(t.c[c], new[c], pg) for c in data])
        return stmt.on_conflict_do_update(
            index_elements=[t.c[c] for c in key],
            set_={
                **{c: new[c] for c in data},
                "run_id": case((differs, new.run_id), else_=t.c.run_id),
                "updated_at": case((differs, new.updated_at), else_=t.c.updated_at),
                "last_seen_run_id": new.last_seen_run_id,
            },
            # an identical row read again by the same run is not touched at all
            where=or_(differs, t.c.last_seen_run_id.is_distinct_from(new.last_seen_run_id)),
        )

    compared = [*data, "last_seen_run_id"]
    upsert(conn, t, values, conflict, changed_only=(key, compared), direct_when_new="record_id")
    log.debug("wrote %d %s rows", n, rows.name)
    return n
