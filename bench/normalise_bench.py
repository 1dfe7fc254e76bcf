"""Normalisation + validation benchmark: household-member rows per second on one core.

    .venv/bin/python bench/normalise_bench.py [--members 100000] [--runs 3] [--profile]

Builds raw household books as OCR hands them over (text per field, confidences), with the
people, places and printed forms of the synthetic generator's provider (``sample_scans.people``,
``sample_scans.admin``): names, dates in the forms the papers use, ethnicity spellings, IDs,
pre-2025 addresses. Building is not timed. Each run then times ``transforms.normalise`` and
``expectations.validate`` (Great Expectations, one validation per suite over the whole batch)
on the whole batch in this process, pinned to one core, and prints rows/s for the median run
beside the split normalise / validate. Seconds are the process's CPU time (what one core
spends, steady when the machine is shared); the wall-clock figure is printed beside it.
Caches (the admin-unit parser's, GX's suite objects) are warm after the first run; the first
run is reported too. ``--profile`` prints a cProfile of one run (warm).
Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time

import pandas as pd

from sample_scans import admin, people, vntext
from sohoa.national_format import EXTRACTED_TABLES

DOC_TYPE = "household_registration"
MEMBER_FIELDS = EXTRACTED_TABLES[DOC_TYPE]["members"]
DATE_STYLES = ("slash", "slash", "slash_short", "dash", "dot", "words_short")


def _member_rows(rng: random.Random, issue: dt.date) -> list[tuple[str, people.Person]]:
    """(relationship as printed, person) for one plausible household, head first."""
    head_year = issue.year - rng.randint(24, 78)
    head = people.make_person(
        rng, sex=1 if rng.random() < 0.8 else 2, birth_year=head_year, id_on=issue
    )
    family = head.full_name.split()[0] if head.ethnicity in people.KINH_LIKE else None
    rows = [("Chủ hộ", head)]
    if rng.random() < 0.85:
        spouse = people.make_person(
            rng,
            sex=3 - head.sex,
            birth_year=head_year + rng.randint(-3, 8),
            ethnicity=head.ethnicity,
            id_on=issue,
        )
        rows.append(("Vợ" if head.sex == 1 else "Chồng", spouse))
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5))):
        year = min(issue.year, head_year + rng.randint(20, 40))
        child = people.make_person(
            rng, birth_year=year, ethnicity=head.ethnicity, family=family, id_on=issue
        )
        rows.append(
            (rng.choice(("Con", "Con", "Con trai" if child.sex == 1 else "Con gái")), child)
        )
    if rng.random() < 0.3:
        rows.append(
            (
                rng.choice(("Mẹ", "Bố", "Cháu", "Cháu nội", "Em", "Con dâu")),
                people.make_person(rng, birth_year=rng.randint(1935, 2015), id_on=issue),
            )
        )
    return rows


def raw_household_frame(n_members: int, seed: int = 4) -> pd.DataFrame:
    """Raw household books (as ``sohoa.records.extractions_to_frame`` makes them) holding
    ``n_members`` member rows in all."""
    rng = random.Random(seed)
    communes = admin.lam_dong_old_communes()
    books: list[dict] = []
    total = 0
    while total < n_members:
        issue = people.random_date(rng, dt.date(1995, 1, 1), dt.date(2022, 6, 30))
        rows = _member_rows(rng, issue)[: n_members - total]
        total += len(rows)
        members, confs = [], []
        for i, (relation, p) in enumerate(rows, 1):
            struck = i > 1 and rng.random() < 0.08
            m = {
                "member_index": str(i),
                "full_name": p.upper,
                "other_name": None,
                "relationship_to_head": relation,
                "sex": "Nam" if p.sex == 1 else "Nữ",
                "date_of_birth": vntext.format_date(p.date_of_birth, rng.choice(DATE_STYLES)),
                "place_of_birth_text": rng.choice(communes).text() if rng.random() < 0.4 else None,
                "hometown_text": rng.choice(communes).text(),
                "ethnicity": people.print_ethnicity(rng, p.ethnicity),
                "religion": p.religion,
                "nationality": "Việt Nam" if rng.random() < 0.5 else None,
                "id_number": p.personal_id or p.legacy_id,
                "occupation": p.occupation,
                "previous_residence_text": None,
                "moved_in_date": None,
                "struck_out": "true" if struck else "false",
            }
            members.append(m)
            confs.append({f: round(rng.uniform(0.75, 1.0), 3) for f in MEMBER_FIELDS})
        commune = rng.choice(communes)
        book = {
            "record_id": f"bench-{len(books):06d}",
            "doc_type": DOC_TYPE,
            "source_file": f"bench/{len(books):06d}.jpg",
            "source_sha256": f"{len(books):064x}",
            "page": 1,
            "batch_id": "B-BENCH",
            "household_book_number": str(rng.randint(10_000_000, 99_999_999)),
            "head_full_name": rows[0][1].upper,
            "address_text": f"Số {rng.randint(1, 300)}, {commune.text()}",
            "issue_date": vntext.format_date(issue, rng.choice(DATE_STYLES)),
            "members": members,
            "conf__members": confs,
        }
        for f in ("household_book_number", "head_full_name", "address_text", "issue_date"):
            book[f"conf__{f}"] = round(rng.uniform(0.75, 1.0), 3)
        books.append(book)
    return pd.DataFrame(books)


def one_run(raw: pd.DataFrame) -> dict[str, float]:
    from expectations.runner import validate
    from transforms import normalise

    w0, c0 = time.perf_counter(), time.process_time()
    normalised = normalise(raw, DOC_TYPE)
    c1 = time.process_time()
    report = validate(normalised, DOC_TYPE)
    w2, c2 = time.perf_counter(), time.process_time()
    return {
        "normalise_s": c1 - c0,
        "validate_s": c2 - c1,
        "total_s": c2 - c0,
        "wall_s": w2 - w0,
        "failed_books": report.failed_rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile of one warm run")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says

    t0 = time.perf_counter()
    raw = raw_household_frame(args.members)
    members = int(raw["members"].map(len).sum())
    print(
        f"built {len(raw)} books, {members} member rows in {time.perf_counter() - t0:.1f} s "
        "(not timed)",
        flush=True,
    )
    if args.profile:
        import cProfile
        import pstats

        one_run(raw)  # warm the caches first: the profile shows the steady state
        with cProfile.Profile(time.process_time) as profiler:
            one_run(raw)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    runs = []
    for i in range(args.runs):
        r = one_run(raw)
        runs.append(r)
        print(
            f"run {i + 1}: CPU normalise {r['normalise_s']:.2f} s, validate "
            f"{r['validate_s']:.2f} s, total {r['total_s']:.2f} s = "
            f"{members / r['total_s']:,.0f} rows/s (wall {r['wall_s']:.2f} s)",
            flush=True,
        )
    med = {
        k: statistics.median(r[k] for r in runs)
        for k in ("normalise_s", "validate_s", "total_s", "wall_s")
    }
    summary = {
        "member_rows": members,
        "books": len(raw),
        "runs": len(runs),
        "median_total_s": round(med["total_s"], 3),
        "median_rows_per_s": round(members / med["total_s"]),
        "median_normalise_s": round(med["normalise_s"], 3),
        "median_normalise_rows_per_s": round(members / med["normalise_s"]),
        "median_validate_s": round(med["validate_s"], 3),
        "median_validate_rows_per_s": round(members / med["validate_s"]),
        "median_wall_s": round(med["wall_s"], 3),
        "median_wall_rows_per_s": round(members / med["wall_s"]),
        "first_run_rows_per_s": round(members / runs[0]["total_s"]),
        "target_rows_per_s": 20_000,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
