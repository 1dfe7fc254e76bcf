"""Reconciliation on the national-format database.

``load_national_csv`` replaces the ``national_residents`` snapshot; ``run_database_reconciliation``
reads ``household_members`` (with their book's address) and ``national_residents``, and writes
one ``reconciliation_results`` row per paper entry for the run.

In the database the ``category`` column holds what the entry's own link says (REDUNDANT,
CONFLICT or NOT_IN_NATIONAL: migration 0002's CHECK allows these three); an entry that is
``DUPLICATE_IN_PAPER`` has ``duplicate_of_entry_id`` set and ``evidence.category`` =
``DUPLICATE_IN_PAPER``. Entry ids are ``record_id:member_index``. Rows struck out on paper
(died, moved away) are not reconciled.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from registry.models import (
    RELATIONSHIP_CODES,
    HouseholdBook,
    HouseholdMember,
    NationalResident,
    ReconciliationResult,
)
from registry.reconcile.csvio import read_csv
from registry.reconcile.engine import reconcile
from registry.reconcile.prepare import check_columns
from sohoa.national_format import ADMIN_CODE_SCHEME

log = logging.getLogger(__name__)

_CHUNK = 10_000
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _clean(value: Any, pattern: str | None = None) -> str | None:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    if not text or (pattern and not re.fullmatch(pattern, text)):
        return None
    return text


def national_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Snapshot rows as the table's CHECKs want them; a malformed optional value is NULL."""
    check_columns(df, "national")
    rows, bad = [], 0
    for r in df.to_dict("records"):
        pid = _clean(r["personal_id"], r"\d{12}")
        if pid is None:
            bad += 1
            continue
        code = _clean(r["address_commune_code"], r"\d{5}")
        sex = _clean(r["sex"], "[012]")
        rel = _clean(r["relationship_to_head"])
        dob = _clean(r["date_of_birth"])
        rows.append(
            {
                "personal_id": pid,
                "legacy_id": _clean(r["legacy_id"], r"\d{9}"),
                "full_name": _clean(r["full_name"]),
                "sex": int(sex) if sex else None,
                "date_of_birth": dob if dob and _ISO.match(dob) else None,
                "household_id": _clean(r["household_id"]),
                "relationship_to_head": rel if rel in RELATIONSHIP_CODES else None,
                "address_commune_code": code,
                "address_commune_code_scheme": ADMIN_CODE_SCHEME if code else None,
                "address_text": _clean(r["address_text"]),
            }
        )
    if bad:
        log.warning("%d snapshot rows without a 12-digit personal_id were not loaded", bad)
    return rows


def load_national_csv(engine: Engine, path: Path | str) -> int:
    """Replace ``national_residents`` with the snapshot in ``path`` (one transaction)."""
    rows = national_rows(read_csv(Path(path), "national"))
    table = NationalResident.__table__
    with engine.begin() as conn:
        conn.execute(delete(table))
        for i in range(0, len(rows), _CHUNK):
            conn.execute(insert(table), rows[i : i + _CHUNK])
    log.info("loaded %d national residents", len(rows))
    return len(rows)


def read_paper(engine: Engine) -> tuple[pd.DataFrame, int]:
    """Household members as national-format paper entries, and how many were struck out."""
    m, b = HouseholdMember.__table__, HouseholdBook.__table__
    stmt = select(
        m.c.record_id,
        m.c.member_index,
        m.c.household_book_number,
        m.c.full_name,
        m.c.sex,
        m.c.date_of_birth,
        m.c.id_number,
        m.c.relationship_to_head,
        m.c.struck_out,
        b.c.address_text,
        b.c.address_commune_code,
    ).join(b, b.c.record_id == m.c.record_id)
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=["entry_id", *df.columns]), 0
    struck = df["struck_out"].fillna(False).astype(bool)
    df = df[~struck].copy()
    df["entry_id"] = df["record_id"] + ":" + df["member_index"].astype(str)
    # a member row whose book number was not read is its own book
    df["household_book_number"] = df["household_book_number"].fillna("record:" + df["record_id"])
    df["sex"] = df["sex"].astype("Int64").astype(str).replace("<NA>", "")
    return df.astype(object).where(df.notna(), None), int(struck.sum())


def read_national(engine: Engine) -> pd.DataFrame:
    t = NationalResident.__table__
    cols = [c for c in t.c if c.name not in ("loaded_at", "address_commune_code_scheme")]
    with engine.connect() as conn:
        df = pd.DataFrame(
            conn.execute(select(*cols)).mappings().all(), columns=[c.name for c in cols]
        )
    df["sex"] = df["sex"].astype("Int64").astype(str).replace("<NA>", "")
    return df


def run_database_reconciliation(
    engine: Engine, run_id: str | None = None, *, db_api: Any = None
) -> dict[str, Any]:
    """Reconcile every paper household member against ``national_residents``; write one
    ``reconciliation_results`` row per entry under ``run_id`` (re-running a run id replaces its
    rows). Returns a summary: run_id, entries, categories, duplicates, skipped_struck_out."""
    run_id = run_id or f"reconcile-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    paper, struck = read_paper(engine)
    national = read_national(engine)
    table = ReconciliationResult.__table__
    result = reconcile(paper, national, db_api=db_api) if len(paper) else None
    rows = []
    if result is not None:
        for r in result.itertuples(index=False):
            evidence = dict(r.evidence)
            evidence["category"] = r.category
            prob = None if pd.isna(r.match_probability) else float(r.match_probability)
            rows.append(
                {
                    "run_id": run_id,
                    "entry_id": r.entry_id,
                    "category": r.link_category,
                    "matched_personal_id": r.matched_personal_id
                    if isinstance(r.matched_personal_id, str)
                    else None,
                    "match_probability": None if prob is None else min(1.0, max(0.0, prob)),
                    "differing_fields": list(r.differing_fields),
                    "duplicate_of_entry_id": r.duplicate_of_entry_id
                    if isinstance(r.duplicate_of_entry_id, str)
                    else None,
                    "evidence": evidence,
                }
            )
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.run_id == run_id))
        for i in range(0, len(rows), _CHUNK):
            conn.execute(insert(table), rows[i : i + _CHUNK])
    categories = {} if result is None else result["category"].value_counts().to_dict()
    summary = {
        "run_id": run_id,
        "entries": len(rows),
        "national_residents": len(national),
        "categories": {k: int(v) for k, v in categories.items()},
        "duplicates": int(categories.get("DUPLICATE_IN_PAPER", 0)),
        "skipped_struck_out": struck,
    }
    log.info("reconciliation %s: %s", run_id, summary)
    return summary
