"""Trích lục khai tử / Giấy chứng tử (death registration), three layouts.

- ``trich_luc_2020``: ``TRÍCH LỤC KHAI TỬ (Bản sao)``, ``Số: 45/TLKT-BS``, the time and date of
  death on one line (``Đã chết vào lúc: 14 giờ 30 phút, ngày 05/03/2021``);
- ``trich_luc_plain``: the same content with ``Họ và tên`` labels, separate date and time lines
  and an inline ``Giới tính / Dân tộc / Quốc tịch`` line;
- ``chung_tu_old``: an older ``GIẤY CHỨNG TỬ`` with ``Ngày, giờ chết`` and year-only births for
  the elderly.
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

VARIANTS = ("trich_luc_2020", "trich_luc_plain", "chung_tu_old")
CAUSES = (
    "Bệnh", "Già yếu", "Bệnh già", "Tai nạn giao thông", "Bệnh tim", "Ung thư phổi", "Đột quỵ",
    "Suy hô hấp", "Ung thư gan", "Tai biến mạch máu não", "Suy tim", "Đuối nước", "Bệnh phổi",
    "Xơ gan", "Tai nạn lao động",
)  # fmt: skip
DECLARANT_RELS = ("Con", "Con trai", "Con gái", "Vợ", "Chồng", "Cháu", "Anh", "Em", "Chị")


def render(rng: random.Random, variant: str | None = None) -> Rendered:
    variant = variant or rng.choices(VARIANTS, weights=[4, 3, 3])[0]
    if variant == "chung_tu_old":
        death = people.random_date(rng, dt.date(1980, 1, 1), dt.date(2015, 12, 31))
    else:
        death = people.random_date(rng, dt.date(2010, 1, 1), dt.date(2025, 12, 10))
    age = min(104, max(0, int(rng.triangular(1, 100, 78))))
    dob = death - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    reg = death + dt.timedelta(
        days=rng.randint(1, 30) if rng.random() < 0.85 else rng.randint(31, 3000)
    )
    reg = min(reg, dt.date(2025, 12, 20))
    auth = draw_authority(rng, reg)
    sex = rng.choice((1, 2))
    deceased = people.make_person(rng, sex=sex, date_of_birth=dob, id_on=reg)
    year_only = variant == "chung_tu_old" and dob.year < 1950 and rng.random() < 0.6
    has_pid = variant != "chung_tu_old" and deceased.personal_id is not None and reg.year >= 2016
    if has_pid:
        deceased.personal_id = people.personal_id(rng, sex, dob.year, "0" + auth.old_province_code)
    res, _ = residence_text(rng, death, minority=deceased.minority_name, near=auth)
    r = rng.random()
    if r < 0.55:
        place = "Tại nhà, " + res if rng.random() < 0.5 else res
    elif r < 0.85:
        place = rng.choice(
            (
                "Bệnh viện Đa khoa tỉnh Lâm Đồng",
                "Bệnh viện II Lâm Đồng",
                "Bệnh viện Đa khoa khu vực Bảo Lộc",
                "Trung tâm Y tế huyện Di Linh",
                "Bệnh viện Chợ Rẫy, Thành phố Hồ Chí Minh",
                "Bệnh viện Đa khoa tỉnh Bình Thuận",
                "Bệnh viện Đa khoa tỉnh Đắk Nông",
            )
        )
    else:
        place = rng.choice(
            (
                "Trên đường đi cấp cứu",
                f"Quốc lộ 20, {res.split(', ', 1)[1]}",
                f"Quốc lộ 27, {res.split(', ', 1)[1]}",
            )
        )
    has_time = variant != "chung_tu_old" or rng.random() < 0.6
    hh, mm = rng.randint(0, 23), rng.choice((0, 0, 15, 30, 45, rng.randint(0, 59)))
    cause = rng.choice(CAUSES)
    if age >= 40:
        rel = rng.choice(DECLARANT_RELS)
        if rel in ("Vợ", "Chồng"):
            rel = "Vợ" if sex == 1 else "Chồng"
        d_year = (
            dob.year + rng.randint(20, 35)
            if rel.startswith(("Con", "Cháu"))
            else dob.year + rng.randint(-8, 8)
        )
    else:
        rel = rng.choice(("Cha", "Mẹ", "Bố", "Anh", "Chị"))
        d_year = (
            dob.year - rng.randint(20, 38)
            if rel in ("Cha", "Mẹ", "Bố")
            else dob.year - rng.randint(1, 10)
        )
    d_year = min(d_year, reg.year - 18)
    dsex = (
        2
        if rel in ("Vợ", "Con gái", "Chị", "Mẹ")
        else 1
        if rel in ("Chồng", "Con trai", "Anh", "Cha", "Bố")
        else None
    )
    same_family = deceased.ethnicity in people.KINH_LIKE and (
        (sex == 1 and rel.startswith("Con")) or rel in ("Anh", "Chị", "Em", "Cha", "Bố")
    )
    declarant = people.make_person(
        rng,
        sex=dsex,
        birth_year=d_year,
        ethnicity=deceased.ethnicity,
        id_on=reg,
        family=deceased.full_name.split()[0] if same_family else None,
    )

    style = draw_style(rng, typewriter=variant == "chung_tu_old" and rng.random() < 0.35)
    form = Form(rng, style)
    p = form.page
    layout: dict = {"doc_type": "death_registration", "variant": variant} | style.as_dict()
    fields = empty_fields("death_registration")
    printed: dict = {}

    suffix = number_suffix(
        rng,
        [("TLKT-BS", 5), ("TLKT", 2), (None, 2)]
        if variant != "chung_tu_old"
        else [(None, 4), ("KT", 1)],
    )
    numbers = registration_numbers(rng, suffix, reg.year, max_number=140, max_book=3)
    fields |= numbers.fields()
    printed |= numbers.printed()

    show_block = variant != "trich_luc_plain" or rng.random() < 0.5
    num_in_header = show_block and rng.random() < 0.5
    layout["header"] = draw_header(
        form,
        rng,
        auth.header_lines() if show_block else None,
        f"Số: {numbers.number_printed}" if num_in_header else None,
    )
    title = "GIẤY CHỨNG TỬ" if variant == "chung_tu_old" else "TRÍCH LỤC KHAI TỬ"
    tf = form.bold.with_(pt=style.size_pt * rng.uniform(1.3, 1.7))
    form.newline(0.5)
    form.y += tf.px * 0.5
    form.center(title, tf)
    form.y += tf.px * 0.3
    if variant != "chung_tu_old" and rng.random() < 0.7:
        form.newline(0.8)
        form.center(rng.choice(("(Bản sao)", "(BẢN SAO)", "(Bản chính)")), form.italic)
    form.newline(1.2)
    if num_in_header:
        form.field("Quyển số:", numbers.book_printed)
    else:
        form.fields_inline(
            [("Số:", numbers.number_printed), ("Quyển số:", numbers.book_printed)], [0.0, 0.5]
        )

    name_label = (
        "Họ, chữ đệm, tên:"
        if variant == "trich_luc_2020"
        else "Họ và tên người chết:"
        if variant == "chung_tu_old"
        else "Họ và tên:"
    )
    name = form.name(deceased.full_name)
    form.field(
        name_label,
        name,
        value_font=form.value_font.with_(style="bold") if rng.random() < 0.5 else None,
    )
    fields["deceased_full_name"] = deceased.upper
    printed["deceased_full_name"] = name
    dstyle = rng.choice(("slash", "slash", "words_long", "words_short"))
    if year_only:
        dob_text = str(dob.year)
        form.field("Năm sinh:", dob_text)
        fields["deceased_date_of_birth"] = str(dob.year)
    else:
        dob_text = vntext.format_date(dob, dstyle)
        form.field("Ngày, tháng, năm sinh:", dob_text)
        fields["deceased_date_of_birth"] = dob.isoformat()
    printed["deceased_date_of_birth"] = dob_text
    sex_text = "Nam" if sex == 1 else "Nữ"
    eth_text = people.print_ethnicity(rng, deceased.ethnicity)
    form.fields_inline(
        [("Giới tính:", sex_text), ("Dân tộc:", eth_text), ("Quốc tịch:", "Việt Nam")],
        rng.choice(([0.0, 0.3, 0.62], [0.0, 0.34, 0.66])),
    )
    fields |= {
        "deceased_sex": sex,
        "deceased_ethnicity_code": deceased.ethnicity_code,
        "deceased_nationality": "VN",
    }
    printed |= {
        "deceased_sex": sex_text,
        "deceased_ethnicity": eth_text,
        "deceased_nationality": "Việt Nam",
    }
    if variant != "chung_tu_old":
        pid = deceased.personal_id if has_pid else None
        if pid or rng.random() < 0.5:
            form.field("Số định danh cá nhân:", pid)
        fields["deceased_personal_id"] = pid
        if pid:
            printed["deceased_personal_id"] = pid
    res_label = (
        "Nơi cư trú cuối cùng:"
        if variant == "trich_luc_2020"
        else rng.choice(("Nơi cư trú cuối cùng:", "Nơi thường trú cuối cùng:", "Nơi cư trú:"))
    )
    form.field(res_label, res)
    fields["deceased_last_residence_text"] = res
    printed["deceased_last_residence_text"] = res

    ddate = vntext.format_date(death, rng.choice(("slash", "words_long", "words_short")))
    time_text = f"{hh} giờ {mm:02d} phút" if rng.random() < 0.7 else f"{hh:02d}:{mm:02d}"
    if variant == "trich_luc_2020":
        val = f"{time_text}, {ddate}" if has_time else ddate
        form.field("Đã chết vào lúc:", val)
    elif variant == "trich_luc_plain":
        form.field("Ngày, tháng, năm chết:", ddate)
        if has_time:
            form.field("Giờ chết:", time_text)
    else:
        form.field("Ngày, giờ chết:", f"{time_text} {ddate}" if has_time else ddate)
    fields["date_of_death"] = death.isoformat()
    fields["time_of_death"] = f"{hh:02d}:{mm:02d}" if has_time else None
    printed["date_of_death"] = ddate
    if has_time:
        printed["time_of_death"] = time_text
    form.field("Nơi chết:", place)
    fields["place_of_death_text"] = place
    printed["place_of_death_text"] = place
    form.field("Nguyên nhân chết:", cause)
    fields["cause_of_death"] = cause
    printed["cause_of_death"] = cause

    form.newline(0.2)
    dname = form.name(declarant.full_name)
    form.field(
        "Họ, chữ đệm, tên người đi khai tử:"
        if variant == "trich_luc_2020"
        else "Họ và tên người đi khai tử:",
        dname,
    )
    fields["declarant_full_name"] = declarant.upper
    printed["declarant_full_name"] = dname
    if variant != "trich_luc_2020" or rng.random() < 0.6:
        form.field("Quan hệ với người chết:", rel)
        fields["declarant_relationship"] = rel
        printed["declarant_relationship"] = rel
    auth_text = auth.full_text(rng, rng.random() < 0.4)
    reg_text = vntext.format_date(reg, rng.choice(("slash", "words_long", "words_short")))
    form.field("Nơi đăng ký khai tử:", auth_text)
    form.field("Ngày, tháng, năm đăng ký:", reg_text)
    fields |= {
        "registration_authority_text": auth_text,
        "registration_date": reg.isoformat(),
        "registration_commune_code": auth.commune_code,
    }
    printed |= {"registration_authority_text": auth_text, "registration_date": reg_text}
    layout["authority_scheme"] = auth.scheme

    form.newline(0.4)
    issue = (
        people.random_date(rng, reg, max(reg, dt.date(2025, 12, 28)))
        if variant != "chung_tu_old"
        else reg
    )
    layout["copy_issue_date"] = issue.isoformat()
    titles = rng.choice(
        (
            ["NGƯỜI KÝ TRÍCH LỤC"],
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        )
    )
    note = "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)" if len(titles) == 1 else None
    signer = form.name(signer_name(rng))
    layout["signature_block"] = draw_signature_block(
        form,
        rng,
        place_date=place_date_line(auth.place_name, issue),
        titles=titles,
        note=note,
        signer=signer,
        seal_text=auth.seal_text(),
        seal_over_value=rng.random() < 0.3,
    )
    layout["signer"] = signer
    return Rendered(page=p, fields=fields, printed=printed, layout=layout)
