"""Run a record type's Great Expectations suite on a normalised batch and gate the batch.

``validate(df, doc_type, data_docs_dir=None) -> ValidationReport``:

* an ephemeral GX context (built once per process and suite) when no Data Docs are wanted; a file
  context under ``data_docs_dir`` that builds the Data Docs site into ``data_docs_dir`` otherwise;
* each failed expectation's ``unexpected_index_list`` becomes a flag on those rows for the field
  and reason in the expectation's ``meta`` (appended to the ``flags`` column of the returned
  frame, without repeating a flag a transform already raised);
* the batch gate: when more than ``settings.batch_hold_failure_share`` of rows fail at least one
  expectation the report is ``held`` with a readable reason; the caller decides not to load.

GX's progress bars are switched off in the context's config.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from expectations import birth, death, household, land, marriage
from expectations.text_checks import add_spelling_columns
from sohoa.settings import Settings, get_settings
from transforms import flat_rows, row_values
from transforms.flags import REASONS, FlagCollector
from transforms.gc_pause import gc_paused

log = logging.getLogger(__name__)

_SUITES = {birth.DOC_TYPE: birth}
_SUITES[household.DOC_TYPE] = household
_SUITES |= {marriage.DOC_TYPE: marriage, death.DOC_TYPE: death}
# Table suites: (doc_type, table) → object with ``prepare(rows, settings, today)`` and
# ``build_suite(settings, today)``, run on the nested national rows exploded one frame row per
# table row (``_parent`` = the record's position, ``_row`` = the row's position); a failing row
# becomes a flag ``<table>[<row>].<field>`` on its record. The land certificate registers
# ("land_certificate", "holders") and ("land_certificate", "vertices") the same way.
_TABLE_SUITES: dict[tuple[str, str], object] = {
    (household.DOC_TYPE, household.TABLE): household.MEMBERS,
}
_SUITES[land.DOC_TYPE] = land
_TABLE_SUITES |= {
    (land.DOC_TYPE, "holders"): land.HOLDERS,
    (land.DOC_TYPE, "vertices"): land.VERTICES,
}
_SITE = "sohoa_data_docs"


@dataclass
class ExpectationOutcome:
    expectation: str  # GX expectation type
    field: str | None
    reason: str | None
    success: bool
    unexpected_count: int
    error: str | None = None  # GX could not evaluate it (the suite or the data is wrong)


@dataclass
class ValidationReport:
    doc_type: str
    df: pd.DataFrame  # the input rows with the validation flags appended to ``flags``
    success: bool
    rows: int
    failed_rows: int
    held: bool
    hold_reason_vi: str | None = None
    hold_reason_en: str | None = None
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    data_docs_index: Path | None = None
    gx_result: Any = None  # the full ExpectationSuiteValidationResult

    @property
    def frame(self) -> pd.DataFrame:
        """Alias of ``df`` (the name ``sohoa.batch`` uses)."""
        return self.df

    @property
    def held_reason(self) -> str | None:
        """The hold reason for people, one line: Vietnamese first, then English."""
        if not self.held:
            return None
        return f"{self.hold_reason_vi} / {self.hold_reason_en}"

    @property
    def failed_row_share(self) -> float:
        return self.failed_rows / self.rows if self.rows else 0.0


def _silence_progress_bars(context) -> None:
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)


def _validation_definition(context, doc_type: str, suite):
    import great_expectations as gx

    ds = context.data_sources.add_or_update_pandas(name="sohoa")
    asset = next((a for a in ds.assets if a.name == doc_type), None) or ds.add_dataframe_asset(
        name=doc_type
    )
    batch = next(
        (b for b in asset.batch_definitions if b.name == "whole_batch"), None
    ) or asset.add_batch_definition_whole_dataframe("whole_batch")
    suite = context.suites.add_or_update(suite)
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=doc_type, data=batch, suite=suite)
    )


@lru_cache(maxsize=8)
def _ephemeral(doc_type: str, min_parent_age: int, today: dt.date):
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    _silence_progress_bars(context)
    suite = _SUITES[doc_type].build_suite(get_settings(), today)
    return _validation_definition(context, doc_type, suite)


def _file_context(doc_type: str, settings: Settings, today: dt.date, docs_dir: Path):
    import great_expectations as gx

    docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    _silence_progress_bars(context)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir.resolve())},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }  # fmt: skip
    if _SITE in context.list_data_docs_sites():
        context.update_data_docs_site(_SITE, site)
    else:
        context.add_data_docs_site(_SITE, site)
    suite = _SUITES[doc_type].build_suite(settings, today)
    return context, _validation_definition(context, doc_type, suite)


@gc_paused()
def validate(
    df: pd.DataFrame,
    doc_type: str,
    data_docs_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
) -> ValidationReport:
    """Validate a normalised batch (output of ``transforms.normalise``) of one record type."""
    if doc_type not in _SUITES:
        raise ValueError(f"no expectation suite for record type {doc_type!r} yet")
    settings = settings or get_settings()
    today = today or dt.date.today()
    module = _SUITES[doc_type]
    prepared = add_spelling_columns(module.prepare(df, settings, today))

    with contextlib.ExitStack() as stack:
        if data_docs_dir is not None:
            stack.enter_context(_docs_lock(Path(data_docs_dir)))
        return _validate(df, doc_type, prepared, data_docs_dir, settings, today)


@contextlib.contextmanager
def _docs_lock(docs_dir: Path):
    """One writer at a time in a Data Docs project: GX rewrites the suite's JSON file there, and
    two batches validating side by side (two Celery workers) would read each other's half-written
    file."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    with open(docs_dir / ".sohoa-gx.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _validate(df, doc_type, prepared, data_docs_dir, settings, today) -> ValidationReport:
    context = None
    if data_docs_dir is None:
        vd = _ephemeral(doc_type, settings.min_parent_age_years, today)
    else:
        context, vd = _file_context(doc_type, settings, today, Path(data_docs_dir))
    result = vd.run(batch_parameters={"dataframe": _suite_columns(prepared, vd)},
                    result_format="COMPLETE")  # fmt: skip

    n = len(df)
    collector = FlagCollector(n)
    failed = np.zeros(n, dtype=bool)
    outcomes: list[ExpectationOutcome] = []
    for r in result.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        error = None
        if r.exception_info and r.exception_info.get("raised_exception"):
            error = r.exception_info.get("exception_message")
        else:  # several metrics: exception_info is keyed by metric
            for info in (r.exception_info or {}).values():
                if isinstance(info, dict) and info.get("raised_exception"):
                    error = info.get("exception_message")
        if error:
            log.warning("expectation %s on %s could not run: %s", cfg.type, meta, error)
        unexpected = r.result.get("unexpected_index_list") or []
        positions = np.asarray([u for u in unexpected if isinstance(u, (int, np.integer))], int)
        outcomes.append(ExpectationOutcome(
            cfg.type, meta.get("field"), meta.get("reason"), bool(r.success),
            int(r.result.get("unexpected_count") or len(positions)), error,
        ))  # fmt: skip
        if positions.size and meta.get("field"):
            mask = np.zeros(n, dtype=bool)
            mask[positions] = True
            failed |= mask
            # ``shown``: the column that says the value (a table's flag shows a figure, not rows)
            shown = prepared[meta.get("shown", meta["field"])]
            collector.add(mask, meta["field"], meta["reason"], shown)

    for (suite_type, table), table_suite in _TABLE_SUITES.items():
        if suite_type == doc_type and table in df.columns:
            _validate_table(df, table, table_suite, settings, today, collector, failed, outcomes)

    existing = df["flags"] if "flags" in df.columns else None
    merged = collector.to_lists(existing)
    for i, row in enumerate(merged):  # drop a flag the transforms already raised
        if len(row) > 1:
            seen: set[tuple[str, str]] = set()
            merged[i] = [
                f for f in row
                if (f["field"], f["reason"]) not in seen and not seen.add((f["field"], f["reason"]))
            ]  # fmt: skip
    out = df.copy()
    out["flags"] = pd.Series(merged, index=df.index, dtype=object)

    failed_rows = int(failed.sum())
    share = failed_rows / n if n else 0.0
    held = n > 0 and share > settings.batch_hold_failure_share
    report = ValidationReport(
        doc_type=doc_type, df=out, success=bool(result.success), rows=n,
        failed_rows=failed_rows, held=held, outcomes=outcomes, gx_result=result,
    )  # fmt: skip
    if held:
        report.hold_reason_vi, report.hold_reason_en = _hold_reason(outcomes, share, doc_type)
        log.warning("batch held: %s", report.hold_reason_en)
    if context is not None:
        context.build_data_docs(site_names=[_SITE])
        report.data_docs_index = Path(data_docs_dir) / "index.html"
    return report


def _suite_columns(prepared: pd.DataFrame, vd) -> pd.DataFrame:
    """Only the columns the suite reads: GX hashes the whole frame it is given (pickling it when
    cells hold lists, as ``members`` and ``flags`` do), which cost more than the checks."""
    wanted: set[str] = set()
    texts: set[str] = set()
    for expectation in vd.suite.expectations:
        kwargs = expectation.configuration.kwargs
        wanted.update(kwargs.get(k) for k in ("column", "column_A", "column_B") if kwargs.get(k))
        wanted.update(kwargs.get("column_list") or ())
        if "regex" in kwargs:
            texts.add(kwargs["column"])
    out = prepared[[c for c in prepared.columns if c in wanted]]
    # GX's regex checks read ``column.astype(str)``: converted once here, not once per check
    # (a place column has five), they run on pyarrow strings with RE2
    return out.astype({c: "str" for c in texts if c in out.columns and out[c].dtype == object})


def _hold_reason(outcomes: list[ExpectationOutcome], share: float, doc_type: str):
    top = Counter()
    for o in outcomes:
        if not o.success and o.field:
            top[(o.field, o.reason)] += o.unexpected_count
    common = ", ".join(f"{f} ({r})" for (f, r), _ in top.most_common(3))
    common_vi = ", ".join(
        f"{f} ({REASONS.get(r or '', (r, r))[0]})" for (f, r), _ in top.most_common(3)
    )
    vi = (
        f"Tạm giữ cả lô: {share:.0%} bản ghi không đạt kiểm tra (nhiều nhất: {common_vi}). "
        f"Có thể lô không phải loại '{doc_type}' hoặc máy quét được đặt sai; không nạp lô này."
    )
    en = (
        f"Batch held: {share:.0%} of records failed validation (most often: {common}). "
        f"The batch may not be of type '{doc_type}', or the scanner was set wrong; not loading it."
    )
    return vi, en


def explode_rows(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Nested national rows of ``df[table]`` as a frame with ``_parent`` and ``_row``."""
    flat, parents, positions = flat_rows(df[table])
    if not flat:
        return pd.DataFrame()
    first = flat[0].keys()
    try:  # normalise gives every row the same keys; else the columns are their union
        same = all(map(first.__eq__, map(dict.keys, flat)))
    except TypeError:  # a row that is not a dict
        same = False
    keys = tuple(first) if same else tuple(dict.fromkeys(k for row in flat for k in row))
    values = row_values(flat, keys)
    # lists, not arrays: the frame infers each column's dtype from the Python values
    columns = dict(zip(keys, map(list, zip(*values, strict=True)), strict=True))
    columns["_parent"] = parents.tolist()
    columns["_row"] = positions.tolist()
    return pd.DataFrame(columns)


@lru_cache(maxsize=8)
def _ephemeral_table(name: str, suite_module, today: dt.date):
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    _silence_progress_bars(context)
    return _validation_definition(context, name, suite_module.build_suite(get_settings(), today))


def _validate_table(df, table, suite_module, settings, today, collector, failed, outcomes) -> None:
    """Validate a record type's table rows and flag their records (``members[2].sex``)."""
    rows = explode_rows(df, table)
    if rows.empty:
        return
    prepared = add_spelling_columns(suite_module.prepare(rows, settings, today))
    vd = _ephemeral_table(suite_module.SUITE_NAME, suite_module, today)
    result = vd.run(batch_parameters={"dataframe": _suite_columns(prepared, vd)},
                    result_format="COMPLETE")  # fmt: skip
    parents = prepared["_parent"].to_numpy()
    positions = prepared["_row"].to_numpy()
    for r in result.results:
        meta = r.expectation_config.meta or {}
        unexpected = [u for u in (r.result.get("unexpected_index_list") or [])
                      if isinstance(u, (int, np.integer))]  # fmt: skip
        outcomes.append(ExpectationOutcome(
            r.expectation_config.type, f"{table}.{meta.get('field')}", meta.get("reason"),
            bool(r.success), len(unexpected),
        ))  # fmt: skip
        if not meta.get("field") or not unexpected:
            continue
        bad = np.asarray(unexpected, dtype=int)
        failed[parents[bad]] = True
        bad_values = prepared[meta["field"]].to_numpy(dtype=object)[bad]
        # one flag set per row position: a record has at most one row at each position
        for position in np.unique(positions[bad]):
            at = positions[bad] == position
            mask = np.zeros(len(df), dtype=bool)
            mask[parents[bad][at]] = True
            values = np.full(len(df), None, dtype=object)
            values[parents[bad][at]] = bad_values[at]
            collector.add(mask, f"{table}[{int(position)}].{meta['field']}", meta["reason"],
                          values)  # fmt: skip
