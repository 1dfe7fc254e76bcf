"""Export national-format records of a commune or batch (``sohoa export`` calls this).

``export_records(engine, doc_type, *, commune_code=None, batch_id=None, fmt, out)``:

- ``jsonl``: one JSON object per record (``out`` is a file): the envelope, every national field,
  ``status``; nested lists (``members``, ``holders``, ``vertices``) as lists of objects.
- ``csv`` / ``parquet``: one file per table in the folder ``out``: ``<doc_type>.<ext>`` for the
  records and ``<doc_type>.<list>.<ext>`` for each nested list (joined on ``record_id``).

The commune filter applies to the record's own commune code (registration, address or parcel
commune), in the 2025 scheme. Returns the number of records written.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from registry.errors import LoadInputError
from registry.models import NESTED_TABLES, RECORD_TABLES
from sohoa.national_format import NATIONAL_FIELDS

log = logging.getLogger(__name__)

FORMATS = ("csv", "parquet", "jsonl")
_COMMUNE_COLUMN = {
    "birth_registration": "registration_commune_code",
    "marriage_registration": "registration_commune_code",
    "death_registration": "registration_commune_code",
    "household_registration": "address_commune_code",
    "land_certificate": "parcel_commune_code",
}
_ENVELOPE = ("record_id", "source_sha256", "page", "batch_id", "status")


def export_records(
    engine: Engine,
    doc_type: str,
    *,
    commune_code: str | None = None,
    batch_id: str | None = None,
    fmt: str = "csv",
    out: str | Path,
) -> int:
    if doc_type not in RECORD_TABLES or fmt not in FORMATS:
        raise LoadInputError([f"cannot export {doc_type!r} as {fmt!r} (formats: {FORMATS})"])
    table = RECORD_TABLES[doc_type].__table__
    nested = NESTED_TABLES.get(doc_type, {})
    flat = [f for f in NATIONAL_FIELDS[doc_type] if f not in nested]
    stmt = select(*(table.c[c] for c in (*_ENVELOPE, *flat))).order_by(table.c.record_id)
    if batch_id is not None:
        stmt = stmt.where(table.c.batch_id == batch_id)
    if commune_code is not None:
        stmt = stmt.where(table.c[_COMMUNE_COLUMN[doc_type]] == commune_code)
    with engine.connect() as conn:
        records = pd.DataFrame(
            [dict(r) for r in conn.execute(stmt).mappings()], columns=[*_ENVELOPE, *flat]
        )
        records.insert(1, "doc_type", doc_type)
        children: dict[str, pd.DataFrame] = {}
        ids = records["record_id"].tolist()
        for name, (model, index, fields) in nested.items():
            t = model.__table__
            cols = ["record_id", index, *(f for f in fields if f != index)]
            rows: list[dict[str, Any]] = []
            for start in range(0, len(ids), 500):
                q = select(*(t.c[c] for c in cols)).where(
                    t.c.record_id.in_(ids[start : start + 500])
                )
                rows.extend(
                    dict(r) for r in conn.execute(q.order_by(t.c.record_id, t.c[index])).mappings()
                )
            children[name] = pd.DataFrame(rows, columns=cols)
    out = Path(out)
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        grouped = {
            name: {rid: g.drop(columns="record_id") for rid, g in df.groupby("record_id")}
            for name, df in children.items()
        }
        with out.open("w", encoding="utf-8") as fh:
            for rec in records.astype(object).where(records.notna(), None).to_dict("records"):
                for name in nested:
                    g = grouped[name].get(rec["record_id"])
                    rec[name] = [] if g is None else _plain(g)
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        out.mkdir(parents=True, exist_ok=True)
        tables = {doc_type: records, **{f"{doc_type}.{n}": df for n, df in children.items()}}
        for stem, df in tables.items():
            if fmt == "csv":
                df.to_csv(out / f"{stem}.csv", index=False)
            else:
                df.to_parquet(out / f"{stem}.parquet", index=False)
    log.info("exported %d %s records to %s (%s)", len(records), doc_type, out, fmt)
    return len(records)


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
