"""Alembic migrations of the national-format database (see registry.db)."""
