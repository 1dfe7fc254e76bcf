"""The linkage model as data: comparisons, blocking rules and the decision policy.

Comparisons know Vietnamese names: each name part is compared with its tone and shape marks
(exact, term-frequency adjusted, so NGUYỄN weighs less than KHỔNG), then without them (an OCR
dropping a tone mark), then fuzzily only where a one-letter slip cannot turn one real family name
into another: HOÀNG/HUỲNH and VŨ/VÕ differ without marks too (HOANG/HUYNH, VU/VO) and family
names shorter than four letters get no fuzzy level, so they never count as equal. A middle name
missing on one side is no evidence either way. Dates agree exactly, with day and month swapped,
or by year only when one side is partial. The IDs: the 12-digit ID exact, the 9-digit legacy
ID exact, one digit off (a slip), or known on both sides and different — strong evidence against.

Every condition is plain SQL (``=``, ``IS NULL``, ``length``) or a Splink level Splink writes for
each backend (Levenshtein; PostgreSQL needs the ``fuzzystrmatch`` extension): the same settings
run on DuckDB, PostgreSQL and Spark. The trained model (m and u probabilities) is ``model.json``
beside this module, written by ``python -m registry.reconcile.train``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

MODEL_PATH = Path(__file__).with_name("model.json")

# How the match weights become decisions (see README "Decisions").
POLICY: dict[str, Any] = {
    # keep candidate pairs above this match weight (bits) for household reasoning
    "candidate_min_weight": -6.0,
    # bits added per other member of the same paper book that matches the same national
    # household (or, paper against paper, the same other book), up to ``household_cap`` members
    "household_bonus_bits": 4.0,
    "household_cap": 2,
    # a pair is a link at this probability (after the household bonus) and above
    "link_min_probability": 0.9,
    "duplicate_min_probability": 0.95,
    # never link, whatever the weights say: family names that differ even without marks and
    # fuzzily, or two different 12-digit IDs (unless an ID agrees exactly)
    "veto_family_name_differs": True,
    "veto_different_personal_id": True,
}


def _both(col: str) -> str:
    return f'"{col}_l" IS NOT NULL AND "{col}_r" IS NOT NULL'


def family_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_plain"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("family_plain").configure(label_for_charts="same without marks"),
            cll.And(
                cll.CustomLevel('length("family_plain_l") >= 4 AND length("family_plain_r") >= 4'),
                cll.LevenshteinLevel("family_plain", 1),
            ).configure(label_for_charts="one letter off (names of 4+ letters)"),
            cll.ElseLevel(),
        ],
        comparison_description="family name, marks kept; Hoàng/Huỳnh and Vũ/Võ stay apart",
    )


def given_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_plain"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("given_plain").configure(label_for_charts="same without marks"),
            cll.LevenshteinLevel("given_plain", 1),
            cll.LevenshteinLevel("given_plain", 2),
            cll.ElseLevel(),
        ],
        comparison_description="given name",
    )


def middle_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="middle_name",
        comparison_levels=[
            cll.NullLevel("middle_plain"),  # optional: missing on one side is no evidence
            cll.ExactMatchLevel("middle_plain"),
            cll.LevenshteinLevel("middle_plain", 2),
            cll.ElseLevel(),
        ],
        comparison_description="middle name(s), without marks",
    )


def date_of_birth_comparison() -> cl.CustomComparison:
    same_year = '"dob_year_l" = "dob_year_r"'
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            cll.CustomLevel(f'{_both("dob_full")} AND "dob_full_l" = "dob_full_r"', "exact"),
            cll.CustomLevel(
                f'{_both("dob_day")} AND {same_year} AND "dob_month_l" = "dob_day_r" '
                'AND "dob_day_l" = "dob_month_r"',
                "day and month swapped",
            ),
            cll.CustomLevel(
                f'{same_year} AND ("dob_month_l" IS NULL OR "dob_month_r" IS NULL)',
                "year only on one side, same year",
            ),
            cll.CustomLevel(f'{same_year} AND "dob_month_l" = "dob_month_r"', "year and month"),
            cll.CustomLevel(same_year, "year"),
            cll.ElseLevel(),
        ],
        comparison_description="date of birth (partial dates, day/month swaps)",
    )


def id_comparison() -> cl.CustomComparison:
    comparable = f"({_both('id12')}) OR ({_both('id9')})"
    return cl.CustomComparison(
        output_column_name="ids",
        comparison_levels=[
            cll.CustomLevel(f"NOT ({comparable})").configure(is_null_level=True),
            cll.CustomLevel(f'{_both("id12")} AND "id12_l" = "id12_r"', "12-digit ID"),
            cll.CustomLevel(f'{_both("id9")} AND "id9_l" = "id9_r"', "legacy 9-digit ID"),
            cll.LevenshteinLevel("id12", 1).configure(label_for_charts="12-digit ID one digit off"),
            cll.ElseLevel().configure(label_for_charts="different IDs"),
        ],
        comparison_description="12-digit personal ID and legacy ID",
    )


def sex_comparison() -> cl.ExactMatch:
    return cl.ExactMatch("sex")


def commune_comparison() -> cl.ExactMatch:
    return cl.ExactMatch("commune_code")


def comparisons() -> list[Any]:
    return [
        family_name_comparison(),
        middle_name_comparison(),
        given_name_comparison(),
        date_of_birth_comparison(),
        sex_comparison(),
        id_comparison(),
        commune_comparison(),
    ]


def blocking_rules() -> list[Any]:
    """Pairs to score. Together they keep a person whose paper entry has at most two of: a
    moved commune, no ID, a partial or swapped date, a slip in one name part. Each rule is
    narrow enough that pairs grow with the blocks, not with the province (measured in
    ``bench/reconcile_bench.py``)."""
    return [
        block_on("id12"),
        block_on("id9"),
        block_on("name_plain", "dob_year"),
        block_on("given_plain", "dob_full"),
        block_on("family_plain", "dob_full", "sex"),
        block_on("given_plain", "dob_year", "commune_code"),
        block_on("name_plain", "commune_code"),
    ]


# Vetoes and the household bonus need to know which gamma value is which level.
GAMMA_FAMILY_DIFFERS = 0  # the family-name comparison's else level
GAMMA_IDS_DIFFER = 0  # the ID comparison's else level (known on both sides, different)
GAMMA_IDS_EXACT = (2, 3)  # 12-digit or legacy ID exact


def settings(link_type: str = "link_only") -> SettingsCreator:
    """The untrained model; ``link_type`` ``link_only`` (paper × national) or ``dedupe_only``
    (paper × paper)."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["group_id"],
        probability_two_random_records_match=1e-5,
    )
