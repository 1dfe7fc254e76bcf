"""Provenance of nested rows (members, holders, vertices) stored as ``json``, not ``jsonb``, on
PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Written by hand. ``raw_values``, ``confidences`` and ``boxes`` are written once per run and read
back whole: nothing queries inside them. ``json`` keeps the text as sent and is only checked
on the way in, where ``jsonb`` parses and converts every document — a third of the server's
work on a first load of household members. SQLite has one JSON type: nothing changes there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NESTED_TABLES = ("household_members", "land_holders", "land_vertices")
PROVENANCE = ("raw_values", "confidences", "boxes")


def _retype(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in NESTED_TABLES:
        columns = ", ".join(f"ALTER {c} TYPE {kind} USING {c}::{kind}" for c in PROVENANCE)
        op.execute(f"ALTER TABLE {table} {columns}")


def upgrade() -> None:
    _retype("json")


def downgrade() -> None:
    _retype("jsonb")
