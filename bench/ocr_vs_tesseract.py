"""Pipeline extraction time per page beside raw ``tesseract FILE - -l vie`` on the same pages.

Run: ``.venv/bin/python bench/ocr_vs_tesseract.py sample_scans/corpus [--limit N] [--json]``

A second part measures throughput with both cores busy: the whole set through
``extract_files`` with ``SOHOA_WORKERS=1`` and then with ``SOHOA_WORKERS=2`` (``--workers``),
pages per minute of each and their ratio (the target is ≥ 1.8×). ``--skip-throughput`` leaves
it out.
Both are timed side by side, page by page, in one run, and medians are reported, because timings
on a shared 2-core machine are noisy. Raw Tesseract runs single-threaded (OMP_THREAD_LIMIT=1),
as the pipeline does, so the ratio compares the cost per core; a second raw run with Tesseract's
default threads is reported for reference.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sohoa.batch import extract_files, iter_scan_files


def time_raw_tesseract(path: Path, single_thread: bool) -> float:
    env = dict(os.environ)
    if single_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    else:
        env.pop("OMP_THREAD_LIMIT", None)
    t0 = time.perf_counter()
    subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie"], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - t0


def time_pipeline(path: Path) -> float:
    t0 = time.perf_counter()
    extract_files([path])
    return time.perf_counter() - t0


def time_batch(files: list[Path], workers: int) -> float:
    """Wall-clock seconds for ``extract_files`` over all ``files`` with ``workers`` processes."""
    os.environ["SOHOA_WORKERS"] = str(workers)
    try:
        t0 = time.perf_counter()
        extract_files(files)
        return time.perf_counter() - t0
    finally:
        os.environ.pop("SOHOA_WORKERS", None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="at most this many pages")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workers", type=int, default=2, help="workers for the throughput part")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--throughput-only", action="store_true", help="skip the per-page part")
    args = ap.parse_args()
    files = [f for f in iter_scan_files([args.directory]) if f.suffix.lower() != ".pdf"]
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no scans in {args.directory}", file=sys.stderr)
        return 2
    result: dict = {}
    if not args.throughput_only:
        os.environ["SOHOA_WORKERS"] = "1"  # the per-page part compares one core with one core
        time_pipeline(files[0])  # warm up: imports, Tesseract probe, lexicons
        rows = []
        for f in files:
            raw1 = time_raw_tesseract(f, single_thread=True)
            pipe = time_pipeline(f)
            raw_default = time_raw_tesseract(f, single_thread=False)
            rows.append(
                {"file": f.name, "raw_1t": raw1, "raw_default": raw_default, "pipeline": pipe}
            )
            print(f"{f.name:50} raw(1 thread) {raw1:6.2f} s  pipeline {pipe:6.2f} s  "
                  f"ratio {pipe / raw1:5.2f}", file=sys.stderr)  # fmt: skip
        keys = ("raw_1t", "raw_default", "pipeline")
        med = {k: statistics.median(r[k] for r in rows) for k in keys}
        ratios = [r["pipeline"] / r["raw_1t"] for r in rows]
        result |= {
            "pages": len(rows),
            "median_seconds": {k: round(v, 3) for k, v in med.items()},
            "median_ratio_pipeline_to_raw_1_thread": round(statistics.median(ratios), 3),
            "ratio_of_totals": round(
                sum(r["pipeline"] for r in rows) / sum(r["raw_1t"] for r in rows), 3
            ),
            "median_ratio_pipeline_to_raw_default_threads": round(
                statistics.median(r["pipeline"] / r["raw_default"] for r in rows), 3
            ),
        }
    os.environ.pop("SOHOA_WORKERS", None)
    if not args.skip_throughput:
        one = time_batch(files, 1)
        many = time_batch(files, args.workers)
        result["throughput"] = {
            "pages": len(files),
            "workers": args.workers,
            "pages_per_minute_1_worker": round(60 * len(files) / one, 2),
            f"pages_per_minute_{args.workers}_workers": round(60 * len(files) / many, 2),
            "speed_up": round(one / many, 3),
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if not args.throughput_only:
        print(f"pages: {result['pages']}")
        print(
            f"median s/page: raw tesseract (1 thread) {med['raw_1t']:.2f}, "
            f"raw (default threads) {med['raw_default']:.2f}, pipeline {med['pipeline']:.2f}"
        )
        print(f"pipeline / raw tesseract, median per page: "
              f"{result['median_ratio_pipeline_to_raw_1_thread']:.2f}  "
              f"(ratio of totals {result['ratio_of_totals']:.2f})")  # fmt: skip
    if "throughput" in result:
        t = result["throughput"]
        print(f"throughput over {t['pages']} pages: 1 worker "
              f"{t['pages_per_minute_1_worker']:.1f} pages/min, {t['workers']} workers "
              f"{t[f'pages_per_minute_{args.workers}_workers']:.1f} pages/min, "
              f"speed-up {t['speed_up']:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
