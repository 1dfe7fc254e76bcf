"""The synthetic national snapshot and its diverging paper books (``sample_scans.national``)."""

from __future__ import annotations

import ast
import csv
from collections import Counter
from pathlib import Path

import pytest

from sample_scans import national, people

CATEGORIES = {"REDUNDANT", "CONFLICT", "NOT_IN_NATIONAL", "DUPLICATE_IN_PAPER"}


@pytest.fixture(scope="module")
def built() -> tuple[list[dict], list[dict], list[dict]]:
    return national.build(n_people=6000, n_entries=2500, seed=3)


def test_sizes_and_columns(built):
    nat, paper, truth = built
    assert 6000 <= len(nat) <= 6600
    assert 2500 <= len(paper) <= 2600
    assert len(truth) == len(paper)
    assert set(nat[0]) == set(national.NATIONAL_COLUMNS)
    assert set(paper[0]) == set(national.PAPER_COLUMNS)
    assert [t["entry_id"] for t in truth] == [p["entry_id"] for p in paper]


def test_same_seed_same_data_other_seed_other_data():
    a = national.build(800, 300, seed=5)
    assert a == national.build(800, 300, seed=5)
    assert a[1] != national.build(800, 300, seed=6)[1]


def test_snapshot_ids_unique_and_consistent_with_sex_and_year(built):
    nat = built[0]
    pids = [r["personal_id"] for r in nat]
    assert len(set(pids)) == len(pids)
    for r in nat:
        assert people.id_matches(r["personal_id"], int(r["sex"]), int(r["date_of_birth"][:4]))
        assert r["legacy_id"] == "" or (len(r["legacy_id"]) == 9 and r["legacy_id"].isdigit())
        assert len(r["address_commune_code"]) == 5


def test_every_kind_of_divergence_is_present(built):
    tags = Counter(t for row in built[2] for t in row["divergences"].split(";") if t)
    for kind in (
        "moved", "split", "died", "left_province", "household_gone", "book_twice",
        "in_two_books", "name_ocr", "name_clerk", "id_missing", "id_legacy", "dob_partial",
        "dob_swap", "commune_blank", "namesake",
    ):  # fmt: skip
        assert tags[kind] > 0, kind
    assert Counter(r["category"] for r in built[2]).keys() == CATEGORIES


def test_truth_is_consistent_with_the_values_written(built):
    nat, paper, truth = built
    by_pid = {r["personal_id"]: r for r in nat}
    first: dict[str, str] = {}
    for p, t in zip(paper, truth, strict=True):
        pid = t["true_personal_id"]
        if t["category"] == "DUPLICATE_IN_PAPER":
            assert t["duplicate_of_entry_id"] < p["entry_id"]
            continue
        if t["category"] == "NOT_IN_NATIONAL":
            assert pid == "" and p["id_number"] not in by_pid
            continue
        n = by_pid[pid]
        first.setdefault(pid, p["entry_id"])
        if t["category"] == "REDUNDANT":
            assert t["differing_fields"] == ""
            assert p["full_name"] in ("", n["full_name"])
            assert p["id_number"] in ("", n["personal_id"], n["legacy_id"])
            assert n["date_of_birth"].startswith(p["date_of_birth"])
        else:
            assert t["differing_fields"]


def test_hard_negatives_look_alike_but_are_other_people(built):
    nat = built[0]
    by_name: dict[tuple[str, str], set[str]] = {}
    for r in nat:
        by_name.setdefault((r["full_name"], r["date_of_birth"][:4]), set()).add(r["personal_id"])
    names = {name for name, _ in by_name}
    swapped = 0
    for name in names:
        first, _, rest = name.partition(" ")
        other = {"HOÀNG": "HUỲNH", "VŨ": "VÕ"}.get(first)
        if other and f"{other} {rest}" in names:
            swapped += 1
    assert swapped > 5  # Hoàng/Huỳnh and Vũ/Võ namesakes
    assert sum(len(ids) > 1 for ids in by_name.values()) > 5  # same name + year, other ID


def test_twins_share_a_birth_date_in_one_household(built):
    nat = built[0]
    seen = Counter(
        (r["household_id"], r["date_of_birth"]) for r in nat if r["relationship_to_head"] == "CHILD"
    )
    assert any(n >= 2 for n in seen.values())


def test_ocr_typo_changes_marks_not_letters():
    import random

    rng = random.Random(2)
    for name in ("NGUYỄN VĂN HÙNG", "TRẦN THỊ HỒNG NHUNG", "LÊ BẢO NGỌC"):
        typo = national.ocr_typo(rng, name)
        assert len(typo.split()) == len(name.split())
        from transforms.text import strip_marks

        assert strip_marks(typo).replace("M", "RN") in (
            strip_marks(name),
            strip_marks(name).replace("M", "RN"),
        )


def test_command_writes_three_csvs(tmp_path: Path):
    national.main(["--people", "400", "--entries", "150", "--seed", "2", "--out", str(tmp_path)])
    for name, columns in (
        ("national.csv", national.NATIONAL_COLUMNS),
        ("paper.csv", national.PAPER_COLUMNS),
        ("truth.csv", national.TRUTH_COLUMNS),
    ):
        with (tmp_path / name).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and tuple(rows[0]) == columns


def test_generator_imports_nothing_of_the_pipeline():
    source = Path(national.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & {"ocr", "transforms", "expectations", "registry", "portal", "dags"}
