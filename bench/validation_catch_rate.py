"""Validation catch rate: of the wrong values OCR hands to validation, how many reach a person?

    .venv/bin/python bench/validation_catch_rate.py [DIR ...] [--levels harsh] [--show 20]

For every generator page under the folders (default ``sample_scans/corpus`` and ``var/i3/harsh``)
whose degradation level is in ``--levels``, the page is extracted once (cleanup + OCR + fields)
and cached as JSON Lines under ``--cache`` (default ``var/catch_rate``): later runs re-score the
cache, so a change to ``transforms/`` or ``expectations/`` is measured without OCR. The cached
pages go through ``sohoa.batch.prepare_records`` (normalise, validate, route) as one batch.

Each national field (flat fields, and rows of the members / holders / vertices tables matched by
position) whose value differs from the truth is one of:

* ``wrong``: a value was given and it is not the truth's (the dangerous kind);
* ``unread``: the truth has a value and the record has none (null is never a silent error, but
  it is counted so nothing hides).

and is then either caught **at the field** (a flag naming the field or, for a table cell, its
whole table; or its confidence below ``SOHOA_REVIEW_THRESHOLD``), caught **at the record** (the
record goes to review for another reason), caught **only by the hold** (routing auto-accepted
the record, but the batch of that type was held whole) or **missed**. The catch rate counts
field and record catches, not the hold: a held batch is a blunt instrument, and in a healthy
batch the hold does not fire.
Values not caught at the field are listed (``--show``).
Pages that produced no record (refused, unreadable) are listed apart: nothing of them loads.
Flags that land on right values (false alarms, a cost in reviewers' time) are counted by
reason. Not a test: it prints figures (a table, then ``--json``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.batch import ocr_chunk, prepare_records, read_chunks
from sohoa.evaluate import NESTED_FIELDS, truth_files, values_equal
from sohoa.national_format import NATIONAL_FIELDS
from sohoa.settings import get_settings

DEFAULT_DIRS = ("sample_scans/corpus", "var/i3/harsh")
_ROW_FIELD = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


@dataclass
class Tally:
    pages: int = 0
    no_record: int = 0
    fields: int = 0
    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def row(self, kind: str) -> dict[str, Any]:
        outcomes = ("field", "record", "held", "missed")
        field_, record, held, missed = (self.counts[(kind, o)] for o in outcomes)
        total = field_ + record + held + missed
        return {
            "values": total,
            "caught_field": field_,
            "caught_record": record,
            "caught_only_by_hold": held,
            "missed": missed,
            "catch_rate": round((field_ + record) / total, 4) if total else None,
            "field_catch_rate": round(field_ / total, 4) if total else None,
        }


def cached_extractions(images: list[Path], cache: Path) -> list:
    """Extract each page once (one chunk file per image under ``cache``) and read them all."""
    paths = []
    for i, image in enumerate(images, 1):
        print(f"\r  extracting {i}/{len(images)} {image.name:60}", end="", file=sys.stderr)
        paths.append(ocr_chunk([str(image)], cache))
    print(file=sys.stderr)
    return read_chunks(paths)


def _flagged_fields(record: dict[str, Any]) -> dict[str, set[str]]:
    """field → the reasons flagged on it."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in record.get("flags") or []:
        out[str(f.get("field"))].add(str(f.get("reason")))
    return out


def _outcome(record, flagged, name, conf, threshold, held) -> str:
    table = name.split("[", 1)[0]  # a flag on a whole table (``vertices``) doubts each cell
    if name in flagged or table in flagged or (conf is not None and float(conf) < threshold):
        return "field"
    if record["status"] != "auto_accepted":
        return "record"
    return "held" if held else "missed"


def _pairs(truth: dict[str, Any], predicted: dict[str, Any], confidence: dict[str, Any]):
    """(field name as flags name it, truth value, predicted value, confidence) per scored field."""
    for name, want in truth.items():
        if name not in NESTED_FIELDS:
            yield name, want, predicted.get(name), confidence.get(name)
            continue
        want_rows, got_rows = want or [], predicted.get(name) or []
        conf_rows = confidence.get(name) or []
        for i, want_row in enumerate(want_rows):
            got_row = got_rows[i] if i < len(got_rows) else {}
            conf_row = conf_rows[i] if i < len(conf_rows) else {}
            for f, w in want_row.items():
                if f == "household_book_number":
                    continue  # copied from the book: scored once, on the book
                yield f"{name}[{i}].{f}", w, got_row.get(f), (conf_row or {}).get(f)


def score(truths, prepared, threshold: float) -> dict[str, Tally]:
    records = {(str(r["source_file"]), r["page"]): r for r in prepared.records()}
    tallies: dict[str, Tally] = defaultdict(Tally)
    for truth, image in truths:
        doc_type = truth["doc_type"]
        tally = tallies[doc_type]
        tally.pages += 1
        record = records.get((str(image), truth.get("page", 1)))
        if record is None:
            tally.no_record += 1
            continue
        held = doc_type in prepared.held
        flagged = _flagged_fields(record)
        wanted = {f: truth["fields"].get(f) for f in NATIONAL_FIELDS[doc_type]}
        for name, want, got, conf in _pairs(wanted, record["fields"], record["confidence"]):
            if want is None and got is None:
                continue
            tally.fields += 1
            if values_equal(got, want):
                for reason in flagged.get(name, ()):
                    tally.false_alarms[reason] += 1  # a right value sent to a person
                continue
            kind = "unread" if got is None else "wrong"
            outcome = _outcome(record, flagged, name, conf, threshold, held)
            tally.add(kind, outcome)
            if kind == "wrong" and outcome != "field":
                tally.missed.append(
                    {
                        "page": Path(image).name,
                        "field": name,
                        "truth": want,
                        "got": got,
                        "confidence": conf,
                        "outcome": outcome,
                    }
                )
    return tallies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[Path(d) for d in DEFAULT_DIRS])
    ap.add_argument("--levels", default="harsh", help="comma-separated degradation levels")
    ap.add_argument("--cache", type=Path, default=Path("var/catch_rate"))
    ap.add_argument("--show", type=int, default=20, help="missed values listed per record type")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args(argv)
    levels = set(args.levels.split(","))
    truths = []
    for d in args.dirs:
        for path in truth_files(d):
            truth = json.loads(path.read_text("utf-8"))
            if truth.get("degrade") in levels:
                truths.append((truth, path.parent / truth["image"]))
    if not truths:
        print(f"no generator pages of level {sorted(levels)} under {args.dirs}", file=sys.stderr)
        return 1
    extractions = cached_extractions([image for _, image in truths], args.cache)
    prepared = prepare_records(extractions)
    threshold = get_settings().review_confidence_threshold
    tallies = score(truths, prepared, threshold)

    print(f"review threshold {threshold}; levels {sorted(levels)}; {len(truths)} pages")
    head = f"{'record type':24}{'kind':>8}{'values':>8}{'field':>8}{'record':>8}{'hold':>8}"
    head += f"{'missed':>8}"
    print(head + f"{'caught':>9}{'at field':>10}")
    result: dict[str, Any] = {}
    total = Tally()
    for doc_type, t in sorted(tallies.items()):
        result[doc_type] = {"pages": t.pages, "no_record": t.no_record, "fields": t.fields}
        for key, n in t.counts.items():
            total.counts[key] += n
        for kind in ("wrong", "unread"):
            r = t.row(kind)
            result[doc_type][kind] = r
            _print_row(doc_type, kind, r)
    for kind in ("wrong", "unread"):
        result.setdefault("ALL", {})[kind] = total.row(kind)
        _print_row("ALL", kind, total.row(kind))
    alarms: dict[str, int] = defaultdict(int)
    for t in tallies.values():
        for reason, n in t.false_alarms.items():
            alarms[reason] += n
    result["false_alarms"] = dict(sorted(alarms.items()))
    print("\nflags on right values (false alarms), by reason:", result["false_alarms"])
    print(
        "\npages without a record (refused or unreadable, nothing loaded):",
        {t: x.no_record for t, x in sorted(tallies.items())},
    )
    for doc_type, t in sorted(tallies.items()):
        if t.missed and args.show:
            print(f"\nwrong values not caught at the field in {doc_type}:")
            for m in t.missed[: args.show]:
                print(
                    f"  {m['page']:48} {m['field']:28} truth {m['truth']!r} got {m['got']!r}"
                    f" conf {m['confidence']} {m['outcome']}"
                )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _print_row(name: str, kind: str, r: dict[str, Any]) -> None:
    rate = "-" if r["catch_rate"] is None else f"{r['catch_rate']:.1%}"
    at_field = "-" if r["field_catch_rate"] is None else f"{r['field_catch_rate']:.1%}"
    print(
        f"{name:24}{kind:>8}{r['values']:>8}{r['caught_field']:>8}{r['caught_record']:>8}"
        f"{r['caught_only_by_hold']:>8}"
        f"{r['missed']:>8}{rate:>9}{at_field:>10}"
    )


if __name__ == "__main__":
    sys.exit(main())
