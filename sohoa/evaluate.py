"""``sohoa eval``: the pipeline's output against the generator's ground truth.

Metrics (DESIGN.md, "How quality is measured"):
- field accuracy: share of ground-truth fields (non-null in the truth) whose normalised value is
  exactly right; a value read where the truth is null is counted apart as ``spurious``;
- CER: character error rate of the page text (NFC, white space folded) against the truth text;
- straight-through rate: share of records auto-accepted;
- residual error rate: share of the fields of auto-accepted records that are wrong;
- pages per minute: per group from each page's own OCR time (per core); overall from the wall
  clock of the whole run (all workers, see ``SOHOA_WORKERS``);
- confidence bands: for every scored field of a record, its final confidence (after calibration
  and the transforms' penalties) and whether the value was right, grouped into bands, so the
  review threshold (``SOHOA_REVIEW_THRESHOLD``) can be set from data; ``thresholds`` shows, for
  candidate thresholds, the straight-through and residual error rates routing would give
  (records with a flag go to review whatever the threshold).
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
from transforms.flags import forces_review

# A table's rows are paired with the truth's by this key where both have it, else in order.
NESTED_FIELDS = {"members": "member_index", "holders": None, "vertices": "point"}
# Lower edges of the confidence bands reported by ``sohoa eval`` (the last band ends at 1.0).
BAND_EDGES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
CANDIDATE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)


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
    # (confidence, right) for every scored field of a record
    observations: list[tuple[float, bool]] = field(default_factory=list)
    # per record: (has a flag other than the audit sample, its field observations, how many
    # printed values it lacks)
    record_observations: list[tuple[bool, list[tuple[float, bool]], int]] = field(
        default_factory=list
    )

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


def truth_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.json") if _is_truth(p))


def _is_truth(path: Path) -> bool:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "doc_type" in data and "fields" in data and "image" in data


def evaluate(directory: str | Path, progress=None) -> dict[str, Any]:
    """Score every generator page under ``directory`` (its ``<stem>.json`` truth files).

    All pages are extracted in one call (a process pool, ``SOHOA_WORKERS``) and prepared as one
    batch; ``progress`` is passed on to ``extract_files`` (called with each file's page count).
    """
    directory = Path(directory)
    truths = []
    for truth_path in truth_files(directory):
        truth = json.loads(truth_path.read_text("utf-8"))
        truths.append((truth_path, truth, truth_path.parent / truth["image"]))
    t0 = time.monotonic()
    extractions = extract_files([image for _, _, image in truths], progress=progress)
    prepared = prepare_records(extractions)
    wall = time.monotonic() - t0
    records = {(str(r["source_file"]), r["page"]): r for r in prepared.records()}
    by_page = {(ex.source_file, ex.page): ex for ex in extractions}
    groups: dict[tuple[str, str], Tally] = defaultdict(Tally)
    overall = Tally()
    pages: list[dict[str, Any]] = []
    for truth_path, truth, image in truths:
        doc_type, level = truth["doc_type"], truth.get("degrade", "unknown")
        key = (str(image), truth.get("page", 1))
        ex = by_page.get(key)
        record = records.get(key)
        text_path = truth_path.with_suffix(".txt")
        page_text = ex.page_text if ex else ""
        truth_text = text_path.read_text("utf-8") if text_path.exists() else ""
        seconds = ex.ocr_seconds if ex else 0.0
        page_tally = Tally()
        for tally in (groups[(doc_type, level)], overall, page_tally):
            _score(tally, truth, record, page_text, truth_text, seconds)
        pages.append(
            {
                "image": str(image),
                "doc_type": doc_type,
                "level": level,
                "status": record["status"] if record else (ex.status if ex else "missing"),
                "reason": None if record or ex is None else ex.reason,
                "flags": sorted({f"{f.get('field')}:{f.get('reason')}" for f in flags_of(record)}),
                "fields_right": page_tally.correct_fields,
                "fields": page_tally.truth_fields,
                "ocr_seconds": round(seconds, 2),
            }
        )
    overall.seconds = wall
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
        "confidence_bands": confidence_bands(overall.observations),
        "thresholds": threshold_table(overall.record_observations),
        "pages": pages,
    }


def flags_of(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((record or {}).get("flags") or [])


def confidence_bands(
    observations: list[tuple[float, bool]], edges: tuple[float, ...] = BAND_EDGES
) -> list[dict[str, Any]]:
    """Per confidence band [lo, hi): how many scored fields fell in it and how many were right."""
    rows = []
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else 1.0
        last = i + 1 == len(edges)
        inside = [ok for c, ok in observations if lo <= c < hi or (last and c == hi)]
        rows.append(
            {
                "band": f"{lo:.2f}-{hi:.2f}",
                "fields": len(inside),
                "right": sum(inside),
                "accuracy": round(sum(inside) / len(inside), 4) if inside else None,
            }
        )
    return rows


def threshold_table(
    records: list[tuple[bool, list[tuple[float, bool]], int]],
    thresholds: tuple[float, ...] = CANDIDATE_THRESHOLDS,
) -> list[dict[str, Any]]:
    """What routing would give at each candidate threshold: a record is auto-accepted when it
    has no flag and every read field's confidence is at least the threshold. A printed value
    the record lacks is a wrong field of it, as in the residual error rate of the tallies."""
    rows = []
    for t in thresholds:
        auto = [
            (obs, missed)
            for flagged, obs, missed in records
            if not flagged and all(c >= t for c, _ in obs)
        ]
        fields = sum(len(obs) + missed for obs, missed in auto)
        wrong = sum(missed + sum(not ok for _, ok in obs) for obs, missed in auto)
        rows.append(
            {
                "threshold": t,
                "straight_through_rate": round(len(auto) / len(records), 4) if records else None,
                "residual_error_rate": round(wrong / fields, 4) if fields else None,
            }
        )
    return rows


def _merge(into: Tally, other: Tally) -> None:
    for name in (
        "pages truth_fields correct_fields spurious_fields records auto_accepted auto_fields "
        "auto_wrong cer_sum seconds unread_pages"
    ).split():
        setattr(into, name, getattr(into, name) + getattr(other, name))
    for f, (c, n) in other.per_field.items():
        into.per_field[f][0] += c
        into.per_field[f][1] += n
    into.observations.extend(other.observations)
    into.record_observations.extend(other.record_observations)


def scored_cells(
    truth: dict, record: dict | None, row_index: bool = False
) -> list[tuple[str, object, object, object]]:
    """(path, truth value, value read, confidence) of every scored field, table cells included
    (``members.full_name``; with ``row_index``, a cell of a row read is named as its flags name it,
    ``members[2].full_name``)."""
    doc_type = truth["doc_type"]
    predicted = (record or {}).get("fields") or {}
    confidence = (record or {}).get("confidence") or {}
    cells = [
        (name, truth["fields"].get(name), predicted.get(name), confidence.get(name))
        for name in NATIONAL_FIELDS[doc_type]
        if name not in NESTED_FIELDS
    ]
    for table, key in NESTED_FIELDS.items():
        if table in NATIONAL_FIELDS[doc_type]:
            pairs = pair_rows(truth["fields"].get(table) or [], predicted.get(table) or [], key)
            confs = confidence.get(table) if isinstance(confidence.get(table), list) else []
            for want_row, got_row, i in pairs:
                row_conf = (confs[i] if i is not None and i < len(confs) else None) or {}
                path = f"{table}[{i}]" if row_index and i is not None else table
                cells.extend(
                    (f"{path}.{name}", want_row.get(name), got_row.get(name), row_conf.get(name))
                    for name in sorted(set(want_row) | set(got_row))
                )
    return cells


def _score(tally, truth, record, page_text, truth_text, seconds) -> None:
    tally.pages += 1
    tally.seconds += seconds
    tally.cer_sum += character_error_rate(page_text, truth_text)
    if record is None:
        tally.unread_pages += 1
    else:
        tally.records += 1
    auto = record is not None and record["status"] == "auto_accepted"
    tally.auto_accepted += auto
    cells = scored_cells(truth, record)
    seen: list[tuple[float, bool]] = []
    missed = 0
    for path, want, got, conf in cells:
        ok = values_equal(got, want)
        if want is not None:
            tally.truth_fields += 1
            tally.correct_fields += ok
            tally.per_field[path][0] += ok
            tally.per_field[path][1] += 1
        elif got is not None:
            tally.spurious_fields += 1
        if auto and (want is not None or got is not None):
            tally.auto_fields += 1
            tally.auto_wrong += not ok
        if record is not None and got is not None:  # routing counts fields with a value
            seen.append((float(conf or 0.0) if not isinstance(conf, list) else 0.0, ok))
        elif record is not None and want is not None:
            missed += 1
    if record is not None:
        tally.observations.extend(seen)
        flags = [f for f in record.get("flags") or [] if f.get("reason") != "audit_sample"]
        flagged = any(forces_review(f) for f in flags)
        tally.record_observations.append((flagged, seen, missed))


def pair_rows(
    truth_rows: list[dict[str, Any]], predicted_rows: list[dict[str, Any]], key: str | None
) -> list[tuple[dict[str, Any], dict[str, Any], int | None]]:
    """(truth row, predicted row, position of the predicted row) pairs for scoring a table.

    Rows pair by ``key`` (a member's index, a vertex's point) where both sides have it and it is
    unique, the rest in order; an unpaired truth row pairs with ``{}`` (all its fields wrong), an
    unpaired predicted row with ``{}`` (its values are spurious).
    """
    pairs: list[tuple[dict[str, Any], dict[str, Any], int | None]] = []
    free = list(range(len(predicted_rows)))
    by_key: dict[Any, int] = {}
    if key:
        keys = [row.get(key) for row in predicted_rows]
        by_key = {k: i for i, k in enumerate(keys) if k is not None and keys.count(k) == 1}
    unpaired_truth = []
    for row in truth_rows:
        i = by_key.get(row.get(key)) if key else None
        if i is not None and i in free:
            free.remove(i)
            pairs.append((row, predicted_rows[i], i))
        else:
            unpaired_truth.append(row)
    for row in unpaired_truth:
        i = free.pop(0) if free else None
        pairs.append((row, predicted_rows[i] if i is not None else {}, i))
    pairs.extend(({}, predicted_rows[i], i) for i in free)
    return pairs


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
    lines.append("")
    lines.append("confidence band      fields    right  accuracy")
    for b in result.get("confidence_bands", []):
        lines.append(
            f"  {b['band']:16} {b['fields']:8} {b['right']:8} {_cell('cer', b['accuracy']):>9}"
        )
    lines.append("")
    lines.append("threshold  straight-thru  residual err   (SOHOA_REVIEW_THRESHOLD, flags aside)")
    for t in result.get("thresholds", []):
        st, re_ = t["straight_through_rate"], t["residual_error_rate"]
        lines.append(f"  {t['threshold']:7.2f} {_cell('cer', st):>14} {_cell('cer', re_):>13}")
    for doc_type, fields in result["per_field_accuracy"].items():
        lines.append("")
        lines.append(f"per-field accuracy: {doc_type}")
        lines.extend(f"  {f:40} {acc:7.1%}" for f, acc in fields.items())
    return "\n".join(lines)
