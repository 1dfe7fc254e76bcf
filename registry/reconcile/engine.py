"""The reconciliation, top to bottom: prepare → score (Splink) → decide → evidence."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from registry.reconcile import decide
from registry.reconcile import settings as model_settings
from registry.reconcile.linkage import level_labels, score_duplicates, score_links
from registry.reconcile.prepare import prepare_national, prepare_paper

log = logging.getLogger(__name__)

OUTPUT_COLUMNS = (
    "entry_id",
    "category",
    "matched_personal_id",
    "match_probability",
    "differing_fields",
    "duplicate_of_entry_id",
)
_EMPTY_DUPS = pd.DataFrame(
    columns=["entry_id_l", "entry_id_r", "book_l", "book_r", "match_weight", "match_probability"]
)


def _date_text(prepared: pd.DataFrame) -> pd.Series:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` back from the parts (None when unread)."""
    text = prepared["dob_year"].astype(object)
    for part in ("dob_month", "dob_day"):
        value = prepared[part].astype(object)
        text = text.where(value.isna(), text + "-" + value)
    return text.where(text.notna(), None)


def _compared_values(prepared: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """The §3 compared fields, normalised, for the differing fields and the evidence."""
    relationship = raw["relationship_to_head"].astype(object).fillna("").astype(str)
    return pd.DataFrame(
        {
            "full_name": prepared["full_name"],
            "sex": prepared["sex"],
            "date_of_birth": _date_text(prepared),
            "address_commune_code": prepared["commune_code"],
            "relationship_to_head": relationship.str.strip().str.upper().replace("", None),
        }
    )


@contextmanager
def _phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    log.info("phase %s: %.1f s", name, time.perf_counter() - started)


def _for_splink(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed strings: compact in memory and read by DuckDB without a Python pass."""
    return frame.astype("string[pyarrow]")


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Python objects (None for missing), for the row-by-row work after scoring."""
    return frame.astype(object).where(frame.notna(), None)


def reconcile(
    paper: pd.DataFrame,
    national: pd.DataFrame,
    *,
    db_api: Any = None,
    model_path: Path | None = None,
    policy: dict[str, Any] | None = None,
    with_evidence: bool = True,
) -> pd.DataFrame:
    """One row per paper entry (``OUTPUT_COLUMNS``, plus ``link_category`` and ``evidence``).

    ``paper`` and ``national`` are national-format frames (DESIGN.md ``sohoa reconcile``
    columns; empty cells are unknown values). ``db_api``: a Splink database API (DuckDB
    in-process when None; ``linkage.postgres_api(engine)`` for PostgreSQL).
    """
    policy = {**model_settings.POLICY, **(policy or {})}
    with _phase("prepare"):
        p = _for_splink(prepare_paper(paper))
        n = _for_splink(prepare_national(national))
    if p.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "link_category", "evidence"])

    dups = _EMPTY_DUPS
    if len(p) > 1:
        with _phase("score paper x paper"):
            dups = score_duplicates(p, db_api=db_api, model_path=model_path)
        dups = decide.apply_vetoes(dups, policy)
        dups = decide.with_household_bonus(
            dups, ("entry_id_l", "entry_id_r", "book_l", "book_r"), policy
        )
    p_py = _objects(p)
    index_in_book = paper["member_index"].astype(str).str.strip().tolist()
    place = dict(
        zip(
            p_py["unique_id"].tolist(),
            zip(p_py["group_id"].tolist(), index_in_book, strict=True),
            strict=True,
        )
    )
    same_person = decide.strong_pairs(dups, policy, place)

    with _phase("score paper x national"):
        links = score_links(p, n, db_api=db_api, model_path=model_path)
    links = decide.apply_vetoes(links, policy)
    links = decide.with_household_bonus(
        links, ("entry_id", "personal_id", "book", "household_id"), policy
    )
    with _phase("assign"):
        assigned = decide.assign(links, policy, same_person)
    survivors = decide.duplicate_groups(decide.drop_linked_apart(same_person, assigned), assigned)

    paper_values = _compared_values(p_py, paper.reset_index(drop=True))
    paper_values.insert(0, "entry_id", p_py["unique_id"])
    paper_values["id_number"] = p_py["id12"].where(p_py["id12"].notna(), p_py["id9"])
    # only the national people some entry links to are needed from here on
    linked = n.index[n["unique_id"].isin(assigned["personal_id"].unique())]
    n_py = _objects(n.loc[linked])
    national_values = _compared_values(n_py, national.reset_index(drop=True).loc[linked])
    national_values["personal_id"] = n_py["unique_id"]
    national_values["legacy_id"] = n_py["id9"]
    national_values["id_number"] = n_py["unique_id"]  # shown beside a differing paper ID
    national_values["household_id"] = n_py["group_id"]
    national_values = national_values.drop_duplicates("personal_id").set_index("personal_id")
    national_values["personal_id"] = national_values.index

    with _phase("categorise"):
        out = decide.categorise(paper_values, national_values, assigned, survivors)
    if with_evidence:
        with _phase("evidence"):
            out["evidence"] = _evidence(out, paper_values, national_values, links, assigned, dups)
    log.info("reconciled %d entries: %s", len(out), out["category"].value_counts().to_dict())
    return out


def _evidence(
    out: pd.DataFrame,
    paper_values: pd.DataFrame,
    national_values: pd.DataFrame,
    links: pd.DataFrame,
    assigned: pd.DataFrame,
    dups: pd.DataFrame,
) -> list[dict[str, Any]]:
    """What a reviewer needs per entry: how each field compared, both values of each differing
    field, household support, the runner-up, the duplicate pair's probability. Built column by
    column (a province has a million entries)."""
    labels = level_labels()
    gamma_cols = [c for c in assigned.columns if c.startswith("gamma_")]
    chosen = assigned.reindex(out["entry_id"])
    label_columns = [
        chosen[c].map(lambda g, c=c: labels[c[6:]].get(int(g), str(g)), na_action="ignore")
        for c in gamma_cols
    ]
    names = [c[6:] for c in gamma_cols]
    comparisons = [dict(zip(names, row, strict=True)) for row in zip(*label_columns, strict=True)]

    runner_up = (
        links.sort_values("adjusted_weight", ascending=False)
        .merge(assigned[["personal_id"]].reset_index(), on="entry_id", suffixes=("", "_chosen"))
        .query("personal_id != personal_id_chosen")
        .drop_duplicates("entry_id")
    )
    runner_by_entry = {
        e: {"personal_id": p, "match_probability": round(float(q), 4)}
        for e, p, q in zip(
            runner_up["entry_id"],
            runner_up["personal_id"],
            runner_up["match_probability"],
            strict=True,
        )
    }
    dup_prob = {}
    for a, b, prob in zip(
        dups["entry_id_l"], dups["entry_id_r"], dups["match_probability"], strict=True
    ):
        dup_prob[(a, b)] = dup_prob[(b, a)] = float(prob)

    # values of differing fields only: few entries, few fields
    conflict = out["differing_fields"].str.len() > 0
    paper_by_id = paper_values[conflict.to_numpy()].set_index("entry_id").to_dict("index")
    matched = out["matched_personal_id"].dropna().unique()
    national_by_id = national_values.loc[matched, list(decide.COMPARED_FIELDS)].to_dict("index")
    household = national_values["household_id"].reindex(out["matched_personal_id"]).to_numpy()

    evidence = []
    rows = zip(
        out["entry_id"],
        out["link_category"],
        out["matched_personal_id"],
        out["differing_fields"],
        out["duplicate_of_entry_id"],
        chosen["adjusted_weight"],
        chosen["household_support"],
        comparisons,
        household,
        strict=True,
    )
    for entry, category, pid, differing, dup_of, weight, support, compared, hh in rows:
        ev: dict[str, Any] = {"link_category": category}
        if isinstance(pid, str):
            ev["match_weight"] = round(float(weight), 2)
            ev["household_support"] = int(support)
            ev["comparisons"] = compared
            ev["agreeing_fields"] = [f for f in decide.COMPARED_FIELDS if f not in differing]
            ev["differences"] = {
                f: {"paper": paper_by_id[entry][f], "national": national_by_id[pid][f]}
                for f in differing
            }
            ev["national_household_id"] = hh
        if entry in runner_by_entry:
            ev["runner_up"] = runner_by_entry[entry]
        if isinstance(dup_of, str):
            ev["duplicate_of_entry_id"] = dup_of
            prob = dup_prob.get((entry, dup_of))
            ev["duplicate_probability"] = None if prob is None else round(prob, 4)
        evidence.append(ev)
    return evidence
