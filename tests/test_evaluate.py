"""The evaluation metrics themselves."""

from __future__ import annotations

from sohoa.evaluate import Tally, _score, character_error_rate, values_equal


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
