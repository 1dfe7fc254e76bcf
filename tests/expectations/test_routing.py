import dataclasses

import pandas as pd

from expectations.routing import route, row_number_gaps, row_numbers_out_of_order
from sohoa.settings import get_settings


def frame(n: int, conf: float = 0.95, flags=None) -> pd.DataFrame:
    return pd.DataFrame({
        "record_id": [f"rec-{i}" for i in range(n)],
        "child_full_name": ["NGUYỄN VĂN AN"] * n,
        "father_full_name": [None] * n,
        "conf__child_full_name": [conf] * n,
        "conf__father_full_name": [0.0] * n,  # no value: its confidence does not count
        "flags": flags if flags is not None else [[] for _ in range(n)],
    })  # fmt: skip


def test_low_confidence_and_flags_need_review():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.0)
    out = route(frame(3, flags=[[], [{"field": "x", "reason": "malformed_name"}], []]), s)
    assert out.status.tolist() == ["auto_accepted", "needs_review", "auto_accepted"]
    assert out.review_reasons.tolist()[1] == ["malformed_name"]
    out = route(frame(2, conf=0.5), s)
    assert out.status.tolist() == ["needs_review"] * 2
    assert out.review_reasons.tolist()[0] == ["low_confidence"]


def test_a_doubt_counts_through_the_confidence_it_lowered():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.0)
    doubt = [{"field": "child_full_name", "reason": "name_repaired"}]
    sure = route(frame(1, conf=0.95, flags=[list(doubt)]), s)
    assert sure.status.tolist() == ["auto_accepted"]
    assert sure["flags"].tolist() == [[]] and sure.review_reasons.tolist() == [[]]
    unsure = route(frame(1, conf=0.6, flags=[list(doubt)]), s)
    assert unsure.status.tolist() == ["needs_review"]
    assert unsure["flags"].tolist() == [doubt]
    assert unsure.review_reasons.tolist() == [["name_repaired", "low_confidence"]]
    both = route(frame(1, conf=0.95, flags=[[*doubt, {"field": "x", "reason": "bad_format"}]]), s)
    assert both.status.tolist() == ["needs_review"] and len(both["flags"].tolist()[0]) == 2


def test_audit_sample_is_deterministic_and_about_the_share():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.05)
    a = route(frame(4000), s)
    b = route(frame(4000).sample(frac=1.0, random_state=1), s).sort_index()
    assert a.status.tolist() == b.status.tolist()  # seeded by record_id, not by row order
    share = (a.status == "needs_review").mean()
    assert 0.035 < share < 0.065
    audited = a[a.status == "needs_review"]
    assert all(r == ["audit_sample"] for r in audited.review_reasons)
    assert all(f[-1]["reason"] == "audit_sample" for f in audited["flags"])


def test_table_cells_count_for_routing_and_row_gaps_are_flagged():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.0)
    members = [
        [{"member_index": 1, "full_name": "A", "sex": None}, {"member_index": 2, "full_name": "B"}],
        [{"member_index": 1, "full_name": "A"}, {"member_index": 2, "full_name": "B"}],
        [{"member_index": 1, "full_name": "A"}, {"member_index": 3, "full_name": "C"}],
    ]
    confs = [
        [{"member_index": 0.99, "full_name": 0.95, "sex": 0.1}, {"full_name": 0.9}],  # unread cell
        [{"member_index": 0.99, "full_name": 0.95}, {"full_name": 0.6}],  # a doubtful cell
        [{"member_index": 0.99, "full_name": 0.95}, {"full_name": 0.95}],
    ]
    df = pd.DataFrame({"record_id": ["a", "b", "c"], "members": members, "conf__members": confs,
                       "flags": [[], [], []]})  # fmt: skip
    out = route(df, s)
    assert out.status.tolist() == ["auto_accepted", "needs_review", "needs_review"]
    assert out.review_reasons.tolist()[1] == ["low_confidence"]
    assert out.review_reasons.tolist()[2] == ["table_rows_missing"]
    assert out["flags"].tolist()[2][0]["field"] == "members"
    assert "«2»" in out["flags"].tolist()[2][0]["message_en"]


def test_row_number_gaps():
    assert row_number_gaps([1, 2, 4, "5"]) == [3]
    assert row_number_gaps(["2", "3"]) == [1]
    assert row_number_gaps([1, 2, 3]) == []
    assert row_number_gaps([None, "x"]) == []


def test_row_numbers_out_of_order():
    # dev land pages (seeds 556, 560): a vertex table's last point 5 read as 2
    assert row_numbers_out_of_order([1, 2, 3, 4, "2"]) == [2]
    assert row_numbers_out_of_order(["1", "3", "2", "4"]) == [2]
    assert row_numbers_out_of_order([1, 2, 3, 4, 1]) == []  # the polygon closed on point 1
    assert row_numbers_out_of_order([245, 246, 250]) == []  # a map's own numbers, rising
    assert row_numbers_out_of_order([1, None, "x", 4]) == []


def test_a_table_whose_row_numbers_do_not_rise_goes_to_review():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.0)
    rows = [{"point": p, "x": 1306900.0, "y": 586900.0} for p in ("1", "2", "3", "4", "2")]
    df = pd.DataFrame({"record_id": ["a"], "vertices": [rows],
                       "conf__vertices": [[{"point": 0.99, "x": 0.99, "y": 0.99}] * 5],
                       "flags": [[]]})  # fmt: skip
    out = route(df, s)
    assert out.status.tolist() == ["needs_review"]
    assert out.review_reasons.tolist()[0] == ["table_rows_out_of_order"]


def test_a_household_book_with_no_member_read_goes_to_review():
    s = dataclasses.replace(get_settings(), audit_sample_share=0.0)
    df = pd.DataFrame({"record_id": ["a", "b"], "members": [[], [{"member_index": 1}]],
                       "conf__members": [[], [{"member_index": 0.99}]],
                       "vertices": [[], []], "conf__vertices": [[], []],
                       "flags": [[], []]})  # fmt: skip
    out = route(df, s)
    assert out.status.tolist() == ["needs_review", "auto_accepted"]  # no vertex table is normal
    assert out.review_reasons.tolist()[0] == ["table_empty"]
