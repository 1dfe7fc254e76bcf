"""Normalisation to the national format (NATIONAL_FORMAT.md): ``normalise(raw, doc_type)``.

Input: the envelope columns, for each raw field ``f`` of ``EXTRACTED_FIELDS[doc_type]`` a text
column ``f`` and a confidence column ``conf__f`` (0..1). Output: the envelope, every national
field (None where unread or refused), ``raw__f`` for every raw field, ``conf__<national field>``
(lowered where a rule repaired or doubted the value) and ``flags`` (a list of
``{"field", "reason", "message_vi", "message_en"}`` per row).
"""

from __future__ import annotations

import itertools
import logging
import operator
from collections.abc import Callable

import numpy as np
import pandas as pd

from sohoa.confidence import scale_odds
from sohoa.national_format import (
    ENVELOPE_FIELDS,
    EXTRACTED_FIELDS,
    EXTRACTED_TABLES,
    HOUSEHOLD_MEMBER_FIELDS,
    LAND_HOLDER_FIELDS,
    LAND_VERTEX_FIELDS,
    NATIONAL_FIELDS,
)
from sohoa.settings import get_settings
from transforms import birth, death, household, land, marriage
from transforms.authorities import mend_authority_column
from transforms.flags import FlagCollector
from transforms.gc_pause import gc_paused
from transforms.place_marks import tidy_place_marks_column
from transforms.place_names import is_place_field, mend_place_column
from transforms.text import map_unique

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


def field_sources(doc_type: str) -> dict[str, str]:
    """National field → the raw field it is read from, for one record type's fields (its
    tables' fields aside)."""
    return dict(_MAPPERS[doc_type][1])


def supports(doc_type: str | None) -> bool:
    """Whether ``normalise`` knows this record type yet."""
    return doc_type in _MAPPERS


def _as_text(col: pd.Series) -> pd.Series:
    """Raw text column as object dtype with None for missing/empty values."""
    return map_unique(col.astype(object), lambda v: v if str(v).strip() else None)


@gc_paused()
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
    mended, mended_fields = _mend_places(text)
    columns, flags = mapper(mended)
    _flag_mended(flags, text, mended_fields)
    _flag_read_doubts(flags, raw, sources, text)

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
        out[f"conf__{f}"] = pd.Series(scale_odds(base, factors.get(f, 1.0)), index=raw.index)
        if src and f"box__{src}" in raw.columns:  # where on the page the value was read
            out[f"box__{f}"] = raw[f"box__{src}"]
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


def _flag_read_doubts(
    flags: FlagCollector, raw: pd.DataFrame, sources: dict[str, str], text: pd.DataFrame
) -> None:
    """A flag on each national field whose raw reading extraction doubted (``read_doubts``)."""
    if "read_doubts" not in raw.columns:
        return
    doubts = [d if isinstance(d, list) else [] for d in raw["read_doubts"]]
    for national, source in sources.items():
        reasons = pd.Series(
            [next((d["reason"] for d in ds if d.get("field") == source), None) for ds in doubts],
            index=raw.index,
            dtype=object,
        )
        flags.add_reasons(reasons, national, text.get(source))


def _mend_places(
    text: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, tuple[pd.Series, pd.Series, pd.Series]]]:
    """``text`` with an authority's body mended (``transforms.authorities``), stray marks
    dropped (``transforms.place_marks``) and misread unit names mended
    (``transforms.place_names``) in its place fields and, per place field, which rows had each
    done. ``text`` itself stays as read (``raw__``)."""
    home = get_settings().home_province_code
    mended, changed = text.copy(), {}
    for f in [c for c in text.columns if is_place_field(c)]:
        read, body = text[f], pd.Series(False, index=text.index)
        if f.endswith("authority_text"):
            read, body = mend_authority_column(read)
        tidied, marks = tidy_place_marks_column(read)
        mended[f], names = mend_place_column(tidied, home)
        # where mending the text as read comes to the same (a colon inside a misread name
        # went with the name), the marks were no finding of their own
        if marks.any():  # the usual case has none: no second mending
            as_before, names_before = mend_place_column(read, home)
            same = np.asarray(as_before.astype(object) == mended[f].astype(object))
            marks, names = marks & ~same, names.where(~same, names_before)
        changed[f] = (body, marks, names)
    return mended, changed


def _flag_mended(
    flags: FlagCollector,
    text: pd.DataFrame,
    changed: dict[str, tuple[pd.Series, pd.Series, pd.Series]],
) -> None:
    for f, (body, marks, names) in changed.items():
        flags.add(body, f, "authority_body_mended", text[f])
        flags.add(marks, f, "place_marks_tidied", text[f])
        flags.add(names, f, "place_name_mended", text[f])


def _plain_cell(value: object) -> object:
    """A JSON-safe cell: pandas/numpy missing values → None, numpy scalars → Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def flat_rows(cells: pd.Series) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """(row dicts of every list cell in order, position of each row's record, row position)."""
    lists = [rows if isinstance(rows, list) else [] for rows in cells.tolist()]
    counts = np.fromiter((len(rows) for rows in lists), dtype=np.int64, count=len(lists))
    flat = [row or {} for rows in lists for row in rows]
    parents = np.repeat(np.arange(len(lists)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return flat, parents, np.arange(len(flat)) - starts


def row_values(rows: list[dict], keys: tuple[str, ...]) -> list[tuple]:
    """Each row's values of ``keys`` as a tuple, None where a row lacks a key."""
    if len(keys) > 1:
        try:  # the usual case, every row holds every key: one C call per row
            return list(map(operator.itemgetter(*keys), rows))
        except (KeyError, TypeError):
            pass
    return [tuple(map(row.get, keys)) for row in rows]


def _floats(values: list[tuple], width: int) -> np.ndarray:
    """Equal-length tuples of numbers as a 2-D float array (None → nan)."""
    try:  # plain numbers (the usual case): no per-tuple shape discovery
        flat = itertools.chain.from_iterable(values)
        return np.fromiter(flat, dtype=float, count=len(values) * width).reshape(-1, width)
    except (TypeError, ValueError):
        return np.array(values, dtype=float)


def explode_table(raw: pd.DataFrame, table: str, fields: tuple[str, ...]) -> pd.DataFrame:
    """Cells of list-of-row-dict column ``table`` as one frame row per table row.

    Columns: ``_parent`` (position of the record in ``raw``), ``_row`` (position of the row in
    its table), each of ``fields`` (text, None when unread) and ``conf__<field>`` (0..1, from the
    ``conf__<table>`` list of dicts when present).
    """
    cells = raw[table] if table in raw.columns else pd.Series([None] * len(raw), dtype=object)
    flat, parents, positions = flat_rows(cells)
    n = len(flat)
    # one pass over each row dict (their memory is scattered), then columns by slicing
    texts = np.empty((n, len(fields)), dtype=object)
    confs = np.zeros((n, len(fields)), dtype=float)
    if n:
        texts[:] = row_values(flat, fields)
        texts[_blank(texts.ravel()).reshape(texts.shape)] = None
        if f"conf__{table}" in raw.columns:
            # a record's confidences line up with its rows; a missing or short list gives 0.0
            conf_cells = raw[f"conf__{table}"].tolist()
            conf_flat = [
                (c[i] or {}) if isinstance(c := conf_cells[p], list) and i < len(c) else {}
                for p, i in zip(parents.tolist(), positions.tolist(), strict=True)
            ]
            read = _floats(row_values(conf_flat, fields), len(fields))
            confs = np.nan_to_num(read, nan=0.0)
    frame: dict[str, object] = {"_parent": parents.astype(int), "_row": positions.astype(int)}
    for j, f in enumerate(fields):
        frame[f] = pd.Series(texts[:, j], dtype=object)
    for j, f in enumerate(fields):
        frame[f"conf__{f}"] = confs[:, j]
    columns = ["_parent", "_row", *fields, *(f"conf__{f}" for f in fields)]
    return pd.DataFrame(frame, columns=columns)


def _blank(cells: np.ndarray) -> np.ndarray:
    """Mask of the cells that hold no text (None, not a string, only white space)."""
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # an unhashable cell (a list where text belongs): judge cell by cell
        return np.fromiter((type(v) is not str or not v.strip() for v in cells), bool, len(cells))
    blank = np.array([type(v) is not str or not v.strip() for v in uniques] + [True], dtype=bool)
    return blank[codes]


_PLAIN_TYPES = frozenset({str, int, bool})  # cells that ``_plain_cell`` returns as they are


def _plain_column(col: pd.Series) -> list:
    """A column as JSON-safe Python values: missing → None, numpy scalars → Python ones."""
    if col.dtype == object:
        return [v if v is None or type(v) in _PLAIN_TYPES else _plain_cell(v) for v in col.tolist()]
    if col.dtype.kind in "biu":  # integers and booleans (Int64 too): no NaN among the values
        return col.to_numpy(dtype=object, na_value=None).tolist()
    values = col.astype(object).tolist()  # Python ints/floats/bools; pd.NA or nan when missing
    return [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]


def _rows_of(columns: dict[str, list], names: tuple[str, ...]) -> list[dict]:
    """Column lists → one dict per row with keys ``names`` (in that order)."""
    lists = [columns[f] for f in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


def _group(rows: list, parents: np.ndarray, n: int) -> list[list]:
    """Rows ordered by parent → one list per parent position ``0..n-1``."""
    bounds = np.searchsorted(parents, np.arange(n + 1)).tolist()
    return [rows[bounds[p] : bounds[p + 1]] for p in range(n)]


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
        text = rows[list(raw_fields)]  # explode_table made them text or None
        parent = result.reset_index(drop=True)
        mended, mended_fields = _mend_places(text)
        columns, flags = mapper(pd.concat([rows[["_parent", "_row"]], mended], axis=1), parent)
        _flag_mended(flags, text, mended_fields)
        factors = flags.confidence_factors()
        empty = [None] * len(rows)
        values = {f: _plain_column(columns[f]) if f in columns else empty for f in row_fields}
        texts = {f: text[f].tolist() for f in raw_fields}
        confs = {}
        parents = rows["_parent"].to_numpy()
        for f in row_fields:
            src = sources.get(f)
            if src:
                base = rows[f"conf__{src}"].to_numpy(float)
            elif f"conf__{f}" in result.columns:  # copied from the record (a member's book)
                base = result[f"conf__{f}"].to_numpy(float)[parents]
            else:
                base = np.full(len(rows), np.nan)
            rounded = np.round(scale_odds(base, factors.get(f, 1.0)), 4)
            cells = rounded.astype(object)  # Python floats
            cells[np.isnan(rounded)] = None
            confs[f] = cells.tolist()
        nested = _group(_rows_of(values, row_fields), parents, n)
        nested_raw = _group(_rows_of(texts, raw_fields), parents, n)
        nested_conf = _group(_rows_of(confs, row_fields), parents, n)
        positions = rows["_row"].to_numpy()
        record_flags = result["flags"].tolist()
        for k, row_flags in flags.flagged_rows():
            p = int(parents[k])
            for flag in row_flags:
                flag["field"] = f"{table}[{int(positions[k])}].{flag['field']}"
                record_flags[p].append(flag)
    result[table] = pd.Series(nested, index=result.index, dtype=object)
    result[f"raw__{table}"] = pd.Series(nested_raw, index=result.index, dtype=object)
    result[f"conf__{table}"] = pd.Series(nested_conf, index=result.index, dtype=object)


__all__ = [
    "FlagCollector",
    "explode_table",
    "flat_rows",
    "normalise",
    "normalise_table",
    "row_values",
]
