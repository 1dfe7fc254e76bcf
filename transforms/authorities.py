"""The body an authority text opens with, mended to its standard wording when a few letters off.

A registering or issuing authority is a body of a unit: ``Ủy ban nhân dân xã Tân Hà``, ``SỞ TÀI
NGUYÊN VÀ MÔI TRƯỜNG TỈNH LÂM ĐỒNG``, ``Văn phòng đăng ký đất đai``. The bodies are few and
their wording fixed, so a body read a few letters off (``Ủy bạn nhân dân``, ``ỦY BAN NHÂN
DẦN``, ``SỞ TÀI NGUYÊN VÀ MỚI TRƯỜNG``, ``Ủy ban-nhân dân``) is the one it is nearest, when
clearly nearer than any other. Spellings in use stay as written (``Uỷ ban`` with the old tone
placement, ``UBND``). The text as read stays in ``raw__<field>``; the field is flagged
``authority_body_mended`` so a person confirms it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from transforms.text import map_unique, word_key

# the bodies that register civil status and issue land certificates (before and after the
# 2025 reform: Sở Tài nguyên và Môi trường merged into Sở Nông nghiệp và Môi trường)
BODIES = (
    "Ủy ban nhân dân",  # or Uỷ, the older tone placement, kept as written
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Môi trường",
    "Văn phòng đăng ký đất đai",
    "Văn phòng đăng ký quyền sử dụng đất",
    "Chi nhánh Văn phòng đăng ký đất đai",
)


def _key(text: str) -> str:
    return word_key(text).replace("uỷ", "ủy")


@lru_cache(maxsize=1)
def _bodies() -> dict[str, str]:
    return {_key(b): b for b in BODIES}


def mend_authority_body(text: str) -> str:
    """``text`` with its opening body set to the standard wording (see module), else as read.

    The first words are compared with each body, one word more or fewer (a mark read as a
    space, two words glued): within a fifth of the body's letters and 2 letters nearer than
    any other body."""
    words = text.split(" ")
    bodies = _bodies()
    best: tuple[int, int, str] | None = None  # (distance, words taken, body key)
    seen: dict[str, int] = {}
    for key in bodies:
        n = key.count(" ") + 1
        limit = max(1, len(key) // 5)
        for take in (n, n - 1, n + 1):
            if take < 1 or take > len(words):
                continue
            d = Levenshtein.distance(_key(" ".join(words[:take])), key, score_cutoff=limit + 2)
            seen[key] = min(seen.get(key, d), d)
            if d <= limit and (best is None or d < best[0]):
                best = (d, take, key)
    if best is None:
        return text
    if any(d < best[0] + 2 for k, d in seen.items() if k != best[2]):
        return text  # two bodies about as near: not ours to choose
    read = " ".join(words[: best[1]])
    body = bodies[best[2]]
    if read.lower().startswith("uỷ"):
        body = "Uỷ" + body[2:]
    body = body.upper() if read.isupper() else body
    return text if body == read else " ".join([body, *words[best[1] :]])


def mend_authority_column(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(mended text, whether the body was mended) per row; null stays null."""
    mended = map_unique(raw, mend_authority_body)
    changed = np.asarray(raw.notna()) & (mended.astype(object) != raw.astype(object))
    return mended, pd.Series(np.asarray(changed, dtype=bool), index=raw.index)
