"""Fixtures for the database tests: one migrated database per test, on each engine.

``db_url`` is parametrised over SQLite (a file in the test's tmp folder, always) and PostgreSQL
(a throwaway database created and dropped around each test, marked ``integration``; the server
and the rule for an unreachable one are ``pg_admin``'s, in ``tests/conftest.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from registry.db import get_engine, upgrade
from registry.models import Base
from sohoa.national_format import ENVELOPE_FIELDS, EXTRACTED_FIELDS, NATIONAL_FIELDS

BIRTH_FIELDS = NATIONAL_FIELDS["birth_registration"]


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """URL of an empty database of its own, on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with request.getfixturevalue("pg_database")("sohoa_test") as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    upgrade(db_url)
    eng = get_engine(db_url)
    yield eng
    eng.dispose()


# ----------------------------------------------------------------------------- data


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _record_id(sha: str, page: int) -> str:
    return hashlib.sha256(f"{sha}:{page}:0".encode()).hexdigest()[:24]


_BIRTHS: list[dict[str, Any]] = [
    {
        "registration_number": "45",
        "registration_number_suffix": "TLKT-BS",
        "book_number": "02",
        "book_year": 2013,
        "registration_date": "2013-03-05",
        "registration_authority_text": "UBND phường Xuân Hương - Đà Lạt",
        "registration_commune_code": "24778",
        "child_full_name": "NGUYỄN THỊ HỒNG NHUNG",
        "child_family_name": "NGUYỄN",
        "child_given_name": "NHUNG",
        "child_sex": 2,
        "child_date_of_birth": "2013-02-14",
        "child_place_of_birth_text": "Bệnh viện Đa khoa tỉnh Lâm Đồng",
        "child_place_of_birth_province_code": "68",
        "child_hometown_text": "Xã Hòa Ninh, huyện Di Linh, tỉnh Lâm Đồng",
        "child_ethnicity": "Kinh",
        "child_ethnicity_code": "01",
        "child_nationality": "VN",
        "child_personal_id": "068313004512",
        "mother_full_name": "TRẦN THỊ LAN",
        "mother_birth_year": 1988,
        "mother_ethnicity_code": "01",
        "mother_nationality": "VN",
        "mother_residence_text": "12 Trần Phú, phường Xuân Hương - Đà Lạt, Lâm Đồng",
        "father_full_name": "NGUYỄN VĂN HÙNG",
        "father_birth_year": 1985,
        "father_ethnicity_code": "01",
        "father_nationality": "VN",
        "father_residence_text": "12 Trần Phú, phường Xuân Hương - Đà Lạt, Lâm Đồng",
        "declarant_full_name": "NGUYỄN VĂN HÙNG",
        "declarant_relationship": "Cha",
    },
    {
        "registration_number": "7",
        "registration_number_suffix": None,
        "book_number": "01",
        "book_year": 2010,
        "registration_date": "2010-06",
        "registration_authority_text": "UBND xã Lạc Dương",
        "registration_commune_code": "24850",
        "child_full_name": "K’ BRỬNG",
        "child_family_name": None,
        "child_given_name": None,
        "child_sex": 1,
        "child_date_of_birth": "2010",
        "child_place_of_birth_text": "Lạc Dương, Lâm Đồng",
        "child_place_of_birth_province_code": "68",
        "child_hometown_text": "Lạc Dương, Lâm Đồng",
        "child_ethnicity": "Cơ-ho",
        "child_ethnicity_code": "16",
        "child_nationality": "VN",
        "child_personal_id": None,
        "mother_full_name": "KA HƠ",
        "mother_birth_year": None,
        "mother_ethnicity_code": "16",
        "mother_nationality": "VN",
        "mother_residence_text": "Buôn Bon Đơng, xã Lạc Dương",
        "father_full_name": "K’ MBRE",
        "father_birth_year": 1982,
        "father_ethnicity_code": "16",
        "father_nationality": "VN",
        "father_residence_text": "Buôn Bon Đơng, xã Lạc Dương",
        "declarant_full_name": "KA HƠ",
        "declarant_relationship": "Mẹ",
    },
    {
        "registration_number": None,  # unread: the natural key is incomplete
        "registration_number_suffix": None,
        "book_number": "03",
        "book_year": 2015,
        "registration_date": "2015-11-20",
        "registration_authority_text": "UBND phường Bảo Lộc",
        "registration_commune_code": None,  # ambiguous admin unit
        "child_full_name": "LÊ VĂN AN",
        "child_family_name": "LÊ",
        "child_given_name": "AN",
        "child_sex": 0,
        "child_date_of_birth": "2015-10-02",
        "child_place_of_birth_text": None,
        "child_place_of_birth_province_code": None,
        "child_hometown_text": None,
        "child_ethnicity": "Kinh",
        "child_ethnicity_code": "01",
        "child_nationality": "VN",
        "child_personal_id": "068215000077",
        "mother_full_name": "PHẠM THỊ MAI",
        "mother_birth_year": 1990,
        "mother_ethnicity_code": "01",
        "mother_nationality": "VN",
        "mother_residence_text": None,
        "father_full_name": None,
        "father_birth_year": None,
        "father_ethnicity_code": None,
        "father_nationality": None,
        "father_residence_text": None,
        "declarant_full_name": "PHẠM THỊ MAI",
        "declarant_relationship": "Mẹ",
    },
]


def make_birth_frame(
    n: int = 3,
    *,
    batch_id: str = "B-2025-0001",
    overrides: dict[int, dict[str, Any]] | None = None,
    flags: dict[int, list[dict[str, Any]]] | None = None,
) -> pd.DataFrame:
    """A small normalised birth frame as ``transforms`` hands it to the loader.

    Row ``i`` is the i-th of the sample births (cycled), on page 1 of scan ``scan-i``. Row 2 is
    ``needs_review`` with a low-confidence flag unless ``flags`` says otherwise.
    """
    overrides = overrides or {}
    rows = []
    for i in range(n):
        values = dict(_BIRTHS[i % len(_BIRTHS)])
        values.update(overrides.get(i, {}))
        sha = _sha(f"scan-{i}")
        row: dict[str, Any] = {
            "record_id": _record_id(sha, 1),
            "doc_type": "birth_registration",
            "source_file": f"scans/b{i}.jpg",
            "source_sha256": sha,
            "page": 1,
            "batch_id": batch_id,
            **values,
        }
        for k, f in enumerate(EXTRACTED_FIELDS["birth_registration"]):
            printed = values.get(f)
            row[f"raw__{f}"] = None if printed is None else str(printed)
            row[f"box__{f}"] = None if printed is None else [100, 200 + 40 * k, 300, 32]
        for f in BIRTH_FIELDS:
            row[f"conf__{f}"] = 0.0 if values[f] is None else 0.93
        default_flags = []
        if i == 2:
            default_flags = [
                {
                    "field": "child_full_name",
                    "reason": "low_confidence",
                    "message_vi": "Độ tin cậy thấp",
                    "message_en": "Low confidence",
                }
            ]
        row["flags"] = (flags or {}).get(i, default_flags)
        row["status"] = "needs_review" if row["flags"] else "auto_accepted"
        rows.append(row)
    columns = [*ENVELOPE_FIELDS, *BIRTH_FIELDS]
    extra = [c for c in rows[0] if c not in columns] if rows else []
    return pd.DataFrame(rows, columns=[*columns, *extra])


@pytest.fixture
def birth_frame() -> Callable[..., pd.DataFrame]:
    """``make_birth_frame`` (a fixture, so tests need not import this conftest)."""
    return make_birth_frame


def take_snapshot(engine: Engine, skip: tuple[str, ...] = ("batches",)) -> dict[str, list[dict]]:
    """Every row of every table (ordered by primary key), for before/after comparisons."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            stmt = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [dict(r) for r in conn.execute(stmt).mappings()]
    return out


@pytest.fixture
def snapshot() -> Callable[..., dict[str, list[dict]]]:
    return take_snapshot


def count_rows(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in take_snapshot(engine, skip=()).items()}


@pytest.fixture
def row_counts() -> Callable[[Engine], dict[str, int]]:
    return count_rows
