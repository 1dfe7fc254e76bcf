"""Ingest: sniff the real file type, bound its size, and turn it into page images.

Images are read with Pillow (multi-page TIFF gives one page per frame, EXIF rotation of phone
photos is applied); PDFs are rasterised with pdfium at 300 DPI. Every refusal is an
``InputFileError`` with one sentence a clerk understands, Vietnamese first.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import filetype
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from sohoa.errors import InputFileError

log = logging.getLogger(__name__)

PDF_DPI = 300
MAX_FILE_BYTES = 200 * 1024 * 1024  # a 500-page archive PDF fits; anything bigger is split first
MAX_PAGE_PIXELS = 80_000_000  # A3 at 600 DPI is 70 Mpx
MIN_PAGE_SIDE = 64  # a page smaller than this in either direction cannot hold readable text
MAX_PAGES = 500
# A file declaring more pixels than this per byte of compressed data is treated as a
# decompression bomb: real scans hold at most a few hundred pixels per byte (a blank page).
BOMB_PIXELS_PER_BYTE = 20_000

IMAGE_MIMES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/tiff",
        "image/bmp",
        "image/webp",
        "image/gif",
        "image/jp2",
        "image/x-ms-bmp",
    }
)
PDF_MIME = "application/pdf"


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page ready for cleanup: ``image`` is BGR (H×W×3) or gray (H×W) ``uint8``."""

    page: int  # 1-based
    image: np.ndarray
    source_path: str
    source_sha256: str
    dpi: float | None = None


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _refuse(vi: str, en: str, reason: str = "bad_input") -> InputFileError:
    err = InputFileError(vi, en)
    err.reason = reason  # a finer reason code than the class's, for reports and tests
    return err


def _bomb(name: str) -> InputFileError:
    return _refuse(
        f"Ảnh {name} khai báo kích thước quá lớn (nghi là ảnh giả mạo), không xử lý.",
        f"The image {name} declares an excessive size (a suspected decompression bomb); "
        "it was not processed.",
        "decompression_bomb",
    )


def sniff_type(path: str | Path) -> str:
    """MIME type from the file's first bytes (not its extension); refuses what we cannot read."""
    path = Path(path)
    if not path.is_file():
        raise _refuse(f"Không tìm thấy tệp {path.name}.", f"The file {path.name} does not exist.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(
            f"Tệp {path.name} rỗng (0 byte), hãy quét lại.",
            f"The file {path.name} is empty (0 bytes); please scan it again.",
        )
    if size > MAX_FILE_BYTES:
        raise _refuse(
            f"Tệp {path.name} quá lớn ({size // (1024 * 1024)} MB, tối đa "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB), hãy chia nhỏ.",
            f"The file {path.name} is too large ({size // (1024 * 1024)} MB, at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB); please split it.",
        )
    kind = filetype.guess(str(path))
    mime = kind.mime if kind else None
    if mime == PDF_MIME or mime in IMAGE_MIMES:
        return mime
    what = f" ({mime})" if mime else ""
    raise _refuse(
        f"Tệp {path.name} không phải ảnh quét hay PDF{what}, hãy gửi tệp JPEG, PNG, TIFF hoặc PDF.",
        f"The file {path.name} is not a scanned image or a PDF{what}; "
        "please send a JPEG, PNG, TIFF or PDF file.",
    )


def _check_pixels(
    name: str, width: int, height: int, page: int, file_bytes: int | None = None
) -> None:
    """Refuse a page before its pixels are decoded: too large, a bomb, or too small."""
    where_vi = f" (trang {page})" if page > 1 else ""
    where_en = f" (page {page})" if page > 1 else ""
    if width * height > MAX_PAGE_PIXELS:
        if file_bytes is not None and width * height > BOMB_PIXELS_PER_BYTE * max(file_bytes, 1):
            raise _bomb(name)
        raise _refuse(
            f"Ảnh {name}{where_vi} quá lớn ({width}×{height} điểm ảnh, tối đa "
            f"{MAX_PAGE_PIXELS // 1_000_000} triệu), hãy quét ở 300 DPI.",
            f"The image {name}{where_en} is too large ({width}×{height} pixels, at most "
            f"{MAX_PAGE_PIXELS // 1_000_000} million); please scan at 300 DPI.",
            "image_too_large",
        )
    if min(width, height) < MIN_PAGE_SIDE:
        raise _refuse(
            f"Ảnh {name}{where_vi} quá nhỏ ({width}×{height} điểm ảnh) để đọc được chữ.",
            f"The image {name}{where_en} is too small ({width}×{height} pixels) to hold "
            "readable text.",
            "image_too_small",
        )


def _truncated(name: str, err: Exception) -> InputFileError:
    log.info("cannot decode %s: %s", name, err)
    return _refuse(
        f"Ảnh {name} bị hỏng hoặc không đầy đủ, không đọc được; hãy quét hoặc tải lên lại.",
        f"The image {name} is damaged or incomplete and cannot be read; "
        "please scan or upload it again.",
        "damaged_image",
    )


def _pil_to_array(frame: Image.Image) -> np.ndarray:
    if frame.mode in ("1", "L", "I;16", "I", "F"):
        gray = frame.convert("L")
        return np.array(gray, dtype=np.uint8)
    rgb = frame.convert("RGB")  # drops alpha onto black; scans seldom carry alpha
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        background = Image.new("RGB", frame.size, (255, 255, 255))
        background.paste(frame.convert("RGBA"), mask=frame.convert("RGBA").getchannel("A"))
        rgb = background
    arr = np.array(rgb, dtype=np.uint8)
    return np.ascontiguousarray(arr[:, :, ::-1])  # RGB → BGR (OpenCV order)


def _dpi_of(frame: Image.Image) -> float | None:
    dpi = frame.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    return value if 50 <= value <= 2400 else None  # 1 or 72 "DPI" from cameras means unknown


def _iter_image(path: Path, sha: str) -> Iterator[PageImage]:
    name = path.name
    file_bytes = path.stat().st_size
    pillow_limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Opening reads the header only; Pillow's own bomb check is lifted for it so that a
            # huge real scan and a bomb get their own reasons: ``_check_pixels`` bounds the
            # declared size (below Pillow's limit) before any pixel is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None
            img = Image.open(path)
    except Image.DecompressionBombError as e:
        raise _bomb(name) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise _truncated(name, e) from e
    finally:
        Image.MAX_IMAGE_PIXELS = pillow_limit
    with img:
        n_frames = getattr(img, "n_frames", 1)
        if n_frames > MAX_PAGES:
            raise _too_many_pages(name, n_frames)
        for index in range(n_frames):
            try:
                img.seek(index)
                _check_pixels(name, img.width, img.height, index + 1, file_bytes)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    img.load()
                    frame = ImageOps.exif_transpose(img)
                array = _pil_to_array(frame)
            except InputFileError:
                raise
            except Image.DecompressionBombError as e:
                raise _bomb(name) from e
            except (OSError, SyntaxError, ValueError, EOFError) as e:
                raise _truncated(name, e) from e
            yield PageImage(index + 1, array, str(path), sha, _dpi_of(img))


def _too_many_pages(name: str, n: int) -> InputFileError:
    return _refuse(
        f"Tệp {name} có {n} trang, quá số trang cho phép ({MAX_PAGES}); hãy chia nhỏ.",
        f"The file {name} has {n} pages, more than the {MAX_PAGES} allowed; please split it.",
    )


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_ZERO_COUNT = re.compile(rb"/Count\s+0(?![0-9])")


def _declares_no_pages(path: Path, max_bytes: int = 1 << 20) -> bool:
    """A small PDF whose page tree says ``/Count 0`` and that holds no page object."""
    with open(path, "rb") as fh:
        head = fh.read(max_bytes + 1)
    if len(head) > max_bytes:
        return False
    return bool(_ZERO_COUNT.search(head)) and not _PAGE_OBJECT.search(head)


def _iter_pdf(path: Path, sha: str, dpi: int = PDF_DPI) -> Iterator[PageImage]:
    import pypdfium2 as pdfium  # imported here: only PDFs need it

    name = path.name
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        log.info("pdfium cannot open %s: %s", name, e)
        if _declares_no_pages(path):  # PDFium refuses a PDF with an empty page tree
            raise _refuse(
                f"Tệp PDF {name} không có trang nào.",
                f"The PDF file {name} has no pages.",
                "empty_pdf",
            ) from e
        raise _refuse(
            f"Tệp PDF {name} bị hỏng, không có trang nào hoặc có mật khẩu; không đọc được.",
            f"The PDF file {name} is damaged, has no pages or is password-protected; "
            "it cannot be read.",
            "damaged_pdf",
        ) from e
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise _refuse(
                f"Tệp PDF {name} không có trang nào.",
                f"The PDF file {name} has no pages.",
                "empty_pdf",
            )
        if n_pages > MAX_PAGES:
            raise _too_many_pages(name, n_pages)
        for index in range(n_pages):
            page = pdf[index]
            try:
                width_pt, height_pt = page.get_size()
                scale = dpi / 72.0
                px = (width_pt * scale) * (height_pt * scale)
                if px > MAX_PAGE_PIXELS:  # oversized page: render at the DPI that fits
                    scale *= (MAX_PAGE_PIXELS / px) ** 0.5
                _check_pixels(name, round(width_pt * scale), round(height_pt * scale), index + 1)
                try:
                    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
                    array = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                    mode = bitmap.mode
                    bitmap.close()
                except pdfium.PdfiumError as e:
                    raise _refuse(
                        f"Không dựng được trang {index + 1} của tệp PDF {name}.",
                        f"Page {index + 1} of the PDF file {name} could not be rendered.",
                    ) from e
            finally:
                page.close()
            if mode in ("BGRA", "BGRX"):
                array = np.ascontiguousarray(array[:, :, :3])
            elif mode == "RGB":
                array = np.ascontiguousarray(array[:, :, ::-1])
            elif array.ndim == 3 and array.shape[2] == 1:
                array = array[:, :, 0]
            yield PageImage(index + 1, array, str(path), sha, scale * 72.0)
    finally:
        pdf.close()


def iter_pages(path: str | Path) -> Iterator[PageImage]:
    """Yield the pages of a scan one at a time (bounded memory for long PDFs).

    Raises ``InputFileError`` (before the first page when the whole file is bad, or when the
    page that cannot be read is reached).
    """
    path = Path(path)
    mime = sniff_type(path)
    sha = sha256_file(path)
    if mime == PDF_MIME:
        yield from _iter_pdf(path, sha)
    else:
        yield from _iter_image(path, sha)


def load_pages(path: str | Path) -> list[PageImage]:
    """All pages of a scan as images; raises ``InputFileError`` with a clerk's sentence."""
    return list(iter_pages(path))
