"""The 12-digit personal ID against the person it names (NATIONAL_FORMAT.md §1): digit 4 gives
sex and century, digits 5-6 the year of birth. Every suite that holds an ID uses these two
pieces: helper columns computed in pandas, then two GX column-pair expectations on them."""

from __future__ import annotations

import great_expectations.expectations as gxe
import pandas as pd

from transforms.dates import year_of
from transforms.ids import personal_id_facts


def add_id_columns(
    out: pd.DataFrame,
    prefix: str,
    *,
    personal_id: pd.Series,
    sex: pd.Series,
    date_of_birth: pd.Series,
) -> None:
    """Adds ``{prefix}id_sex``, ``{prefix}sex_known``, ``{prefix}id_birth_year`` and
    ``{prefix}birth_year`` to ``out`` (an unknown sex, 0, is not compared)."""
    pid = personal_id.astype(object)
    id_sex, id_birth_year = personal_id_facts(pid)
    out[f"{prefix}id_sex"] = id_sex
    out[f"{prefix}sex_known"] = (
        pd.to_numeric(sex, errors="coerce").astype("Int64").where(lambda s: s.isin([1, 2]))
    )
    out[f"{prefix}id_birth_year"] = id_birth_year
    out[f"{prefix}birth_year"] = year_of(date_of_birth.astype(object))


def id_expectations(prefix: str, id_field: str) -> list[gxe.Expectation]:
    """ID digit 4 against the sex, digits 5-6 against the year of birth; failures name
    ``id_field`` with the reasons ``id_sex_mismatch`` and ``id_year_mismatch``."""
    return [
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A=f"{prefix}id_sex",
            column_B=f"{prefix}sex_known",
            ignore_row_if="either_value_is_missing",
            meta={"field": id_field, "reason": "id_sex_mismatch"},
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A=f"{prefix}id_birth_year",
            column_B=f"{prefix}birth_year",
            ignore_row_if="either_value_is_missing",
            meta={"field": id_field, "reason": "id_year_mismatch"},
        ),
    ]
