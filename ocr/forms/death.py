"""Trích lục khai tử / Giấy chứng tử (death registration): labels, sections and field rules.

Labels follow the extract of Circular 04/2020/TT-BTP (``TRÍCH LỤC KHAI TỬ``, ``Họ, chữ đệm,
tên``, ``Nơi cư trú cuối cùng``, ``Đã chết vào lúc: 14 giờ 30 phút, ngày …``) and older
certificates (``GIẤY CHỨNG TỬ``, ``Họ và tên người chết``, ``Ngày, giờ chết``, ``Năm sinh``).
When the time and the date of death share one value, ``date_of_death`` is the date part and
``time_of_death`` the time part, both as printed; normalisation turns them into ISO date and
``HH:MM``. The declarant's block opens at ``Họ, chữ đệm, tên người đi khai tử``.
"""

from __future__ import annotations

import re

from ocr.extract import YEAR_VALUE, FieldRule, FormSpec, Label, Section
from ocr.forms.birth import (
    REGISTRATION_NUMBER,
    _compact_number,
    _cut_date,
    book_by_shape,
    number_by_shape,
    registration_fallbacks,
)
from ocr.forms.marriage import number_beside_book, wrapped_dates
from sohoa.national_format import EXTRACTED_FIELDS


def L(key: str, variants: tuple[str, ...], **kw) -> Label:
    """A label whose longer variants are tried first (an exact longer match wins a tie)."""
    return Label(key, tuple(sorted(variants, key=len, reverse=True)), **kw)


LABELS = (
    L("number", ("Số",), min_score=1.0, needs_colon=True),
    L("book", ("Quyển số",), min_score=0.8),
    # the long and short name labels are kept apart so that a long label read with a slip
    # ("Họ và tên người chết") is not taken for its exact prefix ("Họ và tên")
    L("full_name", ("Họ, chữ đệm, tên", "Họ và tên", "Họ, chữ đệm và tên", "Họ tên")),
    L("deceased_name", ("Họ, chữ đệm, tên người chết", "Họ và tên người chết",
                        "Họ, chữ đệm, tên người đã chết", "Họ và tên người đã chết")),
    L("declarant_name", ("Họ, chữ đệm, tên người đi khai tử", "Họ và tên người đi khai tử",
                         "Người đi khai tử", "Họ, chữ đệm, tên người khai tử",
                         "Họ và tên người khai tử")),
    L("date_of_birth", ("Ngày, tháng, năm sinh", "Sinh ngày", "Ngày sinh")),
    L("birth_year", ("Năm sinh",), value=YEAR_VALUE),
    L("sex", ("Giới tính",)),
    L("ethnicity", ("Dân tộc",)),
    L("nationality", ("Quốc tịch",)),
    L("personal_id", ("Số định danh cá nhân", "Số ĐDCN", "Số định danh", "Số CCCD",
                      "Giấy tờ tùy thân", "Giấy tờ tuỳ thân")),
    L("residence", ("Nơi cư trú cuối cùng", "Nơi thường trú cuối cùng", "Nơi cư trú",
                    "Nơi thường trú", "Nơi cư trú trước khi chết")),
    L("death_at", ("Đã chết vào lúc", "Chết vào lúc", "Ngày, giờ chết", "Thời gian chết",
                   "Chết lúc")),
    L("death_date", ("Ngày, tháng, năm chết", "Ngày chết", "Chết ngày")),
    L("death_time", ("Giờ chết", "Giờ, phút chết")),
    L("place_of_death", ("Nơi chết",)),
    L("cause", ("Nguyên nhân chết", "Nguyên nhân")),
    L("relationship", ("Quan hệ với người chết", "Quan hệ với người đã chết",
                       "Quan hệ với người được khai tử")),
    L("authority", ("Nơi đăng ký khai tử", "Cơ quan đăng ký khai tử")),
    L("authority_short", ("Nơi đăng ký", "Cơ quan đăng ký")),
    L("registration_date", ("Ngày, tháng, năm đăng ký", "Ngày đăng ký", "Ngày đăng ký khai tử")),
)  # fmt: skip

SECTIONS = (Section("declarant", "declarant_name"),)

# "14 giờ 30 phút", "14 giờ", "14:30", "14h30" (OCR may drop the tone marks of giờ / phút)
_TIME = re.compile(
    r"(?<!\d)([01]?\d|2[0-3])\s*(?:gi[ờoòơ]\w*\s*(?:(\d{1,2})\s*ph[úu]t)?|[:hH]\s*(\d{2})(?!\s*[/.\-]\s*\d))",
    re.I,
)


def time_part(text: str) -> str:
    """The time as printed in ``14 giờ 30 phút, ngày 05/03/2021`` (``14 giờ 30 phút``)."""
    m = _TIME.search(text)
    return m.group(0).strip(" ,;") if m else ""


def date_part(text: str) -> str:
    """The date as printed after the time: ``ngày 05/03/2021`` of ``14:30, ngày 05/03/2021``."""
    m = _TIME.search(text)
    rest = text[m.end() :] if m and m.start() < 3 else text
    return rest.split("(")[0].strip(" ,;:-")


R = FieldRule
_STARTS_WITH_DIGIT = re.compile(r"^\d.*")
RULES = (
    R("registration_number", "number", post=_compact_number, pattern=REGISTRATION_NUMBER),
    R("book_number", "book", post=_compact_number, pattern=_STARTS_WITH_DIGIT),
    R("deceased_full_name", "deceased_name"),
    R("deceased_full_name", "full_name", "main"),
    R("deceased_sex", "sex", "main"),
    R("deceased_date_of_birth", "date_of_birth", "main", post=_cut_date, date=True),
    R("deceased_date_of_birth", "birth_year", "main", date=True),
    R("deceased_ethnicity", "ethnicity", "main"),
    R("deceased_nationality", "nationality", "main", multiline=True),
    R("deceased_personal_id", "personal_id", "main"),
    R("deceased_last_residence_text", "residence", "main", multiline=True),
    R("date_of_death", "death_date", post=_cut_date, date=True),
    R("date_of_death", "death_at", post=date_part, date=True),
    R("time_of_death", "death_time", post=time_part),
    R("time_of_death", "death_at", post=time_part),
    R("place_of_death_text", "place_of_death", multiline=True),
    R("cause_of_death", "cause", multiline=True),
    R("declarant_full_name", "declarant_name"),
    R("declarant_relationship", "relationship"),
    R("registration_authority_text", "authority", multiline=True),
    R("registration_authority_text", "authority_short", multiline=True),
    R("registration_date", "registration_date", post=_cut_date, date=True),
)

DEATH = FormSpec(
    doc_type="death_registration",
    fields=EXTRACTED_FIELDS["death_registration"],
    labels=LABELS,
    sections=SECTIONS,
    rules=RULES,
    first_section="main",
    fallbacks=(
        wrapped_dates,
        number_beside_book,
        number_by_shape,
        book_by_shape,
        registration_fallbacks,
    ),
    numbers=("deceased_personal_id",),
)
