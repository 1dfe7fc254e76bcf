"""The portal: accounts scoped to communes, the audit trail, the upload queue, record versions
for optimistic locking, reviewers' reconciliation decisions, and the review-queue index on each
record table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Written by hand. ``audit_events`` and ``reconciliation_decisions`` are append-only: triggers
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), as for ``review_actions`` in 0001.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from registry.shapes import digits

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

ROLES = ("clerk", "reviewer", "data_admin")
QUEUE_STATUSES = ("queued", "triggered", "running", "done", "failed")
DECISIONS = ("retire_paper_entry", "not_same_person", "needs_field_visit")
APPEND_ONLY = ("audit_events", "reconciliation_decisions")
# The review queue walks a commune's batches oldest first: one index per record table.
QUEUE_TABLES = (
    "birth_registrations",
    "marriage_registrations",
    "death_registrations",
    "household_books",
    "land_certificates",
)
QUEUE_COLUMNS = ["batch_id", "status", "created_at", "record_id"]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_failed_at", TS, nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.CheckConstraint(sa.column("role").in_(ROLES), name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "user_communes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Text(), nullable=False),
        sa.CheckConstraint(digits("commune_code", 5), name=op.f("ck_user_communes_commune_code")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_user_communes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "commune_code", name=op.f("pk_user_communes")),
    )
    op.create_table(
        "audit_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TS, server_default=NOW, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=True),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Text(), nullable=True),
        sa.Column("commune_code", sa.Text(), nullable=True),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_record_id"), "audit_events", ["record_id"])
    op.create_table(
        "upload_queue",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("commune_code", sa.Text(), nullable=False),
        sa.Column("declared_type", sa.Text(), nullable=True),
        sa.Column("batch_dir", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="queued", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("dag_run_id", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("accepted_files", JSON, nullable=True),
        sa.Column("refused_files", JSON, nullable=True),
        sa.Column("summary", JSON, nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.CheckConstraint(
            sa.column("status").in_(QUEUE_STATUSES), name=op.f("ck_upload_queue_status")
        ),
        sa.CheckConstraint(digits("commune_code", 5), name=op.f("ck_upload_queue_commune_code")),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_upload_queue")),
    )
    op.create_index(op.f("ix_upload_queue_status"), "upload_queue", ["status"])
    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_versions")),
    )
    op.create_table(
        "reconciliation_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", TS, server_default=NOW, nullable=False),
        sa.CheckConstraint(
            sa.column("decision").in_(DECISIONS), name=op.f("ck_reconciliation_decisions_decision")
        ),
        sa.CheckConstraint(
            sa.text("length(trim(why)) > 0"), name=op.f("ck_reconciliation_decisions_why")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_reconciliation_decisions")),
    )
    op.create_index(
        op.f("ix_reconciliation_decisions_entry_id"), "reconciliation_decisions", ["entry_id"]
    )
    for table in QUEUE_TABLES:
        op.create_index(f"ix_{table}_review_queue", table, QUEUE_COLUMNS)
    for table in APPEND_ONLY:
        _create_append_only_guard(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        _drop_append_only_guard(table)
    for table in QUEUE_TABLES:
        op.drop_index(f"ix_{table}_review_queue", table_name=table)
    op.drop_index(
        op.f("ix_reconciliation_decisions_entry_id"), table_name="reconciliation_decisions"
    )
    op.drop_table("reconciliation_decisions")
    op.drop_table("record_versions")
    op.drop_index(op.f("ix_upload_queue_status"), table_name="upload_queue")
    op.drop_table("upload_queue")
    op.drop_index(op.f("ix_audit_events_record_id"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("user_communes")
    op.drop_table("users")


def _create_append_only_guard(table: str) -> None:
    message = f"{table} is append-only"
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        raise NotImplementedError(f"no append-only guard for {dialect}")


def _drop_append_only_guard(table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
