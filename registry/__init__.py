"""The national-format database: schema (``models``), migrations (``db``, ``migrations/``),
the batch loader (``loader``) and what a reviewer's decisions write (``review``).

Kept import-light on purpose (Alembic's env.py imports ``registry.models``): import the
submodules you need, e.g. ``from registry.loader import load_batch``.
"""
