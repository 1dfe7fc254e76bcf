"""Bulk upserts inside the batch's transaction: executemany on SQLite, COPY → merge on PostgreSQL.

``upsert(conn, table, columns, rows, conflict)`` writes ``rows`` (tuples in ``columns`` order)
with the ``INSERT … ON CONFLICT`` that ``conflict`` makes of the dialect's insert statement:

- SQLite: the sqlite3 module's ``executemany`` on the compiled statement, in large chunks (the
  database is in-process; the cost is per statement, not per row);
- PostgreSQL: ``COPY`` into a temporary staging table shaped like the target (dropped at
  commit), then one ``INSERT … SELECT … ON CONFLICT`` merge. psycopg's ``write_row`` formats the
  rows in C; JSON columns are handed over as text already serialised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Table,
    Text,
    and_,
    any_,
    bindparam,
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


_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def json_text(value: Any) -> str | None:
    """A JSON column's value as text (keys sorted, so equal values compare equal as text)."""
    if value is None:
        return None
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()


def json_texts(values: Sequence[Any]) -> list[str | None]:
    """``json_text`` of each value (a column at a time: no per-value function call)."""
    dumps, options = orjson.dumps, _JSON_OPTIONS
    return [None if v is None else dumps(v, option=options).decode() for v in values]


def upsert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Conflict,
    *,
    json_serialised: bool = False,
    changed_only: tuple[Sequence[str], Sequence[str]] | None = None,
    direct_when_new: str | None = None,
) -> None:
    """Insert ``rows`` into ``table``, resolving key clashes as ``conflict`` says.

    ``json_serialised``: JSON columns already hold ``json_text``. ``changed_only`` = (key
    columns, compared columns): on PostgreSQL, staged rows equal to the stored row on the
    compared columns are left out of the merge, so that an identical re-load neither writes nor
    locks them (``ON CONFLICT … WHERE`` would still lock every row it looks at).
    ``direct_when_new`` (a key column): on PostgreSQL, when no stored row has any of the rows'
    values in that column, the rows are copied straight into the table (a first load).
    """
    if not rows:
        return
    json_at = [n for n, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    if json_at and not json_serialised:
        rows = [tuple(json_text(v) if n in json_at else v for n, v in enumerate(r)) for r in rows]
    if conn.dialect.name == "postgresql":
        _copy_merge(conn, table, columns, rows, conflict, changed_only, direct_when_new)
    else:
        _executemany_sqlite(conn, table, columns, rows, conflict)
    log.debug("upserted %d rows into %s", len(rows), table.name)


def _executemany_sqlite(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Conflict,
) -> None:
    # Compiled once; the sqlite3 module then binds plain tuples (no per-row SQLAlchemy work).
    compiled = conflict(sqlite.insert(table)).compile(
        dialect=conn.dialect, column_keys=list(columns)
    )
    sql = compiled.string
    order = compiled.positiontup or []
    index = {c: n for n, c in enumerate(columns)}
    missing = [p for p in order if p not in index]
    if missing:  # a literal inside the conflict clause would need a bind of its own
        raise ValueError(f"upsert into {table.name}: unexpected parameters {missing}")
    # Values as SQLAlchemy would bind them (DateTime as naive UTC text, Boolean as 0/1).
    process = {
        n: p
        for n, c in enumerate(columns)
        if not isinstance(table.c[c].type, JSON)
        and (p := _processor(table.c[c].type, conn.dialect)) is not None
    }
    if order != list(columns) or process:
        # column-wise: transposing with zip is C work, per-value calls only where needed
        values = list(zip(*rows, strict=True))
        for i, p in process.items():
            values[i] = _processed(values[i], p)
        rows = list(zip(*(values[index[p]] for p in order), strict=True))
    for start in range(0, len(rows), SQLITE_CHUNK):
        conn.exec_driver_sql(sql, list(rows[start : start + SQLITE_CHUNK]))


def _copy_merge(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Conflict,
    changed_only: tuple[Sequence[str], Sequence[str]] | None = None,
    direct_when_new: str | None = None,
) -> None:
    if direct_when_new is not None:
        at = list(columns).index(direct_when_new)
        keys = list({r[at] for r in rows})
        column_ = table.c[direct_when_new]
        array = bindparam("keys", keys, type_=postgresql.ARRAY(column_.type))
        stored = conn.execute(select(literal(1)).where(column_ == any_(array)).limit(1)).first()
        if stored is None:
            # Nothing to merge with: straight into the table. A rival load of the same rows in
            # the meantime makes this batch fail on the key (and roll back), not duplicate them.
            _copy(conn, conn.dialect.identifier_preparer.quote(table.name), columns, rows)
            return
    q = conn.dialect.identifier_preparer.quote
    stage = f"stage_{table.name}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {q(table.name)} INCLUDING DEFAULTS)"
        " ON COMMIT DROP"
    )
    conn.exec_driver_sql(f"TRUNCATE {stage}")
    _copy(conn, stage, columns, rows)
    if changed_only:
        # the comparison is a hash join: statistics and memory for it (this transaction only)
        conn.exec_driver_sql(f"ANALYZE {stage}")
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    staged = table_clause(stage, *[column(c) for c in columns]).alias("s")
    source = select(*[staged.c[c] for c in columns])
    if changed_only:
        key, compared = changed_only
        on = and_(*[table.c[c] == staged.c[c] for c in key])
        differs = [table.c[c].is_distinct_from(staged.c[c]) for c in compared]
        source = source.select_from(staged.outerjoin(table, on)).where(
            or_(table.c[key[0]].is_(None), *differs)
        )
    conn.execute(conflict(postgresql.insert(table).from_select(list(columns), source)))


def _copy(
    conn: Connection, target: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    names = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    statement = f"COPY {target} ({names}) FROM STDIN"
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except raw.Error as e:  # said as SQLAlchemy says every other refusal
        raise DBAPIError.instance(statement, None, e, type(raw).Error) from e


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
