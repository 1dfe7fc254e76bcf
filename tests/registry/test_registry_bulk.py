"""bulk.upsert: rows given column by column, on each engine (PostgreSQL: binary COPY)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from registry.bulk import upsert
from registry.models import Page, SourceFile

_sources = SourceFile.__table__
_pages = Page.__table__
NOW = datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=UTC)


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _replace(table, key):
    def conflict(stmt):
        new = stmt.excluded
        columns = [c.name for c in table.c if c.name not in key]
        return stmt.on_conflict_do_update(
            index_elements=[table.c[c] for c in key], set_={c: new[c] for c in columns}
        )

    return conflict


def _write_pages(conn, shas, cleanup, seconds, texts):
    upsert(
        conn,
        _pages,
        {
            "source_sha256": shas,
            "page": [1] * len(shas),
            "status": ["ok"] * len(shas),
            "cleanup_params": cleanup,
            "ocr_seconds": seconds,
            "page_text": texts,
            "created_at": [NOW] * len(shas),
        },
        _replace(_pages, ("source_sha256", "page")),
        direct_when_new="source_sha256",
    )


def test_columns_of_every_kind_round_trip_and_a_second_write_merges(engine):
    shas = [_sha("a"), _sha("b"), _sha("c")]
    cleanup = [{"deskew_deg": -1.5, "steps": ["đảo", "nghiêng"]}, None, {"z": 1, "a": [1, 2]}]
    with engine.begin() as conn:
        upsert(
            conn,
            _sources,
            {"sha256": shas, "original_path": ["a.jpg", "b.pdf", "c.png"], "created_at": [NOW] * 3},
            lambda stmt: stmt.on_conflict_do_nothing(),
            direct_when_new="sha256",
        )
        _write_pages(conn, shas, cleanup, [0.25, None, 3.0], ["Sổ hộ khẩu\tsố 1", None, "\\"])
    with engine.connect() as conn:
        rows = {r.source_sha256: r for r in conn.execute(select(_pages))}
    assert [rows[s].cleanup_params for s in shas] == cleanup
    assert [rows[s].ocr_seconds for s in shas] == [0.25, None, 3.0]
    assert [rows[s].page_text for s in shas] == ["Sổ hộ khẩu\tsố 1", None, "\\"]
    stored = rows[shas[0]].created_at
    assert stored.replace(tzinfo=stored.tzinfo or UTC) == NOW  # SQLite keeps naive UTC

    # the same keys again: merged (staging table on PostgreSQL), not duplicated
    with engine.begin() as conn:
        _write_pages(conn, shas[:2], [None, {"rotate": 90}], [1.0, 2.0], ["x", "y"])
    with engine.connect() as conn:
        rows = {r.source_sha256: r for r in conn.execute(select(_pages))}
    assert len(rows) == 3
    assert rows[shas[1]].cleanup_params == {"rotate": 90}
    assert rows[shas[0]].cleanup_params is None and rows[shas[0]].page_text == "x"
    assert rows[shas[2]].page_text == "\\"


def test_columns_of_different_lengths_are_refused(engine):
    with engine.begin() as conn, pytest.raises(ValueError, match="different lengths"):
        upsert(
            conn,
            _sources,
            {"sha256": [_sha("a"), _sha("b")], "original_path": ["a.jpg"]},
            lambda stmt: stmt.on_conflict_do_nothing(),
        )


def test_an_integer_out_of_range_is_refused_never_wrapped(engine):
    """PostgreSQL's int4 cannot hold 2**31 (a binary COPY would wrap it if not checked)."""
    sha = _sha("big")
    try:
        with engine.begin() as conn:
            upsert(
                conn,
                _sources,
                {"sha256": [sha], "original_path": ["big.jpg"], "created_at": [NOW]},
                lambda stmt: stmt.on_conflict_do_nothing(),
            )
            upsert(
                conn,
                _pages,
                {"source_sha256": [sha], "page": [2**31], "status": ["ok"], "created_at": [NOW]},
                lambda stmt: stmt.on_conflict_do_nothing(),
            )
    except DBAPIError as e:
        assert engine.dialect.name == "postgresql"
        assert "out of range" in str(e)
    with engine.connect() as conn:
        pages = conn.execute(select(_pages.c.page)).scalars().all()
    assert pages == ([] if engine.dialect.name == "postgresql" else [2**31])
