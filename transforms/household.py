"""Household registration (Sổ hộ khẩu): raw OCR text → national-format columns.

Two mappers, both vectorised over whole columns with the shared value rules:

* ``map_household`` — the book: number, head's name, address (→ commune and province codes
  through ``transforms.admin_units``; the address in a paper book predates the 2025 merger),
  issue date;
* ``map_members`` — the member rows, exploded one row per member by ``transforms.normalise``
  (see ``transforms.normalise_table``): relationship code, sex, dates, ethnicity code, IDs with
  their cross-checks against sex and year of birth, ``struck_out``. The book number of the parent
  record is copied onto every member.
"""

from __future__ import annotations

import re

import pandas as pd

from sohoa.settings import get_settings
from transforms import admin_units, codes, dates, ids, names
from transforms.flags import REASONS, FlagCollector
from transforms.text import clean_text, map_unique

DOC_TYPE = "household_registration"
TABLE = "members"

# reasons raised for household books (added to the shared message table)
REASONS.setdefault(
    "not_one_head",
    ("Sổ không có đúng một chủ hộ còn hiệu lực", "The book does not have exactly one current head"),
)
REASONS.setdefault(
    "duplicate_member_index",
    ("Số thứ tự nhân khẩu bị trùng", "The member's number is used twice in the book"),
)
REASONS.setdefault(
    "head_name_mismatch",
    ("Tên chủ hộ không khớp với nhân khẩu là chủ hộ",
     "The head's name does not match the member recorded as head"),
)  # fmt: skip

SOURCES: dict[str, str] = {
    "household_book_number": "household_book_number",
    "head_full_name": "head_full_name",
    "address_text": "address_text",
    "address_commune_code": "address_text",
    "address_province_code": "address_text",
    "issue_date": "issue_date",
}

MEMBER_SOURCES: dict[str, str] = {
    "member_index": "member_index",
    "full_name": "full_name",
    "other_name": "other_name",
    "relationship_to_head": "relationship_to_head",
    "sex": "sex",
    "date_of_birth": "date_of_birth",
    "place_of_birth_text": "place_of_birth_text",
    "hometown_text": "hometown_text",
    "ethnicity_code": "ethnicity",
    "religion": "religion",
    "nationality": "nationality",
    "id_number": "id_number",
    "occupation": "occupation",
    "previous_residence_text": "previous_residence_text",
    "moved_in_date": "moved_in_date",
    "struck_out": "struck_out",
}


def _digits_only(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Book number: digits as printed (OCR O/l repaired); (value, unreadable mask)."""
    s = raw.astype(object)
    fixed = s.str.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}))
    fixed = fixed.str.replace(r"[\s.\-]", "", regex=True)
    ok = fixed.str.fullmatch(r"\d{1,12}").fillna(False).astype(bool)
    return fixed.where(ok, None), (s.notna() & ~ok).astype(bool)


def map_household(raw: pd.DataFrame) -> tuple[dict[str, pd.Series], FlagCollector]:
    """Book-level national-format columns and their flags."""
    settings = get_settings()
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(raw))
    number, bad = _digits_only(raw["household_book_number"])
    out["household_book_number"] = number
    flags.add(bad, "household_book_number", "unparseable_number", raw["household_book_number"])
    head = names.normalise_names(raw["head_full_name"])
    out["head_full_name"] = head.full_name
    head.flag(flags, "head_full_name", raw["head_full_name"])
    out["address_text"] = clean_text(raw["address_text"])
    iso, reason = dates.parse_dates(raw["issue_date"])
    out["issue_date"] = iso
    flags.add_reasons(reason, "issue_date", raw["issue_date"])
    # a paper book's address names the units in force when it was written (before the merger)
    before = pd.Series(True, index=raw.index, dtype=object)
    commune, province, reason = admin_units.resolve_column(
        raw["address_text"], settings.home_province_code, before
    )
    out["address_commune_code"] = commune
    out["address_province_code"] = province
    flags.add_reasons(reason, "address_commune_code", raw["address_text"])
    return out, flags


_NUMBER = re.compile(r"(\d{1,3})")


def _truthy(raw: pd.Series) -> pd.Series:
    return map_unique(raw, lambda v: v.strip().lower() in ("true", "1", "yes", "x")).eq(True)


def map_members(
    rows: pd.DataFrame, parent: pd.DataFrame
) -> tuple[dict[str, pd.Series], FlagCollector]:
    """Member rows (one per table row, columns of raw text plus ``_parent``, ``_row``).

    ``parent`` is the normalised book-level frame aligned by position with ``_parent``.
    """
    out: dict[str, pd.Series] = {}
    flags = FlagCollector(len(rows))
    book = parent["household_book_number"].to_numpy(dtype=object)[rows["_parent"].to_numpy()]
    out["household_book_number"] = pd.Series(book, index=rows.index, dtype=object)

    idx = map_unique(
        rows["member_index"], lambda v: m.group(1) if (m := _NUMBER.search(v)) else None
    )
    index = pd.to_numeric(idx, errors="coerce").astype("Int64")
    # an unread STT (struck rows, smudges): the row's position in the table stands in
    fallback = pd.Series(rows["_row"].to_numpy() + 1, index=rows.index).astype("Int64")
    flags.add(rows["member_index"].notna() & index.isna(), "member_index", "unparseable_number",
              rows["member_index"])  # fmt: skip
    out["member_index"] = index.fillna(fallback)

    name = names.normalise_names(rows["full_name"])
    out["full_name"] = name.full_name
    name.flag(flags, "full_name", rows["full_name"])
    other = names.normalise_names(rows["other_name"])
    out["other_name"] = other.full_name

    relation = clean_text(rows["relationship_to_head"])
    code, _word, unknown, guessed = codes.relationship_column(relation)
    out["relationship_to_head"] = code
    flags.add(unknown, "relationship_to_head", "unknown_relationship", relation)
    flags.add(guessed, "relationship_to_head", "relationship_guessed", relation)

    sex, unknown = codes.sex_column(rows["sex"])
    out["sex"] = sex
    flags.add(unknown, "sex", "unknown_sex", rows["sex"])

    for f in ("date_of_birth", "moved_in_date"):
        iso, reason = dates.parse_dates(rows[f])
        out[f] = iso
        flags.add_reasons(reason, f, rows[f])

    for f in ("place_of_birth_text", "hometown_text", "previous_residence_text"):
        out[f] = clean_text(rows[f])
    out["occupation"], respelt = codes.occupation_column(clean_text(rows["occupation"]))
    flags.add(respelt, "occupation", "occupation_respelt", rows["occupation"])
    religion = clean_text(rows["religion"])
    out["religion"], guessed = codes.religion_column(religion)
    flags.add(guessed, "religion", "religion_guessed", religion)

    eth_code, _eth_name, unknown, guessed = codes.ethnicity_columns(rows["ethnicity"])
    out["ethnicity_code"] = eth_code
    flags.add(unknown, "ethnicity_code", "unknown_ethnicity", rows["ethnicity"])
    flags.add(guessed, "ethnicity_code", "ethnicity_guessed", rows["ethnicity"])
    nat, unknown, guessed = codes.nationality_column(rows["nationality"])
    out["nationality"] = nat
    flags.add(unknown, "nationality", "unknown_nationality", rows["nationality"])
    flags.add(guessed, "nationality", "nationality_guessed", rows["nationality"])

    # ID: 12-digit personal ID or 9-digit legacy CMND, as printed
    pid, reason = ids.clean_ids(rows["id_number"])
    flags.add_reasons(reason, "id_number", rows["id_number"])
    out["id_number"] = pid
    twelve = pid.where(pid.str.len().eq(12).fillna(False).astype(bool), None)
    sex_bad, year_bad = ids.id_cross_checks(twelve, out["sex"], dates.year_of(out["date_of_birth"]))
    flags.add(sex_bad, "id_number", "id_sex_mismatch", pid)
    flags.add(year_bad, "id_number", "id_year_mismatch", pid)

    out["struck_out"] = _truthy(rows["struck_out"]).astype(object)
    return out, flags
