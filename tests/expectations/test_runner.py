"""The birth suite on normalised rows (Great Expectations: slow to import, hence integration)."""

import dataclasses
import datetime as dt

import pytest

from sohoa.settings import get_settings
from transforms import normalise

pytestmark = pytest.mark.integration
DT = "birth_registration"
TODAY = dt.date(2025, 11, 23)


def flags_of(report, i):
    return {(f["field"], f["reason"]) for f in report.df["flags"].iloc[i]}


def test_clean_batch_passes(raw_birth):
    from expectations import validate

    rows = [{"registration_number": f"{i}/KS"} for i in range(20)]
    report = validate(normalise(raw_birth(rows), DT), DT, today=TODAY)
    assert report.success, [o for o in report.outcomes if not o.success]
    assert not report.held and report.failed_rows == 0
    assert all(o.error is None for o in report.outcomes)


def test_seeded_bad_rows_reported_with_field_and_reason(raw_birth):
    from expectations import validate

    rows = [{"registration_number": f"{i}/KS"} for i in range(20)]
    rows[3] |= {"child_date_of_birth": "01/04/2013"}  # after the registration date
    rows[5] |= {"mother_birth_year": "2008"}  # 5 years older than the child
    rows[7] |= {"child_personal_id": "068313012345"}  # digit 4 says female
    rows[9] |= {"child_full_name": None}  # required
    rows[11] |= {"registration_date": "ngày 05 tháng 3 năm 2031"}  # future
    rows[13] |= {"registration_number": "999/KS"}
    rows[14] |= {"registration_number": "999/KS"}  # duplicate of 13
    norm = normalise(raw_birth(rows), DT)
    report = validate(norm, DT, today=TODAY)
    assert not report.success and not report.held
    assert ("child_date_of_birth", "birth_after_registration") in flags_of(report, 3)
    assert ("mother_birth_year", "parent_too_young") in flags_of(report, 5)
    assert ("child_personal_id", "id_sex_mismatch") in flags_of(report, 7)
    assert ("child_full_name", "missing_required") in flags_of(report, 9)
    assert ("registration_date", "date_in_future") in flags_of(report, 11)
    assert ("registration_number", "duplicate_registration") in flags_of(report, 13)
    assert ("registration_number", "duplicate_registration") in flags_of(report, 14)
    assert flags_of(report, 0) == set()
    # a flag raised by the transforms is not repeated by the suite
    reasons7 = [f["reason"] for f in report.df["flags"].iloc[7]]
    assert reasons7.count("id_sex_mismatch") == 1
    f = next(x for x in report.df["flags"].iloc[5] if x["reason"] == "parent_too_young")
    assert f["message_vi"] and f["message_en"] and "2008" in f["message_en"]
    assert report.failed_rows == 7


def test_wrong_record_type_batch_is_held(raw_birth):
    from expectations import validate

    # a batch of marriage pages read as births: no child, no sex, no date of birth
    rows = [{"child_full_name": None, "child_sex": None, "child_date_of_birth": None,
             "registration_number": f"{i}"} for i in range(10)]  # fmt: skip
    rows += [{"registration_number": f"{i}/KS"} for i in range(10, 14)]
    s = dataclasses.replace(get_settings(), batch_hold_failure_share=0.5)
    report = validate(normalise(raw_birth(rows), DT), DT, settings=s, today=TODAY)
    assert report.held
    assert report.failed_row_share == pytest.approx(10 / 14)
    assert "Batch held" in report.hold_reason_en and "71%" in report.hold_reason_en
    assert "Tạm giữ" in report.hold_reason_vi
    assert report.held_reason.startswith("Tạm giữ") and "Batch held" in report.held_reason
    assert report.frame is report.df


def test_data_docs_built(raw_birth, tmp_path):
    from expectations import validate

    rows = [{"registration_number": f"{i}/KS"} for i in range(5)]
    report = validate(normalise(raw_birth(rows), DT), DT, data_docs_dir=tmp_path / "docs")
    assert report.data_docs_index is not None and report.data_docs_index.is_file()
    pages = list((tmp_path / "docs").rglob("validations/**/*.html"))
    assert pages
    # a text check reads as its reason, not as its regex (the province check's is 23 kB)
    html = pages[0].read_text("utf-8")
    assert "garbled_place_word" in html and "Địa danh có chữ không ai viết" in html
    assert "Lâm Đồng" not in html


def test_a_second_writer_waits_for_the_data_docs_lock(raw_birth, tmp_path):
    # two Celery workers validating side by side once read each other's half-written suite file
    import fcntl
    import threading

    from expectations import validate

    docs = tmp_path / "docs"
    docs.mkdir()
    frame = normalise(raw_birth([{}]), DT)
    reports = []
    with open(docs / ".sohoa-gx.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another batch is writing
        worker = threading.Thread(target=lambda: reports.append(validate(frame, DT, docs)))
        worker.start()
        worker.join(timeout=6.0)  # a one-row validation takes 2-3 s here when nothing blocks it
        assert worker.is_alive() and not reports  # it waits instead of reading half a file
        fcntl.flock(held, fcntl.LOCK_UN)
    worker.join(timeout=120)
    assert len(reports) == 1 and reports[0].data_docs_index.is_file()
