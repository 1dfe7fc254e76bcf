"""Confidence bands and the threshold table of ``sohoa eval``, and the pool's ordering."""

from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from sohoa import batch
from sohoa.evaluate import Tally, _score, confidence_bands, threshold_table
from sohoa.types import PageExtraction


def test_bands_count_right_and_wrong_values():
    obs = [(0.2, False), (0.55, True), (0.96, True), (0.97, False), (1.0, True)]
    bands = {b["band"]: b for b in confidence_bands(obs)}
    assert bands["0.00-0.50"]["fields"] == 1 and bands["0.00-0.50"]["accuracy"] == 0.0
    assert bands["0.95-0.98"] == {"band": "0.95-0.98", "fields": 2, "right": 1, "accuracy": 0.5}
    assert bands["0.99-1.00"]["fields"] == 1  # 1.0 falls in the last band
    assert sum(b["fields"] for b in bands.values()) == len(obs)


def test_threshold_table_trades_straight_through_for_residual_error():
    records = [
        (False, [(0.99, True), (0.95, True)], 0),
        (False, [(0.99, True), (0.6, False)], 0),
        (True, [(0.99, True)], 0),  # flagged: never auto-accepted
        (False, [(0.99, True), (0.97, True), (0.96, True)], 1),  # a printed value not read
    ]
    rows = {r["threshold"]: r for r in threshold_table(records, (0.5, 0.9))}
    assert rows[0.5]["straight_through_rate"] == 0.75
    assert rows[0.5]["residual_error_rate"] == 0.25  # 2 wrong of 8
    assert rows[0.9]["straight_through_rate"] == 0.5
    assert rows[0.9]["residual_error_rate"] == pytest.approx(1 / 6, abs=1e-4)


def test_score_records_confidence_observations():
    truth = {"doc_type": "birth_registration", "fields": {"registration_number": "45"}}
    record = {
        "status": "needs_review",
        "fields": {"registration_number": "45", "child_sex": 2},
        "confidence": {"registration_number": 0.97, "child_sex": 0.4},
        "flags": [{"reason": "audit_sample"}],
    }
    t = Tally()
    _score(t, truth, record, "", "", 1.0)
    assert sorted(t.observations) == [(0.4, False), (0.97, True)]
    flagged, seen, missed = t.record_observations[0]
    assert flagged is False  # the audit sample is not a flag that sends a record to review
    assert sorted(seen) == sorted(t.observations)
    assert missed == 0


def _fake_extract(path, declared_type, lang, timeout):
    return [PageExtraction(None, path, "", page) for page in range(1, 1 + int(Path(path).stem[-1]))]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_extract_files_keeps_file_order_and_reports_progress(monkeypatch, workers):
    monkeypatch.setattr(batch, "_extract_one", _fake_extract)
    monkeypatch.setenv("SOHOA_WORKERS", workers)
    seen: list[int] = []
    files = ["a3", "b1", "c2"]
    out = batch.extract_files(files, progress=seen.append)
    assert [(e.source_file, e.page) for e in out] == [
        ("a3", 1), ("a3", 2), ("a3", 3), ("b1", 1), ("c2", 1), ("c2", 2)
    ]  # fmt: skip
    assert sorted(seen) == [1, 2, 3]


def test_worker_count(monkeypatch):
    monkeypatch.setenv("SOHOA_WORKERS", "4")
    assert batch.worker_count(jobs=3) == 3
    monkeypatch.setenv("SOHOA_WORKERS", "zero")
    assert batch.worker_count() >= 1


class _Inherited:
    """Garbage only the collector frees (it refers to itself); says so in a file when freed."""

    def __init__(self, path: Path):
        self.path, self.me = path, self

    def __del__(self):
        self.path.write_text("collected", "utf-8")


@pytest.mark.parametrize("initializer", [batch._worker_start, None])
def test_a_forked_worker_never_collects_what_it_inherited(tmp_path, initializer):
    # a DuckDB connection freed in a forked worker hung it (its destructor joins threads the
    # fork did not copy); the pool's workers leave what they inherited to the parent
    marker = tmp_path / "collected"
    gc.disable()  # the parent must not free it before the fork
    try:
        _Inherited(marker)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=context, initializer=initializer) as pool:
            pool.submit(gc.collect).result()
        assert marker.exists() == (initializer is None)
    finally:
        gc.enable()
        gc.collect()
