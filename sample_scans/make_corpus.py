"""Build the committed corpus in ``sample_scans/corpus/`` with fixed seeds.

    python -m sample_scans.make_corpus            # rewrites sample_scans/corpus/

birth_registration: 6 clean + 6 mild + 4 harsh; each other type: 2 clean + 2 mild + 2 harsh.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from sohoa.national_format import DOC_TYPES

from .generate import generate

CORPUS_DIR = Path(__file__).parent / "corpus"
# (level, seed); each level has its own seed so the corpus holds different pages per level.
LEVEL_SEEDS = {"clean": 1001, "mild": 2002, "harsh": 3003}
COUNTS = {"birth_registration": {"clean": 6, "mild": 6, "harsh": 4}} | {
    t: {"clean": 2, "mild": 2, "harsh": 2} for t in DOC_TYPES if t != "birth_registration"
}


def build(out: Path = CORPUS_DIR) -> list[str]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    stems: list[str] = []
    for doc_type in DOC_TYPES:
        for level, seed in LEVEL_SEEDS.items():
            stems += generate([doc_type], COUNTS[doc_type][level], seed, level, out)
    return stems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_scans.make_corpus", description=__doc__)
    ap.add_argument("--out", type=Path, default=CORPUS_DIR)
    args = ap.parse_args(argv)
    stems = build(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {len(stems)} pages ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
