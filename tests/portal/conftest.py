"""Fixtures for the portal: a migrated database with users of two communes and flagged birth
records loaded through the real loader, and an app on it (Starlette's TestClient)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from portal.accounts import add_user
from registry.db import get_engine, upgrade
from registry.loader import load_batch
from sohoa.national_format import ENVELOPE_FIELDS, EXTRACTED_FIELDS, NATIONAL_FIELDS

# argon2's cheapest parameters: the same code path, without seconds of hashing per test
os.environ.setdefault("SOHOA_ARGON2_PROFILE", "CHEAPEST")

COMMUNE_A, COMMUNE_B = "24778", "24850"
PASSWORD = "correct horse battery"
# personal data that must never reach a user of the other commune
NAME_A, NAME_B = "NGUYỄN THỊ HỒNG NHUNG", "K’ BRỬNG"
USERS = {
    "clerk_a": ("clerk", [COMMUNE_A]),
    "reviewer_a": ("reviewer", [COMMUNE_A]),
    "reviewer_a2": ("reviewer", [COMMUNE_A]),
    "reviewer_b": ("reviewer", [COMMUNE_B]),
    "admin_a": ("data_admin", [COMMUNE_A]),
}


def birth_frame(batch_id: str, names: list[str], salt: str = "") -> pd.DataFrame:
    """Normalised birth rows, each flagged ``low_confidence`` on the child's name."""
    rows = []
    for i, name in enumerate(names):
        sha = hashlib.sha256(f"{batch_id}{salt}-{i}".encode()).hexdigest()
        values: dict[str, Any] = dict.fromkeys(NATIONAL_FIELDS["birth_registration"])
        values.update(
            child_full_name=name,
            child_sex=2,
            child_date_of_birth="2013-02-14",
            child_nationality="VN",
            registration_number=str(40 + i),
            book_number="02",
            book_year=2013,
        )
        row = {
            "record_id": hashlib.sha256(f"{sha}:1:0".encode()).hexdigest()[:24],
            "doc_type": "birth_registration",
            "source_file": f"scans/{i}.png",
            "source_sha256": sha,
            "page": 1,
            "batch_id": batch_id,
            **values,
        }
        for k, f in enumerate(EXTRACTED_FIELDS["birth_registration"]):
            row[f"raw__{f}"] = None if values.get(f) is None else str(values[f])
            row[f"box__{f}"] = None if values.get(f) is None else [100, 200 + 40 * k, 300, 32]
        for f in NATIONAL_FIELDS["birth_registration"]:
            row[f"conf__{f}"] = 0.0 if values[f] is None else 0.93
        row["conf__child_full_name"] = 0.41
        row["flags"] = [
            {
                "field": "child_full_name",
                "reason": "low_confidence",
                "message_vi": "Độ tin cậy thấp",
                "message_en": "Low confidence",
            }
        ]
        row["status"] = "needs_review"
        rows.append(row)
    columns = [*ENVELOPE_FIELDS, *NATIONAL_FIELDS["birth_registration"]]
    return pd.DataFrame(rows, columns=[*columns, *[c for c in rows[0] if c not in columns]])


def load_births(engine, batch_id: str, commune: str, names: list[str]) -> list[str]:
    frame = birth_frame(batch_id, names)
    load_batch(
        engine,
        frame,
        batch={"batch_id": batch_id, "doc_type": "birth_registration", "commune_code": commune},
        run_id="run-1",
        rules_version="test",
        ocr_engine="test",
    )
    return list(frame["record_id"])


@dataclass
class Portal:
    url: str
    engine: Any
    app: Any
    record_a: str
    record_b: str

    def client(self, username: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if username:
            login(client, username)
        return client


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def portal(tmp_path, monkeypatch) -> Iterator[Portal]:
    from sohoa.settings import get_settings

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    monkeypatch.delenv("SOHOA_AIRFLOW_API_URL", raising=False)
    get_settings.cache_clear()
    upgrade(url)
    engine = get_engine(url)
    for name, (role, communes) in USERS.items():
        add_user(engine, name, PASSWORD, role, communes)
    record_a = load_births(engine, "B-A-1", COMMUNE_A, [NAME_A])[0]
    record_b = load_births(engine, "B-B-1", COMMUNE_B, [NAME_B])[0]
    from portal.app import create_app

    app = create_app(url)
    yield Portal(url, engine, app, record_a, record_b)
    app.state.engine.dispose()
    engine.dispose()
    get_settings.cache_clear()
