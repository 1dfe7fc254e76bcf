"""National-format frames → the columns the linkage model compares.

Both sides (paper household members and the national snapshot) get the same columns, so one
model compares them: name parts with and without diacritics, date parts (a year-only date has
no month or day), the 12-digit and the 9-digit ID apart, and the 2025 commune code (an empty
paper code is read from the address text through ``transforms.admin_units``, old → new).
Raw values are kept beside the prepared ones, for the differing fields and the evidence.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from sohoa.errors import InputFileError
from sohoa.national_format import RECONCILE_NATIONAL_COLUMNS as NATIONAL_COLUMNS
from sohoa.national_format import RECONCILE_PAPER_COLUMNS as PAPER_COLUMNS
from transforms.admin_units import resolve_column
from transforms.ids import clean_ids
from transforms.text import clean_name, clean_text, map_unique, strip_marks

log = logging.getLogger(__name__)

# What the model compares, on both sides (``unique_id`` and ``group_id`` are bookkeeping).
MODEL_COLUMNS = (
    "unique_id",
    "group_id",
    "full_name",
    "name_plain",
    "family_name",
    "family_plain",
    "middle_plain",
    "given_name",
    "given_plain",
    "sex",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_full",
    "id12",
    "id9",
    "commune_code",
)

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InputColumnsError(InputFileError):
    """A CSV or frame lacks columns the reconciliation needs (all of them named at once)."""

    def __init__(self, side: str, missing: list[str]) -> None:
        self.missing = missing
        names = ", ".join(missing)
        side_vi = "giấy" if side == "paper" else "quốc gia"
        super().__init__(
            f"Tệp dữ liệu {side_vi} thiếu cột: {names}.", f"The {side} file lacks columns: {names}."
        )


def check_columns(df: pd.DataFrame, side: str) -> None:
    wanted = PAPER_COLUMNS if side == "paper" else NATIONAL_COLUMNS
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputColumnsError(side, missing)


def _blank_to_none(s: pd.Series) -> pd.Series:
    s = s.astype(object)
    return s.where(s.notna() & (s.astype(str).str.strip() != ""), None)


def _split_name(full: str) -> tuple[str | None, ...]:
    if not full:
        return None, None, None, None, None
    words = full.split(" ")
    family = words[0] if len(words) >= 2 else None
    middle = " ".join(words[1:-1]) or None
    given = words[-1]
    return (
        family,
        strip_marks(family) if family else None,
        strip_marks(middle) if middle else None,
        given,
        strip_marks(given),
    )


def _name_parts(full: pd.Series) -> pd.DataFrame:
    """Family (first word), middle (words between) and given name (last word); one-word names
    are a given name only. Works for minority names too (``K' BRỒNG``: family ``K'``).
    Computed once per distinct name (names repeat a lot in a province)."""
    names = ["family_name", "family_plain", "middle_plain", "given_name", "given_plain"]
    uniques = full.dropna().unique()
    table = pd.DataFrame([_split_name(v) for v in uniques], columns=names, index=uniques)
    out = table.reindex(full.to_numpy())
    out.index = full.index
    return out.astype(object).where(out.notna(), None)


def _date_parts(dob: pd.Series) -> pd.DataFrame:
    """Year, month, day as text (``None`` where the date is partial or unread)."""
    text = dob.astype("string[pyarrow]")
    valid = text.str.fullmatch(_ISO_DATE.pattern).fillna(False)
    text = text.where(valid)
    length = text.str.len()
    parts = pd.DataFrame(
        {
            "dob_year": text.str.slice(0, 4),
            "dob_month": text.str.slice(5, 7).where(length >= 7),
            "dob_day": text.str.slice(8, 10).where(length == 10),
        },
        index=dob.index,
    )
    parts["dob_full"] = text.where(length == 10)
    return parts.astype(object).where(parts.notna(), None)


def _sex(s: pd.Series) -> pd.Series:
    """ISO 5218 as text; 0 (not known) and blanks are unknown."""
    out = pd.to_numeric(s, errors="coerce").astype("Int64").astype(str)
    return out.where(out.isin(["1", "2"]), None).astype(object)


def _common(df: pd.DataFrame) -> pd.DataFrame:
    full = clean_name(_blank_to_none(df["full_name"]))
    dob = clean_text(_blank_to_none(df["date_of_birth"]))
    out = pd.concat([_name_parts(full.fillna("")), _date_parts(dob)], axis=1)
    out["full_name"] = full
    out["name_plain"] = map_unique(full, strip_marks)
    out["sex"] = _sex(df["sex"])
    return out


def prepare_paper(df: pd.DataFrame) -> pd.DataFrame:
    """Model columns of paper entries; ``unique_id`` = entry_id, ``group_id`` = the book."""
    check_columns(df, "paper")
    out = _common(df)
    out["unique_id"] = df["entry_id"].astype(str).values
    book = _blank_to_none(df["household_book_number"])
    out["group_id"] = book.where(book.notna(), "entry:" + out["unique_id"])
    ids, _ = clean_ids(_blank_to_none(df["id_number"]))
    out["id12"] = ids.where(ids.str.len() == 12, None)
    out["id9"] = ids.where(ids.str.len() == 9, None)
    code = _blank_to_none(df["address_commune_code"])
    missing = code.isna() & _blank_to_none(df["address_text"]).notna()
    if missing.any():
        # the paper names its place in words only: old → new commune from the text
        resolved, _, _ = resolve_column(df.loc[missing, "address_text"].astype(object), "68")
        code = code.copy()
        code.loc[missing] = resolved
        log.info("commune code read from the address text for %d entries", int(missing.sum()))
    out["commune_code"] = code
    return out[list(MODEL_COLUMNS)].reset_index(drop=True)


def prepare_national(df: pd.DataFrame) -> pd.DataFrame:
    """Model columns of the snapshot; ``unique_id`` = personal_id, ``group_id`` = household."""
    check_columns(df, "national")
    out = _common(df)
    out["unique_id"] = df["personal_id"].astype(str).values
    out["group_id"] = _blank_to_none(df["household_id"])
    out["id12"] = out["unique_id"]
    out["id9"] = _blank_to_none(df["legacy_id"])
    out["commune_code"] = _blank_to_none(df["address_commune_code"])
    return out[list(MODEL_COLUMNS)].reset_index(drop=True)
