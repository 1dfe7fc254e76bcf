"""All record types: marriage, death, household books and members, land certificates with
holders, parcels and vertices; persons, administrative units, code lists, the national residence
reference and reconciliation results.

Revision ID: 0002
Revises: 0001
Create Date: 2025-10-20

Written by hand. The field lists and the rules that give a field its type and CHECK are copied
here (not imported from ``registry.models``) so this revision keeps building the same schema when
the models move on; ``tests/registry`` checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from registry.shapes import digits, iso_date, upper_alpha

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

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
CIVIL = (
    "registration_number",
    "registration_number_suffix",
    "book_number",
    "book_year",
    "registration_date",
    "registration_authority_text",
    "registration_commune_code",
)
MARRIAGE = (
    *CIVIL,
    *(
        f"{who}_{f}"
        for who in ("husband", "wife")
        for f in (
            "full_name",
            "date_of_birth",
            "ethnicity_code",
            "nationality",
            "residence_text",
            "id_number",
        )
    ),
)
DEATH = (
    *CIVIL,
    "deceased_full_name",
    "deceased_sex",
    "deceased_date_of_birth",
    "deceased_ethnicity_code",
    "deceased_nationality",
    "deceased_personal_id",
    "deceased_last_residence_text",
    "date_of_death",
    "time_of_death",
    "place_of_death_text",
    "cause_of_death",
    "declarant_full_name",
    "declarant_relationship",
)
BOOK = (
    "household_book_number",
    "head_full_name",
    "address_text",
    "address_commune_code",
    "address_province_code",
    "issue_date",
)
MEMBER = (
    "household_book_number",
    "full_name",
    "other_name",
    "relationship_to_head",
    "sex",
    "date_of_birth",
    "place_of_birth_text",
    "hometown_text",
    "ethnicity_code",
    "religion",
    "nationality",
    "id_number",
    "occupation",
    "previous_residence_text",
    "moved_in_date",
    "struck_out",
)
LAND = (
    "certificate_serial",
    "certificate_code",
    "register_entry_number",
    "issue_date",
    "issuing_authority_text",
    "parcel_number",
    "map_sheet_number",
    "parcel_address_text",
    "parcel_commune_code",
    "area_m2",
    "use_form",
    "land_use_purpose_code",
    "land_use_term",
    "land_use_origin_text",
)
HOLDER = ("full_name", "birth_year", "id_number", "address_text")
VERTEX = ("point", "x", "y")

CIVIL_KEY = (
    "natural_key IS NULL OR ("
    "registration_commune_code IS NOT NULL AND book_year IS NOT NULL"
    " AND book_number IS NOT NULL AND registration_number IS NOT NULL"
    " AND natural_key = registration_commune_code || '|' || CAST(book_year AS TEXT)"
    " || '|' || book_number || '|' || registration_number)"
)


def _in(name: str, values: tuple) -> sa.ColumnElement:
    return sa.column(name).in_(values)


def _admin_code(code: str, n: int) -> sa.ColumnElement:
    return sa.or_(
        sa.column(code).is_(None),
        sa.and_(digits(code, n), sa.column(f"{code}_scheme").is_not(None)).self_group(),
    )


def _type(name: str) -> sa.types.TypeEngine:
    if name == "struck_out":
        return sa.Boolean()
    if name == "sex" or name.endswith("_sex"):
        return sa.SmallInteger()
    if name.endswith(("_year", "member_index", "holder_index", "vertex_index")):
        return sa.Integer()
    if name in ("area_m2", "x", "y"):
        return sa.Double()
    return sa.Text()


def _shape(name: str) -> sa.ColumnElement | None:
    if name.endswith("_commune_code"):
        return _admin_code(name, 5)
    if name.endswith("_province_code"):
        return _admin_code(name, 2)
    if name == "sex" or name.endswith("_sex"):
        return _in(name, (0, 1, 2))
    if name.endswith("_year"):
        return sa.column(name).between(1000, 9999)
    if name.endswith(("_date", "date_of_birth", "date_of_death")):
        return iso_date(name)
    if name == "ethnicity_code" or name.endswith("_ethnicity_code"):
        return digits(name, 2)
    if name == "nationality" or name.endswith("_nationality"):
        return upper_alpha(name, 2)
    if name.endswith("personal_id"):
        return digits(name, 12)
    if name == "id_number" or name.endswith("_id_number"):
        return sa.or_(digits(name, 9), digits(name, 12))
    if name == "relationship_to_head":
        return _in(name, RELATIONSHIP_CODES)
    if name == "use_form":
        return _in(name, ("private", "shared"))
    if name == "area_m2":
        return sa.column(name) >= 0
    return None


def _check(table: str, name: str, sqltext: sa.ColumnElement | str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sqltext, name=op.f(f"ck_{table}_{name}"))


def _fields(table: str, fields: tuple[str, ...]) -> list:
    items: list = []
    for f in fields:
        items.append(sa.Column(f, _type(f), nullable=True))
        if f.endswith(("_commune_code", "_province_code")):
            items.append(sa.Column(f"{f}_scheme", sa.Text(), nullable=True))
    for f in fields:
        shape = _shape(f)
        if shape is not None:
            items.append(_check(table, f, shape))
    return items


def _record(table: str, fields: tuple[str, ...], *extra, natural_key: bool = True) -> None:
    items = [
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("ocr_engine", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
    ]
    if natural_key:
        items += [
            sa.Column("natural_key", sa.Text(), nullable=True),
            sa.UniqueConstraint("natural_key", name=op.f(f"uq_{table}_natural_key")),
        ]
    items += [
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        *_fields(table, fields),
        *extra,
        sa.PrimaryKeyConstraint("record_id", name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.batch_id"], name=op.f(f"fk_{table}_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["source_sha256", "page"],
            ["pages.source_sha256", "pages.page"],
            name=op.f(f"fk_{table}_source_sha256_page_pages"),
        ),
        _check(table, "status", _in("status", ("auto_accepted", "needs_review"))),
    ]
    op.create_table(table, *items)
    op.create_index(op.f(f"ix_{table}_batch_id"), table, ["batch_id"])
    op.create_index(op.f(f"ix_{table}_status"), table, ["status"])


def _child(table: str, parent: str, index: str, fields: tuple[str, ...], *extra) -> None:
    op.create_table(
        table,
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column(index, sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("last_seen_run_id", sa.Text(), nullable=False),
        sa.Column("raw_values", JSON, nullable=True),
        sa.Column("confidences", JSON, nullable=True),
        sa.Column("boxes", JSON, nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        *extra,
        *_fields(table, fields),
        sa.PrimaryKeyConstraint("record_id", index, name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["record_id"], [f"{parent}.record_id"], name=op.f(f"fk_{table}_record_id_{parent}")
        ),
        _check(table, index, sa.column(index) >= 1),
    )


def upgrade() -> None:
    _record(
        "marriage_registrations",
        MARRIAGE,
        _check("marriage_registrations", "natural_key", CIVIL_KEY),
    )
    _record("death_registrations", DEATH, _check("death_registrations", "natural_key", CIVIL_KEY))
    _record("household_books", BOOK, natural_key=False)
    op.create_index(
        "ix_household_books_household_book_number", "household_books", ["household_book_number"]
    )
    _child(
        "household_members",
        "household_books",
        "member_index",
        MEMBER,
        sa.Column("natural_key", sa.Text(), nullable=True),
        sa.UniqueConstraint("natural_key", name=op.f("uq_household_members_natural_key")),
    )
    op.create_index("ix_household_members_id_number", "household_members", ["id_number"])

    op.create_table(
        "land_parcels",
        sa.Column("parcel_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("old_commune_code", sa.Text(), nullable=False),
        sa.Column("old_commune_code_scheme", sa.Text(), nullable=False),
        sa.Column("map_sheet_number", sa.Text(), nullable=False),
        sa.Column("parcel_number", sa.Text(), nullable=False),
        sa.Column("commune_code", sa.Text(), nullable=True),
        sa.Column("commune_code_scheme", sa.Text(), nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("parcel_id", name=op.f("pk_land_parcels")),
        sa.UniqueConstraint(
            "old_commune_code",
            "map_sheet_number",
            "parcel_number",
            name=op.f("uq_land_parcels_old_commune_code_map_sheet_number_parcel_number"),
        ),
        _check("land_parcels", "old_commune_code", digits("old_commune_code", 5)),
        _check("land_parcels", "commune_code", _admin_code("commune_code", 5)),
    )
    _record(
        "land_certificates",
        LAND,
        sa.Column("parcel_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["land_parcels.parcel_id"],
            name=op.f("fk_land_certificates_parcel_id_land_parcels"),
        ),
        _check(
            "land_certificates",
            "natural_key",
            "natural_key IS NULL OR natural_key = certificate_serial",
        ),
    )
    _child("land_holders", "land_certificates", "holder_index", HOLDER)
    _child("land_vertices", "land_certificates", "vertex_index", VERTEX)

    op.create_table(
        "persons",
        sa.Column("personal_id", sa.Text(), nullable=False),
        sa.Column("legacy_id", sa.Text(), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("sex", sa.SmallInteger(), nullable=True),
        sa.Column("date_of_birth", sa.Text(), nullable=True),
        sa.Column("source_doc_type", sa.Text(), nullable=True),
        sa.Column("source_record_id", sa.Text(), nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("personal_id", name=op.f("pk_persons")),
        _check("persons", "personal_id", digits("personal_id", 12)),
        _check("persons", "legacy_id", digits("legacy_id", 9)),
        _check("persons", "sex", _in("sex", (0, 1, 2))),
        _check("persons", "date_of_birth", iso_date("date_of_birth")),
    )
    op.create_table(
        "admin_units",
        sa.Column("scheme", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit_type", sa.Text(), nullable=True),
        sa.Column("province_code", sa.Text(), nullable=True),
        sa.Column("district_code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("scheme", "code", name=op.f("pk_admin_units")),
        _check("admin_units", "level", _in("level", ("province", "district", "commune"))),
        _check(
            "admin_units",
            "code_length",
            "(level = 'province' AND length(code) = 2) OR (level = 'district'"
            " AND length(code) = 3) OR (level = 'commune' AND length(code) = 5)",
        ),
    )
    op.create_table(
        "code_lists",
        sa.Column("list_name", sa.Text(), nullable=False),
        sa.Column("code_system", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("variants", JSON, nullable=True),
        sa.PrimaryKeyConstraint("list_name", "code_system", "code", name=op.f("pk_code_lists")),
    )
    t = "national_residents"
    op.create_table(
        t,
        sa.Column("personal_id", sa.Text(), nullable=False),
        sa.Column("legacy_id", sa.Text(), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("sex", sa.SmallInteger(), nullable=True),
        sa.Column("date_of_birth", sa.Text(), nullable=True),
        sa.Column("household_id", sa.Text(), nullable=True),
        sa.Column("relationship_to_head", sa.Text(), nullable=True),
        sa.Column("address_commune_code", sa.Text(), nullable=True),
        sa.Column("address_commune_code_scheme", sa.Text(), nullable=True),
        sa.Column("address_text", sa.Text(), nullable=True),
        sa.Column("loaded_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("personal_id", name=op.f(f"pk_{t}")),
        _check(t, "personal_id", digits("personal_id", 12)),
        _check(t, "legacy_id", digits("legacy_id", 9)),
        _check(t, "sex", _in("sex", (0, 1, 2))),
        _check(t, "date_of_birth", iso_date("date_of_birth")),
        _check(t, "relationship_to_head", _in("relationship_to_head", RELATIONSHIP_CODES)),
        _check(t, "address_commune_code", _admin_code("address_commune_code", 5)),
    )
    op.create_index(op.f(f"ix_{t}_legacy_id"), t, ["legacy_id"])
    op.create_index(op.f(f"ix_{t}_household_id"), t, ["household_id"])
    t = "reconciliation_results"
    op.create_table(
        t,
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("matched_personal_id", sa.Text(), nullable=True),
        sa.Column("match_probability", sa.Double(), nullable=True),
        sa.Column("differing_fields", JSON, nullable=True),
        sa.Column("duplicate_of_entry_id", sa.Text(), nullable=True),
        sa.Column("evidence", JSON, nullable=True),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "entry_id", name=op.f(f"pk_{t}")),
        _check(t, "category", _in("category", ("REDUNDANT", "CONFLICT", "NOT_IN_NATIONAL"))),
        _check(t, "match_probability", sa.column("match_probability").between(0, 1)),
        _check(t, "matched_personal_id", digits("matched_personal_id", 12)),
    )


def downgrade() -> None:
    for t in ("reconciliation_results", "code_lists", "admin_units", "persons"):
        op.drop_table(t)
    op.drop_index(op.f("ix_national_residents_household_id"), table_name="national_residents")
    op.drop_index(op.f("ix_national_residents_legacy_id"), table_name="national_residents")
    op.drop_table("national_residents")
    op.drop_table("land_vertices")
    op.drop_table("land_holders")
    for t in ("land_certificates", "death_registrations", "marriage_registrations"):
        op.drop_index(op.f(f"ix_{t}_status"), table_name=t)
        op.drop_index(op.f(f"ix_{t}_batch_id"), table_name=t)
        op.drop_table(t)
    op.drop_table("land_parcels")
    op.drop_index("ix_household_members_id_number", table_name="household_members")
    op.drop_table("household_members")
    op.drop_index("ix_household_books_household_book_number", table_name="household_books")
    op.drop_index(op.f("ix_household_books_status"), table_name="household_books")
    op.drop_index(op.f("ix_household_books_batch_id"), table_name="household_books")
    op.drop_table("household_books")
