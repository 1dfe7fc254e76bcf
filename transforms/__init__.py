"""Normalisation to the national format (NATIONAL_FORMAT.md): ``normalise(raw, doc_type)``.

Input: the envelope columns, for each raw field ``f`` of ``EXTRACTED_FIELDS[doc_type]`` a text
column ``f`` and a confidence column ``conf__f`` (0..1). Output: the envelope, every national
field (None where unread or refused), ``raw__f`` for every raw field, ``conf__<national field>``
(lowered where a rule repaired or doubted the value) and ``flags`` (a list of
``{"field", "reason", "message_vi", "message_en"}`` per row).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from sohoa.national_format import (
    ENVELOPE_FIELDS,
    EXTRACTED_FIELDS,
    EXTRACTED_TABLES,
    HOUSEHOLD_MEMBER_FIELDS,
    LAND_HOLDER_FIELDS,
    LAND_VERTEX_FIELDS,
    NATIONAL_FIELDS,
)
from transforms import birth, death, household, land, marriage
from transforms.flags import FlagCollector

log = logging.getLogger(__name__)

_MAPPERS: dict[str, tuple[Callable, dict[str, str]]] = {
    birth.DOC_TYPE: (birth.map_birth, birth.SOURCES),
    marriage.DOC_TYPE: (marriage.map_marriage, marriage.SOURCES),
    death.DOC_TYPE: (death.map_death, death.SOURCES),
    household.DOC_TYPE: (household.map_household, household.SOURCES),
}

# Table hooks: (doc_type, table of EXTRACTED_TABLES[doc_type]) → (mapper, sources, row fields).
# ``mapper(rows, parent) -> (columns, FlagCollector)`` gets the table exploded one row per table
# row (raw text columns of EXTRACTED_TABLES[doc_type][table] plus ``_parent``, the position of
# the record in the batch, and ``_row``, the row's position in its table) and the normalised
# record-level frame (positionally aligned with ``_parent``); ``sources`` maps a national row
# field to the raw cell whose confidence it inherits; ``row fields`` are the national fields of
# one row, in order. The land certificate registers ("land_certificate", "holders") with
# LAND_HOLDER_FIELDS and ("land_certificate", "vertices") with LAND_VERTEX_FIELDS the same way.
_TABLE_MAPPERS: dict[tuple[str, str], tuple[Callable, dict[str, str], tuple[str, ...]]] = {
    (household.DOC_TYPE, household.TABLE): (
        household.map_members,
        household.MEMBER_SOURCES,
        HOUSEHOLD_MEMBER_FIELDS,
    ),
}
_MAPPERS[land.DOC_TYPE] = (land.map_land, land.SOURCES)
_TABLE_MAPPERS |= {
    (land.DOC_TYPE, "holders"): (land.map_holders, land.HOLDER_SOURCES, LAND_HOLDER_FIELDS),
    (land.DOC_TYPE, "vertices"): (land.map_vertices, land.VERTEX_SOURCES, LAND_VERTEX_FIELDS),
}


def supports(doc_type: str | None) -> bool:
    """Whether ``normalise`` knows this record type yet."""
    return doc_type in _MAPPERS


def _as_text(col: pd.Series) -> pd.Series:
    """Raw text column as object dtype with None for missing/empty values."""
    s = col.astype(object)
    return s.where(s.notna() & s.astype(str).str.strip().ne(""), None)


def normalise(raw: pd.DataFrame, doc_type: str) -> pd.DataFrame:
    """Raw OCR text of one record type → national-format DataFrame (same index as ``raw``)."""
    if doc_type not in _MAPPERS:
        raise ValueError(f"no normalisation for record type {doc_type!r} yet")
    mapper, sources = _MAPPERS[doc_type]
    raw_fields = EXTRACTED_FIELDS[doc_type]
    missing = [f for f in raw_fields if f not in raw.columns]
    if missing:
        log.debug("raw columns missing (treated as unread): %s", missing)
    text = pd.DataFrame(
        {f: _as_text(raw[f]) if f in raw.columns else None for f in raw_fields}, index=raw.index
    ).astype(object)
    text = text.where(text.notna(), None)
    columns, flags = mapper(text)

    out: dict[str, object] = {
        f: (raw[f] if f in raw.columns else pd.Series(None, index=raw.index, dtype=object))
        for f in ENVELOPE_FIELDS
    }
    for f in NATIONAL_FIELDS[doc_type]:
        col = columns.get(f)
        out[f] = pd.Series(None, index=raw.index, dtype=object) if col is None else col
    factors = flags.confidence_factors()
    for f in NATIONAL_FIELDS[doc_type]:
        src = sources.get(f)
        conf_col = f"conf__{src}" if src else None
        base = (
            pd.to_numeric(raw[conf_col], errors="coerce").to_numpy(dtype=float)
            if conf_col in raw.columns
            else np.full(len(raw), np.nan)
        )
        out[f"conf__{f}"] = pd.Series(base * factors.get(f, 1.0), index=raw.index)
    for f in raw_fields:
        out[f"raw__{f}"] = text[f]
    out["flags"] = pd.Series(flags.to_lists(), index=raw.index, dtype=object)
    result = pd.DataFrame(out, index=raw.index)
    for table in EXTRACTED_TABLES.get(doc_type, {}):
        if (doc_type, table) in _TABLE_MAPPERS:
            normalise_table(raw, result, doc_type, table)
    if "doc_type" in result:
        result["doc_type"] = result["doc_type"].fillna(doc_type)
    return result


def _plain_cell(value: object) -> object:
    """A JSON-safe cell: pandas/numpy missing values → None, numpy scalars → Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def explode_table(raw: pd.DataFrame, table: str, fields: tuple[str, ...]) -> pd.DataFrame:
    """Cells of list-of-row-dict column ``table`` as one frame row per table row.

    Columns: ``_parent`` (position of the record in ``raw``), ``_row`` (position of the row in
    its table), each of ``fields`` (text, None when unread) and ``conf__<field>`` (0..1, from the
    ``conf__<table>`` list of dicts when present).
    """
    cells = raw[table] if table in raw.columns else pd.Series([None] * len(raw), dtype=object)
    confs = raw[f"conf__{table}"] if f"conf__{table}" in raw.columns else None
    records: list[dict[str, object]] = []
    for p, rows in enumerate(cells.tolist()):
        if not isinstance(rows, list):
            continue
        conf_rows = confs.iloc[p] if confs is not None else None
        for i, row in enumerate(rows):
            row = row or {}
            conf = conf_rows[i] if isinstance(conf_rows, list) and i < len(conf_rows) else {}
            rec: dict[str, object] = {"_parent": p, "_row": i}
            for f in fields:
                v = row.get(f)
                rec[f] = v if isinstance(v, str) and v.strip() else None
                rec[f"conf__{f}"] = float((conf or {}).get(f) or 0.0)
            records.append(rec)
    columns = ["_parent", "_row", *fields, *(f"conf__{f}" for f in fields)]
    frame = pd.DataFrame(records, columns=columns)
    frame[list(fields)] = frame[list(fields)].astype(object)
    frame[["_parent", "_row"]] = frame[["_parent", "_row"]].astype(int)
    return frame


def normalise_table(raw: pd.DataFrame, result: pd.DataFrame, doc_type: str, table: str) -> None:
    """Normalise table ``table`` of every record of ``result`` in place (see ``_TABLE_MAPPERS``).

    Sets ``result[table]`` (per record a list of national-format row dicts with exactly the
    registered row fields), ``raw__<table>`` (the raw cells), ``conf__<table>`` (a list of
    {field: confidence} dicts) and appends the rows' flags to ``result["flags"]`` with the row
    named in the field: ``members[2].date_of_birth`` (``[i]`` is the row's position in the list).
    """
    mapper, sources, row_fields = _TABLE_MAPPERS[(doc_type, table)]
    raw_fields = EXTRACTED_TABLES[doc_type][table]
    rows = explode_table(raw, table, raw_fields)
    n = len(result)
    nested: list[list[dict]] = [[] for _ in range(n)]
    nested_raw: list[list[dict]] = [[] for _ in range(n)]
    nested_conf: list[list[dict]] = [[] for _ in range(n)]
    if len(rows):
        text = rows[list(raw_fields)].apply(_as_text)
        parent = result.reset_index(drop=True)
        columns, flags = mapper(pd.concat([rows[["_parent", "_row"]], text], axis=1), parent)
        factors = flags.confidence_factors()
        values = {
            f: (columns[f] if f in columns else pd.Series(None, index=rows.index, dtype=object))
            for f in row_fields
        }
        conf = {}
        for f in row_fields:
            src = sources.get(f)
            base = rows[f"conf__{src}"].to_numpy(float) if src else np.full(len(rows), np.nan)
            conf[f] = base * factors.get(f, 1.0)
        row_flags = flags.to_lists()
        parents = rows["_parent"].to_numpy()
        positions = rows["_row"].to_numpy()
        value_lists = {f: values[f].tolist() for f in row_fields}
        text_lists = {f: text[f].tolist() for f in raw_fields}
        for k in range(len(rows)):
            p = int(parents[k])
            nested[p].append({f: _plain_cell(value_lists[f][k]) for f in row_fields})
            nested_raw[p].append({f: text_lists[f][k] for f in raw_fields})
            nested_conf[p].append(
                {f: (None if np.isnan(conf[f][k]) else round(float(conf[f][k]), 4))
                 for f in row_fields}
            )  # fmt: skip
            for flag in row_flags[k]:
                named = dict(flag)
                named["field"] = f"{table}[{int(positions[k])}].{flag['field']}"
                result["flags"].iloc[p].append(named)
    result[table] = pd.Series(nested, index=result.index, dtype=object)
    result[f"raw__{table}"] = pd.Series(nested_raw, index=result.index, dtype=object)
    result[f"conf__{table}"] = pd.Series(nested_conf, index=result.index, dtype=object)


__all__ = ["FlagCollector", "explode_table", "normalise", "normalise_table"]
