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


def land_frame(
    n_records: int,
    *,
    batch_id: str = "B-GCN-0001",
    prefix: str = "gcn",
    old_commune_code: str | None = "24781",
    sheet_of: Any = None,
) -> pd.DataFrame:
    """``n_records`` land certificates, each with one holder and no vertices.

    Certificate ``i`` is parcel ``i + 1`` of map sheet ``sheet_of(i)`` (default 12) of the old
    commune ``old_commune_code`` (``parcel_old_commune_code``; None leaves the column out).
    """
    rows: list[dict[str, Any]] = []
    for i in range(n_records):
        sha = sha_of(f"{prefix}-{i}")
        holder = {"full_name": _NAMES[i % len(_NAMES)], "birth_year": 1960 + i % 40,
                  "id_number": None, "address_text": "Đà Lạt, Lâm Đồng"}  # fmt: skip
        row: dict[str, Any] = {
            "record_id": hashlib.sha256(f"{sha}:1:0".encode()).hexdigest()[:24],
            "doc_type": "land_certificate",
            "source_file": f"scans/{prefix}{i}.jpg",
            "source_sha256": sha,
            "page": 1,
            "batch_id": batch_id,
            "certificate_serial": f"CN {700000 + i:06d}",
            "certificate_code": None,
            "register_entry_number": f"CH {i:05d}",
            "issue_date": "2016-08-30",
            "issuing_authority_text": "UBND thành phố Đà Lạt",
            "parcel_number": str(i + 1),
            "map_sheet_number": str(sheet_of(i) if sheet_of else 12),
            "parcel_address_text": "Phường 9, thành phố Đà Lạt, tỉnh Lâm Đồng",
            "parcel_commune_code": "24778",
            "area_m2": 150.5 + i,
            "use_form": "private",
            "land_use_purpose_code": "ODT",
            "land_use_term": "permanent",
            "land_use_origin_text": "Nhà nước công nhận quyền sử dụng đất",
            "holders": [holder],
            "raw__holders": [{k: None if v is None else str(v) for k, v in holder.items()}],
            "conf__holders": [{k: 0.9 for k in holder}],
            "vertices": [],
            "flags": [],
            "status": "auto_accepted",
        }
        for f in NATIONAL_FIELDS["land_certificate"]:
            if f not in ("holders", "vertices"):
                row[f"raw__{f}"] = None if row[f] is None else str(row[f])
                row[f"conf__{f}"] = 0.9
        if old_commune_code is not None:
            row["parcel_old_commune_code"] = old_commune_code
        rows.append(row)
    return pd.DataFrame(rows)
