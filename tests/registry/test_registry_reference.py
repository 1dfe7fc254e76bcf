"""Reference data: admin units of both schemes and the code lists, seeded idempotently."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from registry.models import RELATIONSHIP_CODES, AdminUnit, CodeListEntry
from registry.reference import seed_reference
from transforms.codes import ethnicity_table
from transforms.land import current_purpose_codes

_units = AdminUnit.__table__
_codes = CodeListEntry.__table__


def _codes_of(conn, list_name, system):
    stmt = select(_codes.c.code, _codes.c.label, _codes.c.variants).where(
        _codes.c.list_name == list_name, _codes.c.code_system == system
    )
    return {code: (label, variants) for code, label, variants in conn.execute(stmt)}


@pytest.mark.integration  # ~14,000 rows: over a second even on SQLite
def test_seed_fills_both_schemes_and_the_code_lists_and_is_idempotent(engine, snapshot):
    written = seed_reference(engine)
    assert written["admin_units"] > 14_000 and written["code_lists"] > 100

    with engine.connect() as conn:
        unit = {
            (s, c): (level, name, province)
            for s, c, level, name, province in conn.execute(
                select(_units.c.scheme, _units.c.code, _units.c.level, _units.c.name,
                       _units.c.province_code)
            )
        }  # fmt: skip
        levels = {}
        for (scheme, _), (level, _, _) in unit.items():
            levels[(scheme, level)] = levels.get((scheme, level), 0) + 1
        ethnicity = _codes_of(conn, "ethnicity", "code_1979")
        purposes = _codes_of(conn, "land_use_purpose", "circular_08_2024")
        relationships = _codes_of(conn, "relationship_to_head", "sohoa")
        nationalities = _codes_of(conn, "nationality", "iso3166_alpha2")

    assert levels[("2025", "province")] == 34 and levels[("pre2025", "province")] == 63
    assert levels[("2025", "commune")] > 3000 and levels[("pre2025", "commune")] > 10_000
    assert levels[("pre2025", "district")] > 600 and ("2025", "district") not in levels
    assert unit[("2025", "68")][1] == "Tỉnh Lâm Đồng"
    assert unit[("2025", "24778")][0] == "commune" and unit[("2025", "24778")][2] == "68"
    # the same code means different places in the two schemes
    assert unit[("pre2025", "24778")][1] != unit[("2025", "24778")][1]

    # the code lists are the ones the normalisation reads, not a second copy
    assert set(ethnicity) == {code for code, _ in ethnicity_table().values()}
    assert ethnicity["01"][0] == "Kinh" and "Việt" in ethnicity["01"][1]
    assert set(purposes) == set(current_purpose_codes())
    assert "BHK" in purposes["HNK"][1]  # an old code read as the current one
    assert set(relationships) == set(RELATIONSHIP_CODES)
    assert nationalities["VN"][0] == "Việt Nam"

    before = snapshot(engine)
    assert seed_reference(engine) == {"admin_units": 0, "code_lists": 0}
    assert snapshot(engine) == before

    # a row changed by hand is put back; nothing else is written
    with engine.begin() as conn:
        conn.execute(
            update(_units).where(_units.c.scheme == "2025", _units.c.code == "68").values(name="x")
        )
    assert seed_reference(engine) == {"admin_units": 1, "code_lists": 0}
    assert snapshot(engine) == before
