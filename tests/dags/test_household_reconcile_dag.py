"""``household_reconcile`` runs the real reconciliation (``registry.reconcile``, Splink on
DuckDB) in-process over a database holding household books and a national snapshot."""

from __future__ import annotations

import csv
import hashlib

import pytest
import sqlalchemy as sa
from sqlalchemy import insert

pytestmark = pytest.mark.integration


def _fill(url: str, tmp_path) -> int:
    """A national snapshot and paper household books; returns the paper entries."""
    from registry.db import get_engine, upgrade
    from registry.models import Batch, HouseholdBook, HouseholdMember, Page, SourceFile
    from registry.reconcile import load_national_csv
    from sample_scans import national as generator

    national, paper, _ = generator.build(n_people=200, n_entries=60, seed=11)
    upgrade(url)
    engine = get_engine(url)
    snapshot = tmp_path / "national.csv"
    with snapshot.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=generator.NATIONAL_COLUMNS)
        writer.writeheader()
        writer.writerows(national)
    load_national_csv(engine, snapshot)
    sha = hashlib.sha256(b"household-book-scans").hexdigest()
    books: dict[str, list[dict]] = {}
    for row in paper:
        books.setdefault(row["household_book_number"], []).append(row)
    with engine.begin() as conn:
        conn.execute(insert(Batch), [{"batch_id": "HK", "doc_type": "household_registration"}])
        conn.execute(insert(SourceFile), [{"sha256": sha, "original_path": "hk.pdf"}])
        conn.execute(
            insert(Page), [{"source_sha256": sha, "page": i + 1} for i in range(len(books))]
        )
        for page, (number, rows) in enumerate(books.items(), start=1):
            record_id = f"hk-{page:04d}"
            envelope = {"source_sha256": sha, "page": page, "run_id": "r0"}
            conn.execute(
                insert(HouseholdBook),
                [{"record_id": record_id, **envelope, "batch_id": "HK", "rules_version": "t",
                  "ocr_engine": "t", "status": "auto_accepted", "household_book_number": number,
                  "address_text": rows[0]["address_text"]}],
            )  # fmt: skip
            conn.execute(
                insert(HouseholdMember),
                [{"record_id": record_id, "member_index": k, **envelope, "last_seen_run_id": "r0",
                  "household_book_number": number, "full_name": r["full_name"] or None,
                  "sex": int(r["sex"]) if r["sex"] else None,
                  "date_of_birth": r["date_of_birth"] or None, "id_number": r["id_number"] or None,
                  "relationship_to_head": r["relationship_to_head"] or None}
                 for k, r in enumerate(rows, start=1)],
            )  # fmt: skip
    engine.dispose()
    return len(paper)


def test_household_reconcile_dag_writes_one_result_per_entry(fresh_settings, tmp_path):
    from sohoa.airflow_local import run_dag

    url = fresh_settings.database_url
    entries = _fill(url, tmp_path)
    log = tmp_path / "airflow.log"
    assert run_dag("household_reconcile", {}, log_file=log) == "success", log.read_text()[-3000:]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        runs = conn.execute(
            sa.text("SELECT run_id, count(*) FROM reconciliation_results GROUP BY run_id")
        ).all()
    engine.dispose()
    assert len(runs) == 1
    run_id, rows = runs[0]
    assert run_id.startswith("airflow-manual__")
    assert rows == entries
