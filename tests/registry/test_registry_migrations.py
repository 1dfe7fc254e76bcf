"""The schema as the migrations build it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, MetaData, insert, inspect, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from registry.db import current_revision, downgrade, get_engine, head_revision, upgrade
from registry.models import Base, BirthRegistration
from sohoa.errors import ConfigurationError
from sohoa.national_format import ADMIN_CODE_SCHEME, NATIONAL_FIELDS

TABLES = {
    "batches",
    "source_files",
    "pages",
    "birth_registrations",
    "field_values",
    "review_flags",
    "review_actions",
}
TABLES_0002 = {
    "marriage_registrations",
    "death_registrations",
    "household_books",
    "household_members",
    "land_certificates",
    "land_holders",
    "land_parcels",
    "land_vertices",
    "persons",
    "admin_units",
    "code_lists",
    "national_residents",
    "reconciliation_results",
}
TABLES_0003 = {  # the portal's (migration 0003)
    "users",
    "user_communes",
    "audit_events",
    "upload_queue",
    "record_versions",
    "reconciliation_decisions",
}
# revision → tables it adds, oldest first
# 0004 adds no table: the nested rows' provenance becomes json (not jsonb) on PostgreSQL
STEPS = {"0001": TABLES, "0002": TABLES_0002, "0003": TABLES_0003, "0004": set()}
ALL_TABLES = set().union(*STEPS.values())


def test_upgrade_head_on_empty_database(db_url):
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    engine = get_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) == ALL_TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_downgrade_one_step_then_upgrade_again(db_url):
    *older, head = STEPS
    upgrade(db_url)
    downgrade(db_url, "-1")
    engine = get_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) == ALL_TABLES - STEPS[head] | {
            "alembic_version"
        }
        assert current_revision(engine) == older[-1]
        assert _provenance_types(engine) <= {"jsonb", "json"}  # 0003: jsonb on PostgreSQL
        assert engine.dialect.name != "postgresql" or _provenance_types(engine) == {"jsonb"}
        upgrade(engine)
        assert engine.dialect.name != "postgresql" or _provenance_types(engine) == {"json"}
        assert current_revision(engine) == head_revision() == head
        assert set(inspect(engine).get_table_names()) == ALL_TABLES | {"alembic_version"}
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revision(engine) == head
    finally:
        engine.dispose()


def _provenance_types(engine) -> set[str]:
    """The database types of the nested rows' provenance columns (PostgreSQL's names)."""
    inspector = inspect(engine)
    return {
        str(c["type"]).lower()
        for t in ("household_members", "land_holders", "land_vertices")
        for c in inspector.get_columns(t)
        if c["name"] in ("raw_values", "confidences", "boxes")
    }


def test_models_agree_with_migrations(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []
        # The comparison does look: against an empty model every table would go.
        removed = {
            d[1].name for d in compare_metadata(context, MetaData()) if d[0] == "remove_table"
        }
        assert removed == ALL_TABLES


def test_constraint_names_are_the_same_on_both_engines(engine):
    """Named by convention in the models, spelled out in the migration: the database agrees."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {c.name for c in table.constraints} | {i.name for i in table.indexes}
        found = {inspector.get_pk_constraint(table.name)["name"]}
        found |= {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
        found |= {uq["name"] for uq in inspector.get_unique_constraints(table.name)}
        found |= {ck["name"] for ck in inspector.get_check_constraints(table.name)}
        found |= {ix["name"] for ix in inspector.get_indexes(table.name)}
        assert found == expected, table.name
        assert all(len(name) <= 63 for name in expected), table.name


def test_birth_table_has_every_national_field():
    columns = set(BirthRegistration.__table__.c.keys())
    fields = NATIONAL_FIELDS["birth_registration"]
    assert set(fields) <= columns
    for f in fields:
        if f.endswith(("_commune_code", "_province_code")):
            assert f"{f}_scheme" in columns


def _batch(**values):
    return insert(Base.metadata.tables["batches"]).values(
        batch_id=values.pop("batch_id", "B1"), doc_type="birth_registration", **values
    )


@pytest.mark.parametrize(
    "values",
    [
        {"commune_code": "2477", "commune_code_scheme": ADMIN_CODE_SCHEME},  # 4 digits
        {"commune_code": "24a78", "commune_code_scheme": ADMIN_CODE_SCHEME},
        {"commune_code": "24778"},  # a code without its scheme
        {"status": "done"},
    ],
    ids=["short-code", "letter-in-code", "no-scheme", "bad-status"],
)
def test_check_constraints_refuse_malformed_values(engine, values):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(_batch(**values))


def test_check_constraints_accept_well_formed_values(engine):
    with engine.begin() as conn:
        conn.execute(_batch(commune_code="24778", commune_code_scheme=ADMIN_CODE_SCHEME))
        conn.execute(_batch(batch_id="B2"))  # codes may be unknown


def test_natural_key_must_match_its_parts(engine):
    sha = "a" * 64
    with engine.begin() as conn:
        conn.execute(_batch())
        conn.execute(
            insert(Base.metadata.tables["source_files"]).values(sha256=sha, original_path="x")
        )
        conn.execute(insert(Base.metadata.tables["pages"]).values(source_sha256=sha, page=1))
    births = BirthRegistration.__table__
    row = {
        "record_id": "r1",
        "source_sha256": sha,
        "page": 1,
        "batch_id": "B1",
        "run_id": "run",
        "rules_version": "1",
        "ocr_engine": "t",
        "status": "auto_accepted",
        "registration_commune_code": "24778",
        "registration_commune_code_scheme": ADMIN_CODE_SCHEME,
        "book_year": 2013,
        "book_number": "02",
        "registration_number": "45",
    }
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(births).values(**row, natural_key="24778|2013|02|46"))
    with engine.begin() as conn:
        conn.execute(insert(births).values(**row, natural_key="24778|2013|02|45"))
        conn.execute(insert(births).values(**{**row, "record_id": "r2"}, natural_key=None))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            insert(births).values(**{**row, "record_id": "r3"}, natural_key="24778|2013|02|45")
        )


def test_review_actions_are_append_only(engine):
    actions = Base.metadata.tables["review_actions"]
    with engine.begin() as conn:
        conn.execute(
            insert(actions).values(
                actor="reviewer1", action="lock", record_id="r1", doc_type="birth_registration"
            )
        )
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(update(actions).values(why="rewriting history"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(actions.delete())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM review_actions")).scalar() == 1


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_sqlite_refuses_dangling_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'fk.db'}"
    upgrade(url)
    engine = get_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                insert(Base.metadata.tables["pages"]).values(source_sha256="b" * 64, page=1)
            )
    finally:
        engine.dispose()


def test_get_engine_refuses_other_databases():
    with pytest.raises(ConfigurationError):
        get_engine("mysql://user@localhost/sohoa")


def test_every_check_constraint_is_named():
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                assert constraint.name, table.name


def test_upgrade_defaults_to_the_settings_database(fresh_settings):
    upgrade()
    assert current_revision() == head_revision()
    assert fresh_settings.database_url.endswith("sohoa.db")
