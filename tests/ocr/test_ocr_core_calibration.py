"""Calibrated confidence: the committed model, the switch, and the fit that makes it."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from ocr import pipeline
from sohoa import confidence
from sohoa.types import FieldReading, PageExtraction, Word
from transforms.flags import DOUBTS

ROOT = Path(__file__).resolve().parents[2]


def _fit_module():
    spec = importlib.util.spec_from_file_location(
        "fit_calibration", ROOT / "bench" / "fit_calibration.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _fresh_model(monkeypatch):
    monkeypatch.delenv("SOHOA_CALIBRATION", raising=False)
    confidence._model.cache_clear()
    yield
    confidence._model.cache_clear()


def test_committed_model_says_how_it_was_made_and_rises_with_both_inputs():
    model = json.loads(confidence.CALIBRATION_FILE.read_text("utf-8"))
    assert model["made_by"] and model["from"]
    assert set(model["kinds"]) == set(confidence.KINDS)
    for kind in confidence.KINDS:
        by_reading = [confidence.calibrate(r / 10, kind, 0.9) for r in range(11)]
        by_page = [confidence.calibrate(0.9, kind, p / 10) for p in range(11)]
        assert by_reading == sorted(by_reading) and by_page == sorted(by_page)
        assert all(0.0 < c < 1.0 for c in by_reading + by_page)
    assert set(model["doubts"]) == DOUBTS
    assert all(0.0 < f <= 1.0 for f in model["doubts"].values())


def test_calibration_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("SOHOA_CALIBRATION", "0")
    confidence._model.cache_clear()
    assert confidence.calibrate(0.42, "name", 0.9) == 0.42
    assert confidence.doubt_factor("name_repaired") == 1.0


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("child_date_of_birth", "date"),
        ("members.moved_in_date", "date"),
        ("registration_number", "number"),
        ("book_year", "number"),
        ("deceased_personal_id", "number"),
        ("members[2].member_index", "number"),
        ("vertices.x", "number"),
        ("wife_full_name", "name"),
        ("father_residence", "place"),
        ("issuing_authority_text", "place"),
        ("members.hometown_text", "place"),
        ("child_ethnicity", "word"),
        ("members.sex", "word"),
    ],
)
def test_field_kind_by_name(name, kind):
    assert confidence.field_kind(name) == kind


def test_page_confidence_leaves_out_specks():
    words = [
        Word("HỌ", 90.0, (0, 0, 1, 1)),
        Word("tên", 70.0, (0, 0, 1, 1)),
        Word(".", 0.0, (0, 0, 1, 1)),
    ]
    assert confidence.page_confidence(words) == 0.8
    assert confidence.page_confidence([]) == 0.0


def test_a_reading_is_surer_on_a_page_that_reads_well():
    def read(page: float) -> PageExtraction:
        ex = PageExtraction("birth_registration", "x.png", "", 1, page_confidence=page)
        ex.fields = {"registration_number": FieldReading("45", 0.5), "b": FieldReading(None, 0.0)}
        ex.tables = {"members": [{"full_name": FieldReading("AN", 0.97)}]}
        pipeline._calibrate_readings(ex)
        return ex

    good, bad = read(0.95), read(0.45)
    assert (
        good.fields["registration_number"].confidence > bad.fields["registration_number"].confidence
    )
    assert good.fields["registration_number"].confidence == pytest.approx(
        confidence.calibrate(0.5, "number", 0.95), abs=1e-4
    )
    assert good.fields["b"].confidence == 0.0  # nothing read: nothing to calibrate
    name = good.tables["members"][0]["full_name"].confidence
    assert name == pytest.approx(confidence.calibrate(0.97, "name", 0.95), abs=1e-4)


def test_scale_odds():
    got = confidence.scale_odds(
        np.array([0.5, 0.9, 0.8, np.nan, 1.0]), np.array([0.25, 1.0, 0.0, 0.5, 0.5])
    )
    assert got[0] == pytest.approx(0.2)  # odds 1 → 0.25
    assert got[1] == pytest.approx(0.9)
    assert got[2] == 0.0  # a refused value
    assert math.isnan(got[3])
    assert 0.99 < got[4] < 1.0


def test_fit_recovers_a_known_model():
    fit = _fit_module()
    rng = np.random.default_rng(7)
    values = []
    for kind in confidence.KINDS:
        for _ in range(3000):
            reading, page = rng.uniform(0, 1), rng.uniform(0.3, 1)
            p = 1 / (1 + math.exp(-(-4 + 3 * reading + 5 * page)))
            values.append(
                {"kind": kind, "reading": reading, "page": page, "reasons": [],
                 "right": bool(rng.uniform() < p)}
            )  # fmt: skip
    kinds = fit.fit_kinds(values)
    assert kinds["name"]["reading"] == pytest.approx(3, abs=0.8)
    assert kinds["name"]["page"] == pytest.approx(5, abs=1.0)
    # values a doubt touched: a quarter of the odds the model gives them
    z = np.zeros(4000)
    right = rng.uniform(size=4000) < 0.2  # the model says 0.5 (odds 1), the truth 0.2 (odds 0.25)
    assert fit.odds_factor(z, right) == pytest.approx(0.25, abs=0.05)
    assert fit.odds_factor(z, np.ones(4000, dtype=bool)) == pytest.approx(1.0)  # never above 1
