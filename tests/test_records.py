"""Shapes between stages: page extractions → raw frame → JSON records."""

from __future__ import annotations

import pandas as pd

from sohoa.national_format import EXTRACTED_FIELDS, NATIONAL_FIELDS
from sohoa.records import (
    extractions_to_frame,
    frame_to_records,
    make_record_id,
    unreadable_page_record,
)
from sohoa.types import FieldReading, PageExtraction, page_extraction_from_dict


def _page(page: int = 1, status: str = "ok") -> PageExtraction:
    return PageExtraction(
        doc_type="birth_registration",
        source_file="scans/b1.jpg",
        source_sha256="ab" * 32,
        page=page,
        fields={"child_full_name": FieldReading("NGUYỄN VĂN AN", 0.93, (10, 20, 300, 40))},
        status=status,
    )


def test_record_id_is_stable_and_distinct_per_page():
    assert make_record_id("x" * 64, 1) == make_record_id("x" * 64, 1)
    assert make_record_id("x" * 64, 1) != make_record_id("x" * 64, 2)
    assert make_record_id("x" * 64, 1, 0) != make_record_id("x" * 64, 1, 1)


def test_raw_frame_has_every_extracted_field_even_when_unread():
    df = extractions_to_frame([_page(1), _page(2), _page(3, status="failed")], "birth_registration")
    assert len(df) == 2  # the failed page is not a record
    for f in EXTRACTED_FIELDS["birth_registration"]:
        assert f in df.columns and f"conf__{f}" in df.columns
    assert df.loc[0, "child_full_name"] == "NGUYỄN VĂN AN"
    assert df.loc[0, "box__child_full_name"] == [10, 20, 300, 40]
    assert df.loc[0, "mother_full_name"] is None
    assert df.loc[0, "conf__mother_full_name"] == 0.0


def test_extraction_round_trips_through_json_dict():
    ex = _page()
    back = page_extraction_from_dict(ex.to_dict())
    assert back == ex


def test_records_carry_all_national_fields_with_nulls_not_absent():
    row = {f: None for f in NATIONAL_FIELDS["birth_registration"]}
    row.update(
        record_id="r1", doc_type="birth_registration", source_file="a.jpg",
        source_sha256="s", page=1, batch_id="b", child_sex=1,
        flags=[{"field": "child_sex", "reason": "x"}], status="needs_review",
    )  # fmt: skip
    df = pd.DataFrame([row]).astype({"child_sex": "Int64"})
    (rec,) = frame_to_records(df)
    assert set(rec["fields"]) == set(NATIONAL_FIELDS["birth_registration"])
    assert rec["fields"]["child_sex"] == 1 and isinstance(rec["fields"]["child_sex"], int)
    assert rec["fields"]["mother_full_name"] is None
    assert rec["status"] == "needs_review"


def test_unreadable_page_record_keeps_the_reason():
    ex = _page(status="failed")
    ex.reason, ex.message = "bad_input", "Tệp không phải ảnh / not an image"
    rec = unreadable_page_record(ex)
    assert rec["status"] == "rejected"
    assert rec["flags"][0]["reason"] == "bad_input"


def test_table_rows_nest_with_their_confidences():
    from sohoa.national_format import HOUSEHOLD_MEMBER_FIELDS

    member = {f: None for f in HOUSEHOLD_MEMBER_FIELDS} | {"member_index": 1, "full_name": "LÊ AN"}
    row = {f: None for f in NATIONAL_FIELDS["household_registration"]}
    row.update(
        record_id="r1", doc_type="household_registration", source_file="h.jpg",
        source_sha256="s", page=1, batch_id=None, members=[member],
        conf__members=[{"full_name": 0.91234, "member_index": 0.99}],
        raw__members=[{"full_name": "Lê An"}], flags=[], status="needs_review",
    )  # fmt: skip
    (rec,) = frame_to_records(pd.DataFrame([row]))
    assert rec["fields"]["members"][0]["full_name"] == "LÊ AN"
    assert rec["confidence"]["members"] == [{"full_name": 0.912, "member_index": 0.99}]
    assert rec["raw"]["members"] == [{"full_name": "Lê An"}]
