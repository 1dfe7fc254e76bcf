"""Check normalisation against the generator's truth: feed each page's ``printed`` text through
``normalise`` and compare with its ``fields`` (the normalised truth), field by field.

    python -m transforms.truth_check var/gen_preview [--show 20]

A disagreement is either a normalisation bug or a generator truth the printed text does not
support; the listing shows both sides so a person can tell which.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sohoa.national_format import EXTRACTED_FIELDS, EXTRACTED_TABLES, NATIONAL_FIELDS
from transforms import normalise


@dataclass
class TruthCheck:
    fields_compared: int = 0
    fields_equal: int = 0
    disagreements: list[dict] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.fields_equal / self.fields_compared if self.fields_compared else 1.0


def _same(a: object, b: object) -> bool:
    a_null = a is None or (not isinstance(a, (list, dict, str)) and pd.isna(a))
    b_null = b is None or (not isinstance(b, (list, dict, str)) and pd.isna(b))
    if a_null or b_null:
        return a_null and b_null
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        try:
            return int(a) == int(b)
        except (TypeError, ValueError):
            return False
    return a == b


def check_pages(paths: list[Path]) -> dict[str, TruthCheck]:
    """Per record type: how many truth fields ``normalise(printed)`` reproduces exactly."""
    pages: dict[str, list[dict]] = {}
    for p in paths:
        page = json.loads(p.read_text("utf-8"))
        page["_path"] = str(p)
        pages.setdefault(page["doc_type"], []).append(page)
    results: dict[str, TruthCheck] = {}
    for doc_type, group in pages.items():
        if doc_type not in EXTRACTED_FIELDS:
            continue
        raw = pd.DataFrame(
            [
                {f: pg["printed"].get(f) for f in EXTRACTED_FIELDS[doc_type]}
                | {f"conf__{f}": 1.0 for f in EXTRACTED_FIELDS[doc_type]}
                | {"record_id": pg["_path"], "doc_type": doc_type}
                for pg in group
            ]
        )
        out = normalise(raw, doc_type)
        check = TruthCheck()
        for i, pg in enumerate(group):
            for f in NATIONAL_FIELDS[doc_type]:
                # tables: the generator's ``printed`` has no row-wise text to feed them from
                if f not in pg["fields"] or f in EXTRACTED_TABLES.get(doc_type, {}):
                    continue
                got, want = out.iloc[i][f], pg["fields"][f]
                check.fields_compared += 1
                if _same(got, want):
                    check.fields_equal += 1
                else:
                    check.disagreements.append(
                        {"page": pg["_path"], "field": f, "want": want,
                         "got": None if got is None or got is pd.NA else got,
                         "flags": [x["reason"] for x in out.iloc[i]["flags"]]}
                    )  # fmt: skip
        results[doc_type] = check
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--show", type=int, default=30)
    args = ap.parse_args(argv)
    paths = sorted(args.folder.rglob("*.json"))
    for doc_type, c in check_pages(paths).items():
        print(f"{doc_type}: {c.fields_equal}/{c.fields_compared} fields = {c.agreement:.2%}")
        for d in c.disagreements[: args.show]:
            print(f"  {d['field']}: want {d['want']!r} got {d['got']!r} {d['flags']} {d['page']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
