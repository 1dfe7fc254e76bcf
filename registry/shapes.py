"""Shape checks for CHECK constraints that read the same on SQLite and PostgreSQL.

SQLite has no regular expressions without a user function (which a plain ``sqlite3`` shell
would lack), PostgreSQL has no ``GLOB``: each shape compiles to ``GLOB`` on SQLite and ``~`` on
PostgreSQL. NULL passes every check (SQL's CHECK semantics); whether a column may be NULL is
said by the column.

The migrations import this module, so the SQL a shape compiles to is part of the schema's
history: add shapes, never change what an existing one emits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement

# shape name → (SQLite template, PostgreSQL template); {c} is the quoted column, {n} a length.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "digits": ("length({c}) = {n} AND {c} NOT GLOB '*[^0-9]*'", "{c} ~ '^[0-9]{{{n}}}$'"),
    "upper_alpha": ("length({c}) = {n} AND {c} NOT GLOB '*[^A-Z]*'", "{c} ~ '^[A-Z]{{{n}}}$'"),
    "lower_hex": ("length({c}) = {n} AND {c} NOT GLOB '*[^0-9a-f]*'", "{c} ~ '^[0-9a-f]{{{n}}}$'"),
    # ISO 8601 date, full or partial: YYYY, YYYY-MM or YYYY-MM-DD.
    "iso_date": (
        "{c} GLOB '[0-9][0-9][0-9][0-9]' OR {c} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'"
        " OR {c} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'",
        "{c} ~ '^[0-9]{{4}}(-[01][0-9](-[0-3][0-9])?)?$'",
    ),
}


class Shape(ColumnElement[bool]):
    """``column`` has ``shape`` (see ``_TEMPLATES``); a boolean SQL expression for CHECKs."""

    # No Boolean type on purpose: SQLite has no native boolean, and SQLAlchemy would render a
    # Boolean-typed element inside AND/OR as "(...) = 1".
    inherit_cache = False  # DDL only; never part of a cached statement

    def __init__(self, column: str, shape: str, n: int | None = None) -> None:
        if shape not in _TEMPLATES:
            raise ValueError(f"unknown shape {shape!r}")
        self.column = column
        self.shape = shape
        self.n = n


@compiles(Shape, "sqlite")
def _shape_sqlite(element: Shape, compiler: Any, **kw: Any) -> str:
    return _render(element, compiler, 0)


@compiles(Shape, "postgresql")
def _shape_postgresql(element: Shape, compiler: Any, **kw: Any) -> str:
    return _render(element, compiler, 1)


@compiles(Shape)
def _shape_other(element: Shape, compiler: Any, **kw: Any) -> str:
    raise CompileError(
        f"shape checks are written for SQLite and PostgreSQL, not {compiler.dialect.name}"
    )


def _render(element: Shape, compiler: Any, which: int) -> str:
    template = _TEMPLATES[element.shape][which]
    column = compiler.preparer.quote(element.column)
    return "(" + template.format(c=column, n=element.n) + ")"


def digits(column: str, n: int) -> Shape:
    """Exactly ``n`` ASCII digits (codes and IDs kept as text: leading zeros matter)."""
    return Shape(column, "digits", n)


def upper_alpha(column: str, n: int) -> Shape:
    """Exactly ``n`` letters A-Z (ISO 3166-1 alpha-2 nationality)."""
    return Shape(column, "upper_alpha", n)


def lower_hex(column: str, n: int) -> Shape:
    """Exactly ``n`` lower-case hexadecimal digits (SHA-256 as hex)."""
    return Shape(column, "lower_hex", n)


def iso_date(column: str) -> Shape:
    """An ISO 8601 date, possibly partial (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
    return Shape(column, "iso_date")
