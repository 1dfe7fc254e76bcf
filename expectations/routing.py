"""Route each record: ``auto_accepted`` or ``needs_review``, plus a deterministic audit sample.

A record needs review when any of its fields has a confidence below
``settings.review_confidence_threshold`` (fields with no value and no raw text are not counted),
or when it carries any flag (a transform repaired or doubted a value, an expectation failed).
Of the rest, ``settings.audit_sample_share`` is sent to review anyway with reason
``audit_sample``; the choice is a hash of the ``record_id``, so re-running a batch picks the same
records.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from sohoa.settings import Settings
from transforms.flags import make_flag


def _audit_draw(record_ids: pd.Series) -> np.ndarray:
    """A number in [0, 1) per record, fixed by its id (SHA-256, not Python's salted hash)."""
    ids = record_ids.astype(str)
    uniq = ids.unique()
    draw = {u: int.from_bytes(hashlib.sha256(u.encode()).digest()[:8], "big") / 2**64 for u in uniq}
    return ids.map(draw).to_numpy(dtype=float)


def route(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """A copy of ``df`` with ``status`` and ``review_reasons`` (list of reason codes)."""
    out = df.copy()
    conf_cols = [c for c in df.columns if c.startswith("conf__")]
    low = np.zeros(len(df), dtype=bool)
    for c in conf_cols:
        field = c.removeprefix("conf__")
        present = df[field].notna().to_numpy() if field in df.columns else np.ones(len(df), bool)
        conf = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
        low |= present & (conf < settings.review_confidence_threshold)
    flags = df["flags"] if "flags" in df.columns else pd.Series([[]] * len(df), index=df.index)
    flagged = flags.map(lambda f: bool(f)).to_numpy(dtype=bool)
    needs = low | flagged

    record_ids = df["record_id"] if "record_id" in df.columns else pd.Series(df.index.astype(str))
    audit = ~needs & (_audit_draw(record_ids) < settings.audit_sample_share)
    out["status"] = np.where(needs | audit, "needs_review", "auto_accepted")

    reasons = flags.map(lambda fs: sorted({f["reason"] for f in fs}) if fs else []).tolist()
    new_flags = [list(f) if isinstance(f, list) else [] for f in flags]
    for i in np.flatnonzero(low):
        reasons[i] = [*reasons[i], "low_confidence"]
    for i in np.flatnonzero(audit):
        reasons[i] = ["audit_sample"]
        new_flags[i] = [*new_flags[i], make_flag("record", "audit_sample")]
    out["review_reasons"] = pd.Series(reasons, index=df.index, dtype=object)
    out["flags"] = pd.Series(new_flags, index=df.index, dtype=object)
    return out
