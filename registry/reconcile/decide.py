"""From scored pairs to one decision per paper entry (NATIONAL_FORMAT.md §3).

1. **Vetoes** (policy, not weights): family names that differ even without marks and fuzzily
   (HOÀNG/HUỲNH, VŨ/VÕ) or two different IDs of the same kind never link, unless an ID agrees
   exactly.
2. **Household**: a pair gains ``household_bonus_bits`` for each other member of the same paper
   book who matches someone of the same national household (paper × paper: of the same other
   book), up to ``household_cap`` members. Families move and are entered together.
3. **Assignment**: best pair per entry at ``link_min_probability`` or above, one national person
   per book (twins each get their own).
4. **Duplicates**: paper pairs at ``duplicate_min_probability`` and entries linked to the same
   national person form groups; the first entry by ``entry_id`` survives, the others are
   ``DUPLICATE_IN_PAPER`` of it.
5. **Category** of each entry from the fields that differ (an empty paper value is unknown; a
   year-only date agrees with a full date of that year; a 9-digit ID is the legacy ID).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from registry.reconcile import settings as model_settings
from registry.reconcile.linkage import probability
from sohoa.national_format import RECONCILE_COMPARED_FIELDS as COMPARED_FIELDS

log = logging.getLogger(__name__)


def apply_vetoes(pairs: pd.DataFrame, policy: dict[str, Any]) -> pd.DataFrame:
    """Pairs that may link (vetoed ones removed)."""
    id_exact = pairs["gamma_ids"].isin(model_settings.GAMMA_IDS_EXACT)
    keep = pd.Series(True, index=pairs.index)
    if policy["veto_family_name_differs"]:
        keep &= ~((pairs["gamma_family_name"] == model_settings.GAMMA_FAMILY_DIFFERS) & ~id_exact)
    if policy["veto_different_personal_id"]:
        keep &= pairs["gamma_ids"] != model_settings.GAMMA_IDS_DIFFER
    return pairs[keep]


def household_support(
    pairs: pd.DataFrame, left: str, right: str, left_group: str, right_group: str
) -> pd.Series:
    """For each pair (a, b): how many entries of a's group other than a have a positive pair
    with someone of b's group."""
    positive = pairs.loc[pairs["match_weight"] > 0, [left, left_group, right_group]]
    per_entry = positive.drop_duplicates([left, right_group])
    counts = per_entry.groupby([left_group, right_group]).size().rename("n_entries")
    own = per_entry[[left, right_group]].assign(own=1).set_index([left, right_group])["own"]
    keys = pairs[[left, left_group, right_group]]
    n = keys.join(counts, on=[left_group, right_group])["n_entries"].fillna(0)
    mine = keys.join(own, on=[left, right_group])["own"].fillna(0)
    return (n - mine).clip(lower=0).astype(int)


def with_household_bonus(
    pairs: pd.DataFrame, sides: tuple[str, str, str, str], policy: dict[str, Any]
) -> pd.DataFrame:
    pairs = pairs.copy()
    support = household_support(pairs, *sides)
    pairs["household_support"] = support
    bonus = policy["household_bonus_bits"] * support.clip(upper=policy["household_cap"])
    pairs["adjusted_weight"] = pairs["match_weight"] + bonus
    pairs["match_probability"] = probability(pairs["adjusted_weight"])
    return pairs


def assign(
    links: pd.DataFrame, policy: dict[str, Any], same_person: set[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """The best national person per entry, greedily by adjusted weight. Within one book a
    person is given to one entry only (twins each get their own), unless the entries are the
    same paper entry twice (``same_person`` pairs: a book entered twice keeps its number)."""
    same_person = same_person or set()
    ok = links[links["match_probability"] >= policy["link_min_probability"]]
    ok = ok.sort_values(["adjusted_weight", "entry_id"], ascending=[False, True])
    taken_entries: set[str] = set()
    holder: dict[tuple[str, str], list[str]] = {}
    keep = []
    for i, entry, pid, book in zip(
        ok.index, ok["entry_id"], ok["personal_id"], ok["book"], strict=True
    ):
        if entry in taken_entries:
            continue
        held = holder.setdefault((book, pid), [])
        if any((entry, other) not in same_person for other in held):
            continue
        taken_entries.add(entry)
        held.append(entry)
        keep.append(i)
    return ok.loc[keep].set_index("entry_id")


def strong_pairs(
    dups: pd.DataFrame, policy: dict[str, Any], place: dict[str, tuple[str, str]] | None = None
) -> set[tuple[str, str]]:
    """Paper pairs at the duplicate threshold, both ways round. ``place``: entry → (book,
    member index); a book lists a person once, so two rows of one book are two people (twins)
    unless they have the same index (the book entered twice)."""
    strong = dups[dups["match_probability"] >= policy["duplicate_min_probability"]]
    pairs = set(zip(strong["entry_id_l"], strong["entry_id_r"], strict=True))
    if place:
        pairs = {
            (a, b) for a, b in pairs if place[a][0] != place[b][0] or place[a][1] == place[b][1]
        }
    return pairs | {(b, a) for a, b in pairs}


def drop_linked_apart(
    same_person: set[tuple[str, str]], assigned: pd.DataFrame
) -> set[tuple[str, str]]:
    """Paper pairs whose entries the snapshot says are two people (linked to two personal
    IDs) are not duplicates."""
    pid = assigned["personal_id"].to_dict()
    return {(a, b) for a, b in same_person if a not in pid or b not in pid or pid[a] == pid[b]}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smallest entry_id is the root


def duplicate_groups(same_person: set[tuple[str, str]], assigned: pd.DataFrame) -> dict[str, str]:
    """entry_id → the surviving entry_id of its group (only for entries that are duplicates)."""
    uf = _UnionFind()
    for a, b in same_person:
        uf.union(a, b)
    by_person = assigned.reset_index().groupby("personal_id")["entry_id"]
    for _, entries in by_person:
        if len(entries) > 1:
            first = entries.iloc[0]
            for other in entries.iloc[1:]:
                uf.union(first, other)
    out = {}
    for x in list(uf.parent):
        root = uf.find(x)
        if root != x:
            out[x] = root
    return out


def _differs(paper: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: which compared fields disagree (paper value known and different)."""
    known = lambda s: s.notna() & (s.astype(str).str.strip() != "")  # noqa: E731
    out = pd.DataFrame(index=paper.index)
    out["full_name"] = known(paper["full_name"]) & (paper["full_name"] != national["full_name"])
    out["sex"] = known(paper["sex"]) & (paper["sex"] != national["sex"])
    p_dob, n_dob = paper["date_of_birth"].fillna(""), national["date_of_birth"].fillna("")
    same_dob = (p_dob == n_dob) | (
        (p_dob.str.len() < 10)
        & pd.Series([n.startswith(p) for p, n in zip(p_dob, n_dob, strict=True)], index=paper.index)
    )
    out["date_of_birth"] = known(paper["date_of_birth"]) & ~same_dob
    pid = paper["id_number"]
    out["id_number"] = (
        known(pid) & (pid != national["personal_id"]) & (pid != national["legacy_id"].fillna(""))
    )
    out["address_commune_code"] = known(paper["address_commune_code"]) & (
        paper["address_commune_code"] != national["address_commune_code"]
    )
    out["relationship_to_head"] = known(paper["relationship_to_head"]) & (
        paper["relationship_to_head"] != national["relationship_to_head"]
    )
    return out


def categorise(
    paper_values: pd.DataFrame,
    national_values: pd.DataFrame,
    assigned: pd.DataFrame,
    survivors: dict[str, str],
) -> pd.DataFrame:
    """One row per paper entry: category, matched person, probability, differing fields.

    ``paper_values``: entry_id plus the compared fields, normalised (name upper NFC, sex
    1/2, ISO dates, ID digits, 2025 commune code). ``national_values``: the same for the
    snapshot, keyed by personal_id (with legacy_id, household_id).
    ``link_category`` is what the entry's own link says (kept for duplicates too).
    """
    out = paper_values[["entry_id"]].copy()
    match = assigned.reindex(out["entry_id"])
    out["matched_personal_id"] = match["personal_id"].to_numpy()
    out["match_probability"] = match["match_probability"].to_numpy()
    out["match_weight"] = match["adjusted_weight"].to_numpy()
    out["household_support"] = match["household_support"].to_numpy()
    linked = out["matched_personal_id"].notna()
    nat = national_values.reindex(out["matched_personal_id"].where(linked, "")).reset_index(
        drop=True
    )
    nat.index = out.index
    differs = _differs(paper_values.set_index(out.index), nat) & linked.to_numpy()[:, None]
    out["differing_fields"] = [
        [f for f, d in zip(COMPARED_FIELDS, row, strict=True) if d]
        for row in differs[list(COMPARED_FIELDS)].to_numpy()
    ]
    has_diff = differs.any(axis=1)
    out["link_category"] = np.where(
        ~linked, "NOT_IN_NATIONAL", np.where(has_diff, "CONFLICT", "REDUNDANT")
    )
    out["duplicate_of_entry_id"] = out["entry_id"].map(survivors)
    out["category"] = np.where(
        out["duplicate_of_entry_id"].notna(), "DUPLICATE_IN_PAPER", out["link_category"]
    )
    return out
