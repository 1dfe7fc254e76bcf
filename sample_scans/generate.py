"""Render synthetic scans with ground truth.

    python -m sample_scans.generate --types birth_registration --n 12 --seed 1 \
        --degrade mild --out var/gen_preview/mild

Per page, in ``--out``: ``<stem>.png`` (clean) or ``<stem>.jpg`` (mild/harsh), ``<stem>.json``
(ground truth: national-format fields, printed text per field, layout, degradations) and
``<stem>.txt`` (the page's text line by line). Same arguments ⇒ byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import unicodedata
from pathlib import Path

import numpy as np

from sohoa.national_format import DOC_TYPES, NATIONAL_FIELDS

from . import degrade
from .forms import renderer

log = logging.getLogger(__name__)


def page_seed(doc_type: str, seed: int, index: int, salt: str = "") -> int:
    """A stable 63-bit seed per page (content does not depend on the degradation level)."""
    return random.Random(f"{doc_type}:{seed}:{index}{salt}").getrandbits(63)


def _nfc(obj):
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {k: _nfc(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nfc(v) for v in obj]
    return obj


FIT_ATTEMPTS = 20


def fits_page(page, margin: int = 4) -> bool:
    """Every recorded text item lies inside the page."""
    return all(
        it.x0 >= margin
        and it.y0 >= margin
        and it.x1 <= page.width - margin
        and it.y1 <= page.height - margin
        for it in page.items
    )


def draw_page(doc_type: str, seed: int, index: int, variant: str | None = None):
    """The page's drawing (``Rendered``), before degradation."""
    for attempt in range(FIT_ATTEMPTS):
        # a paper form's text fits its sheet: a draw whose text runs off the page (large type,
        # many vertices) is drawn again, so the truth never holds a value the page lacks
        salt = f":fit{attempt}" if attempt else ""
        rendered = renderer(doc_type)(
            random.Random(page_seed(doc_type, seed, index, salt)), variant
        )
        if fits_page(rendered.page):
            return rendered
    raise AssertionError(f"{doc_type} #{index}: no draw fits the page in {FIT_ATTEMPTS} tries")


def generate_page(
    doc_type: str, seed: int, index: int, level: str, variant: str | None = None
) -> dict:
    """Render one page; return {stem, image_bytes, ext, truth, text}."""
    rendered = draw_page(doc_type, seed, index, variant)
    img = np.asarray(rendered.page.img)
    out, rec, eff_dpi = degrade.apply(
        img, level, page_seed(doc_type, seed, index, f":{level}"), rendered.page.dpi
    )
    data, ext = degrade.encode(out, level, rec)
    stem = f"{doc_type}-{level}-s{seed}-{index:04d}"
    missing = set(NATIONAL_FIELDS[doc_type]) - set(rendered.fields)
    extra = set(rendered.fields) - set(NATIONAL_FIELDS[doc_type])
    if missing or extra:
        raise AssertionError(f"{doc_type} truth fields wrong: missing {missing}, extra {extra}")
    layout = dict(rendered.layout)
    layout["page_px"] = [rendered.page.width, rendered.page.height]
    layout["effective_dpi"] = eff_dpi
    truth = {
        "doc_type": doc_type,
        "image": stem + ext,
        "page": 1,
        "degrade": level,
        "seed": seed,
        "index": index,
        "layout": layout,
        "degradations": rec,
        "fields": {k: rendered.fields[k] for k in NATIONAL_FIELDS[doc_type]},
        "printed": rendered.printed,
    }
    text = "\n".join(rendered.page.text_lines()) + "\n"
    return {"stem": stem, "image_bytes": data, "ext": ext, "truth": _nfc(truth), "text": _nfc(text)}


def write_page(page: dict, out_dir: Path) -> None:
    (out_dir / (page["stem"] + page["ext"])).write_bytes(page["image_bytes"])
    (out_dir / (page["stem"] + ".json")).write_text(
        json.dumps(page["truth"], ensure_ascii=False, indent=2, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    (out_dir / (page["stem"] + ".txt")).write_text(page["text"], encoding="utf-8")


def generate(
    types: list[str], n: int, seed: int, level: str, out_dir: Path, start: int = 0
) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = []
    for doc_type in types:
        for i in range(start, start + n):
            page = generate_page(doc_type, seed, i, level)
            write_page(page, out_dir)
            stems.append(page["stem"])
            log.info("wrote %s", page["stem"])
    return stems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m sample_scans.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--types",
        default=",".join(DOC_TYPES),
        help="comma-separated record types (default: all five)",
    )
    ap.add_argument("--n", type=int, default=5, help="pages per type")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--degrade", choices=degrade.LEVELS, default="clean")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--start", type=int, default=0, help="first page index (default 0)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    types = [t.strip() for t in args.types.split(",") if t.strip()]
    bad = [t for t in types if t not in DOC_TYPES]
    if bad:
        ap.error(f"unknown types {bad}; choose from {', '.join(DOC_TYPES)}")
    stems = generate(types, args.n, args.seed, args.degrade, args.out, args.start)
    print(f"wrote {len(stems)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
