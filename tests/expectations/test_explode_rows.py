"""The runner's view of nested rows: one frame row per table row, whatever keys the rows hold."""

import pandas as pd

from expectations.runner import explode_rows


def test_rows_with_the_same_keys_keep_their_order_and_positions():
    df = pd.DataFrame(
        {"members": [[{"b": "x", "a": 1}, {"b": "y", "a": 2}], None, [{"b": "z", "a": 3}]]}
    )
    rows = explode_rows(df, "members")
    assert list(rows.columns) == ["b", "a", "_parent", "_row"]
    assert rows["a"].tolist() == [1, 2, 3] and rows["b"].tolist() == ["x", "y", "z"]
    assert rows["_parent"].tolist() == [0, 0, 2] and rows["_row"].tolist() == [0, 1, 0]


def test_rows_with_other_keys_give_the_union_of_columns():
    # same number of keys but not the same keys: not mistaken for identical rows
    df = pd.DataFrame({"members": [[{"a": 1, "b": "x"}, {"a": 2, "c": "q"}], [{"d": None}]]})
    rows = explode_rows(df, "members")
    assert list(rows.columns) == ["a", "b", "c", "d", "_parent", "_row"]
    assert rows["b"].isna().tolist() == [False, True, True]
    assert rows["c"].tolist()[1] == "q"


def test_no_rows_at_all():
    assert explode_rows(pd.DataFrame({"members": [[], None]}), "members").empty
