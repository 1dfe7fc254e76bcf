"""Giấy khai sinh (birth registration), four layouts.

- ``tt04_2020``: the 2016/2020 form: one field per line, ``Giới tính / Dân tộc / Quốc tịch`` on
  one line, parents as stacked blocks, personal ID line, ``Nơi đăng ký khai sinh``;
- ``tt15_2015``: ``Họ và tên`` labels, date of birth followed by the date in words, leaders;
- ``old_1999``: older form with the parents as a two-column Mẹ | Cha table and the declarant with
  ``Quan hệ với người được khai sinh``; registration date only in the place-date line;
- ``trich_luc``: an extract copy (``TRÍCH LỤC KHAI SINH (Bản sao)``, ``Số: 45/TLKS-BS``) whose
  place-date line is the copy's issue date, not the registration date.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import admin, people, vntext
from .common import (
    Form,
    Rendered,
    draw_authority,
    draw_header,
    draw_signature_block,
    draw_style,
    empty_fields,
    number_suffix,
    place_date_line,
    registration_numbers,
    residence_text,
    signer_name,
)

VARIANTS = ("tt04_2020", "tt15_2015", "old_1999", "trich_luc")
DECLARANT_RELATIONS = {
    "Cha": 40, "Bố": 8, "Mẹ": 35, "Ông nội": 5, "Bà nội": 4, "Ông ngoại": 3, "Bà ngoại": 3,
    "Cô": 1, "Dì": 1, "Chú": 1, "Bác": 1,
}  # fmt: skip
HOSPITALS_LD = (
    ("Bệnh viện Đa khoa tỉnh Lâm Đồng", "68"),
    ("Bệnh viện Đa khoa Lâm Đồng", "68"),
    ("Bệnh viện II Lâm Đồng", "68"),
    ("Bệnh viện Nhi Lâm Đồng", "68"),
    ("Bệnh viện Đa khoa tỉnh Bình Thuận", "68"),
    ("Bệnh viện Đa khoa tỉnh Đắk Nông", "68"),
    ("Bệnh viện Hoàn Mỹ Đà Lạt", "68"),
)
HOSPITALS_OTHER = (
    ("Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh", "79"),
    ("Bệnh viện Hùng Vương, Thành phố Hồ Chí Minh", "79"),
    ("Bệnh viện Đa khoa tỉnh Đắk Lắk", "66"),
    ("Bệnh viện Đa khoa tỉnh Khánh Hòa", "56"),
    ("Bệnh viện Đa khoa Đồng Nai", "75"),
    ("Bệnh viện Phụ sản Trung ương, Hà Nội", "01"),
)


def _place_of_birth(rng: random.Random, auth, when: dt.date) -> tuple[str, str]:
    """(text, 2025 province code) of the place of birth."""
    r = rng.random()
    if r < 0.45:
        return rng.choice(HOSPITALS_LD)
    if r < 0.55:
        return rng.choice(HOSPITALS_OTHER)
    if r < 0.8:
        # a commune health station ("Trạm Y tế") of the registering commune
        if auth.scheme == "2025":
            return f"Trạm Y tế {auth.new.text()}", "68"
        return f"Trạm Y tế {auth.old.text()}", "68"
    if r < 0.92:
        # at home ("tại nhà") in Lâm Đồng
        text, _unit = residence_text(rng, when, near=auth)
        return text, "68"
    prov = admin.pick_migrant_province(rng)
    return admin.old_address_in(rng, prov, with_ward=rng.random() < 0.7), prov.new_code


def _hometown(rng: random.Random, father: people.Person | None) -> str:
    r = rng.random()
    if r < 0.4:
        prov = admin.pick_migrant_province(rng)
        return admin.old_address_in(rng, prov, with_ward=rng.random() < 0.5)
    if r < 0.6:
        return admin.pick_migrant_province(rng).short
    c = admin.pick_old_commune(rng)
    return c.text(with_district=rng.random() < 0.8)


def render(rng: random.Random, variant: str | None = None) -> Rendered:
    variant = variant or rng.choices(VARIANTS, weights=[4, 3, 3, 2])[0]
    # --- the facts -----------------------------------------------------------------------------
    if variant == "old_1999":
        dob = people.random_date(rng, dt.date(1975, 1, 1), dt.date(2015, 12, 31))
    elif variant == "tt15_2015":
        dob = people.random_date(rng, dt.date(2006, 1, 1), dt.date(2025, 12, 1))
    else:
        dob = people.random_date(rng, dt.date(1985, 1, 1), dt.date(2025, 12, 1))
    if rng.random() < 0.88:
        reg = dob + dt.timedelta(days=rng.randint(1, 60))
    else:
        reg = dob + dt.timedelta(days=rng.randint(61, 365 * 15))
    reg = min(reg, dt.date(2025, 12, 20))
    if variant == "tt04_2020" and reg.year < 2016:
        reg = people.random_date(rng, dt.date(2016, 1, 4), dt.date(2025, 12, 20))
        dob = reg - dt.timedelta(days=rng.randint(1, 60))
    if variant == "old_1999" and reg.year >= 2016:
        reg = people.random_date(rng, dob, dt.date(2015, 12, 31)) if dob.year < 2016 else reg
    auth = draw_authority(rng, reg)
    eth = people.draw_ethnicity(rng)
    mother, father = people.make_parents(rng, dob, ethnicity=eth, id_on=reg)
    no_father = rng.random() < 0.07
    child_eth = father.ethnicity if (not no_father and rng.random() < 0.7) else mother.ethnicity
    sex = rng.choice((1, 2))
    if child_eth in people.KINH_LIKE and not no_father and father.ethnicity in people.KINH_LIKE:
        fam = father.full_name.split()[0]
    elif child_eth in people.KINH_LIKE and mother.ethnicity in people.KINH_LIKE:
        fam = mother.full_name.split()[0]
    else:
        fam = None
    child = people.make_person(rng, sex=sex, date_of_birth=dob, ethnicity=child_eth, family=fam)
    has_pid = variant in ("tt04_2020", "trich_luc") and (dob.year >= 2016 or rng.random() < 0.3)
    if has_pid:
        child.personal_id = people.personal_id(rng, sex, dob.year, "0" + auth.old_province_code)
    pob_text, pob_prov = _place_of_birth(rng, auth, reg)
    hometown = _hometown(rng, father)
    m_res, _ = residence_text(rng, reg, minority=mother.minority_name, near=auth)
    f_res = m_res if rng.random() < 0.8 else residence_text(rng, reg, near=auth)[0]
    rel = rng.choices(list(DECLARANT_RELATIONS), weights=list(DECLARANT_RELATIONS.values()))[0]
    if no_father and rel in ("Cha", "Bố"):
        rel = "Mẹ"
    if rel in ("Cha", "Bố"):
        declarant = father
    elif rel == "Mẹ":
        declarant = mother
    else:
        declarant = people.make_person(
            rng,
            sex=1 if rel in ("Ông nội", "Ông ngoại", "Chú", "Bác") else 2,
            birth_year=min(
                reg.year - 20,
                (father if not no_father else mother).birth_year - rng.randint(18, 35),
            ),
            ethnicity=eth,
            family=father.full_name.split()[0]
            if rel in ("Ông nội", "Chú", "Bác", "Cô") and father.ethnicity in people.KINH_LIKE
            else None,
        )
    # --- numbers -------------------------------------------------------------------------------
    suffix_opts = {
        "tt04_2020": [(None, 5), ("KS", 1)],
        "tt15_2015": [(None, 4), ("KS", 2)],
        "old_1999": [(None, 5), ("KS", 2)],
        "trich_luc": [("TLKS-BS", 5), ("TLKS", 2), ("BS", 1)],
    }[variant]
    suffix = number_suffix(rng, suffix_opts)
    numbers = registration_numbers(rng, suffix, reg.year, max_number=480, max_book=6)
    number_text = f"Số: {numbers.number_printed}"
    book_text = f"Quyển số: {numbers.book_printed}"

    style = draw_style(
        rng,
        typewriter=variant == "old_1999" and rng.random() < 0.35,
        leader_share=0.7 if variant == "old_1999" else 0.45,
    )
    form = Form(rng, style)
    p = form.page
    layout: dict = {"doc_type": "birth_registration", "variant": variant} | style.as_dict()
    fields = empty_fields("birth_registration")
    printed: dict = {}

    abbreviated = rng.random() < 0.4
    auth_text = auth.full_text(rng, abbreviated)
    show_authority_block = variant in ("trich_luc", "old_1999") or rng.random() < 0.5
    number_in_header = show_authority_block and variant == "trich_luc"
    layout["header"] = draw_header(
        form,
        rng,
        auth.header_lines() if show_authority_block else None,
        number_text if number_in_header else None,
    )
    # title
    title = "TRÍCH LỤC KHAI SINH" if variant == "trich_luc" else "GIẤY KHAI SINH"
    tf = form.bold.with_(pt=style.size_pt * rng.uniform(1.3, 1.7))
    form.newline(0.5)
    form.y += tf.px * 0.5
    form.center(title, tf)
    form.y += tf.px * 0.4
    if variant == "trich_luc":
        form.newline(0.8)
        form.center("(Bản sao)", form.italic)
    elif variant == "old_1999" and rng.random() < 0.6:
        form.newline(0.8)
        form.center(rng.choice(("(BẢN CHÍNH)", "(Bản chính)", "BẢN SAO")), form.italic)
    form.newline(1.2)

    # Số / Quyển số
    if not number_in_header:
        if rng.random() < 0.5:
            form.fields_inline(
                [("Số:", number_text[4:]), ("Quyển số:", book_text[10:])], [0.0, 0.5]
            )
        else:
            cx = (form.x0 + form.x1) / 2
            form.page.text_center(cx, form.y, f"{number_text}     {book_text}", form.font)
            form.newline()
    else:
        form.field("Quyển số:", book_text[10:])
    fields |= numbers.fields()
    printed |= numbers.printed()

    name_label = "Họ, chữ đệm, tên:" if variant in ("tt04_2020", "trich_luc") else "Họ và tên:"
    if variant != "old_1999" and rng.random() < 0.25:
        name_label = rng.choice(("Họ, chữ đệm, tên:", "Họ và tên:"))
    child_name = form.name(child.full_name)
    form.field(
        name_label,
        child_name,
        value_font=form.value_font.with_(style="bold") if rng.random() < 0.6 else None,
    )
    fields["child_full_name"] = child.upper
    fields["child_family_name"], fields["child_given_name"] = people.split_name(child.upper)
    printed["child_full_name"] = child_name

    # date of birth
    dob_style = rng.choice(("slash", "slash", "words_long", "words_short", "dash"))
    dob_text = vntext.format_date(dob, dob_style)
    words = vntext.date_words(dob, rng)
    words_mode = {
        "tt04_2020": rng.choice(("ghi", "paren", "none")),
        "tt15_2015": rng.choice(("ghi", "paren", "line")),
        "old_1999": rng.choice(("paren", "line", "none")),
        "trich_luc": rng.choice(("ghi", "none")),
    }[variant]
    if words_mode == "ghi":
        form.field("Ngày, tháng, năm sinh:", f"{dob_text}   ghi bằng chữ: {words}")
    elif words_mode == "paren":
        form.field("Ngày, tháng, năm sinh:", f"{dob_text} ({words})")
    elif words_mode == "line":
        form.field("Ngày, tháng, năm sinh:", dob_text)
        form.field("Ghi bằng chữ:", words)
    else:
        form.field("Ngày, tháng, năm sinh:", dob_text)
    fields["child_date_of_birth"] = dob.isoformat()
    printed["child_date_of_birth"] = dob_text
    layout["date_of_birth_words"] = words_mode

    sex_text = "Nam" if sex == 1 else "Nữ"
    eth_text = people.print_ethnicity(rng, child_eth)
    nat_text = "Việt Nam"
    if variant == "old_1999" and rng.random() < 0.5:
        form.field("Giới tính:", sex_text)
        form.fields_inline([("Dân tộc:", eth_text), ("Quốc tịch:", nat_text)], [0.0, 0.45])
    else:
        cols = rng.choice(([0.0, 0.3, 0.62], [0.0, 0.34, 0.66], [0.0, 0.28, 0.58]))
        form.fields_inline(
            [("Giới tính:", sex_text), ("Dân tộc:", eth_text), ("Quốc tịch:", nat_text)], cols
        )
    fields["child_sex"] = sex
    fields["child_ethnicity"] = child_eth
    fields["child_ethnicity_code"] = child.ethnicity_code
    fields["child_nationality"] = "VN"
    printed |= {"child_sex": sex_text, "child_ethnicity": eth_text, "child_nationality": nat_text}

    form.field("Nơi sinh:", pob_text)
    fields["child_place_of_birth_text"] = pob_text
    fields["child_place_of_birth_province_code"] = pob_prov
    printed["child_place_of_birth_text"] = pob_text
    form.field("Quê quán:", hometown)
    fields["child_hometown_text"] = hometown
    printed["child_hometown_text"] = hometown
    if variant in ("tt04_2020", "trich_luc"):
        pid = child.personal_id if has_pid else None
        form.field("Số định danh cá nhân:", " ".join(pid) if pid and rng.random() < 0.15 else pid)
        fields["child_personal_id"] = pid
        if pid:
            printed["child_personal_id"] = pid

    # parents
    parents = [("mother", "mẹ", mother, m_res), ("father", "cha", father, f_res)]
    parents_layout = "table" if variant == "old_1999" and rng.random() < 0.75 else "stacked"
    if variant == "tt15_2015" and rng.random() < 0.3:
        parents_layout = "table"
    layout["parents_layout"] = parents_layout
    parent_vals = {}
    for key, _word, person, res in parents:
        absent = key == "father" and no_father
        vals = {
            "name": None if absent else form.name(person.full_name),
            "year": None if absent else str(person.birth_year),
            "eth": None if absent else people.print_ethnicity(rng, person.ethnicity),
            "nat": None if absent else "Việt Nam",
            "res": None if absent else res,
        }
        parent_vals[key] = vals
        if not absent:
            fields[f"{key}_full_name"] = person.upper
            fields[f"{key}_birth_year"] = person.birth_year
            fields[f"{key}_ethnicity_code"] = person.ethnicity_code
            fields[f"{key}_nationality"] = "VN"
            fields[f"{key}_residence_text"] = res
            printed |= {
                f"{key}_full_name": vals["name"],
                f"{key}_birth_year": vals["year"],
                f"{key}_ethnicity": vals["eth"],
                f"{key}_nationality": vals["nat"],
                f"{key}_residence_text": res,
            }
    if parents_layout == "stacked":
        order = parents if rng.random() < 0.75 else parents[::-1]
        res_label = rng.choice(("Nơi cư trú:", "Nơi cư trú:", "Nơi thường trú:"))
        for _key, word, _person, _res in order:
            vals = parent_vals[_key]
            form.newline(0.15)
            lab = (
                f"Họ, chữ đệm, tên người {word}:"
                if name_label.startswith("Họ,")
                else f"Họ và tên {word}:"
            )
            form.field(lab, vals["name"])
            form.fields_inline(
                [
                    ("Năm sinh:", vals["year"]),
                    ("Dân tộc:", vals["eth"]),
                    ("Quốc tịch:", vals["nat"]),
                ],
                [0.0, 0.3, 0.62],
            )
            form.field(res_label, vals["res"])
    else:
        form.newline(0.2)
        lw = (form.x1 - form.x0) * 0.24
        cw = (form.x1 - form.x0 - lw) / 2
        first, second = ("mother", "father") if rng.random() < 0.6 else ("father", "mother")
        head = {"mother": "Mẹ", "father": "Cha"}
        rows = [["Phần khai về cha, mẹ" if rng.random() < 0.5 else "", head[first], head[second]]]
        for label, k in (
            ("Họ và tên", "name"),
            ("Năm sinh", "year"),
            ("Dân tộc", "eth"),
            ("Quốc tịch", "nat"),
            ("Nơi thường trú", "res"),
        ):
            rows.append([label, parent_vals[first][k] or "", parent_vals[second][k] or ""])
        y_top = form.y - form.font.px * 1.0
        spans = p.table(
            form.x0,
            y_top,
            [lw, cw, cw],
            rows,
            form.font.with_(pt=style.size_pt * 0.95),
            header_font=form.bold,
            pad=form.font.px * 0.35,
            line_gap=min(1.5, style.line_spacing * 0.85),
        )
        form.y = spans[-1][1] + form.lh * 0.9
        layout["parents_table_order"] = [first, second]

    # declarant
    form.newline(0.15)
    decl_name = form.name(declarant.full_name)
    if variant == "old_1999":
        form.fields_inline([("Họ và tên người đi khai sinh:", decl_name)], [0.0])
        form.field("Quan hệ với người được khai sinh:", rel)
        fields["declarant_relationship"] = rel
        printed["declarant_relationship"] = rel
    elif variant == "tt15_2015":
        form.field("Họ và tên người đi khai sinh:", decl_name)
        if rng.random() < 0.7:
            form.field("Quan hệ với người được khai sinh:", rel)
            fields["declarant_relationship"] = rel
            printed["declarant_relationship"] = rel
    else:
        form.field("Họ, chữ đệm, tên người đi khai sinh:", decl_name)
        doc = declarant.personal_id or declarant.legacy_id
        if doc and rng.random() < 0.7:
            kind = "Căn cước công dân" if len(doc) == 12 else "Chứng minh nhân dân"
            form.field("Giấy tờ tùy thân:", f"{kind} số {doc}")
    fields["declarant_full_name"] = declarant.upper
    printed["declarant_full_name"] = decl_name

    # place and date of registration
    reg_style = rng.choice(("slash", "words_long", "words_short"))
    reg_text = vntext.format_date(reg, reg_style)
    copy_date = None
    # the header alone is the authority only where its commune line names one commune (the
    # condition after the draw keeps every other page as it was)
    if variant != "old_1999" or rng.random() < 0.4 or not auth.names_itself():
        form.field("Nơi đăng ký khai sinh:", auth_text)
        fields["registration_authority_text"] = auth_text
        printed["registration_authority_text"] = auth_text
        form.field("Ngày, tháng, năm đăng ký:", reg_text)
        printed["registration_date"] = reg_text
    else:
        # old form: the authority is the header block, the date the place-date line
        fields["registration_authority_text"] = " ".join(auth.header_lines()[-1:])
        printed["registration_authority_text"] = fields["registration_authority_text"]
    fields["registration_date"] = reg.isoformat()
    fields["registration_commune_code"] = auth.commune_code
    layout["authority_scheme"] = auth.scheme
    layout["authority_old_commune_split"] = bool(auth.old and auth.old.split)

    if variant == "trich_luc":
        copy_date = people.random_date(rng, reg, max(reg, dt.date(2025, 12, 28)))
        place_date = place_date_line(auth.place_name, copy_date)
        titles = (
            ["NGƯỜI KÝ TRÍCH LỤC"]
            if rng.random() < 0.5
            else ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        )
        note = (
            "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
            if titles[0].startswith("NGƯỜI")
            else None
        )
        layout["copy_issue_date"] = copy_date.isoformat()
    elif variant == "old_1999":
        place_date = place_date_line(auth.place_name, reg)
        printed.setdefault("registration_date", place_date)
        titles = ["TM. ỦY BAN NHÂN DÂN", rng.choice(("CHỦ TỊCH", "KT. CHỦ TỊCH"))]
        note = None
    else:
        place_date = place_date_line(auth.place_name, reg) if rng.random() < 0.5 else None
        titles = (
            ["NGƯỜI KÝ GIẤY KHAI SINH"]
            if rng.random() < 0.6
            else ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        )
        note = (
            "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
            if titles[0].startswith("NGƯỜI")
            else None
        )
    form.newline(0.4)
    left = None
    if rng.random() < 0.35:
        left = (
            ["Người thực hiện", "(Ký, ghi rõ họ tên)"]
            if variant != "old_1999"
            else ["Cán bộ Tư pháp - Hộ tịch"]
        )
    signer = form.name(signer_name(rng))
    layout["signature_block"] = draw_signature_block(
        form,
        rng,
        place_date=place_date,
        titles=titles,
        note=note,
        signer=signer,
        seal_text=auth.seal_text(),
        seal_over_value=rng.random() < 0.3,
        left_block=left,
    )
    layout["signer"] = signer
    return Rendered(page=p, fields=fields, printed=printed, layout=layout)
