"""The batch stages, as plain functions shared by the Airflow DAG, the command line and tests.

A batch is a folder of scans. ``plan_chunks`` lists it; ``ocr_chunk`` reads a chunk of files
into page extractions on disk (a finished chunk is reused on retry); ``prepare_records``
normalises, validates and routes them; ``load_records`` writes them to the database.
Only paths and small summaries cross between stages, never images or DataFrames.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sohoa import __version__
from sohoa.records import extractions_to_frame, frame_to_records, unreadable_page_record
from sohoa.settings import Settings, get_settings
from sohoa.types import PageExtraction, page_extraction_from_dict

log = logging.getLogger(__name__)

RULES_VERSION = f"sohoa-rules-{__version__}"

# Files that sit beside scans but are never scans: ground truth, notes, our own outputs.
SIDECAR_SUFFIXES = frozenset({".json", ".jsonl", ".txt", ".md", ".csv", ".parquet"})


def iter_scan_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to process: given files as they are, folders walked (sorted, sidecars skipped)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not f.name.startswith(".")
                and f.suffix.lower() not in SIDECAR_SUFFIXES
            )
        else:
            found.append(p)
    return found


def plan_chunks(batch_dir: str | Path, chunk_size: int) -> list[list[str]]:
    """The batch's scan files in chunks of ``chunk_size`` (the unit of OCR work and retry)."""
    files = [str(f) for f in iter_scan_files([batch_dir])]
    return [files[i : i + chunk_size] for i in range(0, len(files), max(1, chunk_size))]


def worker_count(settings: Settings | None = None, jobs: int | None = None) -> int:
    """Worker processes for OCR: ``SOHOA_WORKERS`` (default: the cores), at most ``jobs``."""
    raw = os.environ.get("SOHOA_WORKERS", "").strip()
    try:
        workers = int(raw) if raw else (os.cpu_count() or 1)
    except ValueError:
        log.warning("SOHOA_WORKERS=%r is not a number; using one worker per core", raw)
        workers = os.cpu_count() or 1
    workers = max(1, workers)
    return min(workers, jobs) if jobs else workers


def _extract_one(path: str, declared_type: str | None, lang: str, timeout: float):
    from ocr.cleanup import DEFAULT_STEPS, NO_STEPS
    from ocr.pipeline import extract_file

    # SOHOA_CLEANUP=off measures raw Tesseract on the uncleaned page (sohoa eval, bench)
    off = os.environ.get("SOHOA_CLEANUP", "").lower() in ("off", "0", "none")
    steps = NO_STEPS if off else DEFAULT_STEPS
    return extract_file(path, declared_type=declared_type, lang=lang, timeout=timeout, steps=steps)


def extract_files(
    files: Sequence[str | Path],
    declared_type: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[PageExtraction]:
    """Cleanup + OCR + field extraction of every page of every file; bad files become results.

    Files are spread over a pool of ``SOHOA_WORKERS`` processes (default: one per core; each
    Tesseract call runs one thread, so workers × threads stays within the cores). Results come
    back in the order of ``files``. ``progress`` is called with each file's page count as the
    file finishes (in completion order), e.g. to move a progress bar. ``workers`` overrides
    ``SOHOA_WORKERS`` (an Airflow task runs one process; the pool spreads the tasks).
    """
    from ocr import tesseract  # heavy imports stay out of DAG parsing

    settings = settings or get_settings()
    lang, timeout = settings.tesseract_lang, settings.tesseract_timeout_s
    tesseract.probe(lang)  # a missing Tesseract fails once here, not in every worker
    paths = [str(f) for f in files]
    workers = min(workers, len(paths) or 1) if workers else worker_count(settings, len(paths))
    results: list[list[PageExtraction]] = [[] for _ in paths]
    if workers <= 1:
        for i, path in enumerate(paths):
            results[i] = _extract_one(path, declared_type, lang, timeout)
            if progress:
                progress(len(results[i]))
    else:
        # fork: workers inherit the loaded modules and lexicons (no re-import per worker)
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_start
        ) as pool:
            futures = {
                pool.submit(_extract_one, path, declared_type, lang, timeout): i
                for i, path in enumerate(paths)
            }
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                if progress:
                    progress(len(results[i]))
    return [ex for per_file in results for ex in per_file]


def _worker_start() -> None:
    """In a forked worker, what it inherited is never garbage-collected there: an object left
    for the parent's collector (a DuckDB connection of an earlier reconciliation) would have its
    destructor run in the worker, and DuckDB's joins threads the fork did not copy — the worker
    hung at full CPU (seen once in the test suite)."""
    gc.freeze()


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def page_cache_path(sha256: str, declared_type: str | None, settings: Settings | None = None):
    """Where a scan's extractions are kept: keyed by the file's SHA-256, the rules version and
    the declared type, so a re-run reuses them and a rules change reads the page again."""
    settings = settings or get_settings()
    key = f"{RULES_VERSION}-{declared_type or 'any'}"
    return settings.data_dir / "page_cache" / sha256[:2] / f"{sha256}-{key}.jsonl"


def _write_jsonl(target: Path, extractions: Iterable[PageExtraction]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for ex in extractions:
            fh.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
    tmp.replace(target)  # atomic: a killed task never leaves half a file behind


def ocr_chunk(
    files: Sequence[str],
    work_dir: str | Path,
    declared_type: str | None = None,
    workers: int | None = None,
    reuse_pages: bool = True,
) -> str:
    """Extract a chunk of files to a JSON Lines file in ``work_dir`` and return its path.

    Each scan's extractions are cached by the file's SHA-256 (``page_cache_path``) as soon as
    the scan is read, so a retried task — or another batch holding the same scan — reads only
    the pages not finished yet. ``reuse_pages=False`` reads every page again (after an OCR
    change that the rules version does not capture).
    """
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
    target = work / f"pages-{key}.jsonl"
    hashes = {f: file_sha256(f) for f in files if Path(f).is_file()}
    cached = {f: page_cache_path(h, declared_type) for f, h in hashes.items()}
    missing = [f for f in files if not reuse_pages or f not in cached or not cached[f].exists()]
    log.info("chunk %s: %d files, %d to read", key, len(files), len(missing))
    step = max(1, workers or worker_count(jobs=len(missing) or 1))
    fresh: dict[str, list[PageExtraction]] = {}
    for i in range(0, len(missing), step):  # cache after each round: a kill loses one round
        part = missing[i : i + step]
        by_sha: dict[str | None, list[PageExtraction]] = {}
        for ex in extract_files(part, declared_type, workers=step):
            by_sha.setdefault(ex.source_sha256, []).append(ex)
        for f in part:
            fresh[f] = by_sha.get(hashes.get(f)) or extract_files([f], declared_type, workers=1)
            if f in cached:  # a path that is not a file has no hash and no cache entry
                _write_jsonl(cached[f], fresh[f])
    out: list[PageExtraction] = []
    for f in files:
        if f in fresh:
            out.extend(fresh[f])
            continue
        for ex in read_chunks([cached[f]]):
            ex.source_file = f  # the same scan may sit at another path in another batch
            out.append(ex)
    _write_jsonl(target, out)
    return str(target)


def read_chunks(paths: Iterable[str | Path]) -> list[PageExtraction]:
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            out.extend(page_extraction_from_dict(json.loads(line)) for line in fh if line.strip())
    return out


@dataclass
class PreparedBatch:
    """Records ready to load, and what could not be read or was held."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    unreadable: list[dict[str, Any]] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)  # doc_type → reason for people
    pages: list[dict[str, Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        out = []
        for df in self.frames.values():
            out.extend(frame_to_records(df))
        return out


def _unsupported(ex: PageExtraction) -> PageExtraction:
    ex.status = "failed"
    ex.reason = "unsupported_doc_type" if ex.doc_type else "unknown_doc_type"
    ex.message = (
        f"Chưa hỗ trợ đọc loại hồ sơ '{ex.doc_type}' / Record type '{ex.doc_type}' "
        "is not supported yet"
        if ex.doc_type
        else "Không nhận ra loại hồ sơ trên trang này / Could not tell the record type of this page"
    )
    return ex


def prepare_records(
    extractions: Sequence[PageExtraction],
    batch_id: str | None = None,
    data_docs_dir: str | Path | None = None,
    settings: Settings | None = None,
) -> PreparedBatch:
    """Normalise, validate and route every readable page, per record type."""
    from expectations.routing import route
    from expectations.runner import validate
    from transforms import normalise, supports

    settings = settings or get_settings()
    prepared = PreparedBatch()
    readable: list[PageExtraction] = []
    for ex in extractions:
        if ex.status == "ok" and not supports(ex.doc_type):
            ex = _unsupported(ex)
        prepared.pages.append(
            {
                "source_sha256": ex.source_sha256,
                "source_file": ex.source_file,
                "page": ex.page,
                "doc_type": ex.doc_type,
                "status": ex.status,
                "reason": ex.reason,
                "message": ex.message,
                "ocr_engine": ex.ocr_engine,
                "page_text": ex.page_text,
            }
        )
        if ex.status == "ok":
            readable.append(ex)
        else:
            prepared.unreadable.append(unreadable_page_record(ex))
    for doc_type in sorted({ex.doc_type for ex in readable}):
        raw = extractions_to_frame(readable, doc_type, batch_id)
        normalised = normalise(raw, doc_type)
        report = validate(normalised, doc_type, data_docs_dir=data_docs_dir)
        routed = route(report.frame, settings)
        if report.held:
            prepared.held[doc_type] = report.held_reason
        prepared.frames[doc_type] = routed
    return prepared


@dataclass
class BatchSummary:
    batch_id: str
    pages: int
    records: int
    auto_accepted: int
    needs_review: int
    unreadable: int
    held: dict[str, str]
    loaded: dict[str, int]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def load_records(
    prepared: PreparedBatch,
    batch: dict[str, Any],
    database_url: str | None = None,
    run_id: str | None = None,
) -> dict[str, int]:
    """Load every record type that was not held; one transaction per record type's batch."""
    from registry.db import get_engine, upgrade
    from registry.loader import load_batch

    upgrade(database_url)
    engine = get_engine(database_url)
    ocr_engine = next((p["ocr_engine"] for p in prepared.pages if p.get("ocr_engine")), "unknown")
    # The same batch read by the same engine and rules is the same run: re-running it is a no-op.
    run_id = (
        run_id
        or hashlib.sha256(f"{batch['batch_id']}|{RULES_VERSION}|{ocr_engine}".encode()).hexdigest()[
            :16
        ]
    )
    totals: dict[str, int] = {}
    loadable = {t: f for t, f in prepared.frames.items() if t not in prepared.held and not f.empty}
    try:
        for doc_type, frame in sorted(loadable.items()):
            # the database keeps one record type per batch: a mixed upload becomes one
            # sub-batch per type ("<batch>/<type>"), each loaded in its own transaction
            batch_id = (
                batch["batch_id"] if len(loadable) == 1 else f"{batch['batch_id']}/{doc_type}"
            )
            summary = load_batch(
                engine,
                frame.assign(batch_id=batch_id),
                batch={
                    "batch_id": batch_id,
                    "doc_type": doc_type,
                    "commune_code": batch.get("commune_code"),
                },
                run_id=run_id,
                rules_version=RULES_VERSION,
                ocr_engine=ocr_engine,
                pages=[p for p in prepared.pages if p.get("doc_type") == doc_type],
            )
            for key, value in _summary_dict(summary).items():
                totals[key] = totals.get(key, 0) + value
    finally:
        engine.dispose()
    return totals


def _summary_dict(summary: Any) -> dict[str, int]:
    counts = summary if isinstance(summary, dict) else summary.as_dict()
    return {k: v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool)}


def summarise(batch_id: str, prepared: PreparedBatch, loaded: dict[str, int], t0: float):
    records = prepared.records()
    return BatchSummary(
        batch_id=batch_id,
        pages=len(prepared.pages),
        records=len(records),
        auto_accepted=sum(r["status"] == "auto_accepted" for r in records),
        needs_review=sum(r["status"] == "needs_review" for r in records),
        unreadable=len(prepared.unreadable),
        held=prepared.held,
        loaded=loaded,
        seconds=round(time.monotonic() - t0, 2),
    )


def save_prepared(prepared: PreparedBatch, directory: str | Path) -> str:
    """Write a prepared batch for the next task. Frames are pickled: they carry list and dict
    cells (flags, boxes) that Parquet would hand back as arrays; the folder is private to
    the batch's own tasks."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for doc_type, df in prepared.frames.items():
        df.to_pickle(out / f"{doc_type}.pkl")
    manifest = {
        "doc_types": sorted(prepared.frames),
        "unreadable": prepared.unreadable,
        "held": prepared.held,
        "pages": prepared.pages,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return str(out)


def read_prepared(directory: str | Path) -> PreparedBatch:
    src = Path(directory)
    manifest = json.loads((src / "manifest.json").read_text("utf-8"))
    return PreparedBatch(
        frames={t: pd.read_pickle(src / f"{t}.pkl") for t in manifest["doc_types"]},
        unreadable=manifest["unreadable"],
        held=manifest["held"],
        pages=manifest["pages"],
    )
