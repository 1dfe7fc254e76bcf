"""Calibrated confidence: the chance that a value read off a page is right.

A reading's raw confidence is the mean Tesseract confidence of its words (0..1, with
extraction's own penalties). Alone it says little: Tesseract gives a printed number a low
confidence on a page that reads cleanly, and a garbled place name a high one on a page full of
speckle. The calibration (``sohoa/calibration.json``, made by ``bench/fit_calibration.py`` from
generator pages; how is recorded in the file) is a logistic model per kind of field (dates,
numbers, names, places, other words) of two inputs: the reading's raw confidence and the page's
(the mean confidence of its words, ``page_confidence``).

A transform that mends or guesses a value (``transforms.flags.DOUBTS``: a name's marks from the
lexicon, a place name from the official list …) multiplies the odds that it is right by a factor
fitted on the same pages. Such a value is routed by its confidence like any other.

``SOHOA_CALIBRATION=0`` turns both off (raw confidences, doubts leave them unchanged): that is
how the pages for a new fit are measured.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from sohoa.types import Word

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
KINDS = ("date", "number", "name", "place", "word")

_NUMBER_FIELD = re.compile(r"number|year|_id$|serial|_code|suffix|^(x|y|point|area_m2)$|_index$")
_PLACE_FIELD = re.compile(r"residence|place|address|hometown|authority|_text$")
_WORD_CHARS = re.compile(r"\w")


def field_kind(name: str) -> str:
    """The kind of a raw or national field, from its name (``members.date_of_birth`` → date)."""
    name = name.rsplit(".", 1)[-1]
    if "date" in name:
        return "date"
    if _NUMBER_FIELD.search(name):
        return "number"
    if "name" in name:
        return "name"
    if _PLACE_FIELD.search(name):
        return "place"
    return "word"


def page_confidence(words: Iterable[Word]) -> float:
    """Mean confidence (0..1) of the page's words of two letters or digits or more: how well
    the page as a whole was read (specks and single marks left out)."""
    confs = [w.confidence for w in words if len(_WORD_CHARS.findall(w.text)) >= 2]
    return round(sum(confs) / (100.0 * len(confs)), 4) if confs else 0.0


@lru_cache(maxsize=1)
def _model() -> dict[str, Any] | None:
    if os.environ.get("SOHOA_CALIBRATION", "1") == "0" or not CALIBRATION_FILE.exists():
        return None
    return json.loads(CALIBRATION_FILE.read_text("utf-8"))


def calibrate(confidence: float, kind: str, page: float) -> float:
    """Raw reading confidence → the chance that the value is right (unchanged when off)."""
    model = _model()
    if model is None:
        return confidence
    w = model["kinds"].get(kind) or model["kinds"]["word"]
    z = w["intercept"] + w["reading"] * confidence + w["page"] * page
    return 1.0 / (1.0 + math.exp(-z))


def doubt_factor(reason: str) -> float:
    """The odds factor of a doubting reason (1.0 when calibration is off or it was not fitted)."""
    model = _model()
    return 1.0 if model is None else float(model.get("doubts", {}).get(reason, 1.0))


def scale_odds(confidence: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``confidence`` with its odds (p / (1 - p)) multiplied by ``factor`` (NaN stays NaN; a
    factor of 0, a refused value, gives 0)."""
    p = np.minimum(np.asarray(confidence, dtype=float), 1.0 - 1e-9)
    odds = p / (1.0 - p) * np.asarray(factor, dtype=float)
    return odds / (1.0 + odds)
