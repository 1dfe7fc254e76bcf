"""Categories on hand-made cases, amid a generated province so weights are realistic
(Splink on DuckDB; integration). The acceptance rule: no two different people are merged where
they differ only by Hoàng/Huỳnh or Vũ/Võ, or share name and birth year with another 12-digit ID.
"""

from __future__ import annotations

import pandas as pd
import pytest

from registry.reconcile import reconcile
from sample_scans import national as generator

pytestmark = pytest.mark.integration

COMMUNE = "24958"
OTHER_COMMUNE = "25063"

# national: (personal_id, legacy_id, full_name, sex, date_of_birth, household_id, relationship)
NATIONAL = [
    ("068080000101", "", "HOÀNG VĂN NAM", "1", "1980-05-01", "HH-A", "HEAD"),
    ("068175000102", "", "VŨ THỊ LAN", "2", "1975-03-03", "HH-B", "HEAD"),
    ("068090000103", "", "TRẦN VĂN AN", "1", "1990-01-01", "HH-C", "HEAD"),
    # a family with twins, all reconciled from one book
    ("068070000201", "250000201", "LÊ VĂN HẢI", "1", "1970-02-02", "HH-T", "HEAD"),
    ("068172000202", "250000202", "NGÔ THỊ MAI", "2", "1972-04-04", "HH-T", "WIFE"),
    ("068205000203", "", "LÊ MINH KHOA", "1", "2005-06-07", "HH-T", "CHILD"),
    ("068205000204", "", "LÊ MINH KHANG", "1", "2005-06-07", "HH-T", "CHILD"),
    # both namesakes exist: the paper Huỳnh is the national Huỳnh
    ("068085000301", "", "HOÀNG MINH TUẤN", "1", "1985-08-08", "HH-D", "HEAD"),
    ("068085000302", "", "HUỲNH MINH TUẤN", "1", "1985-08-08", "HH-E", "HEAD"),
    # a family whose book shows typos, swaps, partial dates and an old commune
    ("068060000401", "251000401", "NGUYỄN VĂN BÌNH", "1", "1960-10-03", "HH-F", "HEAD"),
    ("068163000402", "", "PHẠM THỊ HỒNG", "2", "1963-07-09", "HH-F", "WIFE"),
    ("068088000403", "", "NGUYỄN THỊ THU", "2", "1988-11-21", "HH-F", "CHILD"),
]
# paper: (entry_id, book, member_index, full_name, sex, date_of_birth, id_number, commune, rel)
PAPER = [
    ("X001", "BK-1", "1", "HUỲNH VĂN NAM", "1", "1980-05-01", "", COMMUNE, "HEAD"),
    ("X002", "BK-2", "1", "VÕ THỊ LAN", "2", "1975-03-03", "", COMMUNE, "HEAD"),
    ("X003", "BK-3", "1", "TRẦN VĂN AN", "1", "1990-01-01", "068090999999", COMMUNE, "HEAD"),
    ("X011", "BK-T", "1", "LÊ VĂN HẢI", "1", "1970-02-02", "068070000201", COMMUNE, "HEAD"),
    ("X012", "BK-T", "2", "NGÔ THỊ MAI", "2", "1972-04-04", "250000202", COMMUNE, "WIFE"),
    ("X013", "BK-T", "3", "LÊ MINH KHOA", "1", "2005-06-07", "", COMMUNE, "CHILD"),
    ("X014", "BK-T", "4", "LÊ MINH KHANG", "1", "2005-06-07", "", COMMUNE, "CHILD"),
    ("X021", "BK-D", "1", "HUỲNH MINH TUẤN", "1", "1985-08-08", "", COMMUNE, "HEAD"),
    ("X031", "BK-F", "1", "NGUYÊN VĂN BÌNH", "1", "1960-10-03", "", OTHER_COMMUNE, "HEAD"),
    ("X032", "BK-F", "2", "PHẠM THỊ HỒNG", "2", "1963-09-07", "", OTHER_COMMUNE, "WIFE"),
    ("X033", "BK-F", "3", "NGUYỄN THỊ THU", "2", "1988", "", OTHER_COMMUNE, "CHILD"),
    # the same book entered a second time
    ("X041", "BK-T", "1", "LÊ VĂN HẢI", "1", "1970-02-02", "068070000201", COMMUNE, "HEAD"),
    # not in the snapshot, in two books, and a Hoàng/Huỳnh pair on paper only
    ("X051", "BK-G", "1", "ĐINH VĂN QUÝ", "1", "1931-01-01", "", COMMUNE, "HEAD"),
    ("X052", "BK-H", "1", "HOÀNG VĂN BÌNH", "1", "1940-12-12", "", COMMUNE, "HEAD"),
    ("X053", "BK-I", "1", "HUỲNH VĂN BÌNH", "1", "1940-12-12", "", COMMUNE, "HEAD"),
]


@pytest.fixture(scope="module")
def background() -> tuple[list[dict], list[dict], list[dict]]:
    return generator.build(n_people=3000, n_entries=1000, seed=21)


@pytest.fixture(scope="module")
def result(background) -> pd.DataFrame:
    nat_bg, paper_bg, _ = background
    national = pd.DataFrame(
        nat_bg
        + [
            {
                "personal_id": pid, "legacy_id": legacy, "full_name": name, "sex": sex,
                "date_of_birth": dob, "household_id": hh, "relationship_to_head": rel,
                "address_commune_code": COMMUNE, "address_text": "Thôn 1, xã Đức Trọng",
            }
            for pid, legacy, name, sex, dob, hh, rel in NATIONAL
        ]
    )  # fmt: skip
    paper = pd.DataFrame(
        paper_bg
        + [
            {
                "entry_id": e, "household_book_number": book, "member_index": idx,
                "full_name": name, "sex": sex, "date_of_birth": dob, "id_number": pid,
                "address_text": "", "address_commune_code": code, "relationship_to_head": rel,
            }
            for e, book, idx, name, sex, dob, pid, code, rel in PAPER
        ]
    )  # fmt: skip
    return reconcile(paper, national).set_index("entry_id")


def test_hoang_huynh_and_vu_vo_namesakes_are_not_linked(result):
    for entry in ("X001", "X002"):
        assert result.at[entry, "category"] == "NOT_IN_NATIONAL", entry
        assert pd.isna(result.at[entry, "matched_personal_id"])


def test_same_name_and_birth_year_with_another_id_is_not_linked(result):
    assert result.at["X003", "category"] == "NOT_IN_NATIONAL"
    assert pd.isna(result.at["X003", "matched_personal_id"])


def test_with_both_namesakes_present_the_right_one_is_chosen(result):
    assert result.at["X021", "matched_personal_id"] == "068085000302"
    assert result.at["X021", "category"] == "REDUNDANT"


def test_twins_and_their_parents_are_redundant_each_with_their_own_id(result):
    expected = {"X011": "068070000201", "X012": "068172000202", "X013": "068205000203",
                "X014": "068205000204"}  # fmt: skip
    for entry, pid in expected.items():
        assert result.at[entry, "matched_personal_id"] == pid, entry
        assert result.at[entry, "category"] == "REDUNDANT", entry
    assert result.at["X013", "evidence"]["household_support"] >= 1


def test_conflicts_list_the_fields_that_differ(result):
    assert result.at["X031", "category"] == "CONFLICT"
    assert result.at["X031", "differing_fields"] == ["full_name", "address_commune_code"]
    evidence = result.at["X031", "evidence"]
    assert evidence["differences"]["full_name"] == {
        "paper": "NGUYÊN VĂN BÌNH",
        "national": "NGUYỄN VĂN BÌNH",
    }
    assert "sex" in evidence["agreeing_fields"]
    assert result.at["X032", "differing_fields"] == ["date_of_birth", "address_commune_code"]
    assert result.at["X033", "differing_fields"] == ["address_commune_code"]  # 1988 agrees


def test_a_book_entered_twice_is_a_duplicate_of_the_first_entry(result):
    assert result.at["X041", "category"] == "DUPLICATE_IN_PAPER"
    assert result.at["X041", "duplicate_of_entry_id"] == "X011"
    assert result.at["X041", "link_category"] == "REDUNDANT"
    assert result.at["X011", "category"] == "REDUNDANT"


def test_people_on_paper_only_are_not_in_national_and_not_merged(result):
    for entry in ("X051", "X052", "X053"):
        assert result.at[entry, "category"] == "NOT_IN_NATIONAL", entry
        assert pd.isna(result.at[entry, "duplicate_of_entry_id"]), entry


def test_no_generated_hard_negative_is_merged(background, result):
    """Across the generated province: no link to the wrong person when the family names are
    Hoàng/Huỳnh or Vũ/Võ, or when both carry different 12-digit IDs."""
    nat_bg, paper_bg, truth = background
    names = {r["personal_id"]: r["full_name"] for r in nat_bg}
    confusable = {frozenset({"HOÀNG", "HUỲNH"}), frozenset({"VŨ", "VÕ"})}
    wrong = []
    for p, t in zip(paper_bg, truth, strict=True):
        got = result.at[p["entry_id"], "matched_personal_id"]
        if pd.isna(got) or got == t["true_personal_id"]:
            continue
        families = frozenset({names[got].split()[0], p["full_name"].split()[0]})
        other_id = len(p["id_number"]) == 12 and p["id_number"] != got
        if families in confusable or other_id:
            wrong.append((p["entry_id"], p["full_name"], names[got]))
    assert wrong == []
    namesakes = [t for t in truth if "namesake" in t["divergences"]]
    assert len(namesakes) > 10
