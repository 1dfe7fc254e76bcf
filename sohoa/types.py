"""Plain data types shared by the stages (OCR → extract → normalise → validate → load).

They are dataclasses of plain values so they pickle across processes and serialise to JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# A box is (left, top, width, height) in pixels of the page image that was OCR'd.
Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Word:
    """One word as Tesseract read it, with its confidence (0-100) and box."""

    text: str
    confidence: float
    box: Box
    line_key: tuple[int, int, int] = (0, 0, 0)  # (block, paragraph, line) from image_to_data
    # why a reading of this word is open to question (a reason code of ``transforms.flags``),
    # e.g. two readings of it disagreed; None when nothing is known against it
    doubt: str | None = None


@dataclass(slots=True)
class FieldReading:
    """The raw text read for one field, with a confidence in 0..1 and where it was read."""

    value_text: str | None
    confidence: float
    box: Box | None = None
    label_text: str | None = None  # the printed label as OCR read it
    doubt: str | None = None  # reason code: the reading is open to question (``Word.doubt``)


@dataclass(slots=True)
class PageExtraction:
    """What extraction read off one page: the record type and the raw field readings."""

    doc_type: str | None
    source_file: str
    source_sha256: str
    page: int
    fields: dict[str, FieldReading] = field(default_factory=dict)
    # rows of the page's tables (EXTRACTED_TABLES): e.g. tables["members"][i]["full_name"]
    tables: dict[str, list[dict[str, FieldReading]]] = field(default_factory=dict)
    page_text: str = ""
    status: str = "ok"  # ok | skipped | failed
    reason: str | None = None  # reason code when not ok
    message: str | None = None  # sentence for people when not ok
    ocr_seconds: float = 0.0
    ocr_engine: str = ""
    page_confidence: float = 0.0  # mean confidence of the page's words (sohoa.confidence)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def page_extraction_from_dict(data: dict[str, Any]) -> PageExtraction:
    """Rebuild a PageExtraction from ``to_dict()`` output (e.g. a chunk's JSON Lines file)."""

    def reading(f: dict[str, Any]) -> FieldReading:
        return FieldReading(
            value_text=f.get("value_text"),
            confidence=f.get("confidence", 0.0),
            box=tuple(f["box"]) if f.get("box") else None,
            label_text=f.get("label_text"),
            doubt=f.get("doubt"),
        )

    fields = {name: reading(f) for name, f in (data.get("fields") or {}).items()}
    tables = {
        name: [{k: reading(v) for k, v in row.items()} for row in rows]
        for name, rows in (data.get("tables") or {}).items()
    }
    return PageExtraction(**{**data, "fields": fields, "tables": tables})
