"""``sohoa eval``: the pipeline's output against the generator's ground truth.

Metrics (DESIGN.md, "How quality is measured"):
- field accuracy: share of ground-truth fields (non-null in the truth) whose normalised value is
  exactly right; a value read where the truth is null is counted apart as ``spurious``;
- CER: character error rate of the page text (NFC, white space folded) against the truth text;
- straight-through rate: share of records auto-accepted;
- residual error rate: share of the fields of auto-accepted records that are wrong;
- pages per minute, end to end (wall clock, one process).
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from sohoa.batch import extract_files, prepare_records
from sohoa.national_format import NATIONAL_FIELDS

NESTED_FIELDS = frozenset({"members", "holders", "vertices"})


def fold_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def character_error_rate(predicted: str, truth: str) -> float:
    truth_f, pred_f = fold_text(truth), fold_text(predicted)
    if not truth_f:
        return 0.0 if not pred_f else 1.0
    return Levenshtein.distance(pred_f, truth_f) / len(truth_f)


def values_equal(predicted: Any, truth: Any) -> bool:
    if predicted is None or truth is None:
        return predicted is None and truth is None
    if isinstance(truth, float) or isinstance(predicted, float):
        try:
            return abs(float(predicted) - float(truth)) < 1e-6
        except (TypeError, ValueError):
            return False
    return str(predicted) == str(truth)


@dataclass
class Tally:
    pages: int = 0
    truth_fields: int = 0
    correct_fields: int = 0
    spurious_fields: int = 0
    records: int = 0
    auto_accepted: int = 0
    auto_fields: int = 0
    auto_wrong: int = 0
    cer_sum: float = 0.0
    seconds: float = 0.0
    unread_pages: int = 0
    per_field: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def as_row(self) -> dict[str, Any]:
        def share(a: float, b: float) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "pages": self.pages,
            "unread_pages": self.unread_pages,
            "field_accuracy": share(self.correct_fields, self.truth_fields),
            "truth_fields": self.truth_fields,
            "spurious_fields": self.spurious_fields,
            "cer": share(self.cer_sum, self.pages),
            "straight_through_rate": share(self.auto_accepted, self.records),
            "residual_error_rate": share(self.auto_wrong, self.auto_fields),
            "pages_per_minute": round(60 * self.pages / self.seconds, 2) if self.seconds else None,
        }


def _truth_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.json") if _is_truth(p))


def _is_truth(path: Path) -> bool:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "doc_type" in data and "fields" in data and "image" in data


def evaluate(directory: str | Path) -> dict[str, Any]:
    directory = Path(directory)
    groups: dict[tuple[str, str], Tally] = defaultdict(Tally)
    overall = Tally()
    for truth_path in _truth_files(directory):
        truth = json.loads(truth_path.read_text("utf-8"))
        doc_type, level = truth["doc_type"], truth.get("degrade", "unknown")
        image = truth_path.parent / truth["image"]
        text_path = truth_path.with_suffix(".txt")
        t0 = time.monotonic()
        extractions = extract_files([image], declared_type=None)
        prepared = prepare_records(extractions)
        seconds = time.monotonic() - t0
        records = [r for r in prepared.records() if r["page"] == truth.get("page", 1)]
        record = records[0] if records else None
        page_text = next((ex.page_text for ex in extractions), "")
        truth_text = text_path.read_text("utf-8") if text_path.exists() else ""
        for tally in (groups[(doc_type, level)], overall):
            _score(tally, truth, record, page_text, truth_text, seconds)
    by_group = {f"{t}/{lvl}": g.as_row() for (t, lvl), g in sorted(groups.items())}
    by_type: dict[str, Tally] = defaultdict(Tally)
    for (t, _lvl), g in groups.items():
        _merge(by_type[t], g)
    per_field = {  # only for types that produced records: the others are all zero
        t: {f: round(c / n, 4) for f, (c, n) in sorted(tally.per_field.items()) if n}
        for t, tally in by_type.items()
        if tally.records
    }
    return {
        "directory": str(directory),
        "overall": overall.as_row(),
        "by_type": {t: g.as_row() for t, g in sorted(by_type.items())},
        "by_type_and_level": by_group,
        "per_field_accuracy": per_field,
    }


def _merge(into: Tally, other: Tally) -> None:
    for name in (
        "pages truth_fields correct_fields spurious_fields records auto_accepted auto_fields "
        "auto_wrong cer_sum seconds unread_pages"
    ).split():
        setattr(into, name, getattr(into, name) + getattr(other, name))
    for f, (c, n) in other.per_field.items():
        into.per_field[f][0] += c
        into.per_field[f][1] += n


def _score(tally, truth, record, page_text, truth_text, seconds) -> None:
    doc_type = truth["doc_type"]
    tally.pages += 1
    tally.seconds += seconds
    tally.cer_sum += character_error_rate(page_text, truth_text)
    predicted = (record or {}).get("fields") or {}
    if record is None:
        tally.unread_pages += 1
    else:
        tally.records += 1
    auto = record is not None and record["status"] == "auto_accepted"
    tally.auto_accepted += auto
    for name in NATIONAL_FIELDS[doc_type]:
        if name in NESTED_FIELDS:
            continue
        want, got = truth["fields"].get(name), predicted.get(name)
        ok = values_equal(got, want)
        if want is not None:
            tally.truth_fields += 1
            tally.correct_fields += ok
            tally.per_field[name][0] += ok
            tally.per_field[name][1] += 1
        elif got is not None:
            tally.spurious_fields += 1
        if auto and (want is not None or got is not None):
            tally.auto_fields += 1
            tally.auto_wrong += not ok


PERCENT_COLUMNS = ("field_accuracy", "cer", "straight_through_rate", "residual_error_rate")
TABLE_COLUMNS = (
    ("pages", "pages"),
    ("unread_pages", "no record"),
    ("field_accuracy", "field acc"),
    ("cer", "CER"),
    ("straight_through_rate", "straight-thru"),
    ("residual_error_rate", "residual err"),
    ("spurious_fields", "spurious"),
    ("pages_per_minute", "pages/min"),
)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if key in PERCENT_COLUMNS else str(value)


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{'record type / level':34}" + "".join(f"{h:>15}" for _, h in TABLE_COLUMNS)]
    rows = [*result["by_type_and_level"].items(), *result["by_type"].items()]
    rows.append(("ALL", result["overall"]))
    for name, row in rows:
        lines.append(f"{name:34}" + "".join(f"{_cell(k, row[k]):>15}" for k, _ in TABLE_COLUMNS))
    for doc_type, fields in result["per_field_accuracy"].items():
        lines.append("")
        lines.append(f"per-field accuracy: {doc_type}")
        lines.extend(f"  {f:40} {acc:7.1%}" for f, acc in fields.items())
    return "\n".join(lines)
