"""Load a normalised batch into the national-format database: one transaction, idempotent.

``load_batch`` takes the DataFrame that ``transforms`` produces (envelope, national fields,
``raw__<f>``, ``conf__<f>``, optional ``box__<f>``, ``flags``, ``status``) and writes, in ONE
transaction: the batch row, its source files and pages, one row per record in the record type's
table, one ``field_values`` row per (record, national field) with its provenance, and the
record's review flags. If anything fails nothing of the batch is written, and the batch row
records the failure in a transaction of its own.

Rules (the contract the portal and re-runs rely on):

- Upsert on ``record_id``. Loading the same input twice writes nothing the second time: rows
  are compared first and only new or changed ones are written (so ``updated_at`` moves only when
  something did). A record missing from a re-run is left alone, never deleted.
- A field a reviewer locked (``field_values.locked``) is never overwritten: the record column and
  the field row keep the reviewer's value; the run's value goes to ``machine_value`` beside it.
  The upsert itself guards locked rows (``CASE WHEN locked``), not only the Python side.
- Flags: a re-run's flags replace the record's unresolved machine flags (an identical flag is
  kept as it is, with the new run id). Resolved flags and flags a reviewer raised are kept.
  A machine flag on a locked field is dropped: the reviewer has answered for that field.
- Status: ``needs_review`` while the record has an unresolved flag; otherwise the run's status
  (a ``needs_review`` whose every flag was dropped for locks keeps the stored status).
- Natural key (birth: commune, book year, book number, registration number): stored in
  ``natural_key`` only when every part is known; then UNIQUE. A record whose complete key is
  already held by another record gets ``natural_key`` NULL and a ``duplicate_natural_key`` flag
  naming the holder, for a reviewer to decide. Within a batch, records claim keys in
  ``record_id`` order, so a re-run decides the same way.
"""

from __future__ import annotations

import logging
import math
import numbers
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Double,
    Float,
    Integer,
    String,
    Table,
    and_,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from registry.bulk import dialect_insert, select_in, upsert
from registry.errors import LoadError, LoadInputError
from registry.models import (
    NATURAL_KEY_PARTS,
    NATURAL_KEY_SEPARATOR,
    NESTED_TABLES,
    OLD_ADMIN_SCHEME,
    RECORD_STATUSES,
    Batch,
    BirthRegistration,
    DeathRegistration,
    FieldValue,
    HouseholdBook,
    LandCertificate,
    LandParcel,
    MarriageRegistration,
    Page,
    ReviewFlag,
    SourceFile,
)
from registry.nested import NestedRows, apply_locks, member_key_conflicts, read_nested, write_nested
from sohoa.national_format import ADMIN_CODE_SCHEME, DOC_TYPES, ENVELOPE_FIELDS, NATIONAL_FIELDS

log = logging.getLogger(__name__)

CHUNK = 500  # rows per executemany / ids per IN (...)
MAX_PROBLEMS_LISTED = 50

DUPLICATE_REASON = "duplicate_natural_key"
BATCH_KEYS = ("batch_id", "doc_type", "commune_code", "commune_code_scheme")
PAGE_KEYS = (
    "source_sha256",
    "page",
    "source_file",
    "media_type",
    "page_count",
    "byte_size",
    "doc_type",
    "status",
    "reason",
    "message",
    "cleanup_params",
    "ocr_engine",
    "ocr_seconds",
    "page_text",
)

_batches = Batch.__table__
_parcels = LandParcel.__table__
_PARCEL_KEY = ("old_commune_code", "map_sheet_number", "parcel_number")
# Optional frame column for land certificates (not a national field): the commune, in the list
# before 1 July 2025, whose map sheets number the parcel. With it the loader fills land_parcels.
OLD_COMMUNE_COLUMN = "parcel_old_commune_code"
_OLD_COMMUNE = re.compile(r"[0-9]{5}")
_sources = SourceFile.__table__
_pages = Page.__table__
_fields = FieldValue.__table__
_flags = ReviewFlag.__table__


@dataclass(frozen=True)
class LoadSummary:
    """What one ``load_batch`` did. Record counts add up to ``records``."""

    batch_id: str
    run_id: str
    records: int
    inserted: int
    updated: int
    unchanged: int
    locked_kept: int  # locked field values the run read differently (kept, machine_value set)
    needs_review: int
    natural_key_conflicts: int
    pages: int
    nested_rows: int = 0  # member / holder / vertex rows handed to the database

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _DocSpec:
    """How one record type maps onto its table."""

    doc_type: str
    table: Table
    fields: tuple[str, ...]
    # national field whose raw text, confidence and box stand for a derived field's, when the
    # frame has none of its own (the code was derived from the text read there)
    derived_from: dict[str, str]
    natural_key: tuple[str, ...] = ()

    @cached_property
    def code_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if f.endswith(("_commune_code", "_province_code")))


_SPECS: dict[str, _DocSpec] = {
    "birth_registration": _DocSpec(
        doc_type="birth_registration",
        table=BirthRegistration.__table__,
        fields=NATIONAL_FIELDS["birth_registration"],
        derived_from={
            "registration_number_suffix": "registration_number",
            "book_year": "book_number",
            "registration_commune_code": "registration_authority_text",
            "child_family_name": "child_full_name",
            "child_given_name": "child_full_name",
            "child_place_of_birth_province_code": "child_place_of_birth_text",
            "child_ethnicity_code": "child_ethnicity",
            "mother_ethnicity_code": "mother_ethnicity",
            "father_ethnicity_code": "father_ethnicity",
        },
        natural_key=NATURAL_KEY_PARTS,
    ),
}

_CIVIL_DERIVED = {
    "registration_number_suffix": "registration_number",
    "book_year": "book_number",
    "registration_commune_code": "registration_authority_text",
}


def _flat(doc_type: str) -> tuple[str, ...]:
    """The record's own columns: national fields without the nested lists."""
    return tuple(f for f in NATIONAL_FIELDS[doc_type] if f not in NESTED_TABLES.get(doc_type, {}))


_SPECS.update(
    {
        "marriage_registration": _DocSpec(
            doc_type="marriage_registration",
            table=MarriageRegistration.__table__,
            fields=_flat("marriage_registration"),
            derived_from={
                **_CIVIL_DERIVED,
                "husband_ethnicity_code": "husband_ethnicity",
                "wife_ethnicity_code": "wife_ethnicity",
            },
            natural_key=NATURAL_KEY_PARTS,
        ),
        "death_registration": _DocSpec(
            doc_type="death_registration",
            table=DeathRegistration.__table__,
            fields=_flat("death_registration"),
            derived_from={**_CIVIL_DERIVED, "deceased_ethnicity_code": "deceased_ethnicity"},
            natural_key=NATURAL_KEY_PARTS,
        ),
        "household_registration": _DocSpec(
            doc_type="household_registration",
            table=HouseholdBook.__table__,
            fields=_flat("household_registration"),
            derived_from={
                "address_commune_code": "address_text",
                "address_province_code": "address_text",
            },
        ),
        "land_certificate": _DocSpec(
            doc_type="land_certificate",
            table=LandCertificate.__table__,
            fields=_flat("land_certificate"),
            derived_from={
                "parcel_commune_code": "parcel_address_text",
                "land_use_purpose_code": "land_use_purpose",
            },
            natural_key=("certificate_serial",),
        ),
    }
)

LOADABLE_DOC_TYPES = tuple(_SPECS)


@dataclass
class _Incoming:
    """One record of the frame, checked and converted to plain Python values."""

    record_id: str
    source_file: str
    source_sha256: str
    page: int
    status: str
    values: dict[str, Any]
    schemes: dict[str, str | None]
    raw: dict[str, str | None]
    confidence: dict[str, float | None]
    box: dict[str, tuple[int, int, int, int] | None]
    flags: list[dict[str, Any]] = field(default_factory=list)
    old_commune_code: str | None = None  # land: the pre-2025 commune the map sheet belongs to


@dataclass
class _Plan:
    """The writes one batch needs, worked out before any of them is made."""

    run_id: str
    record_writes: list[dict[str, Any]] = field(default_factory=list)
    field_writes: list[dict[str, Any]] = field(default_factory=list)
    flag_inserts: list[dict[str, Any]] = field(default_factory=list)
    flag_deletes: list[int] = field(default_factory=list)
    flag_rerun: list[int] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    locked_kept: int = 0
    needs_review: int = 0
    conflicts: int = 0


# --------------------------------------------------------------------------- public API


def load_batch(
    engine: Engine,
    records: pd.DataFrame,
    *,
    batch: dict[str, Any],
    run_id: str,
    rules_version: str,
    ocr_engine: str,
    pages: list[dict[str, Any]] | None = None,
) -> LoadSummary:
    """Upsert one batch of normalised records in one transaction; see the module's rules.

    ``batch``: ``batch_id`` and ``doc_type`` (required), ``commune_code`` and
    ``commune_code_scheme`` (optional). ``pages``: dicts with ``source_sha256``, ``page`` and
    any of ``PAGE_KEYS`` (other keys, such as a ``PageExtraction``'s ``fields``, are ignored);
    pages the records point at but ``pages`` lacks are recorded with what the records say.
    Raises ``LoadInputError`` (every problem at once) before touching the database, and
    ``LoadError`` when the database refuses the batch.
    """
    spec, incoming, page_rows, nested = _check_input(
        records, batch, run_id, rules_version, ocr_engine, pages
    )
    batch_id = batch["batch_id"]
    log.info(
        "loading batch %s: %d %s records, run %s", batch_id, len(incoming), spec.doc_type, run_id
    )
    try:
        with engine.begin() as conn:
            _start_batch(conn, batch, run_id)
            page_count = _write_sources_and_pages(
                conn, spec, batch_id, incoming, page_rows, ocr_engine
            )
            nested_kept = _prepare_nested(conn, nested, incoming, run_id)
            plan = _plan_records(conn, spec, batch_id, incoming, run_id, rules_version, ocr_engine)
            _write_plan(conn, spec, plan)
            now = _now()
            nested_rows = sum(write_nested(conn, n, run_id, now) for n in nested.values())
            summary = LoadSummary(
                batch_id=batch_id,
                run_id=run_id,
                records=len(incoming),
                inserted=plan.inserted,
                updated=plan.updated,
                unchanged=plan.unchanged,
                locked_kept=plan.locked_kept + nested_kept,
                needs_review=plan.needs_review,
                natural_key_conflicts=plan.conflicts,
                pages=page_count,
                nested_rows=nested_rows,
            )
            _finish_batch(conn, summary)
    except LoadInputError:
        raise
    except Exception as e:
        _record_failure(engine, batch, run_id, e)
        if isinstance(e, SQLAlchemyError):
            statement = e.statement if isinstance(e, DBAPIError) else None
            log.error("batch %s refused by the database; statement: %s", batch_id, statement)
            raise LoadError(batch_id, e, statement) from e
        raise
    log.info("loaded batch %s: %s", batch_id, summary.as_dict())
    return summary


def _prepare_nested(
    conn: Connection, nested: dict[str, NestedRows], incoming: list[_Incoming], run_id: str
) -> int:
    """Natural keys of members (duplicates flagged on their record) and reviewers' locks."""
    kept = 0
    by_id = {r.record_id: r for r in incoming}
    for rows in nested.values():
        if "natural_key" in rows.table.c:
            for rid, holders in member_key_conflicts(conn, rows).items():
                by_id[rid].flags.append(_member_duplicate_flag(holders))
        kept += apply_locks(conn, rows, run_id)
    return kept


def _member_duplicate_flag(holders: list[str]) -> dict[str, Any]:
    listing = ", ".join(sorted(set(holders)))
    return {
        "field": "members",
        "reason": DUPLICATE_REASON,
        "message_vi": (
            f"Trùng số sổ hộ khẩu và số thứ tự nhân khẩu với {listing}: "
            "cần xác định có phải cùng một người không."
        ),
        "message_en": (
            f"Same household book number and member index as {listing}: "
            "decide whether they are the same entry."
        ),
    }


def natural_key_of(doc_type: str, values: dict[str, Any]) -> str | None:
    """The natural key string of a record's values, or None when any part is unknown."""
    parts = _SPECS[doc_type].natural_key
    if not parts or any(values.get(p) is None for p in parts):
        return None
    return NATURAL_KEY_SEPARATOR.join(str(values[p]) for p in parts)


def text_of(value: Any) -> str | None:
    """A typed value as ``field_values.value`` holds it (integers in decimal, text as is)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def record_spec(doc_type: str) -> tuple[Table, tuple[str, ...]]:
    """The table and national fields of a loadable record type (for the review helpers)."""
    spec = _SPECS[doc_type]
    return spec.table, spec.fields


# --------------------------------------------------------------------------- input checks


def _check_input(
    records: pd.DataFrame,
    batch: dict[str, Any],
    run_id: str,
    rules_version: str,
    ocr_engine: str,
    pages: list[dict[str, Any]] | None,
) -> tuple[_DocSpec, list[_Incoming], list[dict[str, Any]], dict[str, NestedRows]]:
    problems: list[str] = []
    for name, value in (
        ("run_id", run_id),
        ("rules_version", rules_version),
        ("ocr_engine", ocr_engine),
    ):
        if not isinstance(value, str) or not value:
            problems.append(f"{name} must be a non-empty string")

    unknown = sorted(set(batch) - set(BATCH_KEYS))
    if unknown:
        problems.append(f"batch has unknown keys {unknown}")
    batch_id = batch.get("batch_id")
    if not isinstance(batch_id, str) or not batch_id:
        problems.append("batch needs a batch_id (non-empty string)")
    doc_type = batch.get("doc_type")
    spec = _SPECS.get(doc_type) if isinstance(doc_type, str) else None
    if doc_type not in DOC_TYPES:
        problems.append(f"batch doc_type {doc_type!r} is not one of {list(DOC_TYPES)}")
    elif spec is None:
        problems.append(f"doc_type {doc_type!r} cannot be loaded yet (loadable: {list(_SPECS)})")
    if spec is None:
        raise LoadInputError(problems)

    required = (*ENVELOPE_FIELDS, *NATIONAL_FIELDS[spec.doc_type], "status", "flags")
    missing = [c for c in required if c not in records.columns]
    if missing:
        problems.append(f"records lack columns {missing}")
    if records.columns.duplicated().any():
        problems.append("records have duplicated column names")
    if missing or records.columns.duplicated().any():
        raise LoadInputError(problems)

    incoming = _read_records(records, spec, batch_id, problems)
    nested = read_nested(records, spec.doc_type, problems)
    page_rows = _read_pages(pages or [], problems)
    if problems:
        if len(problems) > MAX_PROBLEMS_LISTED:
            more = len(problems) - MAX_PROBLEMS_LISTED
            problems = [*problems[:MAX_PROBLEMS_LISTED], f"… and {more} more"]
        raise LoadInputError(problems)
    incoming.sort(key=lambda r: r.record_id)
    return spec, incoming, page_rows, nested


def _read_records(
    records: pd.DataFrame, spec: _DocSpec, batch_id: str, problems: list[str]
) -> list[_Incoming]:
    columns = set(records.columns)
    types = {f: spec.table.c[f].type for f in spec.fields}
    seen: set[str] = set()
    out: list[_Incoming] = []
    # the nested lists are read by ``read_nested``; leaving them out halves the work here
    # The nested lists are read by ``read_nested``. Rows are built from whole columns
    # (``tolist`` is C work; ``DataFrame.to_dict`` boxes cell by cell).
    nested = NESTED_TABLES.get(spec.doc_type, {})
    names = [c for c in records.columns if c.split("__")[-1] not in nested]
    cells = [records[c].tolist() for c in names]
    rows = (dict(zip(names, values, strict=True)) for values in zip(*cells, strict=True))
    for n, row in enumerate(rows):
        rid = row["record_id"]
        where = f"record {rid!r}" if isinstance(rid, str) and rid else f"row {n}"
        if not isinstance(rid, str) or not rid:
            problems.append(f"{where}: record_id must be a non-empty string")
            continue
        if rid in seen:
            problems.append(f"{where}: record_id appears twice")
        seen.add(rid)
        if row["doc_type"] != spec.doc_type:
            problems.append(f"{where}: doc_type {row['doc_type']!r} is not {spec.doc_type!r}")
        if row["batch_id"] != batch_id:
            problems.append(f"{where}: batch_id {row['batch_id']!r} is not {batch_id!r}")
        if row["status"] not in RECORD_STATUSES:
            problems.append(f"{where}: status {row['status']!r} not in {list(RECORD_STATUSES)}")
        source_file = row["source_file"]
        if not isinstance(source_file, str) or not source_file:
            problems.append(f"{where}: source_file must be a non-empty string")
        sha = row["source_sha256"]
        if not _is_sha256(sha):
            problems.append(f"{where}: source_sha256 must be 64 lower-case hex digits")
        page = _int_or_problem(row["page"], f"{where}: page", problems)
        if page is not None and page < 1:
            problems.append(f"{where}: page must be 1 or more")

        values: dict[str, Any] = {}
        raw: dict[str, str | None] = {}
        conf: dict[str, float | None] = {}
        box: dict[str, tuple[int, int, int, int] | None] = {}
        for f in spec.fields:
            try:
                values[f] = coerce_value(row[f], types[f])
            except ValueError as e:
                problems.append(f"{where}: {f}: {e}")
                values[f] = None
            source = f if f"raw__{f}" in columns else spec.derived_from.get(f, f)
            raw_value = row.get(f"raw__{source}")
            raw[f] = None if _missing(raw_value) else str(raw_value)
            source = f if f"conf__{f}" in columns else spec.derived_from.get(f, f)
            conf[f] = _confidence(row.get(f"conf__{source}"), f"{where}: conf__{source}", problems)
            source = f if f"box__{f}" in columns else spec.derived_from.get(f, f)
            box[f] = _box(row.get(f"box__{source}"), f"{where}: box__{source}", problems)
        schemes = {}
        for code in spec.code_fields:
            scheme = row.get(f"{code}_scheme")
            schemes[code] = None if _missing(scheme) else str(scheme)
        flags = _read_flags(row["flags"], where, problems)
        old_commune = row.get(OLD_COMMUNE_COLUMN)
        old_commune = None if _missing(old_commune) else old_commune
        if old_commune is not None and not (
            isinstance(old_commune, str) and _OLD_COMMUNE.fullmatch(old_commune)
        ):
            problems.append(f"{where}: {OLD_COMMUNE_COLUMN} must be 5 digits, got {old_commune!r}")
            old_commune = None
        out.append(
            _Incoming(
                record_id=rid,
                source_file=source_file,
                source_sha256=sha,
                page=page or 0,
                status=row["status"],
                values=values,
                schemes=schemes,
                raw=raw,
                confidence=conf,
                box=box,
                flags=flags,
                old_commune_code=old_commune,
            )
        )
    return out


def _read_pages(pages: Sequence[dict[str, Any]], problems: list[str]) -> list[dict[str, Any]]:
    rows = []
    for n, p in enumerate(pages):
        where = f"pages[{n}]"
        if not _is_sha256(p.get("source_sha256")):
            problems.append(f"{where}: source_sha256 must be 64 lower-case hex digits")
        page = _int_or_problem(p.get("page"), f"{where}: page", problems)
        row = {k: (None if _missing(p.get(k)) else p.get(k)) for k in PAGE_KEYS}
        row["page"] = page
        if row["cleanup_params"] is None and isinstance(p.get("cleanup"), dict):
            row["cleanup_params"] = p["cleanup"]
        if not row["source_file"]:
            row["source_file"] = p.get("original_path")
        if not row["source_file"]:
            problems.append(f"{where}: source_file is required")
        rows.append(row)
    return rows


def _read_flags(value: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    if value is None or (not isinstance(value, (list, tuple, np.ndarray)) and _missing(value)):
        return []
    if not isinstance(value, (list, tuple, np.ndarray)):
        problems.append(f"{where}: flags must be a list of dicts")
        return []
    flags = []
    for item in value:
        if not isinstance(item, dict) or not item.get("reason"):
            problems.append(f"{where}: every flag needs a dict with a reason")
            continue
        flags.append(
            {
                "field": None if _missing(item.get("field")) else str(item["field"]),
                "reason": str(item["reason"]),
                "message_vi": _opt_str(item.get("message_vi")),
                "message_en": _opt_str(item.get("message_en")),
            }
        )
    return flags


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _opt_str(value: Any) -> str | None:
    return None if _missing(value) else str(value)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _int_or_problem(value: Any, where: str, problems: list[str]) -> int | None:
    try:
        result = coerce_value(value, _INTEGER)
    except ValueError as e:
        problems.append(f"{where}: {e}")
        return None
    if result is None:
        problems.append(f"{where}: is required")
    return result


def coerce_value(value: Any, type_: Any) -> Any:
    """A frame cell as the Python value its column takes; ValueError when it cannot be."""
    kind = type(value)  # fast paths for the usual cells: exact built-in types, no ABC checks
    if kind is str and isinstance(type_, String):
        return value
    if kind is int and isinstance(type_, Integer):
        return value
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        raise ValueError(f"expected a single value, got {type(value).__name__}")
    if _missing(value):
        return None
    if isinstance(type_, Boolean):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise ValueError(f"expected true/false, got {value!r}")
    if isinstance(type_, Integer):
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(f"expected an integer, got {value!r}")
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(value)
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(type_, (Float, Double)):
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return float(value)
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(type_, String):  # Text is a String
        if isinstance(value, str):
            return str(value)
        raise ValueError(f"expected text, got {type(value).__name__} {value!r}")
    raise ValueError(f"no conversion for column type {type_!r}")


_DOUBLE = Double()
_INTEGER = Integer()


def _confidence(value: Any, where: str, problems: list[str]) -> float | None:
    if type(value) is float and 0.0 <= value <= 1.0:
        return value
    if not isinstance(value, (list, tuple, np.ndarray)) and _missing(value):
        return None
    try:
        conf = coerce_value(value, _DOUBLE)
    except ValueError as e:
        problems.append(f"{where}: {e}")
        return None
    if not 0.0 <= conf <= 1.0:
        problems.append(f"{where}: confidence {conf} outside 0..1")
        return None
    return conf


def _box(value: Any, where: str, problems: list[str]) -> tuple[int, int, int, int] | None:
    if not isinstance(value, (list, tuple, np.ndarray)):
        if _missing(value):
            return None
        problems.append(f"{where}: a box is 4 integers (left, top, width, height)")
        return None
    items = list(value)
    if len(items) != 4 or not all(
        isinstance(v, numbers.Real) and float(v).is_integer() and v >= 0 for v in items
    ):
        problems.append(f"{where}: a box is 4 non-negative integers, got {items!r}")
        return None
    left, top, width, height = (int(v) for v in items)
    return left, top, width, height


# --------------------------------------------------------------------------- writing


_insert = dialect_insert


def _upsert_dicts(
    conn: Connection, table: Table, rows: list[dict[str, Any]], conflict: Any
) -> None:
    """``bulk.upsert`` of dicts that all have the same keys."""
    if rows:
        first_key = table.primary_key.columns.values()[0].name
        values = {c: [r[c] for r in rows] for c in rows[0]}
        upsert(conn, table, values, conflict, direct_when_new=first_key)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _executemany(conn: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        conn.execute(statement, list(chunk))


def _select_in(conn: Connection, statement: Any, column: Any, keys: Iterable[Any]) -> list[Any]:
    return select_in(conn, statement, column, list(keys))


def _now() -> datetime:
    return datetime.now(UTC)


def _start_batch(conn: Connection, batch: dict[str, Any], run_id: str) -> None:
    """Write the batch row first: it takes SQLite's write lock and is what records point at."""
    commune = batch.get("commune_code")
    scheme = batch.get("commune_code_scheme") or (ADMIN_CODE_SCHEME if commune else None)
    stmt = _insert(conn, _batches).values(
        batch_id=batch["batch_id"],
        doc_type=batch["doc_type"],
        commune_code=commune,
        commune_code_scheme=scheme,
        status="processing",
        run_id=run_id,
        failure_message=None,
        created_at=_now(),
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[_batches.c.batch_id],
            set_={
                "status": stmt.excluded.status,
                "run_id": stmt.excluded.run_id,
                "failure_message": None,
                "commune_code": func.coalesce(stmt.excluded.commune_code, _batches.c.commune_code),
                "commune_code_scheme": func.coalesce(
                    stmt.excluded.commune_code_scheme, _batches.c.commune_code_scheme
                ),
            },
        )
    )
    # Checked after the write (which keeps the declared doc_type), so that on SQLite the
    # transaction's first statement is a write: no read snapshot to upgrade under a rival writer.
    declared = conn.execute(
        select(_batches.c.doc_type).where(_batches.c.batch_id == batch["batch_id"])
    ).scalar_one()
    if declared != batch["doc_type"]:
        raise LoadInputError(
            [f"batch {batch['batch_id']} was declared {declared!r}, not {batch['doc_type']!r}"]
        )


def _finish_batch(conn: Connection, summary: LoadSummary) -> None:
    conn.execute(
        update(_batches)
        .where(_batches.c.batch_id == summary.batch_id)
        .values(
            status="loaded",
            finished_at=_now(),
            page_count=summary.pages,
            record_count=summary.records,
            inserted_count=summary.inserted,
            updated_count=summary.updated,
            unchanged_count=summary.unchanged,
            locked_kept_count=summary.locked_kept,
            needs_review_count=summary.needs_review,
        )
    )


def _record_failure(engine: Engine, batch: dict[str, Any], run_id: str, error: Exception) -> None:
    """Mark the batch failed, in a transaction of its own (the batch's own was rolled back)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    try:
        with engine.begin() as conn:
            stmt = _insert(conn, _batches).values(
                batch_id=batch["batch_id"],
                doc_type=batch["doc_type"],
                status="failed",
                run_id=run_id,
                finished_at=_now(),
                failure_message=message,
                created_at=_now(),
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[_batches.c.batch_id],
                    set_={
                        "status": "failed",
                        "run_id": run_id,
                        "finished_at": stmt.excluded.finished_at,
                        "failure_message": message,
                    },
                )
            )
    except SQLAlchemyError:
        log.exception("could not record the failure of batch %s", batch["batch_id"])


def _write_sources_and_pages(
    conn: Connection,
    spec: _DocSpec,
    batch_id: str,
    incoming: list[_Incoming],
    page_rows: list[dict[str, Any]],
    ocr_engine: str,
) -> int:
    sources: dict[str, dict[str, Any]] = {}
    for p in page_rows:
        sources.setdefault(
            p["source_sha256"],
            {
                "sha256": p["source_sha256"],
                "original_path": p["source_file"],
                "page_count": p["page_count"],
                "media_type": p["media_type"],
                "byte_size": p["byte_size"],
            },
        )
    for r in incoming:
        sources.setdefault(
            r.source_sha256,
            {
                "sha256": r.source_sha256,
                "original_path": r.source_file,
                "page_count": None,
                "media_type": None,
                "byte_size": None,
            },
        )
    if sources:

        def fill_gaps(stmt: Any) -> Any:
            fill = {
                c: func.coalesce(_sources.c[c], stmt.excluded[c])
                for c in ("page_count", "media_type", "byte_size")
            }
            gaps = [and_(_sources.c[c].is_(None), stmt.excluded[c].is_not(None)) for c in fill]
            return stmt.on_conflict_do_update(
                index_elements=[_sources.c.sha256], set_=fill, where=or_(*gaps)
            )

        now = _now()
        _upsert_dicts(
            conn, _sources, [{**s, "created_at": now} for s in sources.values()], fill_gaps
        )

    now = _now()
    full = {}
    for p in page_rows:
        full[(p["source_sha256"], p["page"])] = {
            "source_sha256": p["source_sha256"],
            "page": p["page"],
            "batch_id": batch_id,
            "doc_type": p["doc_type"],
            "status": p["status"] or "ok",
            "reason": p["reason"],
            "message": p["message"],
            "cleanup_params": p["cleanup_params"],
            "ocr_engine": p["ocr_engine"] or ocr_engine,
            "ocr_seconds": p["ocr_seconds"],
            "page_text": p["page_text"],
            "created_at": now,
        }
    if full:
        updatable = [
            c for c in next(iter(full.values())) if c not in ("source_sha256", "page", "created_at")
        ]

        def replace(stmt: Any) -> Any:
            return stmt.on_conflict_do_update(
                index_elements=[_pages.c.source_sha256, _pages.c.page],
                set_={c: stmt.excluded[c] for c in updatable},
            )

        _upsert_dicts(conn, _pages, list(full.values()), replace)

    minimal = {}
    for r in incoming:
        key = (r.source_sha256, r.page)
        if key not in full:
            minimal[key] = {
                "source_sha256": r.source_sha256,
                "page": r.page,
                "batch_id": batch_id,
                "doc_type": spec.doc_type,
                "status": "ok",
                "ocr_engine": ocr_engine,
                "created_at": now,
            }
    if minimal:
        _upsert_dicts(
            conn,
            _pages,
            list(minimal.values()),
            lambda stmt: stmt.on_conflict_do_nothing(
                index_elements=[_pages.c.source_sha256, _pages.c.page]
            ),
        )
    return len(full) + len(minimal)


def _plan_records(
    conn: Connection,
    spec: _DocSpec,
    batch_id: str,
    incoming: list[_Incoming],
    run_id: str,
    rules_version: str,
    ocr_engine: str,
) -> _Plan:
    table = spec.table
    ids = [r.record_id for r in incoming]
    existing = {
        row["record_id"]: dict(row)
        for row in _select_in(conn, select(table), table.c.record_id, ids)
    }
    fields_stmt = select(_fields).where(_fields.c.doc_type == spec.doc_type)
    existing_fields = {
        (row["record_id"], row["field"]): dict(row)
        for row in _select_in(conn, fields_stmt, _fields.c.record_id, ids)
    }
    open_stmt = select(_flags).where(_flags.c.resolved.is_(False))
    open_flags: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _select_in(conn, open_stmt.order_by(_flags.c.flag_id), _flags.c.record_id, ids):
        open_flags[row["record_id"]].append(dict(row))

    # Field values after locks, and who holds which natural key.
    finals: dict[str, dict[str, Any]] = {}
    locked_by_record: dict[str, set[str]] = {}
    plan = _Plan(run_id=run_id)
    for r in incoming:
        old = existing.get(r.record_id)
        locked = {
            f
            for f in spec.fields
            if (row := existing_fields.get((r.record_id, f))) is not None and row["locked"]
        }
        if locked and old is None:
            raise LoadInputError([f"record {r.record_id}: locked fields but no record row"])
        final = {}
        for f in spec.fields:
            if f in locked:
                final[f] = old[f]
                if r.values[f] != old[f]:
                    plan.locked_kept += 1
            else:
                final[f] = r.values[f]
        for code in spec.code_fields:
            scheme_col = f"{code}_scheme"
            if code in locked:
                final[scheme_col] = old[scheme_col]
            elif final[code] is None:
                final[scheme_col] = None
            else:
                final[scheme_col] = r.schemes.get(code) or ADMIN_CODE_SCHEME
        finals[r.record_id] = final
        locked_by_record[r.record_id] = locked

    if "parcel_id" in table.c:
        parcels = _link_parcels(conn, incoming, finals)
        for rid, final in finals.items():
            final["parcel_id"] = parcels.get(rid)

    holders: dict[str, str] = {}
    if spec.natural_key:
        wanted = {k for rid in ids if (k := natural_key_of(spec.doc_type, finals[rid]))}
        nk_stmt = select(table.c.record_id, table.c.natural_key)
        for row in _select_in(conn, nk_stmt, table.c.natural_key, sorted(wanted)):
            holders[row["natural_key"]] = row["record_id"]

    now = _now()
    for r in incoming:
        rid = r.record_id
        old = existing.get(rid)
        final = finals[rid]
        locked = locked_by_record[rid]

        key = natural_key_of(spec.doc_type, final) if spec.natural_key else None
        holder = holders.get(key) if key else None
        run_flags = [f for f in r.flags if f["field"] not in locked]
        suppressed = len(run_flags) < len(r.flags)
        if key and holder is not None and holder != rid:
            plan.conflicts += 1
            run_flags.append(_duplicate_flag(holder))
            key = None
        elif key:
            holders[key] = rid

        changed_flags = _plan_flags(plan, spec, rid, run_id, run_flags, open_flags.get(rid, []))
        open_after = bool(run_flags) or any(
            f["raised_by"] != "machine" for f in open_flags.get(rid, [])
        )
        if open_after:
            status = "needs_review"
        elif r.status == "auto_accepted":
            status = "auto_accepted"
        elif suppressed and old is not None:
            status = old["status"]
        else:
            status = r.status
        if status == "needs_review":
            plan.needs_review += 1

        row = {
            "record_id": rid,
            "source_sha256": r.source_sha256,
            "page": r.page,
            "batch_id": batch_id,
            "run_id": run_id,
            "rules_version": rules_version,
            "ocr_engine": ocr_engine,
            "status": status,
            **final,
        }
        if "natural_key" in table.c:
            row["natural_key"] = key
        changed_fields = _plan_fields(plan, spec, r, run_id, existing_fields)
        if old is None:
            plan.inserted += 1
        elif changed_flags or changed_fields or any(old[k] != v for k, v in row.items()):
            plan.updated += 1
        else:
            plan.unchanged += 1
            continue
        plan.record_writes.append({**row, "created_at": now, "updated_at": now})
    return plan


def _link_parcels(
    conn: Connection, incoming: list[_Incoming], finals: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Upsert the parcels the certificates name; record_id → parcel_id.

    A parcel is keyed as its map sheet is numbered: (old commune, sheet, parcel). It is known
    only when the record gives the old commune (``parcel_old_commune_code``) besides sheet and
    parcel; its 2025 commune is the certificate's ``parcel_commune_code`` when known.
    """
    rows: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    key_of: dict[str, tuple[str, str, str]] = {}
    for r in incoming:
        final = finals[r.record_id]
        sheet, parcel = final["map_sheet_number"], final["parcel_number"]
        if r.old_commune_code is None or sheet is None or parcel is None:
            continue
        key = (r.old_commune_code, sheet, parcel)
        key_of[r.record_id] = key
        code = final["parcel_commune_code"]
        row = (*key, OLD_ADMIN_SCHEME, code, final["parcel_commune_code_scheme"] if code else None)
        if key not in rows or rows[key][4] is None:
            rows[key] = row
    if not rows:
        return {}

    def fill_commune(stmt: Any) -> Any:
        new = stmt.excluded
        return stmt.on_conflict_do_update(
            index_elements=[_parcels.c[c] for c in _PARCEL_KEY],
            set_={"commune_code": new.commune_code, "commune_code_scheme": new.commune_code_scheme},
            where=and_(
                new.commune_code.is_not(None),
                _parcels.c.commune_code.is_distinct_from(new.commune_code),
            ),
        )

    columns = [*_PARCEL_KEY, "old_commune_code_scheme", "commune_code", "commune_code_scheme"]
    values = dict(zip(columns, zip(*rows.values(), strict=True), strict=True))
    upsert(conn, _parcels, values, fill_commune)
    stmt = select(_parcels.c.parcel_id, *[_parcels.c[c] for c in _PARCEL_KEY]).where(
        _parcels.c.old_commune_code.in_(sorted({k[0] for k in rows}))
    )
    ids = {
        (m["old_commune_code"], m["map_sheet_number"], m["parcel_number"]): m["parcel_id"]
        for m in select_in(conn, stmt, _parcels.c.parcel_number, sorted({k[2] for k in rows}))
    }
    return {rid: ids[key] for rid, key in key_of.items()}


def _duplicate_flag(holder: str) -> dict[str, Any]:
    return {
        "field": None,
        "reason": DUPLICATE_REASON,
        "message_vi": (
            f"Trùng số đăng ký, quyển số, năm và xã với bản ghi {holder}: "
            "cần xác định có phải cùng một giấy tờ không."
        ),
        "message_en": (
            f"Same registration number, book, year and commune as record {holder}: "
            "decide whether they are the same paper."
        ),
    }


def _plan_flags(
    plan: _Plan,
    spec: _DocSpec,
    rid: str,
    run_id: str,
    run_flags: list[dict[str, Any]],
    open_rows: list[dict[str, Any]],
) -> bool:
    """Replace the record's unresolved machine flags by the run's; True when anything changes."""

    def key(f: dict[str, Any]) -> tuple[Any, ...]:
        return (f["field"], f["reason"], f["message_vi"], f["message_en"])

    available: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in open_rows:
        if row["raised_by"] == "machine":
            available[key(row)].append(row)
    changed = False
    seen: set[tuple[Any, ...]] = set()
    for flag in run_flags:
        k = key(flag)
        if k in seen:
            continue
        seen.add(k)
        if available[k]:
            kept = available[k].pop(0)
            if kept["run_id"] != run_id:
                plan.flag_rerun.append(kept["flag_id"])
                changed = True
        else:
            plan.flag_inserts.append(
                {
                    "record_id": rid,
                    "doc_type": spec.doc_type,
                    **flag,
                    "raised_by": "machine",
                    "run_id": run_id,
                    "resolved": False,
                    "created_at": _now(),
                }
            )
            changed = True
    for rows in available.values():
        for row in rows:
            plan.flag_deletes.append(row["flag_id"])
            changed = True
    return changed


_MACHINE_COLUMNS = ("machine_value", "machine_run_id")


def _plan_fields(
    plan: _Plan,
    spec: _DocSpec,
    r: _Incoming,
    run_id: str,
    existing_fields: dict[tuple[str, str], dict[str, Any]],
) -> bool:
    """Queue the field rows that are new or differ; True when any does."""
    changed = False
    for f in spec.fields:
        machine = text_of(r.values[f])
        box = r.box[f] or (None, None, None, None)
        new = {
            "record_id": r.record_id,
            "field": f,
            "doc_type": spec.doc_type,
            "raw_value": r.raw[f],
            "value": machine,
            "confidence": r.confidence[f],
            "box_left": box[0],
            "box_top": box[1],
            "box_width": box[2],
            "box_height": box[3],
            "source_sha256": r.source_sha256,
            "page": r.page,
            "run_id": run_id,
            "machine_value": machine,
            "machine_run_id": run_id,
        }
        old = existing_fields.get((r.record_id, f))
        if old is not None and old["locked"]:
            expected = {k: old[k] for k in new}
            expected.update(machine_value=machine, machine_run_id=run_id)
        else:
            expected = new
        if old is None or any(old[k] != v for k, v in expected.items()):
            plan.field_writes.append(new)
            changed = True
    return changed


def _write_plan(conn: Connection, spec: _DocSpec, plan: _Plan) -> None:
    table = spec.table
    if plan.record_writes:
        columns = [c for c in plan.record_writes[0] if c not in ("record_id", "created_at")]

        def replace(stmt: Any) -> Any:
            return stmt.on_conflict_do_update(
                index_elements=[table.c.record_id], set_={c: stmt.excluded[c] for c in columns}
            )

        _upsert_dicts(conn, table, plan.record_writes, replace)

    if plan.field_writes:
        guarded = [
            c for c in plan.field_writes[0] if c not in ("record_id", "field", *_MACHINE_COLUMNS)
        ]

        def unless_locked(stmt: Any) -> Any:
            # A locked row keeps everything but the machine's reading: guarded in SQL as well,
            # so a lock set after this load read the rows still wins.
            new = stmt.excluded
            set_ = {c: case((_fields.c.locked, _fields.c[c]), else_=new[c]) for c in guarded}
            set_.update({c: new[c] for c in _MACHINE_COLUMNS})
            return stmt.on_conflict_do_update(
                index_elements=[_fields.c.record_id, _fields.c.field], set_=set_
            )

        _upsert_dicts(conn, _fields, plan.field_writes, unless_locked)

    for chunk in _chunks(plan.flag_deletes):
        conn.execute(_flags.delete().where(_flags.c.flag_id.in_(chunk)))
    for chunk in _chunks(plan.flag_rerun):
        stmt = update(_flags).where(_flags.c.flag_id.in_(chunk)).values(run_id=plan.run_id)
        conn.execute(stmt)
    if plan.flag_inserts:
        _executemany(conn, _flags.insert(), plan.flag_inserts)
