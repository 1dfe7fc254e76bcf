"""Death registration (Trích lục khai tử / Giấy chứng tử): raw OCR text → national-format columns.

Reads like the form: the registration header (shared with marriages), the deceased (name, sex,
date of birth — a year only on old certificates —, ethnicity code, nationality, personal ID
cross-checked against sex and year of birth, last residence), the death (date, time as
``HH:MM``, place, cause) and the declarant. The time of death is read from its own field or,
when the form prints it with the date (``Đã chết vào lúc: 14 giờ 30 phút, ngày …``), from there.
"""

from __future__ import annotations

import re

import pandas as pd

from transforms import codes, dates, ids
from transforms.civil import (
    date_column,
    ethnicity_column,
    name_column,
    nationality_column,
    place_text,
    registration_header,
    repair_date_zeros,
)
from transforms.flags import REASONS, FlagCollector
from transforms.text import clean_text, map_unique, repair_unicode

DOC_TYPE = "death_registration"

# Reasons this record type adds (the shared table in transforms.flags wins if it has them).
_REASONS = {
    "unparseable_time": ("Không đọc được giờ", "The time could not be read"),
}
for _reason, _messages in _REASONS.items():
    REASONS.setdefault(_reason, _messages)

SOURCES: dict[str, str] = {
    "registration_number": "registration_number",
    "registration_number_suffix": "registration_number",
    "book_number": "book_number",
    "book_year": "book_number",
    "registration_date": "registration_date",
    "registration_authority_text": "registration_authority_text",
    "registration_commune_code": "registration_authority_text",
    "deceased_full_name": "deceased_full_name",
    "deceased_sex": "deceased_sex",
    "deceased_date_of_birth": "deceased_date_of_birth",
    "deceased_ethnicity_code": "deceased_ethnicity",
    "deceased_nationality": "deceased_nationality",
    "deceased_personal_id": "deceased_personal_id",
    "deceased_last_residence_text": "deceased_last_residence_text",
    "date_of_death": "date_of_death",
    "time_of_death": "time_of_death",
    "place_of_death_text": "place_of_death_text",
    "cause_of_death": "cause_of_death",
    "declarant_full_name": "declarant_full_name",
    "declarant_relationship": "declarant_relationship",
}

# "14 giờ 30 phút", "14 giờ", "14g30", "14h30", "14:30" (OCR may drop the marks of giờ / phút);
# never the start of a date ("14/03/2021", "14.03.2021").
_TIME = re.compile(
    r"(?<![\d/.\-])([01]?\d|2[0-3])\s*"
    r"(?:gi[ờơoòóỏ]\w*\.?\s*(?:(\d{1,2})\s*(?:ph[úuùủ]t|p\b|')?)?|[:hHg]\s*(\d{2})\b(?!\s*[/.\-]\s*\d))",
    re.I,
)


def parse_time(text: str) -> tuple[str | None, str | None]:
    """(``HH:MM``, None) for a printed time of day, or (None, ``unparseable_time``)."""
    m = _TIME.search(repair_unicode(text))
    if not m:
        return None, "unparseable_time"
    hour = int(m.group(1))
    minute = int(m.group(2) or m.group(3) or 0)
    if minute > 59:
        return None, "unparseable_time"
    return f"{hour:02d}:{minute:02d}", None


def without_time(text: str) -> str:
    """The date part of ``14 giờ 30 phút, ngày 05/03/2021`` (the time removed)."""
    return _TIME.sub(" ", repair_unicode(text), count=1).strip(" ,;:-")


def _time_of_death(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(HH:MM or None, reason) from the time field, else from a time printed with the date."""
    own = raw["time_of_death"]
    parsed = map_unique(own, parse_time)
    time = parsed.str[0].astype(object).where(parsed.notna(), None)
    reason = parsed.str[1].astype(object).where(parsed.notna(), None)
    combined = raw["date_of_death"].where(own.isna(), None)
    has_time = map_unique(combined, lambda v: bool(_TIME.search(repair_unicode(v))))
    from_date = map_unique(combined.where(has_time.eq(True), None), lambda v: parse_time(v)[0])
    time = time.where(time.notna(), from_date)
    return time.where(time.notna(), None), reason.where(reason.notna(), None)


def map_death(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format columns (by name) and the flags raised while mapping."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))
    registration_header(out, flags, raw)

    # the deceased
    name_column(out, flags, raw, "deceased_full_name")
    sex, unknown = codes.sex_column(raw["deceased_sex"])
    out["deceased_sex"] = sex
    flags.add(unknown, "deceased_sex", "unknown_sex", raw["deceased_sex"])
    date_column(out, flags, raw, "deceased_date_of_birth")
    ethnicity_column(out, flags, raw, "deceased")
    nationality_column(out, flags, raw, "deceased_nationality")
    pid, reason = ids.clean_ids(raw["deceased_personal_id"])
    flags.add_reasons(reason, "deceased_personal_id", raw["deceased_personal_id"])
    is_legacy = pid.str.len().eq(9).fillna(False).astype(bool)
    flags.add(is_legacy, "deceased_personal_id", "malformed_id", raw["deceased_personal_id"])
    pid = pid.where(~is_legacy, None)
    out["deceased_personal_id"] = pid
    sex_bad, year_bad = ids.id_cross_checks(
        pid, out["deceased_sex"], dates.year_of(out["deceased_date_of_birth"].astype(object))
    )
    flags.add(sex_bad, "deceased_personal_id", "id_sex_mismatch", pid)
    flags.add(year_bad, "deceased_personal_id", "id_year_mismatch", pid)
    out["deceased_last_residence_text"] = place_text(raw["deceased_last_residence_text"])

    # the death: the date without any time printed before it, the time as HH:MM
    date_text = map_unique(repair_date_zeros(raw["date_of_death"]), without_time)
    iso, reason = dates.parse_dates(date_text)
    out["date_of_death"] = iso
    flags.add_reasons(reason, "date_of_death", raw["date_of_death"])
    time, reason = _time_of_death(raw)
    out["time_of_death"] = time
    flags.add_reasons(reason, "time_of_death", raw["time_of_death"])
    out["place_of_death_text"] = place_text(raw["place_of_death_text"])
    cause, respelt = codes.cause_of_death_column(clean_text(raw["cause_of_death"]))
    out["cause_of_death"] = cause
    flags.add(respelt, "cause_of_death", "cause_respelt", raw["cause_of_death"])

    # the declarant: relationship kept as written (canonical spelling), flagged if unknown
    name_column(out, flags, raw, "declarant_full_name")
    relation = clean_text(raw["declarant_relationship"])
    _code, word, unknown, guessed = codes.relationship_column(relation)
    out["declarant_relationship"] = word.str.capitalize().where(relation.notna(), None)
    flags.add(unknown, "declarant_relationship", "unknown_relationship", relation)
    flags.add(guessed, "declarant_relationship", "relationship_guessed", relation)
    return out, flags
