"""Migration 0003 (the portal) on both engines: the models agree with it, it goes down to 0002
and up again, and the audit trail is append-only."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from registry.db import current_revision, downgrade, get_engine, head_revision, upgrade
from registry.models import Base

PG = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PORTAL_TABLES = {
    "users",
    "user_communes",
    "audit_events",
    "upload_queue",
    "record_versions",
    "reconciliation_decisions",
}


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgresql", marks=pytest.mark.integration),
    ]
)
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schema.db'}"
        return
    with request.getfixturevalue("pg_database")("sohoa_portal") as url:
        yield url


def test_models_agree_down_and_up_append_only(url):
    upgrade(url)
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(ctx, Base.metadata) == []
        assert set(inspect(engine).get_table_names()) >= PORTAL_TABLES
        downgrade(engine, "0002")
        assert not PORTAL_TABLES & set(inspect(engine).get_table_names())
        assert "ix_birth_registrations_review_queue" not in {
            i["name"] for i in inspect(engine).get_indexes("birth_registrations")
        }
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO audit_events (actor, action) VALUES ('a', 'view')"))
        for statement in ("UPDATE audit_events SET actor = 'b'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        blank_reason = (
            "INSERT INTO reconciliation_decisions (run_id, entry_id, decision, why, actor)"
            " VALUES ('r', 'e', 'not_same_person', '  ', 'a')"
        )
        with pytest.raises(DBAPIError), engine.begin() as conn:  # a decision needs a reason
            conn.execute(text(blank_reason))
    finally:
        engine.dispose()
