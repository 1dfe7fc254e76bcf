"""Speed-ups that must not change a result: the garbage-collector pause around a batch, and the
text fast paths of ID digits and years, checked against pandas' own string methods."""

import gc

import pandas as pd
import pytest

from transforms import explode_table, normalise, row_values
from transforms.dates import year_of
from transforms.gc_pause import gc_paused
from transforms.ids import personal_id_birth_year, personal_id_century_sex, personal_id_facts

# 12 characters or not, digits or not, signs and points that pandas' to_numeric reads
TRICKY_IDS = [
    "068090012345", "068213012345", "068400012345", "0682a3012345", "068x13012345",
    "068+1.012345", "068 1 012345", "06821301234", "0682130123456", "", None, "068٣٣٣012345",
]  # fmt: skip


def test_gc_paused_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError("boom")
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_normalise_gives_the_collector_back(raw_birth):
    normalise(raw_birth([{}]), "birth_registration")
    assert gc.isenabled()


def test_id_digits_text_path_matches_pandas_string_methods():
    objects = pd.Series(TRICKY_IDS, dtype=object)  # object column of str: the fast path
    strings = pd.Series(TRICKY_IDS, dtype="str")  # string dtype: pandas' .str methods
    for fast, slow in [
        (personal_id_birth_year(objects), personal_id_birth_year(strings)),
        *zip(personal_id_century_sex(objects), personal_id_century_sex(strings), strict=True),
        *zip(personal_id_facts(objects), personal_id_facts(strings), strict=True),
    ]:
        assert fast.tolist() == slow.tolist()
    assert personal_id_birth_year(objects).tolist()[:4] == [1990, 2013, 2100, pd.NA]


def test_year_text_path_matches_pandas_string_methods():
    iso = ["1990-03-05", "1990", "2013-01", "19x0", "+199", "", None, "٣٣٣٣-01-01"]
    fast = year_of(pd.Series(iso, dtype=object))
    assert fast.tolist() == year_of(pd.Series(iso, dtype="str")).tolist()
    assert fast.tolist()[:3] == [1990, 1990, 2013]


def test_row_values_fill_keys_a_row_lacks():
    rows = [{"a": 1, "b": "x"}, {"b": "y"}, {"a": 2, "b": "z", "c": 3}]
    assert row_values(rows, ("a", "b")) == [(1, "x"), (None, "y"), (2, "z")]
    assert row_values(rows[:1], ("a", "b")) == [(1, "x")]
    assert row_values(rows, ("b",)) == [("x",), ("y",), ("z",)]


def test_explode_table_reads_confidences_given_as_text_or_missing():
    raw = pd.DataFrame({
        "members": [[{"full_name": "KA NHI", "sex": "Nữ"}, {"full_name": "Y BIH"}]],
        "conf__members": [[{"full_name": "0.5", "sex": None}, {"full_name": 0.25}]],
    })  # fmt: skip
    rows = explode_table(raw, "members", ("full_name", "sex"))
    assert rows["conf__full_name"].tolist() == [0.5, 0.25]
    assert rows["conf__sex"].tolist() == [0.0, 0.0]
    assert rows["sex"].tolist() == ["Nữ", None]
