"""The evaluation metrics themselves."""

from __future__ import annotations

from sohoa.evaluate import Tally, _score, character_error_rate, pair_rows, values_equal


def test_cer_folds_white_space_and_nfc():
    nfd = "NGUYE\u0302\u0303N"  # NGUYỄN decomposed
    assert character_error_rate(f"  {nfd}\n VĂN ", "NGUYỄN VĂN") == 0.0
    assert character_error_rate("NGUYÊN VĂN", "NGUYỄN VĂN") == 0.1


def test_values_equal_types():
    assert values_equal(1990, "1990")
    assert values_equal(720.2, 720.2000000001)
    assert not values_equal(None, "x")
    assert values_equal(None, None)
    assert not values_equal("01", "1")


def test_score_counts_spurious_and_residual_errors():
    truth = {
        "doc_type": "birth_registration",
        "fields": {"registration_number": "45", "child_sex": 1, "child_personal_id": None},
    }
    record = {
        "status": "auto_accepted",
        "fields": {"registration_number": "46", "child_sex": 1, "child_personal_id": "0681"},
    }
    t = Tally()
    _score(t, truth, record, "", "", 1.0)
    assert (t.truth_fields, t.correct_fields, t.spurious_fields) == (2, 1, 1)
    assert t.auto_fields == 3 and t.auto_wrong == 2
    row = t.as_row()
    assert row["field_accuracy"] == 0.5 and row["straight_through_rate"] == 1.0


def test_pair_rows_by_key_then_in_order():
    truth = [{"member_index": 1, "n": "A"}, {"member_index": 2, "n": "B"}, {"member_index": 3}]
    got = [{"member_index": 2, "n": "B"}, {"member_index": None, "n": "A"}]
    pairs = pair_rows(truth, got, "member_index")
    assert pairs[0] == (truth[1], got[0], 0)  # by key
    assert pairs[1] == (truth[0], got[1], 1)  # unkeyed rows in order
    assert pairs[2] == (truth[2], {}, None)  # a row not read at all


def test_score_counts_table_rows_missing_and_extra():
    member = {"member_index": 1, "full_name": "LÊ VĂN A", "sex": 1}
    truth = {"doc_type": "household_registration", "fields": {"members": [member]}}
    extra = {"member_index": 2, "full_name": "LÊ THỊ B", "sex": 2}
    record = {
        "status": "auto_accepted",
        "fields": {"members": [dict(member, sex=2), extra]},
        "confidence": {"members": [{"full_name": 0.9, "sex": 0.5}, {}]},
    }
    t = Tally()
    _score(t, truth, record, "", "", 1.0)
    assert (t.truth_fields, t.correct_fields, t.spurious_fields) == (3, 2, 3)
    assert t.per_field["members.sex"] == [0, 1]
    assert t.auto_fields == 6 and t.auto_wrong == 4
    assert (0.5, False) in t.observations
