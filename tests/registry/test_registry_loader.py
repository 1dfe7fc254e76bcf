"""load_batch: one transaction, idempotent upserts, reviewer locks, flags, the natural key."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update

import registry.loader as loader
from registry.errors import LoadError, LoadInputError
from registry.loader import load_batch
from registry.models import Base, BirthRegistration, FieldValue, ReviewFlag
from registry.review import lock_field
from sohoa.national_format import ADMIN_CODE_SCHEME, NATIONAL_FIELDS

BATCH = {"batch_id": "B-2025-0001", "doc_type": "birth_registration", "commune_code": "24778"}
RUN = {"run_id": "run-1", "rules_version": "rules-1", "ocr_engine": "tesseract 5.3.0 vie"}
N_FIELDS = len(NATIONAL_FIELDS["birth_registration"])

births = BirthRegistration.__table__
field_values = FieldValue.__table__
flags = ReviewFlag.__table__


def _load(engine, frame, **kwargs):
    args = {"batch": BATCH, **RUN, **kwargs}
    return load_batch(engine, frame, **args)


def _records(engine):
    with engine.connect() as conn:
        return {r["record_id"]: dict(r) for r in conn.execute(select(births)).mappings()}


def _field(engine, record_id, field):
    with engine.connect() as conn:
        stmt = select(field_values).where(
            field_values.c.record_id == record_id, field_values.c.field == field
        )
        return dict(conn.execute(stmt).mappings().one())


def _flags(engine, record_id=None):
    stmt = select(flags).order_by(flags.c.flag_id)
    if record_id:
        stmt = stmt.where(flags.c.record_id == record_id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _batch_row(engine):
    with engine.connect() as conn:
        table = Base.metadata.tables["batches"]
        return dict(conn.execute(select(table)).mappings().one())


def test_first_load_writes_records_fields_flags_and_provenance(engine, birth_frame, row_counts):
    frame = birth_frame(3)
    summary = _load(engine, frame)

    assert (summary.inserted, summary.updated, summary.unchanged) == (3, 0, 0)
    assert summary.needs_review == 1 and summary.natural_key_conflicts == 0
    assert {t: n for t, n in row_counts(engine).items() if n} == {
        "batches": 1,
        "source_files": 3,
        "pages": 3,
        "birth_registrations": 3,
        "field_values": 3 * N_FIELDS,
        "review_flags": 1,
    }
    records = _records(engine)
    first = records[frame.record_id[0]]
    assert first["child_full_name"] == "NGUYỄN THỊ HỒNG NHUNG"
    assert first["child_sex"] == 2 and first["book_year"] == 2013
    assert first["registration_commune_code_scheme"] == ADMIN_CODE_SCHEME
    assert first["natural_key"] == "24778|2013|02|45"
    assert first["status"] == "auto_accepted" and first["run_id"] == "run-1"
    third = records[frame.record_id[2]]
    assert third["natural_key"] is None  # registration number unread
    assert third["registration_commune_code_scheme"] is None  # no code, no scheme
    assert third["status"] == "needs_review"
    # mother_birth_year is None in row 1, so pandas made the column float: stored as integer.
    assert records[frame.record_id[0]]["mother_birth_year"] == 1988

    name = _field(engine, frame.record_id[0], "child_full_name")
    assert name["raw_value"] == "NGUYỄN THỊ HỒNG NHUNG" and name["confidence"] == 0.93
    assert (name["box_left"], name["box_width"], name["box_height"]) == (100, 300, 32)
    assert name["source_sha256"] == frame.source_sha256[0] and name["page"] == 1
    assert name["locked"] is False and name["machine_value"] == name["value"]
    # A derived code borrows the raw text and box of the field it was read from.
    code = _field(engine, frame.record_id[0], "child_ethnicity_code")
    assert code["value"] == "01" and code["raw_value"] == "Kinh" and code["box_left"] == 100
    sex = _field(engine, frame.record_id[0], "child_sex")
    assert sex["value"] == "2"

    batch = _batch_row(engine)
    assert batch["status"] == "loaded" and batch["record_count"] == 3
    assert batch["inserted_count"] == 3 and batch["commune_code_scheme"] == ADMIN_CODE_SCHEME


def test_loading_the_same_batch_twice_changes_nothing(engine, birth_frame, snapshot, row_counts):
    frame = birth_frame(3)
    _load(engine, frame)
    before, counts = snapshot(engine), row_counts(engine)

    again = _load(engine, frame)

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert row_counts(engine) == counts
    assert snapshot(engine) == before  # updated_at included: nothing was rewritten
    assert _batch_row(engine)["unchanged_count"] == 3


def test_a_new_run_updates_provenance_but_adds_no_rows(engine, birth_frame, row_counts):
    frame = birth_frame(3)
    _load(engine, frame)
    counts = row_counts(engine)

    summary = _load(engine, frame, run_id="run-2", rules_version="rules-2")

    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 3, 0)
    assert row_counts(engine) == counts
    assert {r["run_id"] for r in _records(engine).values()} == {"run-2"}
    assert {r["rules_version"] for r in _records(engine).values()} == {"rules-2"}
    assert {f["run_id"] for f in _flags(engine)} == {"run-2"}


def test_reviewer_lock_survives_a_reload_with_a_different_machine_value(engine, birth_frame):
    misread = birth_frame(3, overrides={0: {"child_full_name": "NGUYÊN THỊ HÔNG NHUNG"}})
    rid = misread.record_id[0]
    _load(engine, misread)
    lock_field(
        engine,
        doc_type="birth_registration",
        record_id=rid,
        field="child_full_name",
        value="NGUYỄN THỊ HỒNG NHUNG",
        actor="reviewer.lan",
        why="tone marks dropped by OCR",
    )

    other_misread = birth_frame(3, overrides={0: {"child_full_name": "NGUYỄN THI HỒNG NHUNG"}})
    summary = _load(engine, other_misread, run_id="run-2")

    assert summary.locked_kept == 1
    assert _records(engine)[rid]["child_full_name"] == "NGUYỄN THỊ HỒNG NHUNG"
    row = _field(engine, rid, "child_full_name")
    assert row["locked"] is True and row["locked_by"] == "reviewer.lan"
    assert row["value"] == "NGUYỄN THỊ HỒNG NHUNG"
    assert row["machine_value"] == "NGUYỄN THI HỒNG NHUNG"
    assert row["machine_run_id"] == "run-2"
    assert row["run_id"] == "run-1"  # the locked row's provenance is the reviewer's
    # Unlocked fields of the same record do follow the new run.
    assert _field(engine, rid, "child_sex")["run_id"] == "run-2"

    with engine.connect() as conn:
        actions = conn.execute(select(Base.metadata.tables["review_actions"])).mappings().all()
    assert [(a["actor"], a["old_value"], a["new_value"]) for a in actions] == [
        ("reviewer.lan", "NGUYÊN THỊ HÔNG NHUNG", "NGUYỄN THỊ HỒNG NHUNG")
    ]
    # And the reload after that is a no-op that still reports the disagreement.
    again = _load(engine, other_misread, run_id="run-2")
    assert (again.updated, again.unchanged, again.locked_kept) == (0, 3, 1)


def test_a_lock_is_guarded_in_sql_too(engine, birth_frame, monkeypatch):
    """A lock set after the loader read the rows (a race) still wins: the upsert checks it."""
    frame = birth_frame(1)
    rid = frame.record_id[0]
    _load(engine, frame)
    changed = birth_frame(1, overrides={0: {"child_full_name": "NGUYỄN THỊ NHUNG"}})
    plan_records = loader._plan_records

    def lock_between_read_and_write(conn, *args, **kwargs):
        plan = plan_records(conn, *args, **kwargs)
        conn.execute(
            update(field_values)
            .where(field_values.c.record_id == rid, field_values.c.field == "child_full_name")
            .values(locked=True, locked_by="reviewer.race")
        )
        return plan

    monkeypatch.setattr(loader, "_plan_records", lock_between_read_and_write)
    _load(engine, changed, run_id="run-2")
    row = _field(engine, rid, "child_full_name")
    assert row["value"] == "NGUYỄN THỊ HỒNG NHUNG" and row["run_id"] == "run-1"
    assert row["machine_value"] == "NGUYỄN THỊ NHUNG"


def test_an_exception_half_way_leaves_nothing(engine, birth_frame, row_counts, monkeypatch):
    real = loader._upsert_dicts
    calls = []

    def fail_at_field_values(conn, table, rows, conflict):
        calls.append(table.name)
        if table.name == "field_values":
            raise RuntimeError("disk on fire")
        real(conn, table, rows, conflict)

    monkeypatch.setattr(loader, "_upsert_dicts", fail_at_field_values)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _load(engine, birth_frame(3))

    assert "birth_registrations" in calls  # records had been written when it failed
    counts = row_counts(engine)
    assert counts.pop("batches") == 1
    assert set(counts.values()) == {0}
    batch = _batch_row(engine)
    assert batch["status"] == "failed" and "disk on fire" in batch["failure_message"]


def test_a_refused_reload_keeps_the_previous_load(engine, birth_frame, snapshot):
    _load(engine, birth_frame(3))
    before = snapshot(engine)
    bad = birth_frame(3, overrides={2: {"registration_commune_code": "2477"}})  # 4 digits

    with pytest.raises(LoadError) as caught:
        _load(engine, bad, run_id="run-2")

    assert caught.value.statement and "birth_registrations" in caught.value.statement
    assert snapshot(engine) == before
    assert _batch_row(engine)["status"] == "failed"
    summary = _load(engine, birth_frame(3))  # and the batch loads again afterwards
    assert summary.unchanged == 3 and _batch_row(engine)["status"] == "loaded"


def test_a_record_missing_from_a_rerun_is_kept(engine, birth_frame):
    frame = birth_frame(3)
    _load(engine, frame)
    summary = _load(engine, frame.iloc[:2].reset_index(drop=True))
    assert summary.records == 2 and summary.unchanged == 2
    assert set(_records(engine)) == set(frame.record_id)


def test_rerun_flags_replace_only_unresolved_machine_flags(engine, birth_frame):
    def flag(field, reason):
        return {"field": field, "reason": reason, "message_vi": reason, "message_en": reason}

    first = birth_frame(
        3,
        flags={2: [flag("child_full_name", "low_confidence"), flag("book_number", "unreadable")]},
    )
    rid, rid_clean = first.record_id[2], first.record_id[0]
    _load(engine, first)
    with engine.begin() as conn:
        conn.execute(
            update(flags)
            .where(flags.c.record_id == rid, flags.c.reason == "unreadable")
            .values(resolved=True, resolved_by="reviewer.lan")
        )
        conn.execute(
            insert(flags).values(
                record_id=rid_clean,
                doc_type="birth_registration",
                field="child_hometown_text",
                reason="reviewer_question",
                raised_by="reviewer",
            )
        )

    second = birth_frame(3, flags={2: [flag("child_date_of_birth", "implausible_date")]})
    _load(engine, second, run_id="run-2")

    kept = {(f["reason"], f["resolved"], f["raised_by"]) for f in _flags(engine, rid)}
    assert kept == {("unreadable", True, "machine"), ("implausible_date", False, "machine")}
    records = _records(engine)
    assert records[rid]["status"] == "needs_review"
    # A reviewer's open question keeps a record in review even when the run is happy with it.
    assert records[rid_clean]["status"] == "needs_review"
    assert [f["reason"] for f in _flags(engine, rid_clean)] == ["reviewer_question"]

    third = birth_frame(3, flags={2: []})
    summary = _load(engine, third, run_id="run-3")
    assert [f["reason"] for f in _flags(engine, rid)] == ["unreadable"]  # the resolved one
    assert _records(engine)[rid]["status"] == "auto_accepted"
    assert summary.needs_review == 1  # only rid_clean, for the reviewer's question


def test_machine_flags_on_a_locked_field_are_dropped(engine, birth_frame):
    frame = birth_frame(3)
    rid = frame.record_id[2]
    _load(engine, frame)
    lock_field(
        engine,
        doc_type="birth_registration",
        record_id=rid,
        field="child_full_name",
        value="LÊ VĂN AN",
        actor="reviewer.lan",
    )
    _load(engine, frame, run_id="run-2")
    assert [f for f in _flags(engine, rid) if not f["resolved"]] == []
    # The run said needs_review only for that flag: the record keeps its stored status.
    assert _records(engine)[rid]["status"] == "needs_review"


def test_natural_key_nulls_never_collide_and_duplicates_go_to_review(engine, birth_frame):
    same_as_first = {
        k: v
        for k, v in birth_frame(1).iloc[0].items()
        if k in NATIONAL_FIELDS["birth_registration"]
    }
    frame = birth_frame(
        5,
        overrides={
            3: same_as_first,  # a second scan of the first paper (or a misread)
            4: {"registration_number": None},  # a second record with an incomplete key
        },
    )
    summary = _load(engine, frame)

    assert summary.natural_key_conflicts == 1
    records = _records(engine)
    a, d = frame.record_id[0], frame.record_id[3]
    holder, other = sorted([a, d])  # records claim keys in record_id order
    assert records[holder]["natural_key"] == "24778|2013|02|45"
    assert records[other]["natural_key"] is None
    assert records[other]["registration_number"] == "45"  # the parts are kept
    assert records[other]["status"] == "needs_review"
    duplicate = [f for f in _flags(engine, other) if f["reason"] == "duplicate_natural_key"]
    assert len(duplicate) == 1 and holder in duplicate[0]["message_en"]
    # Two incomplete keys (registration number unread) are not duplicates of each other.
    for rid in (frame.record_id[2], frame.record_id[4]):
        assert records[rid]["natural_key"] is None
        assert not [f for f in _flags(engine, rid) if f["reason"] == "duplicate_natural_key"]

    again = _load(engine, frame)
    assert (again.unchanged, again.natural_key_conflicts) == (5, 1)


def test_input_problems_are_reported_together_before_touching_the_database(tmp_path, birth_frame):
    from registry.db import get_engine

    engine = get_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    frame = birth_frame(3)
    frame["child_sex"] = frame["child_sex"].astype(object)
    frame.at[0, "child_sex"] = "Nam"  # not normalised
    frame.at[1, "conf__child_full_name"] = 1.5
    frame.at[2, "box__child_full_name"] = [1, 2, 3]
    frame.at[2, "status"] = "maybe"
    with pytest.raises(LoadInputError) as caught:
        load_batch(engine, frame, batch={**BATCH, "colour": "red"}, **RUN)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "child_sex",
        "conf__child_full_name",
        "box__child_full_name",
        "status",
        "colour",
    ):
        assert expected in problems
    assert "Dữ liệu" in caught.value.message_vi

    with pytest.raises(LoadInputError, match="not one of"):
        load_batch(engine, frame, batch={**BATCH, "doc_type": "land_deed"}, **RUN)
    with pytest.raises(LoadInputError, match=r"lack columns.*holders"):
        load_batch(engine, frame, batch={**BATCH, "doc_type": "land_certificate"}, **RUN)
    with pytest.raises(LoadInputError, match="lack columns"):
        load_batch(engine, frame.drop(columns=["child_full_name"]), batch=BATCH, **RUN)
    engine.dispose()


def test_pages_carry_cleanup_and_ocr_details(engine, birth_frame):
    frame = birth_frame(2)
    pages = [
        {
            "source_sha256": frame.source_sha256[0],
            "page": 1,
            "source_file": "scans/b0.jpg",
            "media_type": "image/jpeg",
            "page_count": 1,
            "doc_type": "birth_registration",
            "status": "ok",
            "cleanup_params": {"deskew_deg": -1.5, "rotate": 0},
            "ocr_engine": "tesseract 5.3.0 vie",
            "page_text": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "fields": {"ignored": True},
        }
    ]
    summary = _load(engine, frame, pages=pages)
    assert summary.pages == 2
    with engine.connect() as conn:
        rows = {
            r["source_sha256"]: dict(r)
            for r in conn.execute(select(Base.metadata.tables["pages"])).mappings()
        }
        source = conn.execute(select(Base.metadata.tables["source_files"])).mappings().all()
    assert rows[frame.source_sha256[0]]["cleanup_params"] == {"deskew_deg": -1.5, "rotate": 0}
    assert rows[frame.source_sha256[0]]["page_text"].startswith("CỘNG HÒA")
    assert rows[frame.source_sha256[1]]["page_text"] is None  # known from the records only
    assert {s["media_type"] for s in source} == {"image/jpeg", None}


def test_a_batch_keeps_its_declared_record_type(engine, birth_frame, row_counts):
    with engine.begin() as conn:
        conn.execute(
            insert(Base.metadata.tables["batches"]).values(
                batch_id=BATCH["batch_id"], doc_type="land_certificate"
            )
        )
    with pytest.raises(LoadInputError, match="declared 'land_certificate'"):
        _load(engine, birth_frame(3))
    assert row_counts(engine)["birth_registrations"] == 0
