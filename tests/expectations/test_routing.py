import dataclasses

import pandas as pd

from expectations.routing import route
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
    out = route(frame(3, flags=[[], [{"field": "x", "reason": "name_repaired"}], []]), s)
    assert out.status.tolist() == ["auto_accepted", "needs_review", "auto_accepted"]
    assert out.review_reasons.tolist()[1] == ["name_repaired"]
    out = route(frame(2, conf=0.5), s)
    assert out.status.tolist() == ["needs_review"] * 2
    assert out.review_reasons.tolist()[0] == ["low_confidence"]


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
