"""Checking an upload: every file (and every ZIP entry) through ``ocr.ingest``; ZIPs opened
safely. A refused file gets a reason for the clerk while the rest of the batch proceeds."""

from __future__ import annotations

import logging
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ocr.ingest import MAX_FILE_BYTES, iter_pages
from sohoa.errors import SohoaError

log = logging.getLogger(__name__)

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed: scans barely compress; bombs do hugely


@dataclass
class Refusal:
    file: str
    reason_vi: str
    reason_en: str


@dataclass
class CheckedUpload:
    accepted: list[str] = field(default_factory=list)  # names relative to the batch folder
    refused: list[Refusal] = field(default_factory=list)


def _refuse(out: CheckedUpload, name: str, vi: str, en: str) -> None:
    out.refused.append(Refusal(name, vi, en))


def check_scan(path: Path) -> None:
    """Raise ``InputFileError`` unless ``path`` is a scan we can read (type, size, first page)."""
    for _ in iter_pages(path):
        break  # the first page decoded: type, size, pixel limits and bombs were checked


def _safe_member_name(name: str) -> str | None:
    """A ZIP entry's name inside the batch folder, or None when it would climb out of it."""
    if "\\" in name or name.startswith("/") or ":" in name.split("/")[0]:
        return None
    parts = PurePosixPath(name).parts
    if not parts or any(p in ("..", "") for p in parts):
        return None
    return "/".join(parts)


def _unzip(zip_path: Path, display: str, dest: Path, out: CheckedUpload) -> list[tuple[str, Path]]:
    """The ZIP's safe entries extracted under ``dest``, as (``zip:entry`` label, path)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        _refuse(
            out,
            display,
            f"Tệp ZIP {display} bị hỏng, không mở được.",
            f"The ZIP file {display} is damaged and cannot be opened.",
        )
        return []
    extracted: list[tuple[str, Path]] = []
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if (
            len(infos) > MAX_ZIP_ENTRIES
            or total > MAX_ZIP_TOTAL_BYTES
            or total / packed > (MAX_ZIP_RATIO)
        ):
            _refuse(
                out,
                display,
                f"Tệp ZIP {display} giải nén ra quá lớn (nghi là “bom ZIP”), không mở.",
                f"The ZIP file {display} expands to far too much data (a suspected ZIP "
                "bomb); it was not opened.",
            )
            return []
        for info in infos:
            label = f"{display}:{info.filename}"
            safe = _safe_member_name(info.filename)
            if safe is None:
                _refuse(
                    out,
                    label,
                    f"Mục {info.filename} trong {display} trỏ ra ngoài thư mục (đường dẫn "
                    "không an toàn), đã bỏ qua.",
                    f"The entry {info.filename} in {display} points outside its folder "
                    "(an unsafe path); it was skipped.",
                )
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                _refuse(
                    out,
                    label,
                    f"Mục {info.filename} là liên kết, đã bỏ qua.",
                    f"The entry {info.filename} is a link; it was skipped.",
                )
                continue
            if info.file_size > MAX_FILE_BYTES:
                _refuse(
                    out,
                    label,
                    f"Mục {info.filename} quá lớn.",
                    f"The entry {info.filename} is too large.",
                )
                continue
            folder = dest / str(len(extracted) + len(out.refused))
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / safe_name(PurePosixPath(safe).name)
            with archive.open(info) as src, open(target, "wb") as dst:
                # copy at most the declared size + 1: a lying header cannot fill the disk
                shutil.copyfileobj(_Limited(src, info.file_size + 1), dst)
            if target.stat().st_size > info.file_size:
                target.unlink()
                _refuse(
                    out,
                    label,
                    f"Mục {info.filename} lớn hơn kích thước khai báo.",
                    f"The entry {info.filename} is larger than it declares.",
                )
                continue
            extracted.append((label, target))
    return extracted


class _Limited:
    def __init__(self, fh, limit: int) -> None:
        self.fh, self.left = fh, limit

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        self.left -= len(data)
        return data


def is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def check_files(files: list[tuple[str, Path]], batch_dir: Path) -> CheckedUpload:
    """Move the readable scans of ``files`` (display name, temporary path) into ``batch_dir``."""
    out = CheckedUpload()
    batch_dir.mkdir(parents=True, exist_ok=True)
    staging = batch_dir.parent / f".{batch_dir.name}.unzipped"
    staging.mkdir(exist_ok=True)
    candidates: list[tuple[str, Path]] = []
    for k, (display, path) in enumerate(files):
        if is_zip(path):
            candidates.extend(_unzip(path, display, staging / str(k), out))
        else:
            candidates.append((display, path))
    used: set[str] = set()
    for display, path in candidates:
        try:
            check_scan(path)
        except SohoaError as e:
            _refuse(out, display, e.message_vi, e.message_en)
            continue
        name = _unique_name(display, used)
        shutil.move(str(path), batch_dir / name)
        out.accepted.append(name)
    shutil.rmtree(staging, ignore_errors=True)
    return out


def safe_name(name: str) -> str:
    """A file name with nothing but letters, digits and ``._-`` (no hidden files)."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name).lstrip(".") or "scan"


def _unique_name(display: str, used: set[str]) -> str:
    base = safe_name(display.replace(":", "__"))
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{k}_{base}"
    used.add(name)
    return name
