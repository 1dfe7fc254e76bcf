import pandas as pd
import pytest

from transforms.ids import clean_id, id_cross_checks, personal_id_birth_year


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("068190012345", ("068190012345", None)),
        ("068 190 012 345", ("068190012345", None)),
        ("068.190.012.345", ("068190012345", None)),
        ("O68l9OO12345", ("068190012345", "id_ocr_repaired")),
        ("250123456", ("250123456", None)),
        ("12345678", (None, "malformed_id")),
        ("Nguyễn", (None, "malformed_id")),
        ("OLIO", (None, "malformed_id")),  # letters only: not a digit token to repair
    ],
)
def test_clean(text, want):
    assert clean_id(text) == want


def test_century_and_year():
    pid = pd.Series(["068090012345", "068213012345", "068400012345", None])
    assert personal_id_birth_year(pid).tolist() == [1990, 2013, 2100, pd.NA]


def test_cross_checks():
    pid = pd.Series(["068213012345", "068313012345", "068212012345", "068213012345"])
    sex = pd.Series([1, 1, 1, 0])  # 0 = not known: never a mismatch
    year = pd.Series([2013, 2013, 2013, 2013])
    sex_bad, year_bad = id_cross_checks(pid, sex, year)
    assert sex_bad.tolist() == [False, True, False, False]
    assert year_bad.tolist() == [False, False, True, False]
