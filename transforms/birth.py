"""Birth registration (Giấy khai sinh): raw OCR text → national-format columns.

Reads like the form: numbers, dates, names, codes, places, IDs, then the cross-checks. Every
rule works on whole columns; the helpers called here each work once per unique value.
"""

from __future__ import annotations

import pandas as pd

from sohoa.settings import get_settings
from transforms import admin_units, codes, dates, ids, names, registration
from transforms.flags import FlagCollector
from transforms.text import clean_text

DOC_TYPE = "birth_registration"
REFORM_DATE = "2025-07-01"  # the commune merger (Decision 19/2025/QĐ-TTg); ISO text compares

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


def _name(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> names.NameResult:
    result = names.normalise_names(raw[field])
    out[field] = result.full_name
    flags.add(result.repaired, field, "name_repaired", raw[field])
    return result


def _date(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    iso, reason = dates.parse_dates(raw[field])
    out[field] = iso
    flags.add_reasons(reason, field, raw[field])


def _birth_year(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    """A parent's birth year from ``1965`` or a full date; partial dates keep their year."""
    iso, reason = dates.parse_dates(raw[field])
    out[field] = dates.year_of(iso)
    flags.add_reasons(reason, field, raw[field])


def _nationality(out: dict, flags: FlagCollector, raw: pd.DataFrame, field: str) -> None:
    code, unknown = codes.nationality_column(raw[field])
    out[field] = code
    flags.add(unknown, field, "unknown_nationality", raw[field])


def _ethnicity(out: dict, flags: FlagCollector, raw: pd.DataFrame, who: str) -> pd.Series:
    code, name, unknown = codes.ethnicity_columns(raw[f"{who}_ethnicity"])
    out[f"{who}_ethnicity_code"] = code
    flags.add(unknown, f"{who}_ethnicity_code", "unknown_ethnicity", raw[f"{who}_ethnicity"])
    return name


def map_birth(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """National-format columns (by name) and the flags raised while mapping."""
    settings = get_settings()
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))

    # Số / Quyển số
    number, suffix, reason = registration.registration_columns(raw["registration_number"])
    out["registration_number"], out["registration_number_suffix"] = number, suffix
    flags.add_reasons(reason, "registration_number", raw["registration_number"])
    book, book_year, reason = registration.book_columns(raw["book_number"])
    out["book_number"], out["book_year"] = book, book_year
    flags.add_reasons(reason.where(reason != "two_digit_year", None), "book_number",
                      raw["book_number"])  # fmt: skip
    flags.add(reason.eq("two_digit_year"), "book_year", "two_digit_year", raw["book_number"])

    # registration date and authority
    _date(out, flags, raw, "registration_date")
    out["registration_authority_text"] = clean_text(raw["registration_authority_text"])
    reg_date = out["registration_date"]
    before_reform = (reg_date < REFORM_DATE).astype(object).where(reg_date.notna(), None)
    commune, _province, reason = admin_units.resolve_column(
        raw["registration_authority_text"], settings.home_province_code, before_reform
    )
    out["registration_commune_code"] = commune
    flags.add_reasons(reason, "registration_commune_code", raw["registration_authority_text"])

    # the child
    child = _name(out, flags, raw, "child_full_name")
    out["child_family_name"], out["child_given_name"] = child.family_name, child.given_name
    sex, unknown = codes.sex_column(raw["child_sex"])
    out["child_sex"] = sex
    flags.add(unknown, "child_sex", "unknown_sex", raw["child_sex"])
    _date(out, flags, raw, "child_date_of_birth")
    out["child_place_of_birth_text"] = clean_text(raw["child_place_of_birth_text"])
    _commune, province, _reason = admin_units.resolve_column(raw["child_place_of_birth_text"])
    out["child_place_of_birth_province_code"] = province
    flags.add(raw["child_place_of_birth_text"].notna() & province.isna(),
              "child_place_of_birth_province_code", "unknown_province",
              raw["child_place_of_birth_text"])  # fmt: skip
    out["child_hometown_text"] = clean_text(raw["child_hometown_text"])
    out["child_ethnicity"] = _ethnicity(out, flags, raw, "child")
    _nationality(out, flags, raw, "child_nationality")
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
        _name(out, flags, raw, f"{who}_full_name")
        _birth_year(out, flags, raw, f"{who}_birth_year")
        _ethnicity(out, flags, raw, who)
        _nationality(out, flags, raw, f"{who}_nationality")
        out[f"{who}_residence_text"] = clean_text(raw[f"{who}_residence_text"])

    # the declarant: relationship kept as written (canonical spelling), flagged if unknown
    _name(out, flags, raw, "declarant_full_name")
    relation = clean_text(raw["declarant_relationship"])
    out["declarant_relationship"] = relation.str.capitalize().where(relation.notna(), None)
    _code, unknown = codes.relationship_column(relation)
    flags.add(unknown, "declarant_relationship", "unknown_relationship", relation)
    return out, flags
