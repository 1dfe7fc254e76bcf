"""Two readings of a degraded page, field by field: each field is taken from the reading that
makes sense of it under the national format.

Tesseract's misreadings of a blurred or speckled page change with its pixels: the page read
again after a 3 × 3 median (``ocr.pipeline.second_reading_image``) gets right many fields the
first reading got wrong, and the other way round (dev harsh pages, seeds 77 and 4242: 19 and
17 % of the fields wrong in one reading were right in the other). Which reading is right is not
known, but the national format says which one can be: both readings are normalised
(``transforms.normalise``, the batch's own rules) and for each raw field the reading whose
national values are present and surer is kept — a date that parses over one that does not, a
place found in the official list over one mended less surely. Tables are taken whole from one
reading (their rows pair up only through their values): the one with more sure cells.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import pandas as pd

from sohoa.types import PageExtraction

log = logging.getLogger(__name__)


def take_better_fields(first: PageExtraction, second: PageExtraction) -> list[str]:
    """Replace ``first``'s readings (fields, whole tables) by ``second``'s where the second
    makes more sense of them; returns the names taken. Both are readings of one page, of one
    record type, with calibrated confidences."""
    from sohoa.records import extractions_to_frame
    from transforms import field_sources, normalise, supports

    doc_type = first.doc_type
    if doc_type is None or not supports(doc_type) or second.doc_type != doc_type:
        return []
    frame = normalise(extractions_to_frame([first, second], doc_type), doc_type)
    if len(frame) != 2:
        return []
    ours, theirs = frame.iloc[0], frame.iloc[1]
    national_of: dict[str, list[str]] = defaultdict(list)
    for national, raw in field_sources(doc_type).items():
        national_of[raw].append(national)
    taken = []
    for raw, nationals in national_of.items():
        if raw in second.fields and _sense(theirs, nationals) > _sense(ours, nationals):
            first.fields[raw] = second.fields[raw]
            taken.append(raw)
    for table in sorted(first.tables.keys() | second.tables.keys()):
        if table in frame and _table_sense(theirs, table) > _table_sense(ours, table):
            first.tables[table] = second.tables.get(table, [])
            taken.append(table)
    if taken:
        log.debug("%s page %d: second reading taken for %s", first.source_file, first.page, taken)
    return taken


def _sense(record: pd.Series, nationals: list[str]) -> tuple[int, float]:
    """How much sense a reading makes of one raw field: how many of its national values are
    present, then their summed confidence (a mended or doubted value is less sure)."""
    present = [n for n in nationals if _present(record.get(n))]
    return len(present), sum(_confidence(record.get(f"conf__{n}")) for n in present)


def _table_sense(record: pd.Series, table: str) -> float:
    """The summed confidence of a table's cells that have a national value."""
    rows = record.get(table)
    confs = record.get(f"conf__{table}")
    if not isinstance(rows, list) or not isinstance(confs, list):
        return 0.0
    return sum(
        _confidence(conf.get(name))
        for row, conf in zip(rows, confs, strict=False)
        for name, value in row.items()
        if _present(value)
    )


def _present(value: object) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return False
    return not (isinstance(value, list | str) and not value)


def _confidence(value: float | None) -> float:
    """A normalised confidence (a float, NaN or None where none was read) as a number."""
    return 0.0 if value is None or pd.isna(value) else float(value)
