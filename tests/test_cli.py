"""The command line as a person meets it: bad input gives one sentence and an exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "sample_scans" / "corpus"


# every test here starts the command line in a new process (imports take ~1 s)
pytestmark = pytest.mark.integration


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def assert_one_sentence(result: subprocess.CompletedProcess, exit_code: int) -> str:
    assert result.returncode == exit_code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert " / " in lines[0], "Vietnamese first, then English"
    return lines[0]


def test_non_image_file_is_refused(tmp_path: Path):
    fake = tmp_path / "ghi-chu.jpg"
    fake.write_text("đây không phải ảnh quét\n", encoding="utf-8")
    line = assert_one_sentence(run_cli("ocr", str(fake)), 4)
    assert "ghi-chu.jpg" in line


def test_truncated_image_is_refused(tmp_path: Path):
    source = next(CORPUS.glob("*.jpg"))
    broken = tmp_path / "cut.jpg"
    broken.write_bytes(source.read_bytes()[:2000])
    assert_one_sentence(run_cli("ocr", str(broken)), 4)


def test_missing_file_is_refused(tmp_path: Path):
    assert_one_sentence(run_cli("ocr", str(tmp_path / "khong-co.png")), 4)


def test_missing_vietnamese_language_data(tmp_path: Path):
    empty_tessdata = tmp_path / "tessdata"
    empty_tessdata.mkdir()
    line = assert_one_sentence(
        run_cli("ocr", "whatever.png", env={"TESSDATA_PREFIX": str(empty_tessdata)}), 3
    )
    assert "vie" in line


def test_extract_continues_past_a_bad_file(tmp_path: Path):
    (tmp_path / "notes.jpg").write_text("not a scan")
    out = tmp_path / "records.jsonl"
    result = run_cli("extract", str(tmp_path), "--out", str(out))
    assert result.returncode == 4
    assert "notes.jpg" in result.stderr and "Traceback" not in result.stderr
    assert '"status": "rejected"' in out.read_text(encoding="utf-8")


@pytest.mark.integration
def test_extract_writes_national_format_records(tmp_path: Path):
    page = sorted(CORPUS.glob("birth_registration-clean-*.png"))[0]
    out = tmp_path / "records.jsonl"
    result = run_cli("extract", str(page), "--out", str(out))
    assert result.returncode == 0, result.stderr
    import json

    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    from sohoa.national_format import NATIONAL_FIELDS

    assert record["doc_type"] == "birth_registration"
    assert set(record["fields"]) == set(NATIONAL_FIELDS["birth_registration"])
    assert record["status"] in {"auto_accepted", "needs_review"}
    truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["fields"]
    known = [f for f, v in truth.items() if v is not None]
    right = [f for f in known if str(record["fields"][f]) == str(truth[f])]
    assert len(right) >= 0.8 * len(known), sorted(set(known) - set(right))


def test_export_writes_loaded_records(tmp_path: Path):
    """sohoa export on a database the loader filled: CSV per table and JSON Lines."""
    import json

    import pandas as pd

    from registry.db import get_engine, upgrade
    from registry.loader import load_batch
    from registry.samples import household_frame

    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    engine = get_engine(url)
    frame = household_frame(3, 2, batch_id="b1")
    load_batch(
        engine, frame, batch={"batch_id": "b1", "doc_type": "household_registration"},
        run_id="r1", rules_version="t", ocr_engine="t",
    )  # fmt: skip
    engine.dispose()
    env = {"SOHOA_DATABASE_URL": url}
    out = tmp_path / "out.jsonl"
    result = run_cli(
        "export", "household_registration", "--format", "jsonl", "--out", str(out), env=env
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(lines) == 3 and all(len(r["members"]) == 2 for r in lines)
    folder = tmp_path / "csv"
    result = run_cli("export", "household_registration", "--out", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(folder / "household_registration.members.csv")) == 6
