"""A Faker-style provider of Vietnamese people as they appear in Lâm Đồng's records.

A clean library (reused later for a synthetic national residence database): every function takes
a ``random.Random`` and returns plain data; nothing is global or drawn from an unseeded source.

- names in family-middle-given order, Kinh family names at the frequencies of NATIONAL_FORMAT.md
  §4, middle names by sex and era, and minority people of Lâm Đồng (Cơ-ho, Mạ, Chu-ru, Mnông,
  Ê-đê, and migrants: Tày, Nùng, Mường, Hoa, Dao, Hmông …) with their ethnicity;
- 12-digit personal IDs whose digits 4-6 agree with sex and birth year, 9-digit legacy IDs;
- dates that hang together (parents 18-45 years older than a child, registration after birth).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from sohoa.national_format import KINH_FAMILY_NAMES

from . import admin

# --- ethnicities (1979 numbering, Decision 121-TCTK/PPCĐ; NATIONAL_FORMAT.md §1) ---------------

ETHNICITY_CODES: dict[str, str] = {
    "Kinh": "01", "Tày": "02", "Thái": "03", "Hoa": "04", "Khơ-me": "05", "Mường": "06",
    "Nùng": "07", "Hmông": "08", "Dao": "09", "Gia-rai": "10", "Ngái": "11", "Ê-đê": "12",
    "Ba-na": "13", "Xơ-đăng": "14", "Sán Chay": "15", "Cơ-ho": "16", "Chăm": "17",
    "Sán Dìu": "18", "Hrê": "19", "Mnông": "20", "Ra-glai": "21", "Xtiêng": "22",
    "Bru-Vân Kiều": "23", "Thổ": "24", "Giáy": "25", "Cơ-tu": "26", "Gié-Triêng": "27",
    "Mạ": "28", "Khơ-mú": "29", "Co": "30", "Tà-ôi": "31", "Chơ-ro": "32", "Kháng": "33",
    "Xinh-mun": "34", "Hà Nhì": "35", "Chu-ru": "36", "Lào": "37", "La Chí": "38",
    "La Ha": "39", "Phù Lá": "40", "La Hủ": "41", "Lự": "42", "Lô Lô": "43", "Chứt": "44",
    "Mảng": "45", "Pà Thẻn": "46", "Cờ Lao": "47", "Cống": "48", "Bố Y": "49", "Si La": "50",
    "Pu Péo": "51", "Brâu": "52", "Ơ-đu": "53", "Rơ-măm": "54",
}  # fmt: skip

# How forms spell an ethnicity (canonical name → printed variants, first is the usual one).
ETHNICITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Cơ-ho": ("Cơ Ho", "Cơ-ho", "K'Ho", "Cơ Ho"),
    "Hmông": ("Mông", "H'Mông", "Hmông"),
    "Khơ-me": ("Khmer", "Khơ-me"),
    "Chu-ru": ("Chu Ru", "Chu-ru", "Churu"),
    "Mnông": ("M'Nông", "Mnông", "Mơ Nông"),
    "Ê-đê": ("Ê Đê", "Ê-đê", "Êđê"),
    "Ra-glai": ("Raglai", "Ra-glai", "Ra Glai"),
    "Xtiêng": ("Xtiêng", "S'Tiêng"),
}


def ethnicity_code(name: str) -> str:
    return ETHNICITY_CODES[name]


def print_ethnicity(rng: random.Random, name: str) -> str:
    variants = ETHNICITY_SPELLINGS.get(name)
    return rng.choice(variants) if variants else name


# Ethnic make-up of the people drawn (rough, today's Lâm Đồng incl. Đắk Nông and Bình Thuận).
ETHNICITY_WEIGHTS: dict[str, float] = {
    "Kinh": 78.0, "Cơ-ho": 6.0, "Mạ": 1.5, "Chu-ru": 1.2, "Mnông": 2.0, "Ê-đê": 0.8,
    "Tày": 2.0, "Nùng": 2.0, "Mường": 1.0, "Hoa": 1.5, "Dao": 0.8, "Hmông": 0.8,
    "Thái": 0.6, "Chăm": 0.6, "Ra-glai": 0.6, "Xtiêng": 0.3, "Khơ-me": 0.3,
}  # fmt: skip

# --- names ------------------------------------------------------------------------------------

# NATIONAL_FORMAT.md §4 (Hoàng/Huỳnh and Vũ/Võ split evenly), the rest share the remainder.
FAMILY_NAME_WEIGHTS: dict[str, float] = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.0, "Hoàng": 2.5, "Huỳnh": 2.5,
    "Phan": 4.5, "Vũ": 2.0, "Võ": 2.0, "Đặng": 2.0, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5,
    "Đinh": 0.9, "Trương": 0.9, "Đào": 0.8, "Đoàn": 0.8, "Lương": 0.6, "Trịnh": 0.6,
    "Mai": 0.6, "Cao": 0.6, "Lâm": 0.5, "Hà": 0.5, "Tô": 0.4, "La": 0.3, "Quách": 0.3,
    "Vương": 0.3, "Tạ": 0.3, "Châu": 0.3, "Kiều": 0.2, "Lưu": 0.3, "Tống": 0.2, "Thái": 0.3,
    "Triệu": 0.2, "Phùng": 0.2, "Khổng": 0.1, "Lục": 0.1, "Mạc": 0.1, "Văn": 0.1, "Tăng": 0.1,
    "Thân": 0.1,
}  # fmt: skip
# Family names of northern minority migrants (Tày, Nùng, Mường, Dao, Hmông, Thái).
NORTHERN_MINORITY_FAMILY = {
    "Tày": ("Hoàng", "Nông", "Lục", "Vi", "Lương", "Đàm", "Hà", "Triệu", "Mã"),
    "Nùng": ("Hoàng", "Nông", "Lục", "Vi", "Lăng", "Chu", "Lý", "Mã"),
    "Mường": ("Bùi", "Đinh", "Quách", "Hà", "Xa"),
    "Dao": ("Triệu", "Bàn", "Lý", "Đặng", "Chảo"),
    "Hmông": ("Vàng", "Giàng", "Thào", "Sùng", "Lầu", "Hầu", "Mùa"),
    "Thái": ("Lò", "Lường", "Cầm", "Hà", "Vi", "Quàng"),
    "Hoa": ("Lâm", "Trương", "Lý", "Quách", "Châu", "Tăng", "Lưu", "Mạc", "Diệp", "Thái"),
    "Chăm": ("Đàng", "Thành", "Phú", "Quảng", "Lưu"),
    "Khơ-me": ("Thạch", "Sơn", "Danh", "Kim", "Lâm"),
}

MIDDLE_MALE = {
    "Văn": 30, "Hữu": 6, "Đức": 6, "Minh": 7, "Quốc": 5, "Thanh": 4, "Công": 4, "Xuân": 3,
    "Đình": 4, "Quang": 4, "Ngọc": 3, "Anh": 3, "Hoàng": 3, "Gia": 3, "Thế": 2, "Trọng": 2,
    "Duy": 2, "Bá": 2, "Tuấn": 2, "Tấn": 3, "Trung": 2, "Nhật": 2, "Thành": 2, "Khánh": 2,
}  # fmt: skip
MIDDLE_FEMALE = {
    "Thị": 40, "Ngọc": 7, "Thu": 4, "Thanh": 4, "Kim": 4, "Bảo": 3, "Minh": 3, "Phương": 3,
    "Hoài": 2, "Mỹ": 3, "Khánh": 3, "Hồng": 3, "Diệu": 2, "Quỳnh": 2, "Thùy": 3, "Thảo": 2,
    "Bích": 2, "Tường": 1, "Ánh": 2, "Hải": 1, "Tú": 1, "Như": 2, "Yến": 1,
}  # fmt: skip
GIVEN_MALE = (
    "Anh Bảo Bình Cường Dũng Duy Đạt Đức Hải Hiếu Hoàng Hùng Huy Khang Khoa Khôi Kiên Lâm Long "
    "Lực Minh Nam Nghĩa Phong Phúc Quân Quang Sơn Tài Tâm Thắng Thành Tiến Toàn Trí Trung Tuấn "
    "Tùng Việt Vinh Vũ Hưng Hậu Lộc Phát Thịnh Nhân Nguyên Thiện Hiệp Tú Hòa Lợi Thuận Tín "
    "Chiến Công Định Giang Hào Khải Mạnh Phước Quý Sang Thái Thông Trọng Tường Vương Bằng"
).split()
GIVEN_FEMALE = (
    "An Anh Bích Châu Chi Diễm Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hồng Huệ Hương Hường "
    "Huyền Lan Liên Linh Loan Mai My Nga Ngân Ngọc Nhi Nhung Oanh Phương Quyên Quỳnh Tâm Thảo "
    "Thu Thủy Thư Trang Trâm Tuyết Uyên Vân Vy Xuân Yến Lý Hậu Hoài Lài Sương Thơm Cúc Đào "
    "Nhàn Ánh Ngọc Thắm Tuyền Thanh Diệp Khuê Ly Thoa Trinh Vi"
).split()

# Minority names of the Central Highlands (upper case as on the forms; apostrophe forms vary).
COHO_CLANS = ("Liêng Hót", "Bon Đơng", "Cil", "Kơ Să", "Tou Prong", "Rơ Ông", "Đa Cat", "Lơ Mu")
COHO_GIVEN_MALE = (
    "Brồng Ha Krông Sơn Bình Tiếp Dương Hòa Lâm Kriêng Blông Điểu Jơi Đình Plin Tuấn Kơ Nhất Ha "
    "Mbrơi Jrang Yong Păng Trang Hiệp Hùng"
).split()
COHO_GIVEN_FEMALE = (
    "Nhi Hoa Hương Bông Liên Dung Mai Ly Hồng Lộc Thuận Trang Hen Sen Ngọc Jăn Brơi Nhung Thúy "
    "Phương Hà Bang Pang"
).split()
MNONG_GIVEN_MALE = "Bih Chông Nui Sanh Mơl Djô Hrăng Ling Lui Dju Kông Thuột Mrang".split()
MNONG_GIVEN_FEMALE = "Hen Nhi Blih Bia Mai Ngơn Dơng Hương Lam Ngun".split()
EDE_FAMILY = ("Niê", "Mlô", "Êban", "Ayun", "Byă", "Ksơr", "Adrơng", "Buôn Yă", "Hwing")
CHURU_FAMILY = ("Touneh", "Ya", "Ma", "Bơ Nah", "Pi Năng", "Ka Să", "Sơ Ngo")
RAGLAI_FAMILY = ("Chamaléa", "Katơr", "Pinăng", "Mấu", "Bo Bo")
MA_FAMILY = ("Điểu", "K'", "Ka")

KINH_LIKE = frozenset({"Kinh", "Tày", "Nùng", "Mường", "Hoa", "Dao", "Hmông", "Thái", "Chăm",
                       "Khơ-me"})  # fmt: skip


def upper_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


def title_vn(name: str) -> str:
    """``NGUYỄN THỊ HỒNG`` → ``Nguyễn Thị Hồng``; ``K' BRỒNG`` → ``K' Brồng``."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def family_name(rng: random.Random) -> str:
    """A Kinh family name at NATIONAL_FORMAT.md §4 frequencies (title case)."""
    return _weighted(rng, FAMILY_NAME_WEIGHTS)


def draw_ethnicity(rng: random.Random) -> str:
    return _weighted(rng, ETHNICITY_WEIGHTS)


def kinh_name(rng: random.Random, sex: int, birth_year: int, family: str | None = None) -> str:
    """A Kinh-style name: family, middle name(s), given name. Title case."""
    family = family or family_name(rng)
    old = birth_year < 1985
    if sex == 2:
        mid = "Thị" if rng.random() < (0.75 if old else 0.3) else _weighted(rng, MIDDLE_FEMALE)
        given = rng.choice(GIVEN_FEMALE)
    else:
        mid = "Văn" if rng.random() < (0.6 if old else 0.2) else _weighted(rng, MIDDLE_MALE)
        given = rng.choice(GIVEN_MALE)
    parts = [family]
    r = rng.random()
    if r < 0.04:
        pass  # no middle name
    elif r < 0.16 and not old:
        # two middle names, sometimes the mother's family name first ("Trần Lê Minh Khoa")
        table = MIDDLE_FEMALE if sex == 2 else MIDDLE_MALE
        plain = {k: v for k, v in table.items() if k not in ("Thị", "Văn")}
        first = family_name(rng) if rng.random() < 0.4 else _weighted(rng, plain)
        second = _weighted(rng, plain)
        parts += [first, second] if second != first else [first]
    else:
        parts.append(mid)
    if given == parts[-1]:
        given = rng.choice(GIVEN_FEMALE if sex == 2 else GIVEN_MALE)
    parts.append(given)
    return " ".join(parts)


def minority_name(rng: random.Random, ethnicity: str, sex: int, birth_year: int) -> str:
    """A name as minority people of Lâm Đồng write it on civil-status forms (title case)."""
    female = sex == 2
    if ethnicity in NORTHERN_MINORITY_FAMILY:
        return kinh_name(
            rng, sex, birth_year, family=rng.choice(NORTHERN_MINORITY_FAMILY[ethnicity])
        )
    if ethnicity == "Cơ-ho":
        given = rng.choice(COHO_GIVEN_FEMALE if female else COHO_GIVEN_MALE)
        prefix = "Ka" if female else "K'"
        if rng.random() < 0.35:
            return f"{rng.choice(COHO_CLANS)} {prefix} {given}"
        if rng.random() < 0.2:
            return f"{prefix} {given} {rng.choice(COHO_GIVEN_MALE)}".replace("K' K'", "K'")
        return f"{prefix} {given}"
    if ethnicity == "Mạ":
        given = rng.choice(COHO_GIVEN_FEMALE if female else COHO_GIVEN_MALE)
        if rng.random() < 0.5:
            return f"Điểu {'Thị ' if female else ''}{given}"
        return f"{'Ka' if female else 'K’'} {given}"
    if ethnicity in ("Mnông", "Ê-đê", "Xtiêng"):
        given = rng.choice(MNONG_GIVEN_FEMALE if female else MNONG_GIVEN_MALE)
        prefix = "H'" if female else "Y"
        if ethnicity == "Ê-đê" or rng.random() < 0.4:
            return f"{prefix} {given} {rng.choice(EDE_FAMILY)}"
        if rng.random() < 0.4:
            return f"Điểu {'Thị ' if female else ''}{given}"
        return f"{prefix} {given}"
    if ethnicity == "Chu-ru":
        given = rng.choice(COHO_GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{rng.choice(CHURU_FAMILY)} {'Ma ' if female and rng.random() < 0.4 else ''}{given}"
    if ethnicity == "Ra-glai":
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return (
            f"{rng.choice(RAGLAI_FAMILY)} Thị {given}"
            if female
            else (f"{rng.choice(RAGLAI_FAMILY)} {given}")
        )
    return kinh_name(rng, sex, birth_year)


def split_name(full_upper: str) -> tuple[str | None, str | None]:
    """(family, given) when the split is certain (first word a Kinh family name, ≥ 2 words)."""
    words = full_upper.split()
    if len(words) >= 2 and words[0] in KINH_FAMILY_NAMES:
        return words[0], words[-1]
    return None, None


# --- identity numbers ------------------------------------------------------------------------

# Pre-2025 3-digit province-of-birth codes a resident of today's Lâm Đồng carries.
ID_PROVINCE_WEIGHTS = {"068": 60, "067": 12, "060": 14}


def century_sex_digit(sex: int, birth_year: int) -> int:
    """Digit 4 of a personal ID: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s."""
    base = {19: 0, 20: 2, 21: 4}[birth_year // 100]
    return base + (1 if sex == 2 else 0)


def personal_id(rng: random.Random, sex: int, birth_year: int, province3: str | None = None) -> str:
    """A 12-digit personal ID (số định danh cá nhân) consistent with sex and birth year."""
    if province3 is None:
        if rng.random() < 0.14:
            province3 = "0" + admin.pick_migrant_province(rng).code
        else:
            province3 = _weighted(rng, ID_PROVINCE_WEIGHTS)
    if len(province3) != 3 or not province3.isdigit():
        raise ValueError(f"province code must be 3 digits: {province3!r}")
    return (
        f"{province3}{century_sex_digit(sex, birth_year)}{birth_year % 100:02d}"
        f"{rng.randrange(10**6):06d}"
    )


# Old CMND (9 digits): prefix is the issuing police area [check]; Lâm Đồng 25x, Bình Thuận 26x,
# Đắk Lắk/Đắk Nông 24x.
LEGACY_ID_PREFIXES = {"250": 40, "251": 20, "260": 12, "261": 6, "245": 10, "241": 4, "024": 2}


def legacy_id(rng: random.Random) -> str:
    prefix = _weighted(rng, LEGACY_ID_PREFIXES)
    return f"{prefix}{rng.randrange(10**6):06d}"


def id_matches(pid: str, sex: int, birth_year: int) -> bool:
    """Digits 4-6 of a 12-digit ID agree with sex and year of birth."""
    return (
        len(pid) == 12
        and pid.isdigit()
        and int(pid[3]) == century_sex_digit(sex, birth_year)
        and int(pid[4:6]) == birth_year % 100
    )


# --- dates -----------------------------------------------------------------------------------


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end < start:
        raise ValueError(f"empty date range {start}..{end}")
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def date_in_year(rng: random.Random, year: int) -> dt.date:
    return random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))


# --- a person --------------------------------------------------------------------------------


@dataclass
class Person:
    full_name: str  # title case as people write it; use .upper for the national format
    sex: int  # 1 male, 2 female
    date_of_birth: dt.date
    ethnicity: str  # canonical name
    nationality: str = "VN"
    personal_id: str | None = None
    legacy_id: str | None = None
    religion: str = "Không"
    occupation: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def upper(self) -> str:
        return upper_nfc(self.full_name)

    @property
    def birth_year(self) -> int:
        return self.date_of_birth.year

    @property
    def ethnicity_code(self) -> str:
        return ETHNICITY_CODES[self.ethnicity]

    @property
    def minority_name(self) -> bool:
        return self.ethnicity not in KINH_LIKE


RELIGIONS = {"Không": 70, "Phật giáo": 12, "Công giáo": 12, "Tin lành": 5, "Cao Đài": 1}
OCCUPATIONS = (
    "Làm nông", "Nông nghiệp", "Làm rẫy", "Công nhân", "Giáo viên", "Buôn bán", "Kinh doanh",
    "Cán bộ", "Công chức", "Nội trợ", "Học sinh", "Sinh viên", "Lái xe", "Thợ may", "Thợ xây",
    "Tự do", "Bộ đội", "Y tá", "Kỹ sư", "Hưu trí", "Lao động tự do", "Trồng cà phê", "Chăn nuôi",
)  # fmt: skip


def occupation_for(rng: random.Random, age: int) -> str | None:
    if age < 6:
        return None
    if age < 18:
        return "Học sinh"
    if age >= 62 and rng.random() < 0.5:
        return rng.choice(("Hưu trí", "Già", "Làm nông"))
    return rng.choice(
        [o for o in OCCUPATIONS if o not in ("Học sinh", "Sinh viên", "Hưu trí")]
        + (["Sinh viên"] if age < 24 else [])
    )


def make_person(
    rng: random.Random,
    *,
    sex: int | None = None,
    birth_year: int | None = None,
    date_of_birth: dt.date | None = None,
    ethnicity: str | None = None,
    family: str | None = None,
    id_on: dt.date | None = None,
) -> Person:
    """A person; ``family`` forces a Kinh family name (a child takes the father's).

    ``id_on``: the date of the document; a 12-digit ID is given when the person would have one by
    then (born after 2015 and registered, or an adult after 2016), a 9-digit one otherwise.
    """
    sex = sex if sex in (1, 2) else rng.choice((1, 2))
    if date_of_birth is None:
        birth_year = birth_year or rng.randint(1940, 2020)
        date_of_birth = date_in_year(rng, birth_year)
    ethnicity = ethnicity or draw_ethnicity(rng)
    if ethnicity == "Kinh" or (family and ethnicity in KINH_LIKE):
        name = kinh_name(rng, sex, date_of_birth.year, family=family)
    else:
        name = minority_name(rng, ethnicity, sex, date_of_birth.year)
    p = Person(
        full_name=name,
        sex=sex,
        date_of_birth=date_of_birth,
        ethnicity=ethnicity,
        religion=_weighted(rng, RELIGIONS),
    )
    when = id_on or dt.date(2025, 1, 1)
    age = (when - date_of_birth).days // 365
    if date_of_birth.year <= 2099 and (
        (when.year >= 2016 and age >= 14) or (date_of_birth.year >= 2016 and when.year >= 2016)
    ):
        p.personal_id = personal_id(rng, sex, date_of_birth.year)
    if age >= 14:
        p.legacy_id = legacy_id(rng)
    p.occupation = occupation_for(rng, age)
    return p


def make_parents(
    rng: random.Random,
    child_dob: dt.date,
    ethnicity: str | None = None,
    id_on: dt.date | None = None,
) -> tuple[Person, Person]:
    """(mother, father), 18-45 years older than the child; mixed marriages happen."""
    mother_eth = ethnicity or draw_ethnicity(rng)
    father_eth = mother_eth if rng.random() < 0.9 else draw_ethnicity(rng)
    m_age = rng.randint(18, 42)
    f_age = min(45, max(18, m_age + rng.randint(-2, 9)))
    mother = make_person(
        rng, sex=2, birth_year=child_dob.year - m_age, ethnicity=mother_eth, id_on=id_on
    )
    father = make_person(
        rng, sex=1, birth_year=child_dob.year - f_age, ethnicity=father_eth, id_on=id_on
    )
    return mother, father
