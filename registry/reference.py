"""Reference data: administrative units of both code schemes, and the code lists.

``seed_reference(engine)`` fills ``admin_units`` and ``code_lists`` from the sources the rest of
the project already reads, so the database and the normalisation never disagree:

- ``admin_units``: the ``vietnamadminunits`` package's own tables, the 34 provinces and their
  communes of the list in force since 1 July 2025 (scheme ``2025``) and the 63 provinces,
  districts and communes of the list before it (scheme ``pre2025``);
- ``code_lists``: ethnicity (``transforms/data/ethnicities.csv``, both numbering systems, with
  spelling variants), nationality and relationship to head (``transforms.codes``), land-use
  purpose (``transforms/data/land_use_purposes.csv``; one entry per current code, the old codes
  and names that map to it as variants) and use form (``registry.models.LAND_USE_FORMS``).

Idempotent: existing rows are compared first and only new or changed rows are written, in one
transaction; a second call writes nothing. Rows the sources no longer list are kept.
"""

from __future__ import annotations

import csv
import logging
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from registry.models import LAND_USE_FORMS, OLD_ADMIN_SCHEME, AdminUnit, CodeListEntry
from sohoa.national_format import ADMIN_CODE_SCHEME

log = logging.getLogger(__name__)

CHUNK = 1000
_units = AdminUnit.__table__
_codes = CodeListEntry.__table__

# Labels of the two use forms (the national format's codes are English words).
_USE_FORM_LABELS = {"private": "Sử dụng riêng", "shared": "Sử dụng chung"}


def seed_reference(engine: Engine) -> dict[str, int]:
    """Write the reference rows that are missing or differ; rows written per table."""
    units, codes = admin_unit_rows(), code_list_rows()
    with engine.begin() as conn:
        written = {
            "admin_units": _sync(conn, _units, ("scheme", "code"), units),
            "code_lists": _sync(conn, _codes, ("list_name", "code_system", "code"), codes),
        }
    log.info("reference data: %s", written)
    return written


def upgrade_and_seed(url: str | Engine | None = None) -> dict[str, int]:
    """Migrate the database to head and seed its reference data (``sohoa db upgrade``, demo)."""
    from registry.db import _engine_for, upgrade

    upgrade(url)
    engine, owned = _engine_for(url)
    try:
        return seed_reference(engine)
    finally:
        if owned:
            engine.dispose()


# --------------------------------------------------------------------------- admin units


def admin_unit_rows() -> list[dict[str, Any]]:
    """Provinces and communes (2025), provinces, districts and communes (pre-2025)."""
    from vietnamadminunits.database.main import get_data

    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(scheme: str, code: str | None, level: str, name: str, unit_type: str | None,
            province: str | None = None, district: str | None = None) -> None:  # fmt: skip
        if code:
            rows.setdefault(
                (scheme, code),
                {
                    "scheme": scheme,
                    "code": code,
                    "level": level,
                    "name": name,
                    "unit_type": unit_type,
                    "province_code": province,
                    "district_code": district,
                },
            )

    new = get_data(["province", "provinceShort", "provinceCode", "ward", "wardType", "wardCode"])
    for r in new:
        add(ADMIN_CODE_SCHEME, r["provinceCode"], "province", r["province"], _type_of(r))
        add(ADMIN_CODE_SCHEME, r["wardCode"], "commune", r["ward"], r["wardType"],
            r["provinceCode"])  # fmt: skip
    old = get_data(
        ["province", "provinceShort", "provinceCode", "district", "districtType", "districtCode",
         "ward", "wardType", "wardCode"],
        table="admin_units_legacy",
    )  # fmt: skip
    for r in old:
        add(OLD_ADMIN_SCHEME, r["provinceCode"], "province", r["province"], _type_of(r))
        add(OLD_ADMIN_SCHEME, r["districtCode"], "district", r["district"], r["districtType"],
            r["provinceCode"])  # fmt: skip
        add(OLD_ADMIN_SCHEME, r["wardCode"], "commune", r["ward"], r["wardType"],
            r["provinceCode"], r["districtCode"])  # fmt: skip
    return list(rows.values())


def _type_of(row: dict[str, Any]) -> str | None:
    """The province type ("Tỉnh", "Thành phố"): its full name without its short name."""
    kind = row["province"].removesuffix(row["provinceShort"]).strip()
    return kind or None


# --------------------------------------------------------------------------- code lists


def code_list_rows() -> list[dict[str, Any]]:
    from transforms.codes import _NATIONALITIES, RELATIONSHIPS
    from transforms.land import PURPOSES_CSV

    rows: list[dict[str, Any]] = []

    def add(list_name: str, system: str, code: str, label: str, variants: list[str]) -> None:
        rows.append(
            {
                "list_name": list_name,
                "code_system": system,
                "code": code,
                "label": label,
                "variants": sorted(set(variants) - {label}),
            }
        )

    text = resources.files("transforms.data").joinpath("ethnicities.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    for r in csv.DictReader(lines):
        spellings = [v for v in r["variants"].split("|") if v]
        for system in ("code_1979", "code_gso"):
            add("ethnicity", system, r[system], r["name"], spellings)
    for code, names in _NATIONALITIES.items():
        label, *others = names.split("|")
        add("nationality", "iso3166_alpha2", code, label, others)
    for code, words in RELATIONSHIPS.items():
        label, *others = words.split("|")
        add("relationship_to_head", "sohoa", code, label, others)

    with PURPOSES_CSV.open(encoding="utf-8") as fh:
        purposes = list(csv.DictReader(fh))
    for r in purposes:
        if r["code"] != r["current"]:
            continue
        spellings = [v for v in (r["variants"] or "").split("|") if v]
        for old in purposes:  # old codes and their names read as this code
            if old["current"] == r["code"] and old["code"] != r["code"]:
                spellings += [old["code"], old["name"]]
                spellings += [v for v in (old["variants"] or "").split("|") if v]
        add("land_use_purpose", "circular_08_2024", r["code"], r["name"], spellings)
    for code in LAND_USE_FORMS:
        add("use_form", "sohoa", code, _USE_FORM_LABELS[code], [])
    return rows


# --------------------------------------------------------------------------- writing


def _sync(conn: Connection, table: Any, key: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
    """Insert missing rows and update differing ones; returns how many were written."""
    key_cols = [table.c[k] for k in key]
    existing = {tuple(r[k] for k in key): dict(r) for r in conn.execute(select(table)).mappings()}
    changed = [
        r
        for r in rows
        if (old := existing.get(tuple(r[k] for k in key))) is None
        or any(old[c] != v for c, v in r.items())
    ]
    if not changed:
        return 0
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=key_cols,
        set_={c: stmt.excluded[c] for c in changed[0] if c not in key},
    )
    for start in range(0, len(changed), CHUNK):
        conn.execute(stmt, changed[start : start + CHUNK])
    return len(changed)
