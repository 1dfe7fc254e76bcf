"""Calibrated confidence: the committed table, the switch, and the fit that makes it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from ocr import pipeline
from sohoa.types import FieldReading, PageExtraction

ROOT = Path(__file__).resolve().parents[2]


def _fit_module():
    spec = importlib.util.spec_from_file_location(
        "fit_calibration", ROOT / "bench" / "fit_calibration.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _fresh_table(monkeypatch):
    monkeypatch.delenv("SOHOA_CALIBRATION", raising=False)
    pipeline._calibration_points.cache_clear()
    yield
    pipeline._calibration_points.cache_clear()


def test_committed_table_is_monotone_and_says_how_it_was_made():
    table = json.loads(pipeline.CALIBRATION_FILE.read_text("utf-8"))
    assert table["made_by"] and table["from"]
    values = [b["calibrated"] for b in table["bins"]]
    assert values == sorted(values) and all(0.0 <= v <= 1.0 for v in values)
    raw = [i / 100 for i in range(101)]
    cal = [pipeline.calibrate(r) for r in raw]
    assert cal == sorted(cal)


def test_calibration_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("SOHOA_CALIBRATION", "0")
    assert pipeline.calibrate(0.42) == 0.42


def test_only_read_values_are_calibrated():
    ex = PageExtraction("birth_registration", "x.png", "", 1)
    ex.fields = {"a": FieldReading("45", 0.5), "b": FieldReading(None, 0.0)}
    ex.tables = {"members": [{"full_name": FieldReading("AN", 0.97)}]}
    pipeline._calibrate_readings(ex)
    assert ex.fields["a"].confidence == pipeline.calibrate(0.5)
    assert ex.fields["b"].confidence == 0.0
    assert ex.tables["members"][0]["full_name"].confidence == pipeline.calibrate(0.97)


def test_pool_adjacent_violators_and_fit():
    fit = _fit_module()
    assert fit.pool_adjacent_violators([0.9, 0.5, 0.7, 1.0], [1, 1, 2, 1]) == pytest.approx(
        [0.7, 0.7, 0.7, 1.0]
    )
    result = {
        "confidence_bands": [
            {"band": "0.00-0.50", "fields": 10, "right": 9},
            {"band": "0.50-0.90", "fields": 10, "right": 5},
            {"band": "0.90-1.00", "fields": 0, "right": 0},
        ]
    }
    bins = fit.fit([result, result])
    assert [b["fields"] for b in bins] == [20, 20, 0]
    assert [b["calibrated"] for b in bins] == [0.7, 0.7, 0.7]
