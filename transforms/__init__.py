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

from sohoa.national_format import ENVELOPE_FIELDS, EXTRACTED_FIELDS, NATIONAL_FIELDS
from transforms import birth
from transforms.flags import FlagCollector

log = logging.getLogger(__name__)

_MAPPERS: dict[str, tuple[Callable, dict[str, str]]] = {
    birth.DOC_TYPE: (birth.map_birth, birth.SOURCES),
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
    if "doc_type" in result:
        result["doc_type"] = result["doc_type"].fillna(doc_type)
    return result


__all__ = ["FlagCollector", "normalise"]
