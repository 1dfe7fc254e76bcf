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
    Column,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    and_,
    column,
    or_,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from registry.shapes import digits, iso_date, lower_hex, upper_alpha
from sohoa.national_format import (
    HOUSEHOLD_MEMBER_FIELDS,
    LAND_HOLDER_FIELDS,
    LAND_VERTEX_FIELDS,
    NATIONAL_FIELDS,
)

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
# The provenance of nested rows: written once per run and read whole, never queried inside, so
# plain ``json`` on PostgreSQL (kept as sent, not converted: cheaper to load; migration 0004).
ProvenanceJSON = JSON()
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


# =========================================================================== revision 0002
# The other record types, their nested rows, persons, reference data and reconciliation.
# Record tables are built from field lists by one helper (``record_columns``) whose twin in
# migration 0002 is frozen; ``tests/registry`` checks that both agree.

LAND_USE_FORMS = ("private", "shared")
RECONCILIATION_CATEGORIES = ("REDUNDANT", "CONFLICT", "NOT_IN_NATIONAL")
RELATIONSHIP_CODES = (
    "HEAD",
    "WIFE",
    "HUSBAND",
    "CHILD",
    "FATHER",
    "MOTHER",
    "SIBLING",
    "GRANDCHILD",
    "GRANDPARENT",
    "CHILD_IN_LAW",
    "OTHER",
)
OLD_ADMIN_SCHEME = "pre2025"  # codes of the list in force before 1 July 2025

_INT_SUFFIXES = ("_year", "member_index", "holder_index", "vertex_index")
_FLOAT_FIELDS = ("area_m2", "x", "y")


def column_type(name: str) -> Any:
    """SQL type of a national-format field, from its name (the rules of NATIONAL_FORMAT.md §1)."""
    if name == "struck_out":
        return Boolean()
    if name == "sex" or name.endswith("_sex"):
        return SmallInteger()
    if name.endswith(_INT_SUFFIXES) or name == "book_year":
        return Integer()
    if name in _FLOAT_FIELDS:
        return Double()
    return Text()


def field_check(name: str) -> ColumnElement[bool] | str | None:
    """The CHECK a national-format field carries, from its name (None: free text)."""
    if name.endswith("_commune_code"):
        return admin_code_check(name, 5)
    if name.endswith("_province_code"):
        return admin_code_check(name, 2)
    if name == "sex" or name.endswith("_sex"):
        return in_values(name, (0, 1, 2))
    if name.endswith(("_year",)):
        return between(name, 1000, 9999)
    if name.endswith(("_date", "date_of_birth", "date_of_death")) or name == "issue_date":
        return iso_date(name)
    if name == "ethnicity_code" or name.endswith("_ethnicity_code"):
        return digits(name, 2)
    if name == "nationality" or name.endswith("_nationality"):
        return upper_alpha(name, 2)
    if name.endswith("personal_id"):
        return digits(name, 12)
    if name == "id_number" or name.endswith("_id_number"):
        return or_(digits(name, 9), digits(name, 12))
    if name == "relationship_to_head":
        return in_values(name, RELATIONSHIP_CODES)
    if name == "use_form":
        return in_values(name, LAND_USE_FORMS)
    if name == "area_m2":
        return column(name) >= 0
    return None


def record_columns(fields: tuple[str, ...]) -> list[Any]:
    """Columns and CHECKs for national ``fields`` (admin codes get their ``_scheme`` column)."""

    items: list[Any] = []
    for f in fields:
        items.append(Column(f, column_type(f), nullable=True))
        if f.endswith(("_commune_code", "_province_code")):
            items.append(Column(f"{f}_scheme", Text(), nullable=True))
    for f in fields:
        check = field_check(f)
        if check is not None:
            items.append(CheckConstraint(check, name=f))
    return items


def _envelope_columns(with_natural_key: bool = True) -> list[Any]:

    items = [
        Column("record_id", Text(), primary_key=True),
        Column("source_sha256", Text(), nullable=False),
        Column("page", Integer(), nullable=False),
        Column("batch_id", Text(), ForeignKey("batches.batch_id"), nullable=False, index=True),
        Column("run_id", Text(), nullable=False),
        Column("rules_version", Text(), nullable=False),
        Column("ocr_engine", Text(), nullable=False),
        Column("status", Text(), nullable=False, index=True),
    ]
    if with_natural_key:
        items.append(Column("natural_key", Text(), nullable=True, unique=True))
    items += [
        Column("created_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        Column("updated_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        ForeignKeyConstraint(["source_sha256", "page"], ["pages.source_sha256", "pages.page"]),
        CheckConstraint(in_values("status", RECORD_STATUSES), name="status"),
    ]
    return items


def _civil_key_check() -> Any:
    return CheckConstraint(_NATURAL_KEY_CHECK, name="natural_key")


def _child_columns(parent: str, index: str) -> list[Any]:
    """Key, provenance and bookkeeping of a nested row (member, holder, vertex)."""

    return [
        Column("record_id", Text(), ForeignKey(f"{parent}.record_id"), primary_key=True),
        Column(index, Integer(), primary_key=True),
        Column("source_sha256", Text(), nullable=False),
        Column("page", Integer(), nullable=False),
        Column("run_id", Text(), nullable=False),  # the run that last wrote the row
        Column("last_seen_run_id", Text(), nullable=False),  # the latest run that read it
        Column("raw_values", ProvenanceJSON, nullable=True),  # field → text as read
        Column("confidences", ProvenanceJSON, nullable=True),  # field → 0..1
        Column("boxes", ProvenanceJSON, nullable=True),  # field → [left, top, width, height]
        Column("created_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        Column("updated_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        CheckConstraint(column(index) >= 1, name=index),
    ]


def _flat_fields(doc_type: str) -> tuple[str, ...]:
    """A record type's national fields that are columns (its tables are tables of their own)."""
    return tuple(
        f for f in NATIONAL_FIELDS[doc_type] if f not in ("members", "holders", "vertices")
    )


# The national format (``sohoa.national_format``) is the one list; migrations keep frozen copies.
MARRIAGE_FIELDS = _flat_fields("marriage_registration")
DEATH_FIELDS = _flat_fields("death_registration")
HOUSEHOLD_BOOK_FIELDS = _flat_fields("household_registration")
MEMBER_FIELDS = HOUSEHOLD_MEMBER_FIELDS
LAND_FIELDS = _flat_fields("land_certificate")
HOLDER_FIELDS = LAND_HOLDER_FIELDS
VERTEX_FIELDS = LAND_VERTEX_FIELDS

_t = Base.metadata


class MarriageRegistration(Base):
    """Giấy chứng nhận kết hôn; natural key as for births."""

    __table__ = Table(
        "marriage_registrations",
        _t,
        *_envelope_columns(),
        *record_columns(MARRIAGE_FIELDS),
        _civil_key_check(),
    )


class DeathRegistration(Base):
    """Trích lục khai tử; natural key as for births."""

    __table__ = Table(
        "death_registrations",
        _t,
        *_envelope_columns(),
        *record_columns(DEATH_FIELDS),
        _civil_key_check(),
    )


class HouseholdBook(Base):
    """One page of a household book (Sổ hộ khẩu): book-level fields; members nest below.

    No natural key of its own: a book spans several pages, each a record. Members are keyed.
    """

    __table__ = Table(
        "household_books",
        _t,
        *_envelope_columns(with_natural_key=False),
        *record_columns(HOUSEHOLD_BOOK_FIELDS),
        Index("ix_household_books_household_book_number", "household_book_number"),
    )


class HouseholdMember(Base):
    """A member row of a household page. ``natural_key`` = ``book number|member index``
    (UNIQUE; NULL when the book number is unknown or another row holds the key)."""

    __table__ = Table(
        "household_members",
        _t,
        *_child_columns("household_books", "member_index"),
        Column("natural_key", Text(), nullable=True, unique=True),
        *record_columns(tuple(f for f in MEMBER_FIELDS if f != "member_index")),
        Index("ix_household_members_id_number", "id_number"),
    )


class LandParcel(Base):
    """A parcel, keyed as map sheets are numbered: (old commune code, map sheet, parcel)."""

    __table__ = Table(
        "land_parcels",
        _t,
        Column("parcel_id", Integer(), primary_key=True, autoincrement=True),
        Column("old_commune_code", Text(), nullable=False),
        Column("old_commune_code_scheme", Text(), nullable=False),
        Column("map_sheet_number", Text(), nullable=False),
        Column("parcel_number", Text(), nullable=False),
        Column("commune_code", Text(), nullable=True),
        Column("commune_code_scheme", Text(), nullable=True),
        Column("created_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        UniqueConstraint("old_commune_code", "map_sheet_number", "parcel_number"),
        CheckConstraint(digits("old_commune_code", 5), name="old_commune_code"),
        CheckConstraint(admin_code_check("commune_code", 5), name="commune_code"),
    )


class LandCertificate(Base):
    """Giấy chứng nhận quyền sử dụng đất; natural key = certificate serial."""

    __table__ = Table(
        "land_certificates",
        _t,
        *_envelope_columns(),
        *record_columns(LAND_FIELDS),
        Column("parcel_id", Integer(), ForeignKey("land_parcels.parcel_id"), nullable=True),
        CheckConstraint(
            text("natural_key IS NULL OR natural_key = certificate_serial"), name="natural_key"
        ),
    )


class LandHolder(Base):
    __table__ = Table(
        "land_holders",
        _t,
        *_child_columns("land_certificates", "holder_index"),
        *record_columns(HOLDER_FIELDS),
    )


class LandVertex(Base):
    __table__ = Table(
        "land_vertices",
        _t,
        *_child_columns("land_certificates", "vertex_index"),
        *record_columns(VERTEX_FIELDS),
    )


class Person(Base):
    """A person known by a 12-digit personal ID, with where the registry last saw them."""

    __table__ = Table(
        "persons",
        _t,
        Column("personal_id", Text(), primary_key=True),
        Column("legacy_id", Text(), nullable=True),
        Column("full_name", Text(), nullable=True),
        Column("sex", SmallInteger(), nullable=True),
        Column("date_of_birth", Text(), nullable=True),
        Column("source_doc_type", Text(), nullable=True),
        Column("source_record_id", Text(), nullable=True),
        Column("created_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        CheckConstraint(digits("personal_id", 12), name="personal_id"),
        CheckConstraint(digits("legacy_id", 9), name="legacy_id"),
        CheckConstraint(in_values("sex", (0, 1, 2)), name="sex"),
        CheckConstraint(iso_date("date_of_birth"), name="date_of_birth"),
    )


class AdminUnit(Base):
    """Provinces and communes of one code scheme (``2025`` or ``pre2025``); see ``seed``."""

    __table__ = Table(
        "admin_units",
        _t,
        Column("scheme", Text(), primary_key=True),
        Column("code", Text(), primary_key=True),
        Column("level", Text(), nullable=False),  # province | district | commune
        Column("name", Text(), nullable=False),
        Column("unit_type", Text(), nullable=True),  # Xã, Phường, Đặc khu, Tỉnh, …
        Column("province_code", Text(), nullable=True),
        Column("district_code", Text(), nullable=True),
        CheckConstraint(in_values("level", ("province", "district", "commune")), name="level"),
        CheckConstraint(
            text(
                "(level = 'province' AND length(code) = 2) OR (level = 'district'"
                " AND length(code) = 3) OR (level = 'commune' AND length(code) = 5)"
            ),
            name="code_length",
        ),
    )


class CodeListEntry(Base):
    """One code of a code list in one code system (ethnicity: ``code_1979`` / ``code_gso``)."""

    __table__ = Table(
        "code_lists",
        _t,
        Column("list_name", Text(), primary_key=True),
        Column("code_system", Text(), primary_key=True),
        Column("code", Text(), primary_key=True),
        Column("label", Text(), nullable=False),
        Column("variants", JSONType, nullable=True),
    )


class NationalResident(Base):
    """The national residence database's view of a person (reference for reconciliation)."""

    __table__ = Table(
        "national_residents",
        _t,
        Column("personal_id", Text(), primary_key=True),
        Column("legacy_id", Text(), nullable=True, index=True),
        Column("full_name", Text(), nullable=True),
        Column("sex", SmallInteger(), nullable=True),
        Column("date_of_birth", Text(), nullable=True),
        Column("household_id", Text(), nullable=True, index=True),
        Column("relationship_to_head", Text(), nullable=True),
        Column("address_commune_code", Text(), nullable=True),
        Column("address_commune_code_scheme", Text(), nullable=True),
        Column("address_text", Text(), nullable=True),
        Column("loaded_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        CheckConstraint(digits("personal_id", 12), name="personal_id"),
        CheckConstraint(digits("legacy_id", 9), name="legacy_id"),
        CheckConstraint(in_values("sex", (0, 1, 2)), name="sex"),
        CheckConstraint(iso_date("date_of_birth"), name="date_of_birth"),
        CheckConstraint(
            in_values("relationship_to_head", RELATIONSHIP_CODES), name="relationship_to_head"
        ),
        CheckConstraint(admin_code_check("address_commune_code", 5), name="address_commune_code"),
    )


class ReconciliationResult(Base):
    """One paper entry's reconciliation in one run (NATIONAL_FORMAT.md §3)."""

    __table__ = Table(
        "reconciliation_results",
        _t,
        Column("run_id", Text(), primary_key=True),
        Column("entry_id", Text(), primary_key=True),
        Column("category", Text(), nullable=False),
        Column("matched_personal_id", Text(), nullable=True),
        Column("match_probability", Double(), nullable=True),
        Column("differing_fields", JSONType, nullable=True),
        Column("duplicate_of_entry_id", Text(), nullable=True),
        Column("evidence", JSONType, nullable=True),
        Column("created_at", DateTime(timezone=True), server_default=NOW, nullable=False),
        CheckConstraint(in_values("category", RECONCILIATION_CATEGORIES), name="category"),
        CheckConstraint(between("match_probability", 0, 1), name="match_probability"),
        CheckConstraint(digits("matched_personal_id", 12), name="matched_personal_id"),
    )


RECORD_TABLES.update(
    {
        "marriage_registration": MarriageRegistration,
        "death_registration": DeathRegistration,
        "household_registration": HouseholdBook,
        "land_certificate": LandCertificate,
    }
)
# Nested lists of a record type: list field → (model, index column, fields of a row).
NESTED_TABLES: dict[str, dict[str, tuple[Any, str, tuple[str, ...]]]] = {
    "household_registration": {"members": (HouseholdMember, "member_index", MEMBER_FIELDS)},
    "land_certificate": {
        "holders": (LandHolder, "holder_index", HOLDER_FIELDS),
        "vertices": (LandVertex, "vertex_index", VERTEX_FIELDS),
    },
}


# =========================================================================== revision 0003
# The portal (``portal/``): accounts scoped to communes, the audit trail of every view and
# change of personal data, the upload queue, record versions for optimistic locking, and
# reviewers' reconciliation decisions. ``audit_events`` and ``reconciliation_decisions`` are
# append-only (triggers, as for ``review_actions``).

ROLES = ("clerk", "reviewer", "data_admin")  # in rising order of rights
QUEUE_STATUSES = ("queued", "triggered", "running", "done", "failed")
RECONCILIATION_DECISIONS = ("retire_paper_entry", "not_same_person", "needs_field_visit")


class User(Base):
    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(unique=True)
    full_name: Mapped[str | None]
    password_hash: Mapped[str]
    role: Mapped[str]
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    failed_logins: Mapped[int] = mapped_column(server_default=text("0"))
    last_failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (CheckConstraint(in_values("role", ROLES), name="role"),)


class UserCommune(Base):
    __tablename__ = "user_communes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    commune_code: Mapped[str] = mapped_column(primary_key=True)

    __table_args__ = (CheckConstraint(digits("commune_code", 5), name="commune_code"),)


class AuditEvent(Base):
    """Who did what to which record or batch, when and why (views included). Append-only."""

    __tablename__ = "audit_events"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(server_default=NOW)
    actor: Mapped[str]
    action: Mapped[str]  # view_record, edit_field, reject_page, upload, decide, export, …
    doc_type: Mapped[str | None]
    record_id: Mapped[str | None] = mapped_column(index=True)
    batch_id: Mapped[str | None]
    commune_code: Mapped[str | None]
    field: Mapped[str | None]
    old_value: Mapped[str | None]
    new_value: Mapped[str | None]
    why: Mapped[str | None]


class UploadQueueEntry(Base):
    """An uploaded batch on its way to ``scan_batch`` (waits here while Airflow is away)."""

    __tablename__ = "upload_queue"

    batch_id: Mapped[str] = mapped_column(primary_key=True)
    commune_code: Mapped[str]
    declared_type: Mapped[str | None]
    batch_dir: Mapped[str]
    uploaded_by: Mapped[str]
    status: Mapped[str] = mapped_column(server_default="queued", index=True)
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    dag_run_id: Mapped[str | None]
    message: Mapped[str | None]
    accepted_files: Mapped[dict[str, Any] | None]  # JSON list of file names
    refused_files: Mapped[dict[str, Any] | None]  # JSON list of {file, reason_vi, reason_en}
    summary: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (
        CheckConstraint(in_values("status", QUEUE_STATUSES), name="status"),
        CheckConstraint(digits("commune_code", 5), name="commune_code"),
    )


class RecordVersion(Base):
    """A record's review version: a save names the version it read (compare-and-set)."""

    __tablename__ = "record_versions"

    record_id: Mapped[str] = mapped_column(primary_key=True)
    doc_type: Mapped[str]
    version: Mapped[int]
    updated_by: Mapped[str | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=NOW)


class ReconciliationDecision(Base):
    """A reviewer's decision on one reconciliation result, with the required reason."""

    __tablename__ = "reconciliation_decisions"

    decision_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str]
    entry_id: Mapped[str] = mapped_column(index=True)
    decision: Mapped[str]
    why: Mapped[str]
    actor: Mapped[str]
    at: Mapped[datetime] = mapped_column(server_default=NOW)

    __table_args__ = (
        CheckConstraint(in_values("decision", RECONCILIATION_DECISIONS), name="decision"),
        CheckConstraint(text("length(trim(why)) > 0"), name="why"),
    )


# The review queue walks a commune's batches oldest first (``portal.records.queue``).
for _model in (
    BirthRegistration,
    MarriageRegistration,
    DeathRegistration,
    HouseholdBook,
    LandCertificate,
):
    _q = _model.__table__
    Index(f"ix_{_q.name}_review_queue", _q.c.batch_id, _q.c.status, _q.c.created_at, _q.c.record_id)
