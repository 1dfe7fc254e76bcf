import re

import pytest

from transforms.examples import birth_raw


@pytest.fixture
def raw_birth():
    """``raw_birth([{field: text, …}, …])``: raw birth rows, the example row overridden."""
    return birth_raw


@pytest.fixture(scope="session")
def official_place_texts() -> list[str]:
    """Every commune before and after 2025 with its district and province, as a clerk writes
    it, and every seventh in capitals: names that begin like a unit word (Phương, Quan, Tĩnh
    Túc), with apostrophes (Ch'ơm, Tr'Hy, Đamb'ri) and dashes included."""
    from vietnamadminunits.database.main import get_data

    level = re.compile(r"^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn|Đặc khu) ")

    def written(*units):
        return ", ".join(level.sub(lambda m: m.group(1).lower() + " ", u) for u in units if u)

    legacy = get_data(["province", "district", "ward"], "admin_units_legacy")
    current = get_data(["province", "ward"])
    texts = [written(r["ward"], r["district"], r["province"]) for r in legacy]
    texts += [written(r["ward"], r["province"]) for r in current]
    texts += [t.upper() for t in texts[::7]]
    assert len(texts) > 15000
    return texts
