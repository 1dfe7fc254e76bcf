"""Reconciliation on the national-format database, on SQLite and PostgreSQL (``engine`` fixture
of ``tests/registry/conftest.py``), and Splink's PostgreSQL backend against DuckDB."""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine

from registry.models import (
    Batch,
    HouseholdBook,
    HouseholdMember,
    NationalResident,
    Page,
    ReconciliationResult,
    SourceFile,
)
from registry.reconcile import load_national_csv, reconcile, run_database_reconciliation
from registry.reconcile.linkage import postgres_api
from sample_scans import national as generator

pytestmark = pytest.mark.integration  # Splink on DuckDB; PostgreSQL for the postgresql params


@pytest.fixture(scope="module")
def data() -> tuple[list[dict], list[dict], list[dict]]:
    return generator.build(n_people=900, n_entries=300, seed=4)


def write_national_csv(rows: list[dict], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=generator.NATIONAL_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def insert_books(engine: Engine, paper: list[dict], struck_entry: str | None = None) -> None:
    """The paper entries as household pages: one page and book record per book number."""
    sha = hashlib.sha256(b"household-scans").hexdigest()
    books: dict[str, list[dict]] = {}
    for row in paper:
        books.setdefault(row["household_book_number"], []).append(row)
    with engine.begin() as conn:
        conn.execute(insert(Batch), [{"batch_id": "B1", "doc_type": "household_registration"}])
        conn.execute(insert(SourceFile), [{"sha256": sha, "original_path": "hk.pdf"}])
        conn.execute(
            insert(Page), [{"source_sha256": sha, "page": i + 1} for i in range(len(books))]
        )
        for page, (number, rows) in enumerate(books.items(), start=1):
            record_id = f"rec-{page:05d}-{number}"
            envelope = {"source_sha256": sha, "page": page, "run_id": "r0"}
            code = rows[0]["address_commune_code"] or None
            conn.execute(
                insert(HouseholdBook),
                [{"record_id": record_id, **envelope, "batch_id": "B1", "rules_version": "t",
                  "ocr_engine": "t", "status": "auto_accepted", "household_book_number": number,
                  "address_text": rows[0]["address_text"], "address_commune_code": code,
                  "address_commune_code_scheme": "2025" if code else None}],
            )  # fmt: skip
            conn.execute(
                insert(HouseholdMember),
                [
                    {"record_id": record_id, "member_index": k, **envelope,
                     "last_seen_run_id": "r0", "household_book_number": number,
                     "full_name": r["full_name"] or None,
                     "sex": int(r["sex"]) if r["sex"] else None,
                     "date_of_birth": r["date_of_birth"] or None,
                     "id_number": r["id_number"] or None,
                     "relationship_to_head": r["relationship_to_head"] or None,
                     "struck_out": r["entry_id"] == struck_entry}
                    for k, r in enumerate(rows, start=1)
                ],
            )  # fmt: skip


def test_national_snapshot_loads_and_replaces(engine, data, tmp_path):
    nat = data[0]
    assert load_national_csv(engine, write_national_csv(nat, tmp_path / "n.csv")) == len(nat)
    assert load_national_csv(engine, write_national_csv(nat[:50], tmp_path / "n2.csv")) == 50
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(NationalResident)).scalar() == 50
        scheme = conn.execute(select(NationalResident.__table__.c.address_commune_code_scheme))
        assert set(scheme.scalars()) == {"2025"}


def test_database_reconciliation_writes_one_row_per_entry(engine, data, tmp_path):
    nat, paper, _ = data
    load_national_csv(engine, write_national_csv(nat, tmp_path / "n.csv"))
    struck = paper[0]["entry_id"]
    insert_books(engine, paper, struck_entry=struck)

    summary = run_database_reconciliation(engine, run_id="run-1")
    assert summary["run_id"] == "run-1"
    assert summary["skipped_struck_out"] == 1
    assert summary["entries"] == len(paper) - 1
    assert summary["national_residents"] == len(nat)

    # the same engine on the same rows as frames gives the same counts per category
    frame = reconcile(pd.DataFrame(paper[1:]), pd.DataFrame(nat))
    assert summary["categories"] == frame["category"].value_counts().to_dict()

    t = ReconciliationResult.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t).where(t.c.run_id == "run-1")).mappings().all()
    assert len(rows) == summary["entries"]
    duplicates = [r for r in rows if r["duplicate_of_entry_id"]]
    assert len(duplicates) == summary["duplicates"] > 0
    assert all(r["evidence"]["category"] == "DUPLICATE_IN_PAPER" for r in duplicates)
    assert Counter(r["category"] for r in rows).keys() <= {
        "REDUNDANT",
        "CONFLICT",
        "NOT_IN_NATIONAL",
    }
    for r in rows:
        assert (r["matched_personal_id"] is None) == (r["category"] == "NOT_IN_NATIONAL")
        if r["category"] == "CONFLICT":
            assert r["differing_fields"] and r["evidence"]["differences"]

    # re-running a run id replaces its rows
    again = run_database_reconciliation(engine, run_id="run-1")
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(t)).scalar()
    assert n == again["entries"] == summary["entries"]


@pytest.fixture
def splink_pg(pg_admin: Engine) -> Iterator[Engine]:
    """A throwaway PostgreSQL database for Splink's own tables."""
    name = f"sohoa_splink_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng = create_engine(pg_admin.url.set(database=name))
    try:
        yield eng
    finally:
        eng.dispose()
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_postgres_backend_gives_the_duckdb_result(splink_pg, data):
    nat, paper, _ = data
    small_nat = pd.DataFrame(nat)
    small_paper = pd.DataFrame(paper[:120])
    on_pg = reconcile(small_paper, small_nat, db_api=postgres_api(splink_pg))
    on_duckdb = reconcile(small_paper, small_nat)
    both = on_pg.merge(on_duckdb, on="entry_id", suffixes=("_pg", "_duck"))
    assert len(both) == 120
    assert (both["category_pg"] == both["category_duck"]).all()
    assert (
        both["matched_personal_id_pg"].fillna("") == both["matched_personal_id_duck"].fillna("")
    ).all()
    diff = (both["match_probability_pg"].fillna(0) - both["match_probability_duck"].fillna(0)).abs()
    assert diff.max() < 1e-6
