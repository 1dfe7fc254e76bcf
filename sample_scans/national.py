"""A synthetic national residence snapshot and the paper household books that diverge from it.

One population is drawn (``people.py``: names by region and ethnicity, IDs consistent with sex and
birth year, legacy IDs) and grouped into national households. Paper books (Sổ hộ khẩu) are then
written from a share of those households as a clerk wrote them years earlier, with what happens
to paper in the real world:

- moves (the household now lives in another commune), splits (a grown child now heads a
  household of their own), deaths and moves out of the province (on paper, not in the snapshot);
- typos: OCR-like (tone marks dropped or swapped, ``rn``/``m``) and clerk-like (a letter
  doubled, dropped or transposed), missing IDs, legacy 9-digit IDs only, an ID digit wrong;
- pre-2025 addresses (old commune, district, province), partial dates (year only), day/month
  swaps;
- the same book entered twice, a person present in two books (a married daughter still in her
  parents' book);
- hard negatives in the snapshot: Hoàng/Huỳnh and Vũ/Võ namesakes, namesakes born the same year
  with another 12-digit ID, twins.

``truth.csv`` says, per paper entry, who it really is and which category the reconciliation
must give it (NATIONAL_FORMAT.md §3), computed from the values written, with these rules: an
empty paper cell is unknown (never a difference); a year-only date agrees with a full date of
that year; a 9-digit ID on paper is compared with the legacy ID; a blank commune code is the
commune the address text names; of a group of entries of one
person the first by ``entry_id`` survives and the others are ``DUPLICATE_IN_PAPER`` of it.

Imports nothing of the pipeline. Command::

    python -m sample_scans.national --people 50000 --entries 20000 --seed 1 --out DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.national_format import RECONCILE_COMPARED_FIELDS as COMPARED_FIELDS
from sohoa.national_format import RECONCILE_NATIONAL_COLUMNS as NATIONAL_COLUMNS
from sohoa.national_format import RECONCILE_PAPER_COLUMNS as PAPER_COLUMNS

from . import admin, people

TRUTH_COLUMNS = (
    "entry_id",
    "true_personal_id",
    "category",
    "duplicate_of_entry_id",
    "differing_fields",
    "divergences",
)

# Rates of divergence per paper entry or book (rough guesses, documented in the README).
RATES = {
    "book_moved": 0.08,  # the household now lives in another commune
    "book_split": 0.10,  # a grown child has since become head of a new household
    "book_gone": 0.03,  # the whole household left the province: no one in the snapshot
    "book_twice": 0.02,  # the same book entered twice
    "member_died": 0.06,  # an old member died: struck from the snapshot, not from paper
    "member_left": 0.03,  # a member left the province
    "married_out": 0.015,  # a daughter also entered in her husband's book
    "name_ocr": 0.06,
    "name_clerk": 0.03,
    "id_missing": 0.30,
    "id_legacy_only": 0.15,
    "id_typo": 0.01,
    "dob_partial": 0.08,
    "dob_swap": 0.03,
    "dob_missing": 0.01,
    "sex_missing": 0.02,
    "commune_blank": 0.05,  # code left for the text to give (old address)
    "relationship_wrong": 0.01,
}
HARD_NEGATIVE_SHARE = 0.04  # of snapshot people who get a confusable namesake
TWIN_SHARE = 0.03  # of households with children that have twins
CONFUSABLE_FAMILY = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}


@dataclass
class Resident:
    person: people.Person
    personal_id: str
    legacy_id: str | None
    household_id: str
    relationship: str
    in_snapshot: bool = True  # False: died or left; kept only on paper
    tags: list[str] = field(default_factory=list)


@dataclass
class Household:
    household_id: str
    commune: admin.NewCommune
    old_commune: admin.OldCommune | None  # where the paper book was written (pre-2025)
    locality: str
    members: list[Resident]
    has_book: bool = True  # households formed after paper books ended have none

    @property
    def address_text(self) -> str:
        return f"{self.locality}, {self.commune.text()}"


def upper(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()).upper())


# --- the population -------------------------------------------------------------------------


class Population:
    """Draws residents with unique personal IDs (a real registry never reuses one)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.household_seq = 0

    def unique_id(self, sex: int, year: int) -> str:
        while True:
            pid = people.personal_id(self.rng, sex, year)
            if pid not in self.ids:
                self.ids.add(pid)
                return pid

    def resident(self, p: people.Person, household_id: str, relationship: str) -> Resident:
        adult = dt.date(2016, 1, 1).year - p.birth_year >= 14
        legacy = p.legacy_id or (people.legacy_id(self.rng) if adult else None)
        return Resident(p, self.unique_id(p.sex, p.birth_year), legacy, household_id, relationship)

    def new_household_id(self) -> str:
        self.household_seq += 1
        return f"HGD{self.household_seq:09d}"

    def household(self) -> Household:
        rng = self.rng
        old = admin.pick_old_commune(rng, split_share=0.02)
        commune = admin.new_commune(old.new_code) if old.new_code else admin.pick_new_commune(rng)
        hid = self.new_household_id()
        eth = people.draw_ethnicity(rng)
        head_sex = 1 if rng.random() < 0.8 else 2
        head_year = rng.randint(1940, 1998)
        head = people.make_person(rng, sex=head_sex, birth_year=head_year, ethnicity=eth)
        members = [self.resident(head, hid, "HEAD")]
        family = head.full_name.split()[0] if eth in people.KINH_LIKE and head_sex == 1 else None
        size = rng.choices((1, 2, 3, 4, 5, 6, 7), weights=(10, 20, 25, 25, 12, 5, 3))[0]
        if size >= 2:
            spouse_year = min(2000, max(1935, head_year + rng.randint(-3, 6)))
            spouse = people.make_person(
                rng, sex=3 - head_sex, birth_year=spouse_year, ethnicity=eth
            )
            members.append(self.resident(spouse, hid, "WIFE" if head_sex == 1 else "HUSBAND"))
        n_children = max(0, size - len(members) - (1 if size >= 6 else 0))
        mother_year = min(m.person.birth_year for m in members)
        twins = n_children >= 2 and rng.random() < TWIN_SHARE
        last_dob: dt.date | None = None
        for k in range(n_children):
            year = min(2020, mother_year + rng.randint(20, 40))
            if twins and k == 1 and last_dob is not None:
                child = people.make_person(
                    rng, date_of_birth=last_dob, ethnicity=eth, family=family
                )
                child.extra["twin"] = True
            else:
                child = people.make_person(rng, birth_year=year, ethnicity=eth, family=family)
            last_dob = child.date_of_birth
            members.append(self.resident(child, hid, "CHILD"))
        if size >= 6:
            elder = people.make_person(
                rng, birth_year=max(1915, head_year - rng.randint(20, 35)), ethnicity=eth
            )
            members.append(self.resident(elder, hid, "FATHER" if elder.sex == 1 else "MOTHER"))
        return Household(hid, commune, old, admin.locality_prefix(rng), members)


def namesake(pop: Population, r: Resident, same_family: bool) -> people.Person:
    """A different person easily confused with ``r``: family name Hoàng↔Huỳnh / Vũ↔Võ, or the
    same name and birth year (another ID)."""
    p = r.person
    words = p.full_name.split()
    if not same_family and words[0] in CONFUSABLE_FAMILY:
        words[0] = CONFUSABLE_FAMILY[words[0]]
        dob = p.date_of_birth
    else:
        dob = people.date_in_year(pop.rng, p.birth_year)
    return people.Person(" ".join(words), p.sex, dob, p.ethnicity)


def namesake_household(pop: Population, r: Resident, same_family: bool) -> Household:
    """A household elsewhere whose second member is a namesake of ``r``."""
    host = pop.household()
    host.members = host.members[:1]
    other = pop.resident(namesake(pop, r, same_family), host.household_id, "OTHER")
    other.tags.append("namesake")
    host.members.append(other)
    return host


def build_snapshot(rng: random.Random, n_people: int) -> tuple[list[Household], Population]:
    """National households until ``n_people`` residents; splits and namesakes included."""
    pop = Population(rng)
    households: list[Household] = []
    count = 0
    while count < n_people:
        h = pop.household()
        households.append(h)
        count += len(h.members)
        # a grown child now heads a household of their own (paper still lists them as CHILD)
        grown = [m for m in h.members if m.relationship == "CHILD" and m.person.birth_year <= 2002]
        if grown and rng.random() < RATES["book_split"]:
            child = rng.choice(grown)
            hid = pop.new_household_id()
            split = Household(
                hid, h.commune, h.old_commune, admin.locality_prefix(rng), [], has_book=False
            )
            child.tags.append("split")
            split.members.append(
                Resident(child.person, child.personal_id, child.legacy_id, hid, "HEAD")
            )
            spouse = people.make_person(
                rng, sex=3 - child.person.sex, birth_year=child.person.birth_year + 1
            )
            split.members.append(
                pop.resident(spouse, hid, "WIFE" if child.person.sex == 1 else "HUSBAND")
            )
            child.household_id = hid
            child.relationship = "HEAD"
            households.append(split)
            count += 1
        for m in list(h.members):
            if rng.random() < HARD_NEGATIVE_SHARE and count < n_people:
                households.append(namesake_household(pop, m, same_family=rng.random() < 0.5))
                count += 2
    return households, pop


# --- paper -----------------------------------------------------------------------------------

_TONE_STRIP = {"̀": "", "́": "", "̉": "", "̃": "", "̣": ""}
_HOI_NGA = {"̉": "̃", "̃": "̉"}


def _decompose(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def ocr_typo(rng: random.Random, name: str) -> str:
    """What Tesseract does to a printed name: a tone mark dropped or hỏi/ngã swapped, rn→m."""
    words = name.split()
    i = rng.randrange(len(words))
    w = _decompose(words[i])
    marks = [c for c in w if c in _TONE_STRIP]
    kind = rng.random()
    if marks and kind < 0.6:
        mark = rng.choice(marks)
        w = w.replace(mark, _HOI_NGA.get(mark, "") if kind < 0.15 else "", 1)
    elif "rn" in w.lower():
        w = w.replace("rn", "m").replace("RN", "M")
    else:
        w = w.replace("̂", "", 1) if "̂" in w else w.replace("Đ", "D", 1)
    words[i] = unicodedata.normalize("NFC", w)
    return " ".join(words)


def clerk_typo(rng: random.Random, name: str) -> str:
    """A handwriting slip in the middle or given name: a letter dropped, doubled or swapped."""
    words = name.split()
    i = rng.randrange(1, len(words)) if len(words) > 1 else 0
    w = words[i]
    if len(w) < 3:
        return name
    k = rng.randrange(1, len(w) - 1)
    kind = rng.random()
    if kind < 0.4:
        w = w[:k] + w[k + 1 :]
    elif kind < 0.7:
        w = w[:k] + w[k] + w[k:]
    else:
        w = w[: k - 1] + w[k] + w[k - 1] + w[k + 1 :]
    words[i] = w
    return " ".join(words)


def id_typo(rng: random.Random, pid: str) -> str:
    k = rng.randrange(6, len(pid))
    digit = str((int(pid[k]) + rng.randint(1, 9)) % 10)
    return pid[:k] + digit + pid[k + 1 :]


def paper_date(rng: random.Random, dob: dt.date, tags: list[str]) -> str:
    r = rng.random()
    if r < RATES["dob_missing"]:
        tags.append("dob_missing")
        return ""
    r -= RATES["dob_missing"]
    if r < RATES["dob_partial"]:
        tags.append("dob_partial")
        return str(dob.year)
    r -= RATES["dob_partial"]
    if r < RATES["dob_swap"] and dob.day <= 12 and dob.day != dob.month:
        tags.append("dob_swap")
        return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
    return dob.isoformat()


def paper_id(rng: random.Random, r: Resident, tags: list[str]) -> str:
    x = rng.random()
    if x < RATES["id_missing"]:
        tags.append("id_missing")
        return ""
    x -= RATES["id_missing"]
    if x < RATES["id_legacy_only"] and r.legacy_id:
        tags.append("id_legacy")
        return r.legacy_id
    if rng.random() < RATES["id_typo"]:
        tags.append("id_typo")
        return id_typo(rng, r.personal_id)
    return r.personal_id


def paper_name(rng: random.Random, name: str, tags: list[str]) -> str:
    out = name
    if rng.random() < RATES["name_ocr"]:
        out = ocr_typo(rng, out)
        tags.append("name_ocr")
    if rng.random() < RATES["name_clerk"]:
        out = clerk_typo(rng, out)
        tags.append("name_clerk")
    return out


@dataclass
class Entry:
    values: dict[str, str]
    resident: Resident
    tags: list[str]
    commune_meant: str = ""  # the 2025 code the address text names (also when the code is blank)


def write_book(
    rng: random.Random,
    book_number: str,
    h: Household,
    members: list[Resident],
    relationships: list[str],
    moved_from: admin.OldCommune | None,
) -> list[Entry]:
    """The entries of one paper book as a clerk wrote them (pre-2025 address)."""
    old = moved_from or h.old_commune
    if old is not None:
        address = f"{h.locality}, {old.text()}"
        code = old.new_code or ""
    else:
        address, code = h.address_text, h.commune.code
    blank = rng.random() < RATES["commune_blank"]
    entries = []
    for index, (r, rel) in enumerate(zip(members, relationships, strict=True), start=1):
        tags = list(r.tags)
        p = r.person
        if rng.random() < RATES["relationship_wrong"]:
            rel = rng.choice(("OTHER", "SIBLING", "GRANDCHILD"))
            tags.append("relationship_wrong")
        sex = "" if rng.random() < RATES["sex_missing"] else str(p.sex)
        values = {
            "household_book_number": book_number,
            "member_index": str(index),
            "full_name": upper(paper_name(rng, p.full_name, tags)),
            "sex": sex,
            "date_of_birth": paper_date(rng, p.date_of_birth, tags),
            "id_number": paper_id(rng, r, tags),
            "address_text": address,
            "address_commune_code": "" if blank else code,
            "relationship_to_head": rel,
        }
        if blank:
            tags.append("commune_blank")
        entries.append(Entry(values, r, tags, commune_meant=code))
    return entries


def copy_book(rng: random.Random, entries: list[Entry]) -> list[Entry]:
    """The same book entered a second time: the same values with fresh reading slips."""
    out = []
    for e in entries:
        values = dict(e.values)
        tags = [*e.tags, "book_twice"]
        if rng.random() < RATES["name_ocr"]:
            values["full_name"] = upper(ocr_typo(rng, values["full_name"]))
            tags.append("name_ocr")
        out.append(Entry(values, e.resident, tags, e.commune_meant))
    return out


def _paper_only(pop: Population, r: Resident, tag: str) -> Resident:
    """A person on paper only (died, left the province), with their own ID."""
    r.in_snapshot = False
    r.tags.append(tag)
    return r


def _book_members(
    rng: random.Random, pop: Population, h: Household, extra_households: list[Household]
) -> tuple[list[Resident], list[str]]:
    """Who the book lists and as what: the household as the clerk knew it (a child who has
    split off is still CHILD), plus members who died or left since. A third of those get a
    namesake in the snapshot, the hardest case: a look-alike who is someone else."""
    listed = [
        (m, "CHILD" if "split" in m.tags else m.relationship)
        for m in h.members
        if m.household_id == h.household_id or "split" in m.tags
    ]
    gone: list[Resident] = []
    if rng.random() < RATES["member_died"] * 3:
        head = listed[0][0].person
        p = people.make_person(rng, birth_year=max(1905, head.birth_year - rng.randint(20, 35)))
        rel = "FATHER" if p.sex == 1 else "MOTHER"
        gone.append(_paper_only(pop, pop.resident(p, "", rel), "died"))
    if rng.random() < RATES["member_left"] * 3:
        p = people.make_person(rng, birth_year=rng.randint(1975, 2005))
        gone.append(_paper_only(pop, pop.resident(p, "", "CHILD"), "left_province"))
    for r in gone:
        listed.append((r, r.relationship))
        if rng.random() < 0.33:
            extra_households.append(namesake_household(pop, r, same_family=rng.random() < 0.5))
    return [m for m, _ in listed], [rel for _, rel in listed]


def build_paper(
    rng: random.Random, pop: Population, households: list[Household], n_entries: int
) -> list[Entry]:
    """Paper books from a share of the snapshot's households until ``n_entries`` entries
    (namesakes of people on paper only are added to ``households``)."""
    candidates = [h for h in households if h.has_book]
    rng.shuffle(candidates)
    entries: list[Entry] = []
    books: list[list[Entry]] = []
    extra_households: list[Household] = []
    for h in candidates:
        if len(entries) >= n_entries:
            break
        members, rels = _book_members(rng, pop, h, extra_households)
        moved_from = None
        if rng.random() < RATES["book_moved"]:
            moved_from = admin.pick_old_commune(rng, split_share=0.0)
            if moved_from.new_code == h.commune.code:
                moved_from = None
        if rng.random() < RATES["book_gone"]:
            for m in members:
                if m.in_snapshot:
                    _paper_only(pop, m, "household_gone")
        number = f"{h.commune.code[-3:]}{len(books) + 1:06d}"
        book = write_book(rng, number, h, members, rels, moved_from)
        if moved_from is not None:
            for e in book:
                e.tags.append("moved")
        entries += book
        books.append(book)
        if rng.random() < RATES["book_twice"]:
            copy = copy_book(rng, book)
            entries += copy
            books.append(copy)
    households += extra_households
    # a married daughter also entered in her husband's book
    daughters = [
        (k, e)
        for k, book in enumerate(books)
        for e in book
        if e.resident.person.sex == 2
        and e.values["relationship_to_head"] == "CHILD"
        and e.resident.person.birth_year < 2000
        and "book_twice" not in e.tags
    ]
    for k, e in rng.sample(daughters, min(len(daughters), int(n_entries * RATES["married_out"]))):
        host = books[(k + rng.randrange(1, len(books))) % len(books)]
        values = dict(e.values)
        values.update(
            household_book_number=host[0].values["household_book_number"],
            member_index=str(len(host) + 1),
            relationship_to_head="CHILD_IN_LAW",
            address_text=host[0].values["address_text"],
            address_commune_code=host[0].values["address_commune_code"],
            full_name=upper(paper_name(rng, e.resident.person.full_name, [])),
            date_of_birth=paper_date(rng, e.resident.person.date_of_birth, []),
            id_number=paper_id(rng, e.resident, []),
        )
        extra = Entry(values, e.resident, [*e.tags, "in_two_books"], host[0].commune_meant)
        host.append(extra)
        entries.append(extra)
    return entries


# --- truth -----------------------------------------------------------------------------------


def national_row(h: Household, r: Resident) -> dict[str, str]:
    return {
        "personal_id": r.personal_id,
        "legacy_id": r.legacy_id or "",
        "full_name": upper(r.person.full_name),
        "sex": str(r.person.sex),
        "date_of_birth": r.person.date_of_birth.isoformat(),
        "household_id": h.household_id,
        "relationship_to_head": r.relationship,
        "address_commune_code": h.commune.code,
        "address_text": h.address_text,
    }


def differing_fields(paper: dict[str, str], national: dict[str, str]) -> list[str]:
    """The compared fields whose known paper value disagrees with the snapshot (§3 rules)."""
    out = []
    for f in COMPARED_FIELDS:
        value = paper[f]
        if not value:
            continue
        if f == "id_number":
            same = value in (national["personal_id"], national["legacy_id"])
        elif f == "date_of_birth":
            same = national[f] == value or (len(value) < 10 and national[f].startswith(value))
        else:
            same = value == national[f]
        if not same:
            out.append(f)
    return out


def build(
    n_people: int = 50_000, n_entries: int = 20_000, seed: int = 1
) -> tuple[list[dict], list[dict], list[dict]]:
    """(national rows, paper rows, truth rows)."""
    rng = random.Random(seed)
    households, pop = build_snapshot(rng, n_people)
    entries = build_paper(rng, pop, households, n_entries)
    national = []
    national_by_pid: dict[str, dict[str, str]] = {}
    for h in households:
        for r in h.members:
            if r.in_snapshot and r.household_id == h.household_id:
                row = national_row(h, r)
                national.append(row)
                national_by_pid[r.personal_id] = row
    paper, truth = [], []
    first_entry: dict[str, str] = {}
    for k, e in enumerate(entries, start=1):
        entry_id = f"E{k:08d}"
        paper.append({"entry_id": entry_id, **e.values})
        pid = e.resident.personal_id
        nat = national_by_pid.get(pid)
        survivor = first_entry.setdefault(pid, entry_id)
        if survivor != entry_id:
            category, differing = "DUPLICATE_IN_PAPER", []
        elif nat is None:
            category, differing = "NOT_IN_NATIONAL", []
        else:
            differing = differing_fields({**e.values, "address_commune_code": e.commune_meant}, nat)
            category = "CONFLICT" if differing else "REDUNDANT"
        truth.append(
            {
                "entry_id": entry_id,
                "true_personal_id": pid if nat else "",
                "category": category,
                "duplicate_of_entry_id": survivor if survivor != entry_id else "",
                "differing_fields": ";".join(differing),
                "divergences": ";".join(sorted(set(e.tags))),
            }
        )
    return national, paper, truth


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=50_000, help="people in the national snapshot")
    ap.add_argument("--entries", type=int, default=20_000, help="paper household entries")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    national, paper, truth = build(args.people, args.entries, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "national.csv", NATIONAL_COLUMNS, national)
    write_csv(args.out / "paper.csv", PAPER_COLUMNS, paper)
    write_csv(args.out / "truth.csv", TRUTH_COLUMNS, truth)
    print(f"{len(national)} national, {len(paper)} paper entries → {args.out}")


if __name__ == "__main__":
    main()
