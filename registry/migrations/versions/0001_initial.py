"""Initial schema: batches, source files, pages, birth registrations, field values, review.

Revision ID: 0001
Revises:
Create Date: 2025-10-01

Written by hand. Constraint names follow ``registry.models.NAMING_CONVENTION`` and are spelled
out here (``op.f``) so SQLite and PostgreSQL carry the same names. Shape checks come from
``registry.shapes``, which compiles them to GLOB on SQLite and ``~`` on PostgreSQL.
``review_actions`` is append-only: a trigger refuses UPDATE and DELETE on both engines.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from registry.shapes import digits, iso_date, lower_hex, upper_alpha

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
FALSE = sa.text("false")
TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _in(name: str, values: tuple) -> sa.ColumnElement:
    return sa.column(name).in_(values)


def _admin_code(code: str, n: int) -> sa.ColumnElement:
    return sa.or_(
        sa.column(code).is_(None),
        sa.and_(digits(code, n), sa.column(f"{code}_scheme").is_not(None)).self_group(),
    )


def _year(name: str) -> sa.ColumnElement:
    return sa.column(name).between(1000, 9999)


def _check(table: str, name: str, sqltext: sa.ColumnElement | str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sqltext, name=op.f(f"ck_{table}_{name}"))


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        _text("commune_code"),
        _text("commune_code_scheme"),
        sa.Column("status", sa.Text(), server_default="received", nullable=False),
        _text("run_id"),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        _text("failure_message"),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=True),
        sa.Column("inserted_count", sa.Integer(), nullable=True),
        sa.Column("updated_count", sa.Integer(), nullable=True),
        sa.Column("unchanged_count", sa.Integer(), nullable=True),
        sa.Column("locked_kept_count", sa.Integer(), nullable=True),
        sa.Column("needs_review_count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_batches")),
        _check(
            "batches",
            "status",
            _in("status", ("received", "processing", "held", "loaded", "failed")),
        ),
        _check("batches", "commune_code", _admin_code("commune_code", 5)),
    )

    op.create_table(
        "source_files",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        _text("media_type"),
        sa.Column("byte_size", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_source_files")),
        _check("source_files", "sha256", lower_hex("sha256", 64)),
    )

    op.create_table(
        "pages",
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        _text("batch_id"),
        _text("doc_type"),
        sa.Column("status", sa.Text(), server_default="ok", nullable=False),
        _text("reason"),
        _text("message"),
        sa.Column("cleanup_params", JSON, nullable=True),
        _text("ocr_engine"),
        sa.Column("ocr_seconds", sa.Double(), nullable=True),
        _text("page_text"),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("source_sha256", "page", name=op.f("pk_pages")),
        sa.ForeignKeyConstraint(
            ["source_sha256"],
            ["source_files.sha256"],
            name=op.f("fk_pages_source_sha256_source_files"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.batch_id"], name=op.f("fk_pages_batch_id_batches")
        ),
        _check("pages", "page", sa.column("page") >= 1),
        _check("pages", "status", _in("status", ("ok", "skipped", "failed"))),
    )
    op.create_index(op.f("ix_pages_batch_id"), "pages", ["batch_id"])

    t = "birth_registrations"
    op.create_table(
        t,
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("ocr_engine", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        _text("natural_key"),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        _text("registration_number"),
        _text("registration_number_suffix"),
        _text("book_number"),
        sa.Column("book_year", sa.Integer(), nullable=True),
        _text("registration_date"),
        _text("registration_authority_text"),
        _text("registration_commune_code"),
        _text("registration_commune_code_scheme"),
        _text("child_full_name"),
        _text("child_family_name"),
        _text("child_given_name"),
        sa.Column("child_sex", sa.SmallInteger(), nullable=True),
        _text("child_date_of_birth"),
        _text("child_place_of_birth_text"),
        _text("child_place_of_birth_province_code"),
        _text("child_place_of_birth_province_code_scheme"),
        _text("child_hometown_text"),
        _text("child_ethnicity"),
        _text("child_ethnicity_code"),
        _text("child_nationality"),
        _text("child_personal_id"),
        _text("mother_full_name"),
        sa.Column("mother_birth_year", sa.Integer(), nullable=True),
        _text("mother_ethnicity_code"),
        _text("mother_nationality"),
        _text("mother_residence_text"),
        _text("father_full_name"),
        sa.Column("father_birth_year", sa.Integer(), nullable=True),
        _text("father_ethnicity_code"),
        _text("father_nationality"),
        _text("father_residence_text"),
        _text("declarant_full_name"),
        _text("declarant_relationship"),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_birth_registrations")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_birth_registrations_natural_key")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.batch_id"], name=op.f("fk_birth_registrations_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["source_sha256", "page"],
            ["pages.source_sha256", "pages.page"],
            name=op.f("fk_birth_registrations_source_sha256_page_pages"),
        ),
        _check(t, "status", _in("status", ("auto_accepted", "needs_review"))),
        _check(
            t,
            "natural_key",
            "natural_key IS NULL OR ("
            "registration_commune_code IS NOT NULL AND book_year IS NOT NULL"
            " AND book_number IS NOT NULL AND registration_number IS NOT NULL"
            " AND natural_key = registration_commune_code || '|' || CAST(book_year AS TEXT)"
            " || '|' || book_number || '|' || registration_number)",
        ),
        _check(t, "book_year", _year("book_year")),
        _check(t, "registration_date", iso_date("registration_date")),
        _check(t, "registration_commune_code", _admin_code("registration_commune_code", 5)),
        _check(t, "child_sex", _in("child_sex", (0, 1, 2))),
        _check(t, "child_date_of_birth", iso_date("child_date_of_birth")),
        _check(
            t,
            "child_place_of_birth_province_code",
            _admin_code("child_place_of_birth_province_code", 2),
        ),
        _check(t, "child_ethnicity_code", digits("child_ethnicity_code", 2)),
        _check(t, "child_nationality", upper_alpha("child_nationality", 2)),
        _check(t, "child_personal_id", digits("child_personal_id", 12)),
        _check(t, "mother_birth_year", _year("mother_birth_year")),
        _check(t, "mother_ethnicity_code", digits("mother_ethnicity_code", 2)),
        _check(t, "mother_nationality", upper_alpha("mother_nationality", 2)),
        _check(t, "father_birth_year", _year("father_birth_year")),
        _check(t, "father_ethnicity_code", digits("father_ethnicity_code", 2)),
        _check(t, "father_nationality", upper_alpha("father_nationality", 2)),
    )
    op.create_index(op.f("ix_birth_registrations_batch_id"), t, ["batch_id"])
    op.create_index(op.f("ix_birth_registrations_status"), t, ["status"])

    op.create_table(
        "field_values",
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        _text("raw_value"),
        _text("value"),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("box_left", sa.Integer(), nullable=True),
        sa.Column("box_top", sa.Integer(), nullable=True),
        sa.Column("box_width", sa.Integer(), nullable=True),
        sa.Column("box_height", sa.Integer(), nullable=True),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        _text("machine_value"),
        _text("machine_run_id"),
        sa.Column("locked", sa.Boolean(), server_default=FALSE, nullable=False),
        _text("locked_by"),
        sa.Column("locked_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("record_id", "field", name=op.f("pk_field_values")),
        sa.ForeignKeyConstraint(
            ["source_sha256", "page"],
            ["pages.source_sha256", "pages.page"],
            name=op.f("fk_field_values_source_sha256_page_pages"),
        ),
        _check("field_values", "confidence", sa.column("confidence").between(0, 1)),
        _check(
            "field_values",
            "box",
            "(box_left IS NULL AND box_top IS NULL AND box_width IS NULL"
            " AND box_height IS NULL) OR (box_left >= 0 AND box_top >= 0"
            " AND box_width >= 0 AND box_height >= 0)",
        ),
    )

    op.create_table(
        "review_flags",
        sa.Column("flag_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        _text("field"),
        sa.Column("reason", sa.Text(), nullable=False),
        _text("message_vi"),
        _text("message_en"),
        sa.Column("raised_by", sa.Text(), server_default="machine", nullable=False),
        _text("run_id"),
        sa.Column("resolved", sa.Boolean(), server_default=FALSE, nullable=False),
        _text("resolved_by"),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("flag_id", name=op.f("pk_review_flags")),
        _check("review_flags", "raised_by", _in("raised_by", ("machine", "reviewer"))),
    )
    op.create_index("ix_review_flags_open", "review_flags", ["record_id", "resolved"])

    op.create_table(
        "review_actions",
        sa.Column("action_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TS, server_default=NOW, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        _text("field"),
        _text("old_value"),
        _text("new_value"),
        _text("why"),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_review_actions")),
    )
    op.create_index(op.f("ix_review_actions_record_id"), "review_actions", ["record_id"])
    _create_append_only_guard()


def downgrade() -> None:
    _drop_append_only_guard()
    op.drop_index(op.f("ix_review_actions_record_id"), table_name="review_actions")
    op.drop_table("review_actions")
    op.drop_index("ix_review_flags_open", table_name="review_flags")
    op.drop_table("review_flags")
    op.drop_table("field_values")
    op.drop_index(op.f("ix_birth_registrations_status"), table_name="birth_registrations")
    op.drop_index(op.f("ix_birth_registrations_batch_id"), table_name="birth_registrations")
    op.drop_table("birth_registrations")
    op.drop_index(op.f("ix_pages_batch_id"), table_name="pages")
    op.drop_table("pages")
    op.drop_table("source_files")
    op.drop_table("batches")


_APPEND_ONLY_MESSAGE = "review_actions is append-only"


def _create_append_only_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER review_actions_no_{event.lower()} BEFORE {event} ON review_actions"
                f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION review_actions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN RAISE EXCEPTION '{_APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER review_actions_append_only BEFORE UPDATE OR DELETE ON review_actions"
            " FOR EACH ROW EXECUTE FUNCTION review_actions_append_only()"
        )
        op.execute(
            "CREATE TRIGGER review_actions_no_truncate BEFORE TRUNCATE ON review_actions"
            " FOR EACH STATEMENT EXECUTE FUNCTION review_actions_append_only()"
        )
    else:
        raise NotImplementedError(f"no append-only guard for {dialect}")


def _drop_append_only_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS review_actions_no_update")
        op.execute("DROP TRIGGER IF EXISTS review_actions_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_actions_no_truncate ON review_actions")
        op.execute("DROP TRIGGER IF EXISTS review_actions_append_only ON review_actions")
        op.execute("DROP FUNCTION IF EXISTS review_actions_append_only()")
