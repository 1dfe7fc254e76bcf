"""Route each record: ``auto_accepted`` or ``needs_review``, plus a deterministic audit sample.

A record needs review when any of its fields has a confidence below
``settings.review_confidence_threshold`` (fields with no value are not counted; in a table,
every cell with a value counts), when its table's row numbers have a gap (a row was not read)
or do not rise down the table (one was misread, or rows paired wrongly), or a table that always
has rows (members, holders) has none,
or when it carries a flag that is more than a doubt (an expectation failed, a value was refused
or contradicts another). A doubt (``transforms.flags.DOUBTS``: a value mended or guessed from a
list) has already lowered its field's confidence by a factor fitted on generator pages, so it
counts through the threshold; an auto-accepted record does not keep its doubts as flags (a
stored flag is an open question for a reviewer), its confidences still show them. Of the rest,
``settings.audit_sample_share`` is sent to review anyway with reason ``audit_sample``; the
choice is a hash of the ``record_id``, so re-running a batch picks the same records.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from sohoa.settings import Settings
from transforms.flags import forces_review, make_flag


def _audit_draw(record_ids: pd.Series) -> np.ndarray:
    """A number in [0, 1) per record, fixed by its id (SHA-256, not Python's salted hash)."""
    ids = record_ids.astype(str)
    uniq = ids.unique()
    draw = {u: int.from_bytes(hashlib.sha256(u.encode()).digest()[:8], "big") / 2**64 for u in uniq}
    return ids.map(draw).to_numpy(dtype=float)


# A table's printed row number: members are numbered 1, 2, 3…, parcel vertices too.
TABLE_ROW_KEYS = {"members": "member_index", "holders": None, "vertices": "point"}
# Tables that always hold a row (a book has its head; a certificate its holder); a sketch
# may have no vertex table.
TABLES_NEVER_EMPTY = ("members", "holders")


def _lowest_cell_confidence(df: pd.DataFrame, table: str) -> np.ndarray:
    """Per record, the lowest confidence of a table cell that holds a value (1.0 if none)."""
    tables = df[table] if table in df.columns else pd.Series([None] * len(df), index=df.index)
    lowest = np.ones(len(df))
    for i, (rows, confs) in enumerate(zip(tables, df[f"conf__{table}"], strict=True)):
        if not isinstance(rows, list) or not isinstance(confs, list):
            continue
        cells = [
            c
            for row, conf in zip(rows, confs, strict=False)
            for name, c in (conf or {}).items()
            if c is not None and c == c and (row or {}).get(name) is not None
        ]
        lowest[i] = min(cells, default=1.0)
    return lowest


def _row_numbers(numbers: list) -> list[int]:
    """The row numbers read as numbers, in table order (unreadable ones left out)."""
    read = []
    for n in numbers:
        try:
            read.append(int(n))
        except (TypeError, ValueError):
            continue
    return read


def row_number_gaps(numbers: list) -> list[int]:
    """Numbers missing from 1..the highest row number read, e.g. [1, 2, 4] → [3]."""
    read = set(_row_numbers(numbers))
    if not read or max(read) > 200:  # not a row numbering
        return []
    return [n for n in range(1, max(read)) if n not in read]


def row_numbers_out_of_order(numbers: list) -> list[int]:
    """Row numbers read that do not rise down the table, e.g. [1, 2, 3, 4, 2] → [2]: rows are
    numbered in order, so one was misread (a 5 read as 2) or rows were paired wrongly. A last
    number repeating the first closes a parcel's polygon and is in order."""
    read = _row_numbers(numbers)
    if len(read) > 2 and read[-1] == read[0]:
        read = read[:-1]
    highest, out = None, []
    for n in read:
        if highest is not None and n <= highest:
            out.append(n)
        highest = n if highest is None else max(highest, n)
    return out


def _flag_table_gaps(df: pd.DataFrame, flags: pd.Series) -> pd.Series:
    out = [list(f) if isinstance(f, list) else [] for f in flags]
    for table, key in TABLE_ROW_KEYS.items():
        if table not in df.columns:
            continue
        for i, rows in enumerate(df[table].tolist()):
            if table in TABLES_NEVER_EMPTY and not (isinstance(rows, list) and rows):
                out[i].append(make_flag(table, "table_empty"))
                continue
            if key is None or not isinstance(rows, list):
                continue
            numbers = [(row or {}).get(key) for row in rows]
            gaps = row_number_gaps(numbers)
            if gaps:
                out[i].append(make_flag(table, "table_rows_missing", ", ".join(map(str, gaps))))
            disorder = row_numbers_out_of_order(numbers)
            if disorder:
                out[i].append(
                    make_flag(table, "table_rows_out_of_order", ", ".join(map(str, disorder)))
                )
    return pd.Series(out, index=flags.index, dtype=object)


def route(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """A copy of ``df`` with ``status`` and ``review_reasons`` (list of reason codes)."""
    out = df.copy()
    conf_cols = [c for c in df.columns if c.startswith("conf__")]
    low = np.zeros(len(df), dtype=bool)
    threshold = settings.review_confidence_threshold
    for c in conf_cols:
        field = c.removeprefix("conf__")
        if field in TABLE_ROW_KEYS:
            low |= _lowest_cell_confidence(df, field) < threshold
            continue
        present = df[field].notna().to_numpy() if field in df.columns else np.ones(len(df), bool)
        conf = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
        low |= present & (conf < threshold)
    flags = df["flags"] if "flags" in df.columns else pd.Series([[]] * len(df), index=df.index)
    flags = _flag_table_gaps(df, flags)
    flagged = flags.map(lambda fs: any(forces_review(f) for f in fs)).to_numpy(dtype=bool)
    needs = low | flagged

    record_ids = df["record_id"] if "record_id" in df.columns else pd.Series(df.index.astype(str))
    audit = ~needs & (_audit_draw(record_ids) < settings.audit_sample_share)
    out["status"] = np.where(needs | audit, "needs_review", "auto_accepted")

    reasons = flags.map(lambda fs: sorted({f["reason"] for f in fs}) if fs else []).tolist()
    new_flags = [list(f) if isinstance(f, list) else [] for f in flags]
    for i in np.flatnonzero(~needs):  # only doubts, weighed and passed
        reasons[i], new_flags[i] = [], []
    for i in np.flatnonzero(low):
        reasons[i] = [*reasons[i], "low_confidence"]
    for i in np.flatnonzero(audit):
        reasons[i] = ["audit_sample"]
        new_flags[i] = [*new_flags[i], make_flag("record", "audit_sample")]
    out["review_reasons"] = pd.Series(reasons, index=df.index, dtype=object)
    out["flags"] = pd.Series(new_flags, index=df.index, dtype=object)
    return out
