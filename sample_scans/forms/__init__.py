"""One module per record type; each exposes ``render(rng, variant=None) -> Rendered``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .common import Rendered

MODULES = {
    "birth_registration": "birth",
    "marriage_registration": "marriage",
    "death_registration": "death",
    "household_registration": "household",
    "land_certificate": "land",
}


def renderer(doc_type: str) -> Callable[..., Rendered]:
    if doc_type not in MODULES:
        raise ValueError(f"unknown doc_type {doc_type!r}; choose from {sorted(MODULES)}")
    return importlib.import_module(f"{__name__}.{MODULES[doc_type]}").render
