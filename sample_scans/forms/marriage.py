"""Giấy chứng nhận kết hôn (marriage registration), three layouts.

- ``two_column``: the 2016/2020 form: a Chồng | Vợ table (name, date of birth, ethnicity,
  nationality, residence, identity paper);
- ``stacked``: a husband block then a wife block, labelled lines;
- ``old``: an older form (``Họ và tên chồng / vợ``, ``Nơi thường trú``, ``Số CMND``) with the
  number and book at the foot of the page and the date only in the place-date line.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import people, vntext
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

VARIANTS = ("two_column", "stacked", "old")


def _id_text(rng: random.Random, p: people.Person, when: dt.date) -> tuple[str | None, str | None]:
    """(printed identity paper, truth digits)."""
    pid = p.personal_id if when.year >= 2016 else None
    if pid and rng.random() < 0.75:
        kind = rng.choice(
            ("Căn cước công dân số", "CCCD số", "Số định danh cá nhân:", "Căn cước số")
        )
        return f"{kind} {pid}", pid
    if p.legacy_id:
        kind = rng.choice(("Chứng minh nhân dân số", "CMND số", "Giấy CMND số"))
        return f"{kind} {p.legacy_id}", p.legacy_id
    return None, None


def render(rng: random.Random, variant: str | None = None) -> Rendered:
    variant = variant or rng.choices(VARIANTS, weights=[4, 3, 3])[0]
    lo = dt.date(1985, 1, 1) if variant == "old" else dt.date(2016, 1, 1)
    hi = dt.date(2015, 12, 31) if variant == "old" else dt.date(2025, 12, 20)
    reg = people.random_date(rng, lo, hi)
    auth = draw_authority(rng, reg)
    eth = people.draw_ethnicity(rng)
    h_age, w_age = rng.randint(20, 45), rng.randint(18, 40)

    def dob(age: int) -> dt.date:
        return reg - dt.timedelta(days=rng.randint(age * 366 + 2, age * 366 + 360))

    husband = people.make_person(rng, sex=1, date_of_birth=dob(h_age), ethnicity=eth, id_on=reg)
    wife = people.make_person(
        rng,
        sex=2,
        date_of_birth=dob(w_age),
        ethnicity=eth if rng.random() < 0.85 else None,
        id_on=reg,
    )
    if husband.legacy_id is None:
        husband.legacy_id = people.legacy_id(rng)
    if wife.legacy_id is None:
        wife.legacy_id = people.legacy_id(rng)

    style = draw_style(rng, typewriter=variant == "old" and rng.random() < 0.3)
    form = Form(rng, style)
    p = form.page
    layout: dict = {"doc_type": "marriage_registration", "variant": variant} | style.as_dict()
    fields = empty_fields("marriage_registration")
    printed: dict = {}

    suffix = number_suffix(rng, [(None, 5), ("KH", 1), ("TLKH-BS", 1)])
    numbers = registration_numbers(rng, suffix, reg.year, max_number=160, max_book=3)
    fields |= numbers.fields()
    printed |= numbers.printed()

    show_block = variant == "old" or rng.random() < 0.5
    layout["header"] = draw_header(form, rng, auth.header_lines() if show_block else None)
    tf = form.bold.with_(pt=style.size_pt * rng.uniform(1.3, 1.6))
    form.newline(0.5)
    form.y += tf.px * 0.5
    form.center("GIẤY CHỨNG NHẬN KẾT HÔN", tf)
    form.y += tf.px * 0.3
    form.newline(1.2)
    if variant != "old":
        form.fields_inline(
            [("Số:", numbers.number_printed), ("Quyển số:", numbers.book_printed)], [0.0, 0.5]
        )

    date_style = rng.choice(("slash", "slash", "words_long", "words_short", "dash"))
    abbreviated = rng.random() < 0.4
    auth_text = auth.full_text(rng, abbreviated)
    data = {}
    for who, person in (("husband", husband), ("wife", wife)):
        id_text, id_digits = _id_text(rng, person, reg)
        data[who] = {
            "name": form.name(person.full_name),
            "dob": vntext.format_date(person.date_of_birth, date_style),
            "eth": people.print_ethnicity(rng, person.ethnicity),
            "nat": "Việt Nam",
            "res": residence_text(rng, reg, minority=person.minority_name, near=auth)[0],
            "id": id_text,
        }
        fields |= {
            f"{who}_full_name": person.upper,
            f"{who}_date_of_birth": person.date_of_birth.isoformat(),
            f"{who}_ethnicity_code": person.ethnicity_code,
            f"{who}_nationality": "VN",
            f"{who}_residence_text": data[who]["res"],
            f"{who}_id_number": id_digits,
        }
        printed |= {
            f"{who}_full_name": data[who]["name"],
            f"{who}_date_of_birth": data[who]["dob"],
            f"{who}_ethnicity": data[who]["eth"],
            f"{who}_nationality": "Việt Nam",
            f"{who}_residence_text": data[who]["res"],
        }
        if id_text:
            printed[f"{who}_id_number"] = id_text

    if variant == "two_column":
        lw = (form.x1 - form.x0) * rng.uniform(0.22, 0.28)
        cw = (form.x1 - form.x0 - lw) / 2
        first, second = ("husband", "wife") if rng.random() < 0.7 else ("wife", "husband")
        head = {"husband": "Thông tin người chồng", "wife": "Thông tin người vợ"}
        if rng.random() < 0.5:
            head = {"husband": "Chồng", "wife": "Vợ"}
        rows = [["", head[first], head[second]]]
        for lab, k in (
            ("Họ, chữ đệm, tên", "name"),
            ("Ngày, tháng, năm sinh", "dob"),
            ("Dân tộc", "eth"),
            ("Quốc tịch", "nat"),
            ("Nơi cư trú", "res"),
            ("Giấy tờ tùy thân", "id"),
        ):
            rows.append([lab, data[first][k] or "", data[second][k] or ""])
        spans = p.table(
            form.x0,
            form.y - form.font.px,
            [lw, cw, cw],
            rows,
            form.font.with_(pt=style.size_pt * 0.95),
            header_font=form.bold,
            line_gap=min(1.5, style.line_spacing * 0.85),
        )
        form.y = spans[-1][1] + form.lh
        layout["table_order"] = [first, second]
    else:
        for who, word in (("husband", "chồng"), ("wife", "vợ")):
            d = data[who]
            form.newline(0.2)
            if variant == "old":
                form.field(f"Họ và tên {word}:", d["name"])
                form.fields_inline(
                    [("Ngày sinh:", d["dob"]), ("Dân tộc:", d["eth"]), ("Quốc tịch:", d["nat"])],
                    [0.0, 0.45, 0.7],
                )
                form.field("Nơi thường trú:", d["res"])
                form.field("Số CMND/Giấy tờ:", d["id"])
            else:
                form.field(f"Họ, chữ đệm, tên người {word}:", d["name"])
                form.field("Ngày, tháng, năm sinh:", d["dob"])
                form.fields_inline([("Dân tộc:", d["eth"]), ("Quốc tịch:", d["nat"])], [0.0, 0.45])
                form.field("Nơi cư trú:", d["res"])
                form.field("Giấy tờ tùy thân:", d["id"])

    reg_text = vntext.format_date(reg, rng.choice(("slash", "words_long", "words_short")))
    form.newline(0.2)
    fields["registration_date"] = reg.isoformat()
    fields["registration_commune_code"] = auth.commune_code
    if variant != "old" or rng.random() < 0.5 or not auth.names_itself():
        form.field(rng.choice(("Nơi đăng ký kết hôn:", "Nơi đăng ký:")), auth_text)
        fields["registration_authority_text"] = auth_text
        form.field("Ngày, tháng, năm đăng ký:", reg_text)
        printed["registration_date"] = reg_text
    else:
        fields["registration_authority_text"] = auth.header_lines()[-1]
    printed["registration_authority_text"] = fields["registration_authority_text"]
    layout["authority_scheme"] = auth.scheme

    form.newline(0.4)
    place_date = (
        place_date_line(auth.place_name, reg) if (variant == "old" or rng.random() < 0.5) else None
    )
    if variant == "old":
        printed.setdefault("registration_date", place_date)
    titles = (
        ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        if rng.random() < 0.5
        else ["NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN"]
    )
    note = "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)" if len(titles) == 1 else None
    y_sig = form.y
    signer = form.name(signer_name(rng))
    layout["signature_block"] = draw_signature_block(
        form,
        rng,
        place_date=place_date,
        titles=titles,
        note=note,
        signer=signer,
        seal_text=auth.seal_text(),
        seal_over_value=rng.random() < 0.25,
    )
    # the couple sign on the left
    lcx = form.x0 + (form.x1 - form.x0) * 0.2
    yy = y_sig + (form.lh * 0.95 if place_date else 0)
    for word, person in (("Chồng", husband), ("Vợ", wife)):
        p.text_center(lcx, yy, word, form.bold)
        p.signature(
            lcx - form.font.px * 3, yy + form.font.px * 0.4, form.font.px * 6, form.font.px * 2, rng
        )
        yy += form.font.px * 3.4
        p.text_center(lcx, yy, form.name(person.full_name), form.font)
        yy += form.lh * 1.1
    form.y = max(form.y, yy)
    if variant == "old":
        form.newline(0.3)
        form.fields_inline(
            [("Số:", numbers.number_printed), ("Quyển số:", numbers.book_printed)], [0.0, 0.4]
        )
    layout["signer"] = signer
    return Rendered(page=p, fields=fields, printed=printed, layout=layout)
