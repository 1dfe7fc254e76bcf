"""Conversions between the stages' shapes: page extractions → raw frame → JSON records.

The raw frame is what ``transforms.normalise`` takes: the envelope, one column per raw field,
``conf__<field>`` and ``box__<field>``, and ``read_doubts`` (per record, the readings extraction
itself doubts: ``{"field": raw field, "reason": code}``). The JSON record is the line
``sohoa extract`` writes (DESIGN.md, command line contract).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from sohoa.national_format import (
    ENVELOPE_FIELDS,
    EXTRACTED_FIELDS,
    EXTRACTED_TABLES,
    NATIONAL_FIELDS,
)
from sohoa.types import PageExtraction


def make_record_id(source_sha256: str, page: int, index_on_page: int = 0) -> str:
    """Stable record id: the same page of the same scan always gives the same id."""
    digest = hashlib.sha256(f"{source_sha256}:{page}:{index_on_page}".encode()).hexdigest()
    return digest[:24]


def extractions_to_frame(
    extractions: Iterable[PageExtraction], doc_type: str, batch_id: str | None = None
) -> pd.DataFrame:
    """One row per readable page of ``doc_type``, in the shape ``transforms.normalise`` takes.

    A table (household members, land holders and vertices) is one cell holding a list of row
    dicts (raw field → text), with ``conf__<table>`` and ``box__<table>`` lists beside it."""
    raw_fields = EXTRACTED_FIELDS[doc_type]
    tables = tuple(EXTRACTED_TABLES.get(doc_type, {}))
    rows: list[dict[str, Any]] = []
    for ex in extractions:
        if ex.status != "ok" or ex.doc_type != doc_type:
            continue
        row: dict[str, Any] = {
            "record_id": make_record_id(ex.source_sha256, ex.page),
            "doc_type": doc_type,
            "source_file": ex.source_file,
            "source_sha256": ex.source_sha256,
            "page": ex.page,
            "batch_id": batch_id,
        }
        for name in raw_fields:
            reading = ex.fields.get(name)
            row[name] = reading.value_text if reading else None
            row[f"conf__{name}"] = float(reading.confidence) if reading else 0.0
            row[f"box__{name}"] = list(reading.box) if reading and reading.box else None
        # what extraction knows against a reading (two readings disagreed …): reason codes
        row["read_doubts"] = [
            {"field": name, "reason": r.doubt}
            for name in raw_fields
            if (r := ex.fields.get(name)) is not None and r.doubt
        ]
        for table in tables:
            table_rows = ex.tables.get(table, [])
            row[table] = [{k: r.value_text for k, r in tr.items()} for tr in table_rows]
            row[f"conf__{table}"] = [
                {k: float(r.confidence) for k, r in tr.items()} for tr in table_rows
            ]
            row[f"box__{table}"] = [
                {k: list(r.box) if r.box else None for k, r in tr.items()} for tr in table_rows
            ]
        rows.append(row)
    columns = [
        *ENVELOPE_FIELDS,
        *(c for name in (*raw_fields, *tables) for c in (name, f"conf__{name}", f"box__{name}")),
        "read_doubts",
    ]
    return pd.DataFrame(rows, columns=columns)


def _plain(value: Any) -> Any:
    """A JSON-safe scalar: pandas/numpy missing values become None, numpy numbers Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value


def _confidence(value: Any) -> Any:
    """A field's confidence as JSON: a number, or per row a dict of numbers for a table."""
    if isinstance(value, list):
        return [{k: round(float(_plain(v) or 0.0), 3) for k, v in row.items()} for row in value]
    return round(float(_plain(value) or 0.0), 3)


def _nested(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: _plain(v) for k, v in row.items()} for row in value]
    return _plain(value)


def frame_to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Normalised, validated and routed rows → the JSON records of ``sohoa extract``.
    Tables (members, holders, vertices) nest as lists of row objects, their confidences and
    raw text likewise."""
    records = []
    for row in df.to_dict(orient="records"):
        doc_type = row["doc_type"]
        national = NATIONAL_FIELDS[doc_type]
        raw_names = (*EXTRACTED_FIELDS.get(doc_type, ()), *EXTRACTED_TABLES.get(doc_type, {}))
        records.append(
            {
                "record_id": row["record_id"],
                "doc_type": doc_type,
                "source_file": row["source_file"],
                "source_sha256": row["source_sha256"],
                "page": int(row["page"]),
                "batch_id": _plain(row.get("batch_id")),
                "fields": {f: _nested(row.get(f)) for f in national},
                "confidence": {f: _confidence(row.get(f"conf__{f}")) for f in national},
                "raw": {f: _nested(row.get(f"raw__{f}")) for f in raw_names if f"raw__{f}" in row},
                "flags": list(row.get("flags") or []),
                "status": row.get("status", "needs_review"),
            }
        )
    return records


def unreadable_page_record(ex: PageExtraction) -> dict[str, Any]:
    """The JSON line for a page that could not be read, with the reason for people."""
    return {
        "record_id": make_record_id(ex.source_sha256, ex.page) if ex.source_sha256 else None,
        "doc_type": ex.doc_type,
        "source_file": ex.source_file,
        "source_sha256": ex.source_sha256 or None,
        "page": ex.page,
        "fields": None,
        "flags": [{"field": None, "reason": ex.reason, "message": ex.message}],
        "status": "rejected" if ex.status == "failed" else ex.status,
    }
