"""One module per record type: its labels, sections and field rules (a ``FormSpec``)."""

from __future__ import annotations

from ocr.extract import FormSpec
from ocr.forms.birth import BIRTH
from ocr.forms.death import DEATH
from ocr.forms.household import HOUSEHOLD
from ocr.forms.land import LAND
from ocr.forms.marriage import MARRIAGE


def spec_for(doc_type: str) -> FormSpec | None:
    """The form spec of a record type, or None when that type has no extractor yet."""
    return SPECS.get(doc_type)


SPECS: dict[str, FormSpec] = {BIRTH.doc_type: BIRTH}
SPECS |= {MARRIAGE.doc_type: MARRIAGE, DEATH.doc_type: DEATH}
SPECS[HOUSEHOLD.doc_type] = HOUSEHOLD
SPECS[LAND.doc_type] = LAND
