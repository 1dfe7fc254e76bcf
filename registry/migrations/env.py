"""Alembic environment: runs migrations on the connection the caller hands over.

``registry.db.upgrade`` / ``downgrade`` put an open connection in
``config.attributes["connection"]``; the ``alembic`` command line has none, so the URL comes from
``sqlalchemy.url`` if set, else from ``sohoa.settings`` (``SOHOA_DATABASE_URL``). Logging is left
to the caller: library code configures no handlers.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from registry.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: later migrations use batch mode (copy and move).
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from sohoa.settings import get_settings

        url = get_settings().database_url
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    from registry.db import get_engine

    engine = get_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
