"""Synthetic normalised household frames, shaped as ``transforms`` + routing hand them over.

For tests and ``bench/load_bench.py`` (the real household transforms are written elsewhere):
the envelope, every national field, ``raw__f`` / ``conf__f`` / ``box__f`` for the book fields,
``members`` (lists of HOUSEHOLD_MEMBER_FIELDS dicts) with ``raw__members`` / ``conf__members`` /
``box__members`` lists beside it, ``flags`` and ``status``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from sohoa.national_format import HOUSEHOLD_MEMBER_FIELDS, NATIONAL_FIELDS

_NAMES = ("NGUYỄN VĂN AN", "TRẦN THỊ BÌNH", "LÊ VĂN CƯỜNG", "K’ BRỬNG", "PHẠM THỊ DUNG")
_RELS = ("HEAD", "WIFE", "CHILD", "CHILD", "MOTHER", "GRANDCHILD", "OTHER")


def sha_of(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def household_frame(
    n_records: int, members: int = 5, *, batch_id: str = "B-HK-0001", prefix: str = "hk"
) -> pd.DataFrame:
    """``n_records`` household pages of ``members`` members each; book ``HK{i:06d}``."""
    rows: list[dict[str, Any]] = []
    for i in range(n_records):
        sha = sha_of(f"{prefix}-{i}")
        book = f"{prefix.upper()}{i:06d}"
        member_list, raws, confs, boxes = [], [], [], []
        for k in range(1, members + 1):
            m = {
                "household_book_number": book,
                "member_index": k,
                "full_name": _NAMES[(i + k) % len(_NAMES)],
                "other_name": None,
                "relationship_to_head": _RELS[(k - 1) % len(_RELS)],
                "sex": 1 + (k % 2),
                "date_of_birth": f"{1950 + (i + k) % 70}-0{1 + k % 9}-1{k % 10}",
                "place_of_birth_text": "Đà Lạt, Lâm Đồng",
                "hometown_text": "Di Linh, Lâm Đồng",
                "ethnicity_code": "01",
                "religion": "Không",
                "nationality": "VN",
                "id_number": f"{68000000000 + i * 100 + k:012d}" if k % 3 else None,
                "occupation": "Làm nông",
                "previous_residence_text": None,
                "moved_in_date": None,
                "struck_out": k == members and i % 7 == 0,
            }
            member_list.append(m)
            raws.append({f: (None if v is None else str(v)) for f, v in m.items()})
            confs.append({f: 0.9 for f in HOUSEHOLD_MEMBER_FIELDS})
            boxes.append({"full_name": [100, 300 + 40 * k, 400, 30]})
        row: dict[str, Any] = {
            "record_id": hashlib.sha256(f"{sha}:1:0".encode()).hexdigest()[:24],
            "doc_type": "household_registration",
            "source_file": f"scans/{prefix}{i}.jpg",
            "source_sha256": sha,
            "page": 1,
            "batch_id": batch_id,
            "household_book_number": book,
            "head_full_name": member_list[0]["full_name"],
            "address_text": "12 Trần Phú, phường Xuân Hương - Đà Lạt, Lâm Đồng",
            "address_commune_code": "24778",
            "address_province_code": "68",
            "issue_date": "2008-05-12",
            "members": member_list,
            "raw__members": raws,
            "conf__members": confs,
            "box__members": boxes,
            "flags": [],
            "status": "auto_accepted",
        }
        for f in NATIONAL_FIELDS["household_registration"]:
            if f != "members":
                row[f"raw__{f}"] = None if row[f] is None else str(row[f])
                row[f"conf__{f}"] = 0.92
        rows.append(row)
    return pd.DataFrame(rows)
