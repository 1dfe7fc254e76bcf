import pandas as pd
import pytest

from transforms.codes import (
    ethnicity,
    ethnicity_columns,
    ethnicity_table,
    nationality,
    nationality_column,
    relationship,
    relationship_column,
    religion_column,
    sex,
)


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("Kinh", "01", "Kinh"),
        ("Dân tộc: Kinh", "01", "Kinh"),
        ("Cơ Ho", "16", "Cơ-ho"),
        ("Cơ-ho", "16", "Cơ-ho"),
        ("K'Ho", "16", "Cơ-ho"),
        ("K\u2019Ho", "16", "Cơ-ho"),
        ("Mông", "08", "Hmông"),
        ("H'Mông", "08", "Hmông"),
        ("Khmer", "05", "Khơ-me"),
        ("Khơ-me", "05", "Khơ-me"),
        ("M'Nông", "20", "Mnông"),
        ("S'Tiêng", "22", "Xtiêng"),
        ("Churu", "36", "Chu-ru"),
        ("Ma", "28", "Mạ"),  # diacritic lost, unique without marks
    ],
)
def test_ethnicity_variants(text, code, name):
    assert ethnicity(text) == (code, name)


def test_unknown_ethnicity_flagged():
    code, name, unknown, guessed = ethnicity_columns(pd.Series(["Kinh", "Xyz", None]))
    assert name.tolist() == ["Kinh", None, None]
    assert code.tolist() == ["01", None, None]
    assert unknown.tolist() == [False, True, False]
    assert guessed.tolist() == [False, False, False]


def test_ethnicity_matched_without_its_marks_is_a_guess():
    # "Cơ Ho" read as "Cơ" matches the Co people only without marks: kept, but doubted
    code, _name, unknown, guessed = ethnicity_columns(pd.Series(["Cơ", "Mưòng", "Mạ", "K'Ho"]))
    assert code.tolist() == ["30", "06", "28", "16"]
    assert guessed.tolist() == [True, True, False, False]
    assert not unknown.any()


def test_code_system_is_one_switch():
    gso = ethnicity_table("code_gso")
    assert gso["mường"] == ("04", "Mường")
    assert ethnicity_table("code_1979")["mường"] == ("06", "Mường")


def test_nationality_sex_relationship():
    assert nationality("Việt Nam") == "VN"
    assert nationality("Viet Nam") == "VN"
    assert nationality("Sao Hỏa") is None
    assert [sex(t) for t in ("Nam", "Nữ", "NỮ", "Nu", "?")] == [1, 2, 2, 2, None]
    assert relationship("Mẹ") == "MOTHER"
    assert relationship("Ông nội") == "GRANDPARENT"
    assert relationship("Bạn") is None


def test_sex_with_stray_ocr_marks():
    assert sex("NÑữ") == 2
    assert sex("Nam.") == 1
    assert sex("Nam Nữ") is None  # both words: not a guess


@pytest.mark.parametrize(
    ("text", "code", "guessed"),
    [
        ("Việt Nam", "VN", False),
        ("Viet Nam", "VN", False),  # marks lost: sure
        ("Việ Nam", "VN", True),  # a letter lost
        ("Việt Nưm", "VN", True),  # a letter misread
        ("Việt", "VN", True),  # "Nam" wrapped onto a line that was lost
        ("Cộng", None, False),  # begins several names
        ("Hoa", None, False),  # too short to guess (an ethnicity, not a nationality)
        ("Xyz", None, False),
    ],
)
def test_nationality_read_short_or_misread_is_a_guess(text, code, guessed):
    codes, unknown, guesses = nationality_column(pd.Series([text]))
    assert codes.iloc[0] == code
    assert bool(guesses.iloc[0]) is guessed and bool(unknown.iloc[0]) is (code is None)


def test_relationship_read_with_a_letter_or_mark_wrong_is_guessed():
    raw = pd.Series(["Con ứrai", "Cơn gái", "Ông ngoai", "Mẹ", "Em", "Bạn", None])
    code, word, unknown, guessed = relationship_column(raw)
    assert code.tolist() == ["CHILD", "CHILD", "GRANDPARENT", "MOTHER", "SIBLING", None, None]
    # the printed word is given where guessed; a sure word stays as read
    assert word.tolist()[:5] == ["Con trai", "Con gái", "Ông ngoại", "Mẹ", "Em"]
    assert guessed.tolist() == [True, True, True, False, False, False, False]
    assert unknown.tolist() == [False] * 5 + [True, False]


def test_relationship_followed_by_noise_is_guessed_from_its_first_words():
    raw = pd.Series(
        ["Cha. si", "ˆ chồng si", "Con trai st xa đu n4", "Nguyễn thị linh", "Con dầu xs"]
    )
    code, word, unknown, guessed = relationship_column(raw)
    assert code.tolist() == ["FATHER", "HUSBAND", "CHILD", None, None]
    assert word.tolist()[:3] == ["Cha", "Chồng", "Con trai"]
    assert guessed.tolist() == [True, True, True, False, False]
    assert unknown.tolist() == [False, False, False, True, True]  # Con, or Con dâu?


def test_religion_in_canonical_spelling_and_guessed_when_misread():
    raw = pd.Series(["Cao đài", "không", "Công giảo", "Công", "Phật", "Thờ cúng tổ tiên", None])
    name, guessed = religion_column(raw)
    # Phật: Phật giáo or Phật giáo Hòa Hảo, not ours to choose; a belief off the list is kept
    assert name.tolist() == [
        "Cao Đài", "Không", "Công giáo", "Công giáo", "Phật", "Thờ cúng tổ tiên", None,
    ]  # fmt: skip
    assert guessed.tolist() == [False, False, True, True, False, False, False]


def test_cause_of_death_read_with_its_marks_wrong_is_respelt():
    from transforms.codes import cause_of_death_column

    raw = pd.Series(["Đột quy", "Ủng thư gan", "Bệnh tim", "Bệnh tìm", "Sốt cao kéo dài", None])
    cause, respelt = cause_of_death_column(raw)
    assert cause.tolist() == [
        "Đột quỵ", "Ung thư gan", "Bệnh tim", "Bệnh tim", "Sốt cao kéo dài", None,
    ]  # fmt: skip
    assert respelt.tolist() == [True, True, False, True, False, False]
