"""Helpers shared by the OCR tests: recorded Tesseract output (replays) and crafted files."""

from __future__ import annotations

import json
import struct
import unicodedata
import zlib
from pathlib import Path

from sohoa.types import Word

RESOURCES = Path(__file__).parent / "resources"
RECORDINGS = sorted(RESOURCES.glob("birth_registration-*.json"))


def load_recording(path: Path) -> tuple[list[Word], int, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    words = [Word(t, c, tuple(b), tuple(k)) for t, c, b, k in data["words"]]
    return words, data["page_width"], data["printed"]


def same_text(a: str | None, b: str | None) -> bool:
    def norm(s: str | None) -> str | None:
        if s is None:
            return None
        return " ".join(unicodedata.normalize("NFC", str(s)).split()) or None

    return norm(a) == norm(b)


def png_bytes(width: int, height: int, pixels: bytes | None = None) -> bytes:
    """A gray PNG; with ``pixels`` None the IDAT is tiny, whatever the declared size (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = pixels if pixels is not None else b"\x00" * 64
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )
