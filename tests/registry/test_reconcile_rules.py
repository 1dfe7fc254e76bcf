"""Reconciliation building blocks: prepared columns, comparison levels, vetoes, household
support, duplicate groups, differing fields, the trained model's floors (fast)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from splink import Linker

from registry.reconcile import decide, settings
from registry.reconcile.linkage import duckdb_api, load_model
from registry.reconcile.prepare import InputColumnsError, prepare_national, prepare_paper
from registry.reconcile.train import M_FLOOR, U_FLOOR, floor_probabilities


def paper_row(**values: str) -> dict[str, str]:
    row = {c: "" for c in ("entry_id", "household_book_number", "member_index", "full_name",
                           "sex", "date_of_birth", "id_number", "address_text",
                           "address_commune_code", "relationship_to_head")}  # fmt: skip
    row.update(entry_id="E1", household_book_number="B1", member_index="1")
    row.update(values)
    return row


def national_row(**values: str) -> dict[str, str]:
    row = {c: "" for c in ("personal_id", "legacy_id", "full_name", "sex", "date_of_birth",
                           "household_id", "relationship_to_head", "address_commune_code",
                           "address_text")}  # fmt: skip
    row.update(personal_id="068080000001", household_id="H1")
    row.update(values)
    return row


def test_prepare_splits_names_dates_and_ids():
    p = prepare_paper(
        pd.DataFrame(
            [
                paper_row(full_name=" nguyễn  văn hùng ", date_of_birth="1980",
                          id_number="250123456"),
                paper_row(entry_id="E2", full_name="K' BRỒNG", date_of_birth="1990-03-05",
                          id_number="068090000123", household_book_number=""),
            ]
        )
    )  # fmt: skip
    a, b = p.iloc[0], p.iloc[1]
    assert (a.full_name, a.family_name, a.family_plain) == ("NGUYỄN VĂN HÙNG", "NGUYỄN", "NGUYEN")
    assert (a.middle_plain, a.given_name, a.given_plain) == ("VAN", "HÙNG", "HUNG")
    assert (a.dob_year, a.dob_month, a.dob_full) == ("1980", None, None)
    assert (a.id9, a.id12) == ("250123456", None)
    assert (b.family_name, b.middle_plain, b.given_plain) == ("K'", None, "BRONG")
    assert (b.dob_full, b.id12) == ("1990-03-05", "068090000123")
    assert b.group_id == "entry:E2"  # no book number: its own book


@pytest.mark.integration  # loads the administrative-unit tables (~3 s)
def test_prepare_reads_a_blank_commune_code_from_the_old_address():
    p = prepare_paper(
        pd.DataFrame(
            [paper_row(address_text="Thôn 3, xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng")]
        )
    )
    assert p.iloc[0].commune_code is not None and len(p.iloc[0].commune_code) == 5


def test_missing_columns_are_named_in_vietnamese_first():
    with pytest.raises(InputColumnsError) as e:
        prepare_national(pd.DataFrame([{"personal_id": "068080000001", "full_name": "A B"}]))
    message = e.value.for_people()
    assert message.startswith("Tệp dữ liệu quốc gia thiếu cột") and "household_id" in message
    assert e.value.exit_code == 4


# The comparison tests run Splink on DuckDB (about a second each): integration.
@pytest.fixture(scope="module")
def comparer() -> Linker:
    """A linker on the trained model, to compare two hand-made records."""
    empty = prepare_national(pd.DataFrame([national_row(full_name="A B")]))
    return Linker(empty, load_model("dedupe_only"), db_api=duckdb_api(), set_up_basic_logging=False)


def gammas(linker: Linker, a: dict, b: dict) -> dict[str, int]:
    frame = prepare_national(pd.DataFrame([national_row(**a), national_row(**b)]))
    one, two = frame.to_dict("records")
    two["unique_id"] = "x"
    df = linker.inference.compare_two_records(one, two).as_pandas_dataframe()
    return {c[6:]: int(df[c].iloc[0]) for c in df.columns if c.startswith("gamma_")}


@pytest.mark.integration
@pytest.mark.parametrize(
    ("left", "right"),
    [("HOÀNG VĂN NAM", "HUỲNH VĂN NAM"), ("VŨ THỊ LAN", "VÕ THỊ LAN"), ("VŨ LAN", "VO LAN")],
)
def test_hoang_huynh_and_vu_vo_are_different_family_names(comparer, left, right):
    g = gammas(comparer, {"full_name": left}, {"full_name": right})
    assert g["family_name"] == settings.GAMMA_FAMILY_DIFFERS


@pytest.mark.integration
def test_a_dropped_tone_mark_is_the_same_name_without_marks(comparer):
    g = gammas(comparer, {"full_name": "NGUYỄN VĂN HÙNG"}, {"full_name": "NGUYÊN VĂN HUNG"})
    assert g["family_name"] == 2 and g["given_name"] == 3  # same without marks, not exact
    g = gammas(comparer, {"full_name": "NGUYỄN VĂN HÙNG"}, {"full_name": "NGUYỄN VĂN HÙNG"})
    assert g["family_name"] == 3 and g["given_name"] == 4


@pytest.mark.integration
def test_dates_exact_swapped_and_partial(comparer):
    dob = lambda a, b: gammas(comparer, {"date_of_birth": a}, {"date_of_birth": b})["date_of_birth"]  # noqa: E731
    assert dob("1980-03-05", "1980-03-05") == 5
    assert dob("1980-03-05", "1980-05-03") == 4
    assert dob("1980", "1980-05-03") == 3
    assert dob("1980-03-05", "1981-03-05") == 0
    assert dob("", "1981-03-05") == -1


@pytest.mark.integration
def test_ids_exact_legacy_one_digit_and_different(comparer):
    ids = lambda a, b: gammas(comparer, a, b)["ids"]  # noqa: E731
    pid = "068080123456"
    assert ids({"personal_id": pid}, {"personal_id": pid}) == 3
    same_legacy = {"personal_id": "068080999999", "legacy_id": "250111222"}
    assert ids({"legacy_id": "250111222"}, same_legacy) == 2
    assert ids({"personal_id": pid}, {"personal_id": "068080123457"}) == 1
    assert ids({"personal_id": pid}, {"personal_id": "068080654321"}) == settings.GAMMA_IDS_DIFFER


def pairs_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["entry_id", "personal_id", "book", "household_id", "match_weight",
                       "gamma_family_name", "gamma_ids"],
    )  # fmt: skip


def test_vetoes_drop_other_family_names_and_other_ids_unless_an_id_agrees():
    pairs = pairs_frame(
        [
            ("E1", "P1", "B", "H", 20.0, 0, -1),  # HOÀNG vs HUỲNH, no ID: vetoed
            ("E2", "P2", "B", "H", 20.0, 0, 3),  # family differs but the 12-digit ID agrees
            ("E3", "P3", "B", "H", 20.0, 3, 0),  # same name, two different IDs: vetoed
            ("E4", "P4", "B", "H", 20.0, 3, -1),
        ]
    )
    kept = decide.apply_vetoes(pairs, settings.POLICY)
    assert list(kept["entry_id"]) == ["E2", "E4"]


def test_household_support_counts_other_members_of_the_same_pair_of_households():
    pairs = pairs_frame(
        [
            ("E1", "P1", "B1", "H1", 10.0, 3, -1),
            ("E2", "P2", "B1", "H1", 10.0, 3, -1),
            ("E3", "P3", "B1", "H1", -3.0, 3, -1),  # negative: no support given
            ("E1", "P9", "B1", "H9", 5.0, 3, -1),  # a namesake elsewhere: nobody supports it
        ]
    )
    out = decide.with_household_bonus(
        pairs, ("entry_id", "personal_id", "book", "household_id"), settings.POLICY
    )
    assert list(out["household_support"]) == [1, 1, 2, 0]
    bits = settings.POLICY["household_bonus_bits"]
    assert out["adjusted_weight"].tolist() == [10 + bits, 10 + bits, -3 + 2 * bits, 5.0]


def test_assignment_gives_each_twin_their_own_person():
    links = pairs_frame(
        [
            ("E1", "P1", "B1", "H1", 30.0, 3, -1),
            ("E2", "P1", "B1", "H1", 25.0, 3, -1),  # the other twin looks like P1 too …
            ("E2", "P2", "B1", "H1", 20.0, 3, -1),  # … but P1 is taken in this book
        ]
    )
    no_bonus = {**settings.POLICY, "household_bonus_bits": 0.0}
    links = decide.with_household_bonus(
        links, ("entry_id", "personal_id", "book", "household_id"), no_bonus
    )
    got = decide.assign(links, settings.POLICY)
    assert got["personal_id"].to_dict() == {"E1": "P1", "E2": "P2"}
    # the same entry entered twice in one book may share the person
    got = decide.assign(links, settings.POLICY, same_person={("E1", "E2"), ("E2", "E1")})
    assert got["personal_id"].to_dict() == {"E1": "P1", "E2": "P1"}


def test_duplicate_groups_keep_the_first_entry():
    assigned = pd.DataFrame({"entry_id": ["E5", "E9"], "personal_id": ["P1", "P1"]}).set_index(
        "entry_id"
    )
    survivors = decide.duplicate_groups({("E3", "E7"), ("E7", "E3")}, assigned)
    assert survivors == {"E7": "E3", "E9": "E5"}


def test_differing_fields_follow_the_rules_for_unknown_and_partial_values():
    paper = pd.DataFrame(
        {
            "full_name": ["NGUYỄN VĂN A", None, "NGUYÊN VĂN A"],
            "sex": ["1", None, "2"],
            "date_of_birth": ["1980", None, "1980-05-03"],
            "id_number": ["250111222", None, "068080000002"],
            "address_commune_code": ["24958", None, "24959"],
            "relationship_to_head": ["HEAD", None, "CHILD"],
        }
    )
    nat = pd.DataFrame(
        {
            "full_name": ["NGUYỄN VĂN A"] * 3,
            "sex": ["1"] * 3,
            "date_of_birth": ["1980-03-05"] * 3,
            "personal_id": ["068080000001"] * 3,
            "legacy_id": ["250111222"] * 3,
            "address_commune_code": ["24958"] * 3,
            "relationship_to_head": ["HEAD"] * 3,
        }
    )
    differs = decide._differs(paper, nat)
    assert not differs.iloc[0].any()  # a partial date and the legacy ID agree
    assert not differs.iloc[1].any()  # unknown is not different
    assert differs.iloc[2].all()


def test_floors_keep_every_level_possible():
    """No level of the committed model is impossible (m = 0 would veto by accident)."""
    model = json.loads(settings.MODEL_PATH.read_text(encoding="utf-8"))
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert sum(lv["m_probability"] for lv in levels) == pytest.approx(1.0)
        assert all(lv["m_probability"] >= M_FLOOR / 2 for lv in levels), comparison
        assert all(lv["u_probability"] >= U_FLOOR for lv in levels), comparison
    raw = {"comparisons": [{"comparison_levels": [
        {"m_probability": 0.0, "u_probability": None}, {"m_probability": 1.0, "u_probability": 0.5},
    ]}]}  # fmt: skip
    levels = floor_probabilities(raw)["comparisons"][0]["comparison_levels"]
    assert levels[0]["m_probability"] == pytest.approx(M_FLOOR / (1 + M_FLOOR))
    assert levels[0]["u_probability"] == U_FLOOR


def test_rows_of_one_book_are_two_people_unless_the_book_was_entered_twice():
    dups = pd.DataFrame(
        {
            "entry_id_l": ["T1", "C1", "X1"],
            "entry_id_r": ["T2", "C2", "X2"],
            "match_probability": [0.999, 0.999, 0.5],
        }
    )
    place = {
        "T1": ("B1", "3"), "T2": ("B1", "4"),  # twins in one book
        "C1": ("B2", "1"), "C2": ("B2", "1"),  # the same row of a book entered twice
        "X1": ("B3", "1"), "X2": ("B4", "1"),  # weak: not a duplicate
    }  # fmt: skip
    assert decide.strong_pairs(dups, settings.POLICY, place) == {("C1", "C2"), ("C2", "C1")}


def test_entries_linked_to_two_people_are_not_duplicates():
    assigned = pd.DataFrame(
        {"entry_id": ["A", "B", "C"], "personal_id": ["P1", "P2", "P1"]}
    ).set_index("entry_id")
    pairs = {("A", "B"), ("B", "A"), ("A", "C"), ("C", "A"), ("A", "D"), ("D", "A")}
    assert decide.drop_linked_apart(pairs, assigned) == {("A", "C"), ("C", "A"), ("A", "D"),
                                                         ("D", "A")}  # fmt: skip
