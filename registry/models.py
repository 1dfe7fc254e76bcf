"""The national-format database: SQLAlchemy 2 declarative models.

The schema changes only through the Alembic migrations in ``registry/migrations``; these models
say what the migrations build (a test compares them) and are what code queries with. Nothing
here calls ``create_all``.

Tables
------
``batches``             one upload or archive batch: declared record type, commune, load status
``source_files``        each original scan once, under its SHA-256
``pages``               each page of a source file: classification, cleanup, OCR, page text
``birth_registrations`` one row per birth record, every national field as a typed column
``field_values``        one row per (record, field): raw text, normalised value, confidence,
                        box, provenance, and a reviewer's lock; shared by every record type
``review_flags``        why a record needs a person (machine flags are replaced by re-runs)
``review_actions``      append-only audit of what reviewers did (the database refuses UPDATE
                        and DELETE on it; see the migration)

Conventions: codes, IDs and dates are text (leading zeros, partial dates), with CHECKs on their
shape (``registry.shapes``); every admin code column ``x_code`` has ``x_code_scheme`` beside it,
set whenever the code is. Timestamps are UTC.

The natural key of a birth registration — (registration_commune_code, book_year, book_number,
registration_number) — is kept in ``natural_key`` under a plain UNIQUE constraint. It is NULL
when any part is unknown (no uniqueness is claimed for a partly read key) and when another
record already claims the key (the later record is flagged ``duplicate_natural_key`` for a
reviewer to decide). A CHECK makes sure a non-NULL ``natural_key`` is exactly the parts joined
by ``|``. The primary key ``record_id`` (hash of source file, page and index on the page) is what
loads upsert on. See ``registry.loader``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Text,
    and_,
    column,
    or_,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from registry.shapes import digits, iso_date, lower_hex, upper_alpha

# Constraint names are spelled out by convention, so SQLite and PostgreSQL (and every
# migration) agree on them. Keep generated names within PostgreSQL's 63 characters.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RECORD_STATUSES = ("auto_accepted", "needs_review")
BATCH_STATUSES = ("received", "processing", "held", "loaded", "failed")
PAGE_STATUSES = ("ok", "skipped", "failed")
FLAG_RAISERS = ("machine", "reviewer")

# JSON on both engines, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")
NOW = text("CURRENT_TIMESTAMP")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        str: Text(),
        int: Integer(),
        float: Double(),
        bool: Boolean(),
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONType,
    }


def in_values(name: str, values: tuple[str, ...] | tuple[int, ...]) -> ColumnElement[bool]:
    """``name IN (values)`` for a CHECK constraint."""
    return column(name).in_(values)


def admin_code_check(code: str, n: int) -> ColumnElement[bool]:
    """An admin code has ``n`` digits and, when present, the scheme it belongs to."""
    return or_(
        column(code).is_(None),
        and_(digits(code, n), column(f"{code}_scheme").is_not(None)).self_group(),
    )


def between(name: str, low: int, high: int) -> ColumnElement[bool]:
    return column(name).between(low, high)


class Batch(Base):
    __tablename__ = "batches"

    batch_id: Mapped[str] = mapped_column(primary_key=True)
    doc_type: Mapped[str]  # declared by the clerk at upload
    commune_code: Mapped[str | None]
    commune_code_scheme: Mapped[str | None]
    status: Mapped[str] = mapped_column(server_default="received")
    run_id: Mapped[str | None]  # the latest run that worked on the batch
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)
    finished_at: Mapped[datetime | None]
    failure_message: Mapped[str | None]
    # Counts of the latest load.
    page_count: Mapped[int | None]
    record_count: Mapped[int | None]
    inserted_count: Mapped[int | None]
    updated_count: Mapped[int | None]
    unchanged_count: Mapped[int | None]
    locked_kept_count: Mapped[int | None]
    needs_review_count: Mapped[int | None]

    __table_args__ = (
        CheckConstraint(in_values("status", BATCH_STATUSES), name="status"),
        CheckConstraint(admin_code_check("commune_code", 5), name="commune_code"),
    )


class SourceFile(Base):
    __tablename__ = "source_files"

    sha256: Mapped[str] = mapped_column(primary_key=True)
    original_path: Mapped[str]
    page_count: Mapped[int | None]
    media_type: Mapped[str | None]
    byte_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (CheckConstraint(lower_hex("sha256", 64), name="sha256"),)


class Page(Base):
    __tablename__ = "pages"

    source_sha256: Mapped[str] = mapped_column(ForeignKey("source_files.sha256"), primary_key=True)
    page: Mapped[int] = mapped_column(primary_key=True)  # 1-based
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    doc_type: Mapped[str | None]  # as classified; NULL when unclassified
    status: Mapped[str] = mapped_column(server_default="ok")
    reason: Mapped[str | None]  # reason code when not ok
    message: Mapped[str | None]  # sentence for people when not ok
    cleanup_params: Mapped[dict[str, Any] | None]
    ocr_engine: Mapped[str | None]
    ocr_seconds: Mapped[float | None]
    page_text: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (
        CheckConstraint(column("page") >= 1, name="page"),
        CheckConstraint(in_values("status", PAGE_STATUSES), name="status"),
    )


NATURAL_KEY_PARTS = ("registration_commune_code", "book_year", "book_number", "registration_number")
NATURAL_KEY_SEPARATOR = "|"

_NATURAL_KEY_CHECK = text(
    "natural_key IS NULL OR ("
    "registration_commune_code IS NOT NULL AND book_year IS NOT NULL"
    " AND book_number IS NOT NULL AND registration_number IS NOT NULL"
    " AND natural_key = registration_commune_code || '|' || CAST(book_year AS TEXT)"
    " || '|' || book_number || '|' || registration_number)"
)


class BirthRegistration(Base):
    """Giấy khai sinh: every field of NATIONAL_FIELDS["birth_registration"], plus provenance."""

    __tablename__ = "birth_registrations"

    record_id: Mapped[str] = mapped_column(primary_key=True)
    source_sha256: Mapped[str]
    page: Mapped[int]
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    run_id: Mapped[str]
    rules_version: Mapped[str]
    ocr_engine: Mapped[str]
    status: Mapped[str] = mapped_column(index=True)
    natural_key: Mapped[str | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime] = mapped_column(server_default=NOW)

    registration_number: Mapped[str | None]
    registration_number_suffix: Mapped[str | None]
    book_number: Mapped[str | None]
    book_year: Mapped[int | None]
    registration_date: Mapped[str | None]
    registration_authority_text: Mapped[str | None]
    registration_commune_code: Mapped[str | None]
    registration_commune_code_scheme: Mapped[str | None]
    child_full_name: Mapped[str | None]
    child_family_name: Mapped[str | None]
    child_given_name: Mapped[str | None]
    child_sex: Mapped[int | None] = mapped_column(SmallInteger)
    child_date_of_birth: Mapped[str | None]
    child_place_of_birth_text: Mapped[str | None]
    child_place_of_birth_province_code: Mapped[str | None]
    child_place_of_birth_province_code_scheme: Mapped[str | None]
    child_hometown_text: Mapped[str | None]
    child_ethnicity: Mapped[str | None]
    child_ethnicity_code: Mapped[str | None]
    child_nationality: Mapped[str | None]
    child_personal_id: Mapped[str | None]
    mother_full_name: Mapped[str | None]
    mother_birth_year: Mapped[int | None]
    mother_ethnicity_code: Mapped[str | None]
    mother_nationality: Mapped[str | None]
    mother_residence_text: Mapped[str | None]
    father_full_name: Mapped[str | None]
    father_birth_year: Mapped[int | None]
    father_ethnicity_code: Mapped[str | None]
    father_nationality: Mapped[str | None]
    father_residence_text: Mapped[str | None]
    declarant_full_name: Mapped[str | None]
    declarant_relationship: Mapped[str | None]

    __table_args__ = (
        ForeignKeyConstraint(["source_sha256", "page"], ["pages.source_sha256", "pages.page"]),
        CheckConstraint(in_values("status", RECORD_STATUSES), name="status"),
        CheckConstraint(_NATURAL_KEY_CHECK, name="natural_key"),
        CheckConstraint(between("book_year", 1000, 9999), name="book_year"),
        CheckConstraint(iso_date("registration_date"), name="registration_date"),
        CheckConstraint(
            admin_code_check("registration_commune_code", 5), name="registration_commune_code"
        ),
        CheckConstraint(in_values("child_sex", (0, 1, 2)), name="child_sex"),
        CheckConstraint(iso_date("child_date_of_birth"), name="child_date_of_birth"),
        CheckConstraint(
            admin_code_check("child_place_of_birth_province_code", 2),
            name="child_place_of_birth_province_code",
        ),
        CheckConstraint(digits("child_ethnicity_code", 2), name="child_ethnicity_code"),
        CheckConstraint(upper_alpha("child_nationality", 2), name="child_nationality"),
        CheckConstraint(digits("child_personal_id", 12), name="child_personal_id"),
        CheckConstraint(between("mother_birth_year", 1000, 9999), name="mother_birth_year"),
        CheckConstraint(digits("mother_ethnicity_code", 2), name="mother_ethnicity_code"),
        CheckConstraint(upper_alpha("mother_nationality", 2), name="mother_nationality"),
        CheckConstraint(between("father_birth_year", 1000, 9999), name="father_birth_year"),
        CheckConstraint(digits("father_ethnicity_code", 2), name="father_ethnicity_code"),
        CheckConstraint(upper_alpha("father_nationality", 2), name="father_nationality"),
    )


class FieldValue(Base):
    """One national field of one record, with where and how it was read.

    ``value`` is the normalised value as text (integers in decimal, as the record column holds
    them typed). ``machine_value`` is what the latest run read, kept beside ``value``; the two
    differ only on a locked row whose reviewer disagrees with the machine. While ``locked``
    the loader changes nothing on the row but ``machine_value`` and ``machine_run_id``.
    ``record_id`` is not a foreign key: it points into the table of ``doc_type``.
    """

    __tablename__ = "field_values"

    record_id: Mapped[str] = mapped_column(primary_key=True)
    field: Mapped[str] = mapped_column(primary_key=True)
    doc_type: Mapped[str]
    raw_value: Mapped[str | None]
    value: Mapped[str | None]
    confidence: Mapped[float | None]
    box_left: Mapped[int | None]
    box_top: Mapped[int | None]
    box_width: Mapped[int | None]
    box_height: Mapped[int | None]
    source_sha256: Mapped[str]
    page: Mapped[int]
    run_id: Mapped[str]
    machine_value: Mapped[str | None]
    machine_run_id: Mapped[str | None]
    locked: Mapped[bool] = mapped_column(server_default=text("false"))
    locked_by: Mapped[str | None]
    locked_at: Mapped[datetime | None]

    __table_args__ = (
        ForeignKeyConstraint(["source_sha256", "page"], ["pages.source_sha256", "pages.page"]),
        CheckConstraint(between("confidence", 0, 1), name="confidence"),
        CheckConstraint(
            text(
                "(box_left IS NULL AND box_top IS NULL AND box_width IS NULL"
                " AND box_height IS NULL) OR (box_left >= 0 AND box_top >= 0"
                " AND box_width >= 0 AND box_height >= 0)"
            ),
            name="box",
        ),
    )


class ReviewFlag(Base):
    """Why a record needs a person. ``field`` is NULL for a flag on the whole record."""

    __tablename__ = "review_flags"

    flag_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    record_id: Mapped[str]
    doc_type: Mapped[str]
    field: Mapped[str | None]
    reason: Mapped[str]
    message_vi: Mapped[str | None]
    message_en: Mapped[str | None]
    raised_by: Mapped[str] = mapped_column(server_default="machine")
    run_id: Mapped[str | None]
    resolved: Mapped[bool] = mapped_column(server_default=text("false"))
    resolved_by: Mapped[str | None]
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (CheckConstraint(in_values("raised_by", FLAG_RAISERS), name="raised_by"),)


class ReviewAction(Base):
    """What a reviewer did, when and why. Append-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "review_actions"

    action_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(server_default=NOW)
    actor: Mapped[str]
    action: Mapped[str]  # e.g. edit, lock, accept, resolve_flag, decide_duplicate
    record_id: Mapped[str] = mapped_column(index=True)
    doc_type: Mapped[str]
    field: Mapped[str | None]
    old_value: Mapped[str | None]
    new_value: Mapped[str | None]
    why: Mapped[str | None]


Index("ix_review_flags_open", ReviewFlag.record_id, ReviewFlag.resolved)

# Record tables by doc_type, for code that is handed a doc_type (loader, portal).
RECORD_TABLES = {"birth_registration": BirthRegistration}
