"""Bulk upserts inside the batch's transaction: executemany on SQLite, COPY → merge on PostgreSQL.

``upsert(conn, table, values, conflict)`` writes rows given column by column (``values``:
column name → values) with the ``INSERT … ON CONFLICT`` that ``conflict`` makes of the
dialect's insert statement:

- SQLite: the sqlite3 module's ``executemany`` on the compiled statement, in large chunks (the
  database is in-process; the cost is per statement, not per row);
- PostgreSQL: ``COPY`` into a temporary staging table shaped like the target (dropped at
  commit), then one ``INSERT … SELECT … ON CONFLICT`` merge. The COPY is binary with the
  columns' types given (``set_types``): psycopg formats the rows in C and the server parses no
  text for numbers and timestamps. JSON columns hold Python values; ``orjson`` serialises them
  (keys sorted) on both engines, a column at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import psycopg
from psycopg.postgres import types as pg_types
from psycopg.types.string import BytesBinaryDumper
from sqlalchemy import (
    JSON,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    column,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy import table as table_clause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

SQLITE_CHUNK = 20_000

Conflict = Callable[[Any], Any]  # dialect insert → insert with on_conflict_do_…


def dialect_insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {name}")


_JSONB_OID = pg_types["jsonb"].oid
_JSON_OID = pg_types["json"].oid
_BYTEA_OID = pg_types["bytea"].oid
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def json_text(value: Any) -> str | None:
    """A JSON column's value as text (keys sorted, so equal values compare equal as text)."""
    if value is None:
        return None
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()


def json_texts(values: Iterable[Any]) -> list[str | None]:
    """``json_text`` of each value (a column at a time: no per-value function call)."""
    dumps, options = orjson.dumps, _JSON_OPTIONS
    return [None if v is None else dumps(v, option=options).decode() for v in values]


def _json_binary(values: Iterable[Any], jsonb: bool) -> Iterator[bytes | None]:
    """Each value in the binary form of json (the JSON text, UTF-8) or of jsonb (a version
    byte, 1, then the text)."""
    dumps, options = orjson.dumps, _JSON_OPTIONS
    prefix = b"\x01" if jsonb else b""
    return (None if v is None else prefix + dumps(v, option=options) for v in values)


def upsert(
    conn: Connection,
    table: Table,
    values: Mapping[str, Sequence[Any]],
    conflict: Conflict,
    *,
    changed_only: tuple[Sequence[str], Sequence[str]] | None = None,
    direct_when_new: str | None = None,
) -> None:
    """Insert rows into ``table``, resolving key clashes as ``conflict`` says.

    ``values``: column name → that column's values, one per row (all of one length). Given
    column by column, conversions run a column at a time and rows are made only as they are
    sent (no list of tuples for the garbage collector to walk). JSON columns hold Python values,
    serialised here with ``orjson``. ``changed_only`` = (key columns, compared columns): on
    PostgreSQL, staged rows equal to the stored row on the compared columns are left out of the
    merge, so that an identical re-load neither writes nor locks them (``ON CONFLICT … WHERE``
    would still lock every row it looks at). ``direct_when_new`` (a key column): on PostgreSQL,
    when no stored row has any of the rows' values in that column, the rows are copied straight
    into the table (a first load).
    """
    columns = list(values)
    count = len(values[columns[0]]) if columns else 0
    if not count:
        return
    if any(len(v) != count for v in values.values()):
        raise ValueError(f"upsert into {table.name}: columns of different lengths")
    if conn.dialect.name == "postgresql":
        _copy_merge(conn, table, values, conflict, changed_only, direct_when_new)
    else:
        _executemany_sqlite(conn, table, values, conflict, count)
    log.debug("upserted %d rows into %s", count, table.name)


def _executemany_sqlite(
    conn: Connection,
    table: Table,
    values: Mapping[str, Sequence[Any]],
    conflict: Conflict,
    count: int,
) -> None:
    # Compiled once; the sqlite3 module then binds plain tuples (no per-row SQLAlchemy work).
    compiled = conflict(sqlite.insert(table)).compile(
        dialect=conn.dialect, column_keys=list(values)
    )
    sql = compiled.string
    order = compiled.positiontup or []
    missing = [p for p in order if p not in values]
    if missing:  # a literal inside the conflict clause would need a bind of its own
        raise ValueError(f"upsert into {table.name}: unexpected parameters {missing}")
    # Values as SQLAlchemy would bind them (DateTime as naive UTC text, Boolean as 0/1), JSON
    # as ``json_text``: a column at a time, per-value calls only where needed.
    columns = []
    for c in order:
        type_ = table.c[c].type
        if isinstance(type_, JSON):
            columns.append(json_texts(values[c]))
        elif (process := _processor(type_, conn.dialect)) is not None:
            columns.append(_processed(values[c], process))
        else:
            columns.append(values[c])
    for start in range(0, count, SQLITE_CHUNK):
        chunk = [c[start : start + SQLITE_CHUNK] for c in columns]
        conn.exec_driver_sql(sql, list(zip(*chunk, strict=True)))


def _copy_merge(
    conn: Connection,
    table: Table,
    values: Mapping[str, Sequence[Any]],
    conflict: Conflict,
    changed_only: tuple[Sequence[str], Sequence[str]] | None = None,
    direct_when_new: str | None = None,
) -> None:
    columns = list(values)
    q = conn.dialect.identifier_preparer.quote
    if direct_when_new is not None:
        column_ = table.c[direct_when_new]
        keys = list(set(values[direct_when_new]))
        array = bindparam("keys", keys, type_=postgresql.ARRAY(column_.type))
        stored = conn.execute(select(literal(1)).where(column_ == any_(array)).limit(1)).first()
        if stored is None:
            # Nothing to merge with: straight into the table. A rival load of the same rows in
            # the meantime makes this batch fail on the key (and roll back), not duplicate them.
            _copy(conn, table, q(table.name), values)
            return
    stage = f"stage_{table.name}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {q(table.name)} INCLUDING DEFAULTS)"
        " ON COMMIT DROP"
    )
    conn.exec_driver_sql(f"TRUNCATE {stage}")
    _copy(conn, table, stage, values)
    if changed_only:
        # the comparison is a hash join: statistics and memory for it (this transaction only)
        conn.exec_driver_sql(f"ANALYZE {stage}")
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    staged = table_clause(stage, *[column(c) for c in columns]).alias("s")
    source = select(*[staged.c[c] for c in columns])
    if changed_only:
        key, compared = changed_only
        on = and_(*[table.c[c] == staged.c[c] for c in key])
        differs = [is_distinct(table.c[c], staged.c[c], on_postgresql=True) for c in compared]
        source = source.select_from(staged.outerjoin(table, on)).where(
            or_(table.c[key[0]].is_(None), *differs)
        )
    conn.execute(conflict(postgresql.insert(table).from_select(columns, source)))


_PG = postgresql.dialect()


def is_distinct(col: Any, other: Any, on_postgresql: bool) -> Any:
    """``col IS DISTINCT FROM other``. PostgreSQL's ``json`` has no equality: such columns are
    compared as ``jsonb`` there (SQLite compares its JSON text as it is)."""
    type_ = col.type
    plain_json = isinstance(type_, JSON) and not isinstance(
        type_.dialect_impl(_PG), postgresql.JSONB
    )
    if on_postgresql and plain_json:
        return cast(col, postgresql.JSONB).is_distinct_from(cast(other, postgresql.JSONB))
    return col.is_distinct_from(other)


def _copy(conn: Connection, table: Table, target: str, values: Mapping[str, Sequence[Any]]) -> None:
    """Binary COPY of the columns into ``target`` (``table`` or its staging copy)."""
    columns = list(values)
    names = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    statement = f"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)"
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cur:
            # A binary COPY says no types: psycopg is told the target's, as the server has them.
            cur.execute(
                "SELECT attname, atttypid FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (target,),
            )
            oids = dict(cur.fetchall())
            types: list[int] = []
            data: list[Iterable[Any]] = []
            for c in columns:
                _check_range(c, oids[c], values[c])
                if oids[c] in (_JSONB_OID, _JSON_OID):
                    # the binary form made here a column at a time and handed over as bytes
                    # (psycopg's JSON dumper costs Python calls per value); the server reads it
                    # as the column's type whatever psycopg's is.
                    types.append(_BYTEA_OID)
                    data.append(_json_binary(values[c], jsonb=oids[c] == _JSONB_OID))
                else:
                    types.append(oids[c])
                    data.append(values[c])
            # psycopg's own bytea dumper by oid (DB-API ``Binary`` aware) is Python; bytes need
            # only the C one
            cur.adapters.register_dumper(bytes, BytesBinaryDumper)
            with cur.copy(statement) as copy:
                copy.set_types(types)
                for row in zip(*data, strict=True):
                    copy.write_row(row)
    except raw.Error as e:  # said as SQLAlchemy says every other refusal
        raise DBAPIError.instance(statement, None, e, type(raw).Error) from e
    except (TypeError, ValueError, OverflowError) as e:  # a value psycopg cannot send as typed
        refused = psycopg.DataError(f"{target}: {e}")
        raise DBAPIError.instance(statement, None, refused, type(raw).Error) from e


# psycopg's binary integer dumpers wrap silently out of range (text would be refused): checked
_INT_RANGES = {
    pg_types[name].oid: (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    for name, bits in (("int2", 16), ("int4", 32), ("int8", 64))
}


def _check_range(name: str, oid: int, values: Sequence[Any]) -> None:
    if oid not in _INT_RANGES:
        return
    low, high = _INT_RANGES[oid]
    present = [v for v in values if v is not None]
    if present and (min(present) < low or max(present) > high):
        wrong = next(v for v in present if not low <= v <= high)
        raise psycopg.errors.NumericValueOutOfRange(
            f"{name}: {wrong} is out of range for {pg_types.get(oid).name}"
        )


def _processor(type_: Any, dialect: Any) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def select_in(conn: Connection, statement: Any, column_: Any, keys: Sequence[Any]) -> list[Any]:
    """Rows of ``statement`` whose ``column_`` is one of ``keys``, as mappings.

    One parameter however many keys (an ``IN`` of thousands of parameters costs more to build
    than to run): ``= ANY(array)`` on PostgreSQL, ``IN (SELECT value FROM json_each(?))`` on
    SQLite (its JSON functions are built in since 3.38).
    """
    keys = list(keys)
    if not keys:
        return []
    if conn.dialect.name == "postgresql":
        array = bindparam("keys", keys, type_=postgresql.ARRAY(column_.type))
        return list(conn.execute(statement.where(column_ == any_(array))).mappings())
    listed = select(column("value")).select_from(
        func.json_each(bindparam("keys", orjson.dumps(keys).decode(), type_=Text()))
    )
    return list(conn.execute(statement.where(column_.in_(listed.scalar_subquery()))).mappings())


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """``process`` of each value; a run of the same object (a load's one timestamp) is done once."""
    out: list[Any] = []
    last, done = None, None
    for v in values:
        if v is None:
            out.append(None)
        elif v is last:
            out.append(done)
        else:
            last, done = v, process(v)
            out.append(done)
    return out
