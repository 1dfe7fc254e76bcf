"""Birth registration (Giấy khai sinh): raw OCR text → national-format columns.

Reads like the form: numbers, dates, names, codes, places, IDs, then the cross-checks. Every
rule works on whole columns; the helpers called here each work once per unique value.
"""

from __future__ import annotations

import pandas as pd

from transforms import admin_units, codes, dates, ids
from transforms.civil import (
    birth_year_column,
    ethnicity_column,
    name_column,
    nationality_column,
    plain_date_column,
    registration_header,
)
from transforms.flags import FlagCollector
from transforms.text import clean_text

DOC_TYPE = "birth_registration"

# national field → raw field whose confidence it inherits
SOURCES: dict[str, str] = {
    "registration_number": "registration_number",
    "registration_number_suffix": "registration_number",
    "book_number": "book_number",
    "book_year": "book_number",
    "registration_date": "registration_date",
    "registration_authority_text": "registration_authority_text",
    "registration_commune_code": "registration_authority_text",
    "child_full_name": "child_full_name",
    "child_family_name": "child_full_name",
    "child_given_name": "child_full_name",
    "child_sex": "child_sex",
    "child_date_of_birth": "child_date_of_birth",
    "child_place_of_birth_text": "child_place_of_birth_text",
    "child_place_of_birth_province_code": "child_place_of_birth_text",
    "child_hometown_text": "child_hometown_text",
    "child_ethnicity": "child_ethnicity",
    "child_ethnicity_code": "child_ethnicity",
    "child_nationality": "child_nationality",
    "child_personal_id": "child_personal_id",
    "mother_full_name": "mother_full_name",
    "mother_birth_year": "mother_birth_year",
    "mother_ethnicity_code": "mother_ethnicity",
    "mother_nationality": "mother_nationality",
    "mother_residence_text": "mother_residence_text",
    "father_full_name": "father_full_name",
    "father_birth_year": "father_birth_year",
    "father_ethnicity_code": "father_ethnicity",
    "father_nationality": "father_nationality",
    "father_residence_text": "father_residence_text",
    "declarant_full_name": "declarant_full_name",
    "declarant_relationship": "declarant_relationship",
}


def map_birth(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format columns (by name) and the flags raised while mapping."""
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))

    registration_header(out, flags, raw)

    # the child
    child = name_column(out, flags, raw, "child_full_name")
    out["child_family_name"], out["child_given_name"] = child.family_name, child.given_name
    sex, unknown = codes.sex_column(raw["child_sex"])
    out["child_sex"] = sex
    flags.add(unknown, "child_sex", "unknown_sex", raw["child_sex"])
    plain_date_column(out, flags, raw, "child_date_of_birth")
    out["child_place_of_birth_text"] = clean_text(raw["child_place_of_birth_text"])
    _commune, province, _reason = admin_units.resolve_column(raw["child_place_of_birth_text"])
    out["child_place_of_birth_province_code"] = province
    flags.add(raw["child_place_of_birth_text"].notna() & province.isna(),
              "child_place_of_birth_province_code", "unknown_province",
              raw["child_place_of_birth_text"])  # fmt: skip
    out["child_hometown_text"] = clean_text(raw["child_hometown_text"])
    out["child_ethnicity"] = ethnicity_column(out, flags, raw, "child")
    nationality_column(out, flags, raw, "child_nationality")
    pid, reason = ids.clean_ids(raw["child_personal_id"])
    flags.add_reasons(reason, "child_personal_id", raw["child_personal_id"])
    is_legacy = pid.str.len().eq(9).fillna(False).astype(bool)
    flags.add(is_legacy, "child_personal_id", "malformed_id", raw["child_personal_id"])
    pid = pid.where(~is_legacy, None)
    out["child_personal_id"] = pid
    sex_bad, year_bad = ids.id_cross_checks(
        pid, out["child_sex"], dates.year_of(out["child_date_of_birth"])
    )
    flags.add(sex_bad, "child_personal_id", "id_sex_mismatch", pid)
    flags.add(year_bad, "child_personal_id", "id_year_mismatch", pid)

    # the parents
    for who in ("mother", "father"):
        name_column(out, flags, raw, f"{who}_full_name")
        birth_year_column(out, flags, raw, f"{who}_birth_year")
        ethnicity_column(out, flags, raw, who)
        nationality_column(out, flags, raw, f"{who}_nationality")
        out[f"{who}_residence_text"] = clean_text(raw[f"{who}_residence_text"])

    # the declarant: relationship kept as written (canonical spelling), flagged if unknown
    name_column(out, flags, raw, "declarant_full_name")
    relation = clean_text(raw["declarant_relationship"])
    _code, word, unknown, guessed = codes.relationship_column(relation)
    out["declarant_relationship"] = word.str.capitalize().where(relation.notna(), None)
    flags.add(unknown, "declarant_relationship", "unknown_relationship", relation)
    flags.add(guessed, "declarant_relationship", "relationship_guessed", relation)
    return out, flags
