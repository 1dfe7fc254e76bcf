"""All record types: nested household rows, locks on nested fields, a killed load, export."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from registry.export import export_records
from registry.loader import load_batch
from registry.models import FieldValue, HouseholdBook, HouseholdMember, ReviewFlag
from registry.nested import field_path
from registry.review import lock_field
from registry.samples import household_frame

BATCH = {"batch_id": "B-HK-0001", "doc_type": "household_registration"}
RUN = {"run_id": "run-1", "rules_version": "rules-1", "ocr_engine": "tesseract 5.3.0 vie"}
members = HouseholdMember.__table__


def _load(engine, frame, **kw):
    return load_batch(engine, frame, batch=BATCH, **{**RUN, **kw})


def _member(engine, record_id, index):
    with engine.connect() as conn:
        stmt = select(members).where(
            members.c.record_id == record_id, members.c.member_index == index
        )
        return dict(conn.execute(stmt).mappings().one())


def test_household_members_load_with_provenance_and_reload_is_identical(
    engine, snapshot, row_counts
):
    frame = household_frame(4, 3)
    summary = _load(engine, frame)
    assert summary.nested_rows == 12 and summary.inserted == 4
    counts = row_counts(engine)
    assert counts["household_books"] == 4 and counts["household_members"] == 12
    row = _member(engine, frame.loc[0, "record_id"], 2)
    assert row["full_name"] == frame.loc[0, "members"][1]["full_name"]
    assert row["natural_key"] == f"{frame.loc[0, 'household_book_number']}|2"
    assert row["confidences"]["full_name"] == pytest.approx(0.9)
    assert row["boxes"]["full_name"] == [100, 380, 400, 30]
    assert row["raw_values"]["member_index"] == "2"

    before = snapshot(engine)
    again = _load(engine, frame)
    assert again.unchanged == 4
    assert row_counts(engine) == counts
    assert snapshot(engine) == before


def test_a_member_missing_from_a_rerun_is_kept(engine):
    frame = household_frame(1, 3)
    _load(engine, frame)
    shorter = frame.copy()
    for col in ("members", "raw__members", "conf__members", "box__members"):
        shorter.at[0, col] = frame.at[0, col][:2]
    _load(engine, shorter, run_id="run-2")
    gone = _member(engine, frame.loc[0, "record_id"], 3)
    assert gone["last_seen_run_id"] == "run-1"  # kept, visibly not seen by run-2
    assert _member(engine, frame.loc[0, "record_id"], 1)["last_seen_run_id"] == "run-2"


def test_duplicate_member_keys_go_to_review(engine):
    frame = household_frame(2, 2)
    # The second page claims the first page's book: its members' keys are taken.
    frame.at[1, "members"] = [
        {**m, "household_book_number": frame.loc[0, "household_book_number"]}
        for m in frame.loc[1, "members"]
    ]
    summary = _load(engine, frame)
    assert summary.needs_review == 1
    second = sorted(frame["record_id"])[1]
    with engine.connect() as conn:
        keys = conn.execute(
            select(members.c.natural_key).where(members.c.record_id == second)
        ).scalars()
        assert list(keys) == [None, None]
        flag = (
            conn.execute(
                select(ReviewFlag.__table__).where(ReviewFlag.__table__.c.record_id == second)
            )
            .mappings()
            .one()
        )
    assert flag["reason"] == "duplicate_natural_key" and flag["field"] == "members"


def test_reviewer_correction_of_a_member_survives_full_reprocessing(engine):
    frame = household_frame(3, 3)
    _load(engine, frame)
    rid = frame.loc[1, "record_id"]
    lock_field(
        engine,
        doc_type="household_registration",
        record_id=rid,
        field=field_path("members", 2, "full_name"),
        value="HOÀNG THỊ MAI",
        actor="reviewer-1",
        why="đọc sai dấu",
    )
    lock_field(
        engine,
        doc_type="household_registration",
        record_id=rid,
        field="head_full_name",
        value="HOÀNG VĂN NAM",
        actor="reviewer-1",
    )
    # Full reprocessing: a new run reads every value again, some differently.
    rerun = household_frame(3, 3)
    rerun.at[1, "members"] = [
        {**m, "full_name": "HOANG THI MAI", "occupation": "Giáo viên"}
        for m in rerun.loc[1, "members"]
    ]
    summary = _load(engine, rerun, run_id="run-2", rules_version="rules-2")
    assert summary.locked_kept == 2
    row = _member(engine, rid, 2)
    assert row["full_name"] == "HOÀNG THỊ MAI"  # the reviewer's value
    assert row["occupation"] == "Giáo viên"  # unlocked fields follow the new run
    with engine.connect() as conn:
        fv = FieldValue.__table__
        lock = (
            conn.execute(
                select(fv).where(fv.c.record_id == rid, fv.c.field == "members[2].full_name")
            )
            .mappings()
            .one()
        )
        head = conn.execute(
            select(HouseholdBook.__table__.c.head_full_name).where(
                HouseholdBook.__table__.c.record_id == rid
            )
        ).scalar_one()
    assert lock["locked"] and lock["machine_value"] == "HOANG THI MAI"
    assert lock["machine_run_id"] == "run-2"
    assert head == "HOÀNG VĂN NAM"


@pytest.mark.integration
def test_a_load_killed_mid_transaction_leaves_nothing_and_a_rerun_completes(
    engine, db_url, tmp_path, row_counts
):
    n = 3000  # 30,000 member rows: long enough to kill in the middle
    before = row_counts(engine)
    marker = tmp_path / "written"
    script = Path(__file__).with_name("registry_kill_load.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, str(script), db_url, str(n), str(marker)], env=env)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, "the loading process ended before it was killed"
            assert time.monotonic() < deadline, "the loading process never got half-way"
            time.sleep(0.2)
        assert int(marker.read_text()) == n * 10  # rows were written, uncommitted
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    engine.dispose()  # no pooled connection from before the kill
    assert row_counts(engine) == before

    summary = load_batch(
        engine,
        household_frame(n, 10, batch_id="B-KILL"),
        batch={"batch_id": "B-KILL", "doc_type": "household_registration"},
        run_id="run-kill",
        rules_version="r",
        ocr_engine="t",
    )
    assert summary.inserted == n and summary.nested_rows == n * 10
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(members)).scalar_one() == n * 10


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_writes_national_format_records_with_nesting(engine, tmp_path, fmt):
    frame = household_frame(3, 2)
    _load(engine, frame)
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    n = export_records(engine, "household_registration", batch_id="B-HK-0001", fmt=fmt, out=out)
    assert n == 3
    if fmt == "jsonl":
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        first = next(x for x in lines if x["record_id"] == frame.loc[0, "record_id"])
        assert first["doc_type"] == "household_registration"
        assert [m["member_index"] for m in first["members"]] == [1, 2]
        assert first["members"][0]["full_name"] == frame.loc[0, "members"][0]["full_name"]
        assert [m["struck_out"] for m in first["members"]] == [False, True]  # last of page 0
    else:
        read = pd.read_csv if fmt == "csv" else pd.read_parquet
        books = (
            read(out / f"household_registration.{fmt}", dtype=str)
            if fmt == "csv"
            else read(out / f"household_registration.{fmt}")
        )
        kids = read(out / f"household_registration.members.{fmt}")
        assert len(books) == 3 and len(kids) == 6
        assert set(kids["record_id"]) == set(frame["record_id"])
    assert (
        export_records(
            engine,
            "household_registration",
            commune_code="99999",
            fmt=fmt,
            out=tmp_path / "none" / ("x.jsonl" if fmt == "jsonl" else ""),
        )
        == 0
    )
