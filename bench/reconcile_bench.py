"""Household reconciliation at province scale: wall time and peak memory of one command.

    .venv/bin/python bench/reconcile_bench.py [--entries 1000000] [--people 3500000] [--seed 11]

Makes (once, cached under ``var/reconcile_bench/``) a synthetic snapshot of ``--people`` and
``--entries`` paper entries with ``python -m sample_scans.national``, then times exactly what a
data team runs — ``sohoa reconcile --paper P.csv --national N.csv --out F.csv`` in a process of
its own — and reads that process's peak resident memory from the kernel (``wait4``). Targets
for 1,000,000 × 3,500,000 (today's Lâm Đồng) on a 2-core machine: ≤ 15 min, ≤ 12 GB. The
accuracy on the same data is printed beside (from ``truth.csv``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reconcile_eval import evaluate  # noqa: E402 - a sibling script, not a package


def generate(folder: Path, people: int, entries: int, seed: int) -> float:
    if (folder / "truth.csv").exists():
        return 0.0
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sample_scans.national", "--people", str(people), "--entries",
         str(entries), "--seed", str(seed), "--out", str(folder)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    return time.perf_counter() - t0


def timed_reconcile(folder: Path, log: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS GiB, exit code) of ``sohoa reconcile`` in its own process.
    CPU time beside wall time: on a shared machine the wall time includes waiting for cores."""
    cmd = [sys.executable, "-m", "sohoa.cli", "reconcile", "--paper", str(folder / "paper.csv"),
           "--national", str(folder / "national.csv"),
           "--out", str(folder / "result.csv")]  # fmt: skip
    with log.open("w", encoding="utf-8") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stderr=err, env={**os.environ, "SOHOA_VERBOSE": "1"})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024**2, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=3_500_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "var" / "reconcile_bench")
    args = ap.parse_args()
    folder = args.data_dir / f"p{args.people}-e{args.entries}-s{args.seed}"
    folder.mkdir(parents=True, exist_ok=True)
    gen_seconds = generate(folder, args.people, args.entries, args.seed)
    load_before = os.getloadavg()[1]
    wall, cpu, peak_gib, code = timed_reconcile(folder, folder / "reconcile.log")
    n_paper = sum(1 for _ in (folder / "paper.csv").open(encoding="utf-8")) - 1
    n_national = sum(1 for _ in (folder / "national.csv").open(encoding="utf-8")) - 1
    print(f"{n_paper} paper entries vs {n_national} national records ({os.cpu_count()} cores)")
    if gen_seconds:
        print(f"data generated in {gen_seconds / 60:.1f} min (not part of the figures)")
    print(f"sohoa reconcile: exit {code}, wall {wall / 60:.1f} min (target <= 15), "
          f"CPU {cpu / 60:.1f} min, peak RSS {peak_gib:.2f} GiB (target <= 12)")  # fmt: skip
    print(f"machine load (5-min average) at start {load_before:.1f}, "
          f"at end {os.getloadavg()[1]:.1f}")  # fmt: skip
    print(f"log with phase times: {folder / 'reconcile.log'}")
    if code != 0:
        return
    result = pd.read_csv(folder / "result.csv", dtype=str, keep_default_na=False)
    result = result.replace("", None)
    truth = pd.read_csv(folder / "truth.csv", dtype=str, keep_default_na=False)
    f = evaluate(result, truth)
    print(f"link precision {f['link_precision']:.4f}, recall {f['link_recall']:.4f}, "
          f"correct category {f['correct_category']:.4f}, "
          f"DUPLICATE_IN_PAPER F1 {f['duplicate_f1']:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
