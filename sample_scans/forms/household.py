"""Sổ hộ khẩu (household book) pages, three layouts.

- ``table_basic``: book-level lines then a bordered member table: STT, Họ và tên, Quan hệ với chủ
  hộ, Ngày sinh, Giới tính, Dân tộc, Số CMND/ĐDCN, Nghề nghiệp, Ghi chú;
- ``table_origin``: a table with Quê quán and Tôn giáo instead of the ID and occupation;
- ``member_blocks``: one labelled block per member (HK-book member pages), two to four per page.

Deleted members (died, moved away) are crossed out with a line and annotated → ``struck_out``.
Ground truth per member follows HOUSEHOLD_MEMBER_FIELDS; what a layout does not print is null.
"""

from __future__ import annotations

import datetime as dt
import random

from sohoa.national_format import HOUSEHOLD_MEMBER_FIELDS

from .. import people, vntext
from ..render import fit_widths
from .common import (
    Form,
    Rendered,
    draw_header,
    draw_style,
    empty_fields,
    residence_text,
    signer_name,
)
from .common import (
    draw_authority as _draw_commune_authority,
)

VARIANTS = ("table_basic", "table_origin", "member_blocks")
REL_CODES = {
    "Chủ hộ": "HEAD", "Vợ": "WIFE", "Chồng": "HUSBAND", "Con": "CHILD", "Con trai": "CHILD",
    "Con gái": "CHILD", "Bố": "FATHER", "Cha": "FATHER", "Mẹ": "MOTHER", "Anh": "SIBLING",
    "Chị": "SIBLING", "Em": "SIBLING", "Cháu": "GRANDCHILD", "Cháu nội": "GRANDCHILD",
    "Cháu ngoại": "GRANDCHILD", "Ông": "GRANDPARENT", "Bà": "GRANDPARENT",
    "Con dâu": "CHILD_IN_LAW",
    "Con rể": "CHILD_IN_LAW", "Cô": "OTHER", "Dì": "OTHER", "Chú": "OTHER", "Người ở nhờ": "OTHER",
}  # fmt: skip


def _members(rng: random.Random, issue: dt.date, head_eth: str) -> list[tuple[str, people.Person]]:
    """(relationship as printed, person) for a plausible household, head first."""
    head_age = rng.randint(24, 78)
    head_sex = 1 if rng.random() < 0.8 else 2
    on = issue
    head = people.make_person(
        rng, sex=head_sex, birth_year=issue.year - head_age, ethnicity=head_eth, id_on=on
    )
    fam = head.full_name.split()[0] if head_eth in people.KINH_LIKE else None
    out = [("Chủ hộ", head)]
    spouse = None
    if rng.random() < 0.85 and head_age >= 20:
        spouse = people.make_person(
            rng,
            sex=3 - head_sex,
            birth_year=head.birth_year + rng.randint(-3, 8),
            ethnicity=head_eth,
            id_on=on,
        )
        out.append(("Vợ" if head_sex == 1 else "Chồng", spouse))
    n_children = rng.choice((0, 1, 2, 2, 3, 3, 4, 5)) if head_age > 22 else 0
    father_fam = (
        fam
        if head_sex == 1
        else (
            spouse.full_name.split()[0] if spouse and spouse.ethnicity in people.KINH_LIKE else fam
        )
    )
    for _ in range(n_children):
        cy = head.birth_year + rng.randint(20, 40)
        if cy > on.year:
            continue
        c = people.make_person(rng, birth_year=cy, ethnicity=head_eth, family=father_fam, id_on=on)
        rel = rng.choice(("Con", "Con", "Con trai" if c.sex == 1 else "Con gái"))
        out.append((rel, c))
    if head_age < 45 and rng.random() < 0.25:
        par = people.make_person(
            rng,
            sex=rng.choice((1, 2)),
            birth_year=head.birth_year - rng.randint(20, 35),
            ethnicity=head_eth,
            family=fam,
            id_on=on,
        )
        out.insert(
            1 if not spouse else 2,
            ("Bố" if par.sex == 1 and rng.random() < 0.6 else "Cha" if par.sex == 1 else "Mẹ", par),
        )
    if head_age > 55 and rng.random() < 0.5:
        for _ in range(rng.randint(1, 2)):
            gy = min(on.year - 1, head.birth_year + rng.randint(42, 60))
            g = people.make_person(rng, birth_year=gy, ethnicity=head_eth, family=fam, id_on=on)
            out.append((rng.choice(("Cháu", "Cháu nội", "Cháu ngoại")), g))
        if rng.random() < 0.5:
            dil = people.make_person(
                rng, sex=2, birth_year=head.birth_year + rng.randint(22, 32), id_on=on
            )
            out.append(("Con dâu", dil))
    if rng.random() < 0.08:
        out.append(
            (
                rng.choice(("Em", "Cháu", "Người ở nhờ")),
                people.make_person(rng, birth_year=rng.randint(1960, 2005), id_on=on),
            )
        )
    return out


def render(rng: random.Random, variant: str | None = None) -> Rendered:
    variant = variant or rng.choices(VARIANTS, weights=[4, 3, 3])[0]
    issue = people.random_date(rng, dt.date(1995, 1, 1), dt.date(2022, 6, 30))
    auth = _draw_commune_authority(rng, issue)  # old-scheme commune (books predate the reform)
    head_eth = people.draw_ethnicity(rng)
    members = _members(rng, issue, head_eth)
    book_no = str(rng.randint(10**5, 10**9 - 1))
    if rng.random() < 0.3:
        book_no = book_no.zfill(9)
    address, unit = residence_text(rng, issue, minority=members[0][1].minority_name, near=auth)
    if unit["scheme"] == "old":
        # the book's address may leave out the province or district as clerks wrote it
        pass
    style = draw_style(rng, typewriter=rng.random() < 0.15, title_case_share=0.25)
    form = Form(rng, style)
    p = form.page
    layout: dict = {"doc_type": "household_registration", "variant": variant} | style.as_dict()
    fields = empty_fields("household_registration")
    printed: dict = {}

    police = [
        f"CÔNG AN {auth.district_text.upper()}" if auth.district_text else "CÔNG AN TỈNH LÂM ĐỒNG"
    ]
    if rng.random() < 0.5:
        police.insert(0, "CÔNG AN TỈNH " + auth.province_text.split(" ", 1)[1].upper())
    with_motto = rng.random() < 0.6
    if with_motto:
        layout["header"] = draw_header(form, rng, police if rng.random() < 0.6 else None)
    tf = form.bold.with_(pt=style.size_pt * rng.uniform(1.4, 1.8))
    form.newline(0.4)
    form.y += tf.px * 0.4
    form.center("SỔ HỘ KHẨU", tf)
    form.y += tf.px * 0.3
    form.newline(1.2)
    form.field(rng.choice(("Số:", "Sổ số:", "Số sổ:")), book_no)
    fields["household_book_number"] = book_no
    printed["household_book_number"] = book_no
    head = members[0][1]
    hname = form.name(head.full_name)
    form.field("Họ và tên chủ hộ:", hname, value_font=form.value_font.with_(style="bold"))
    fields["head_full_name"] = head.upper
    printed["head_full_name"] = hname
    form.field(rng.choice(("Địa chỉ:", "Nơi thường trú:", "Địa chỉ thường trú:")), address)
    fields["address_text"] = address
    fields["address_commune_code"] = unit["commune_code"]
    fields["address_province_code"] = unit["province_code"]
    printed["address_text"] = address
    issue_text = vntext.format_date(issue, rng.choice(("slash", "words_long", "words_short")))
    form.field(rng.choice(("Ngày cấp:", "Cấp ngày:")), issue_text)
    fields["issue_date"] = issue.isoformat()
    printed["issue_date"] = issue_text
    form.newline(0.5)
    layout["address_scheme"] = unit["scheme"]

    # members
    rows_truth = []
    struck_budget = rng.choice((0, 0, 1, 1, 2))
    for idx, (rel, person) in enumerate(members, start=1):
        struck = None
        if idx > 1 and struck_budget and rng.random() < 0.35:
            struck_budget -= 1
            when = people.random_date(rng, issue, dt.date(2022, 12, 31))
            struck = rng.choice(
                (
                    f"Đã chết ngày {when:%d/%m/%Y}",
                    "Đã chết",
                    "Chuyển đi",
                    f"Chuyển đi ngày {when:%d/%m/%Y}",
                    "Xóa đăng ký thường trú",
                )
            )
        m = dict.fromkeys(HOUSEHOLD_MEMBER_FIELDS)
        m |= {
            "household_book_number": book_no,
            "member_index": idx,
            "full_name": person.upper,
            "relationship_to_head": REL_CODES[rel],
            "sex": person.sex,
            "ethnicity_code": person.ethnicity_code,
            "struck_out": struck is not None,
        }
        rows_truth.append((rel, person, struck, m))

    date_year_only = {
        id(pp): pp.birth_year < 1945 and rng.random() < 0.5 for _, pp, _, _ in rows_truth
    }

    def dob_print(pp: people.Person, m: dict) -> str:
        if date_year_only[id(pp)]:
            m["date_of_birth"] = str(pp.birth_year)
            return str(pp.birth_year)
        m["date_of_birth"] = pp.date_of_birth.isoformat()
        return vntext.format_date(pp.date_of_birth, "slash")

    small = form.font.with_(pt=style.size_pt * rng.uniform(0.78, 0.88))
    small_b = small.with_(style="bold")
    if variant in ("table_basic", "table_origin"):
        if variant == "table_basic":
            heads = [
                "STT",
                "Họ và tên",
                "Quan hệ với chủ hộ",
                "Ngày sinh",
                "Giới tính",
                "Dân tộc",
                "Số định danh / CMND",
                "Nghề nghiệp",
                "Ghi chú",
            ]
            widths = [0.05, 0.2, 0.1, 0.11, 0.07, 0.08, 0.15, 0.11, 0.13]
        else:
            heads = [
                "STT",
                "Họ và tên",
                "Quan hệ với chủ hộ",
                "Ngày sinh",
                "Nam/Nữ",
                "Quê quán",
                "Dân tộc",
                "Tôn giáo",
                "Ghi chú",
            ]
            widths = [0.05, 0.21, 0.1, 0.11, 0.07, 0.17, 0.08, 0.09, 0.12]
        tw = form.x1 - form.x0
        rows = [heads]
        for rel, person, struck, m in rows_truth:
            name = form.name(person.full_name)
            sex_t = "Nam" if person.sex == 1 else "Nữ"
            eth_t = people.print_ethnicity(rng, person.ethnicity)
            if variant == "table_basic":
                idn = person.personal_id or person.legacy_id
                m["id_number"] = idn
                m["occupation"] = person.occupation
                row = [
                    str(m["member_index"]),
                    name,
                    rel,
                    dob_print(person, m),
                    sex_t,
                    eth_t,
                    idn or "",
                    person.occupation or "",
                    struck or "",
                ]
            else:
                home = _hometown(rng, person.minority_name)
                m["hometown_text"] = home
                m["religion"] = person.religion
                row = [
                    str(m["member_index"]),
                    name,
                    rel,
                    dob_print(person, m),
                    sex_t,
                    home,
                    eth_t,
                    person.religion,
                    struck or "",
                ]
            rows.append(row)
        col_w = fit_widths(rows, small, small_b, widths, tw, small.px * 0.3)
        spans = p.table(
            form.x0,
            form.y - form.font.px * 0.6,
            col_w,
            rows,
            small,
            header_font=small_b,
            line_gap=1.3,
            align=["center"] + ["left"] * (len(heads) - 1),
        )
        for (_, _, struck, _), (t, b) in zip(rows_truth, spans[1:], strict=True):
            if struck:
                ym = (t + b) / 2 + rng.uniform(-0.15, 0.15) * (b - t)
                color = (200, 30, 30) if rng.random() < 0.5 else style.ink
                p.draw.line(
                    (
                        form.x0 + col_w[0] * 0.5,
                        ym + rng.uniform(-4, 4),
                        form.x1 - col_w[-1] - 4,
                        ym + rng.uniform(-4, 4),
                    ),
                    fill=color,
                    width=max(2, form.font.px // 10),
                )
        form.y = spans[-1][1] + form.lh
    else:
        for rel, person, struck, m in rows_truth:
            if form.y > p.height - p.mm(45):
                m["_off_page"] = True
                continue
            top = form.y - form.font.px
            form.fields_inline(
                [("STT:", str(m["member_index"])), ("Quan hệ với chủ hộ:", rel)], [0.0, 0.3]
            )
            form.field(
                "Họ và tên:",
                form.name(person.full_name),
                value_font=form.value_font.with_(style="bold"),
            )
            other = None
            if rng.random() < 0.1:
                other = (
                    people.minority_name(rng, "Cơ-ho", person.sex, person.birth_year)
                    if person.minority_name
                    else rng.choice(("Tí", "Tèo", "Bé", "Út", "Hai", "Ba"))
                )
                m["other_name"] = people.upper_nfc(other)
            form.field("Tên gọi khác:", other)
            form.fields_inline(
                [
                    ("Ngày sinh:", dob_print(person, m)),
                    ("Giới tính:", "Nam" if person.sex == 1 else "Nữ"),
                ],
                [0.0, 0.55],
            )
            pob = _hometown(rng, person.minority_name) if rng.random() < 0.6 else None
            home = _hometown(rng, person.minority_name)
            form.field("Nơi sinh:", pob)
            form.field("Nguyên quán:" if rng.random() < 0.5 else "Quê quán:", home)
            m["place_of_birth_text"] = pob
            m["hometown_text"] = home
            form.fields_inline(
                [
                    ("Dân tộc:", people.print_ethnicity(rng, person.ethnicity)),
                    ("Tôn giáo:", person.religion),
                    ("Quốc tịch:", "Việt Nam"),
                ],
                [0.0, 0.36, 0.68],
            )
            m["religion"] = person.religion
            m["nationality"] = "VN"
            idn = person.personal_id or person.legacy_id
            form.field("CMND số:" if idn and len(idn) == 9 else "Số định danh cá nhân:", idn)
            m["id_number"] = idn
            form.field("Nghề nghiệp, nơi làm việc:", person.occupation)
            m["occupation"] = person.occupation
            prev = None
            moved = None
            # one born after the book was issued was born into it: no move-in (the draw comes
            # first so that other pages of a seed stay as they were)
            if (
                person is not rows_truth[0][1]
                and rng.random() < 0.4
                and person.date_of_birth <= issue
            ):
                prev = residence_text(rng, issue)[0]
                moved = people.random_date(
                    rng, max(person.date_of_birth, issue - dt.timedelta(days=3000)), issue
                )
            form.field("Nơi thường trú trước khi chuyển đến:", prev)
            form.field("Ngày chuyển đến:", vntext.format_date(moved, "slash") if moved else None)
            m["previous_residence_text"] = prev
            m["moved_in_date"] = moved.isoformat() if moved else None
            bottom = form.y - form.font.px * 0.6
            if struck:
                color = (200, 30, 30) if rng.random() < 0.5 else style.ink
                p.draw.line(
                    (form.x0, bottom, form.x1 - p.mm(10), top),
                    fill=color,
                    width=max(2, form.font.px // 9),
                )
                p.text(
                    form.x0 + (form.x1 - form.x0) * 0.55,
                    top + form.font.px * 1.2,
                    struck,
                    form.italic.with_(pt=style.size_pt * 1.05),
                    fill=color,
                )
            p.hline(form.x0, form.x1, bottom + form.font.px * 0.2, 1)
            form.newline(0.6)
        dropped = [m for *_, m in rows_truth if m.pop("_off_page", False)]
        rows_truth = [r for r in rows_truth if r[3] not in dropped]
        layout["members_off_page"] = len(dropped)

    fields["members"] = [m for *_, m in rows_truth]
    printed["members"] = len(rows_truth)
    # police signature (right), when room remains
    if form.y < p.height - p.mm(40):
        cx = form.x0 + (form.x1 - form.x0) * 0.7
        p.text_center(cx, form.y, "TRƯỞNG CÔNG AN", form.bold)
        form.newline()
        p.signature(cx - form.font.px * 4, form.y, form.font.px * 8, form.font.px * 2.5, rng)
        p.seal(
            cx - form.font.px * 3,
            form.y + form.font.px * 0.5,
            p.mm(rng.uniform(15, 19)),
            police[-1],
            style.family,
            rng,
        )
        form.y += form.font.px * 3.5
        p.text_center(cx, form.y, form.name(signer_name(rng)), form.bold)
    return Rendered(page=p, fields=fields, printed=printed, layout=layout)


def _hometown(rng: random.Random, minority: bool = False) -> str:
    from .. import admin

    if not minority and rng.random() < 0.6:
        prov = admin.pick_migrant_province(rng)
        return (
            admin.old_address_in(rng, prov, with_ward=rng.random() < 0.4)
            if rng.random() < 0.6
            else prov.short
        )
    return admin.pick_old_commune(rng).text(with_district=True, with_province=rng.random() < 0.7)
