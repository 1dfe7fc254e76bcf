"""Engines and migrations for the national-format database.

``get_engine()`` reads the URL from ``sohoa.settings`` (SQLite under ``var/`` by default,
PostgreSQL at scale). The schema is built and changed only by Alembic: ``upgrade()`` and
``downgrade()`` run the migrations in ``registry/migrations`` with a configuration built from the
``alembic.ini`` that ships inside this package, on a connection handed to Alembic directly.

SQLite connections get foreign keys ON and the WAL journal, and SQLAlchemy (not the ``sqlite3``
module) emits BEGIN, so a SQLAlchemy transaction is exactly one SQLite transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from sohoa.errors import ConfigurationError
from sohoa.settings import get_settings

log = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = _PACKAGE_DIR / "alembic.ini"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def get_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """A new engine for ``url`` (default: the settings' ``database_url``).

    Extra keyword arguments go to ``sqlalchemy.create_engine``. A SQLite file's folder is
    created if missing.
    """
    url = url or get_settings().database_url
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise ConfigurationError(
            f"Địa chỉ cơ sở dữ liệu không hợp lệ: {url!r}", f"Invalid database URL: {url!r}"
        ) from e
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigurationError(
            f"Không hỗ trợ cơ sở dữ liệu {backend!r}; dùng SQLite hoặc PostgreSQL.",
            f"Unsupported database {backend!r}; use SQLite or PostgreSQL.",
        )
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    if backend == "sqlite":
        _prepare_sqlite(engine)
    return engine


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the "begin" hook below), so that reads and
        # writes of one SQLAlchemy transaction are one SQLite transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA busy_timeout = 30000")
            # WAL with synchronous=NORMAL keeps every transaction atomic (a killed process
            # loses nothing committed and leaves nothing half-written); 64 MB page cache.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA cache_size = -65536")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def _engine_for(url: str | Engine | None) -> tuple[Engine, bool]:
    """The engine to use and whether we made it (and so must dispose of it)."""
    if isinstance(url, Engine):
        return url, False
    return get_engine(url), True


def alembic_config() -> Config:
    """Alembic's configuration, from the ini inside this package (works when installed)."""
    return Config(str(ALEMBIC_INI))


def upgrade(url: str | Engine | None = None, revision: str = "head") -> None:
    """Migrate the database at ``url`` (default: from settings) up to ``revision``."""
    _run(command.upgrade, url, revision)


def downgrade(url: str | Engine | None, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``"-1"``, ``"base"``, an id)."""
    _run(command.downgrade, url, revision)


def _run(alembic_command: Any, url: str | Engine | None, revision: str) -> None:
    engine, owned = _engine_for(url)
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            log.info(
                "%s %s on %s",
                alembic_command.__name__,
                revision,
                engine.url.render_as_string(hide_password=True),
            )
            alembic_command(cfg, revision)
    finally:
        if owned:
            engine.dispose()


def current_revision(url: str | Engine | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    engine, owned = _engine_for(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
