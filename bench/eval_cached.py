"""``sohoa eval`` with recorded OCR: work on extraction, normalisation and routing without
re-running cleanup and Tesseract on every page.

    .venv/bin/python bench/eval_cached.py var/i3 [--cache var/ocr_cache] [--json OUT] [--refresh]

The first run records each page's cleaned image (PNG) and Tesseract words under ``--cache``,
keyed by the scan's SHA-256 and page number (with a degraded page's second reading); later
runs replay them. A change to cleanup or to the Tesseract call needs ``--refresh`` (or an empty
cache). The numbers printed are exactly ``sohoa eval``'s, scored by ``sohoa.evaluate``. A
development tool, not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
from pathlib import Path

import cv2

import ocr.pipeline as pipeline
import sohoa.evaluate as scoring
from sohoa.evaluate import evaluate, format_table, pair_rows, values_equal
from sohoa.types import Word


def _cached_ocr_page(cache: Path, refresh: bool):
    real = pipeline.ocr_page

    def ocr_page(page, *args, **kwargs):
        stem = cache / f"{page.source_sha256}-{page.page}"
        png, words_file = stem.with_suffix(".png"), stem.with_suffix(".words")
        if not refresh and png.exists() and words_file.exists():
            image = cv2.imread(str(png), cv2.IMREAD_UNCHANGED)
            saved = pickle.loads(words_file.read_bytes())
            words = [Word(**w) for w in saved["words"]]
            second = saved.get("second")
            second = None if second is None else [Word(**w) for w in second]
            return pipeline.PageOcr(page, image, words, saved["seconds"], second)
        result = real(page, *args, **kwargs)
        cv2.imwrite(str(png), result.image)
        words = [dataclasses.asdict(w) for w in result.words]
        second = result.second_words
        second = None if second is None else [dataclasses.asdict(w) for w in second]
        saved = {"words": words, "second": second, "seconds": result.seconds}
        words_file.write_bytes(pickle.dumps(saved))
        return result

    return ocr_page


def _logging_score(errors: list[dict]):
    """``sohoa.evaluate._score`` that also notes every wrong field (truth, value read, raw)."""
    real = scoring._score

    def score(tally, truth, record, *args):
        real(tally, truth, record, *args)
        got, raw = (record or {}).get("fields") or {}, (record or {}).get("raw") or {}
        for name, want in truth["fields"].items():
            if name in scoring.NESTED_FIELDS:
                rows = pair_rows(want or [], got.get(name) or [], scoring.NESTED_FIELDS[name])
                wrong = [
                    (f"{name}.{k}", w.get(k), g.get(k))
                    for w, g, _ in rows
                    for k in set(w) | set(g)
                    if not values_equal(g.get(k), w.get(k))
                ]
            else:
                wrong = [] if values_equal(got.get(name), want) else [(name, want, got.get(name))]
            for field, want_value, got_value in wrong:
                errors.append(
                    {
                        "image": truth["image"],
                        "level": truth.get("degrade"),
                        "field": field,
                        "truth": want_value,
                        "got": got_value,
                        "raw": raw.get(field) if isinstance(raw.get(field), str) else None,
                        "status": (record or {}).get("status"),
                    }
                )

    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("var/ocr_cache"))
    parser.add_argument("--json", type=Path, help="also write the full result as JSON")
    parser.add_argument("--errors", type=Path, help="write every wrong field as JSON Lines")
    parser.add_argument("--refresh", action="store_true", help="re-OCR and overwrite the cache")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    # the pool forks: workers inherit the patched function
    pipeline.ocr_page = _cached_ocr_page(args.cache, args.refresh)
    errors: list[dict] = []
    if args.errors:
        scoring._score = _logging_score(errors)
    result = evaluate(args.directory)
    if args.errors:
        # _score runs once per tally (group, overall, page): keep one note per page and field
        unique = {(e["image"], e["field"]): e for e in errors}
        lines = (json.dumps(e, ensure_ascii=False, default=str) for e in unique.values())
        args.errors.write_text("\n".join(lines) + "\n", "utf-8")
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
