"""Re-record the Tesseract replays in ``tests/ocr/resources/`` (run by hand, not by pytest).

    PYTHONPATH=. .venv/bin/python tests/ocr/record_resources.py var/gen_preview/clean/PAGE.png

Each page is cleaned and OCR'd exactly as ``ocr.pipeline.ocr_page`` does; the words, the page
width and the generator's ``printed`` ground truth are written to ``resources/<name>.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ocr.ingest import load_pages
from ocr.pipeline import ocr_page
from ocr.tesseract import engine_version

HERE = Path(__file__).parent / "resources"


def record(image: Path) -> Path:
    truth = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
    page = load_pages(image)[0]
    result = ocr_page(page)
    out = {
        "source": str(image),
        "engine": engine_version("vie"),
        "variant": truth["layout"]["variant"],
        "degrade": truth.get("degrade"),
        "page_width": int(result.image.shape[1]),
        "printed": truth["printed"],
        "words": [[w.text, w.confidence, list(w.box), list(w.line_key)] for w in result.words],
    }
    layout = truth["layout"]
    parts = (
        truth["doc_type"],
        truth.get("degrade"),
        layout["variant"],
        layout.get("parents_layout"),
    )
    name = "-".join(str(p) for p in parts) + ".json"
    path = HERE / name
    path.write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(record(Path(arg)))
