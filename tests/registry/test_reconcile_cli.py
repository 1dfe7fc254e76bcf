"""``sohoa reconcile --paper P.csv --national N.csv --out F.csv`` as a data team runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_scans import national as generator

pytestmark = pytest.mark.integration  # a new process and Splink each time

OUTPUT_COLUMNS = [
    "entry_id",
    "category",
    "matched_personal_id",
    "match_probability",
    "differing_fields",
    "duplicate_of_entry_id",
]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


@pytest.fixture(scope="module")
def csvs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reconcile")
    generator.main(["--people", "900", "--entries", "300", "--seed", "8", "--out", str(out)])
    return out


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_reconcile_writes_one_row_per_paper_entry(csvs: Path, tmp_path: Path):
    out = tmp_path / "result.csv"
    done = run_cli(
        "reconcile", "--paper", str(csvs / "paper.csv"), "--national",
        str(csvs / "national.csv"), "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = read(out)
    paper = read(csvs / "paper.csv")
    assert list(rows[0])[: len(OUTPUT_COLUMNS)] == OUTPUT_COLUMNS
    assert [r["entry_id"] for r in rows] == [p["entry_id"] for p in paper]
    truth = {t["entry_id"]: t for t in read(csvs / "truth.csv")}
    right = sum(r["category"] == truth[r["entry_id"]]["category"] for r in rows)
    assert right / len(rows) > 0.95
    for r in rows:
        if r["category"] in ("REDUNDANT", "CONFLICT"):
            assert len(r["matched_personal_id"]) == 12
            assert 0.9 <= float(r["match_probability"]) <= 1.0
        if r["category"] == "CONFLICT":
            assert r["differing_fields"]
            evidence = json.loads(r["evidence"])
            assert set(evidence["differences"]) == set(r["differing_fields"].split(";"))
        if r["category"] == "DUPLICATE_IN_PAPER":
            assert r["duplicate_of_entry_id"] < r["entry_id"]
    assert "entries" in done.stderr


def test_missing_column_is_one_sentence_vietnamese_first(csvs: Path, tmp_path: Path):
    bad = tmp_path / "national.csv"
    rows = read(csvs / "national.csv")
    with bad.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=[c for c in rows[0] if c != "household_id"])
        w.writeheader()
        w.writerows({k: v for k, v in r.items() if k != "household_id"} for r in rows)
    done = run_cli("reconcile", "--paper", str(csvs / "paper.csv"), "--national", str(bad))
    assert done.returncode == 4
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("Tệp dữ liệu quốc gia thiếu cột: household_id")
    assert " / The national file lacks columns: household_id" in lines[0]


def test_unreadable_file_is_refused(tmp_path: Path, csvs: Path):
    done = run_cli(
        "reconcile", "--paper", str(tmp_path / "khong-co.csv"), "--national",
        str(csvs / "national.csv"),
    )  # fmt: skip
    assert done.returncode == 4
    assert done.stderr.startswith("Không đọc được tệp dữ liệu giấy")
