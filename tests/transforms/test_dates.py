import pandas as pd
import pytest

from transforms.dates import parse_date, parse_dates, year_of


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ngày 05 tháng 3 năm 1990", "1990-03-05"),
        ("Ngày 5 tháng 03 năm 1990", "1990-03-05"),
        ("05/03/1990", "1990-03-05"),
        ("5-3-1990", "1990-03-05"),
        ("05.03.1990", "1990-03-05"),
        (
            "26/09/2020 (Ngày hai mươi sáu tháng chín năm hai nghìn không trăm hai mươi)",
            "2020-09-26",
        ),
        (
            "05/03/1990   ghi bằng chữ: Ngày mồng năm tháng ba năm một nghìn chín trăm chín mươi",
            "1990-03-05",
        ),
        ("tháng 3 năm 1990", "1990-03"),
        ("03/1990", "1990-03"),
        ("năm 1990", "1990"),
        ("1965", "1965"),
        ("ngày 29 tháng 02 năm 2000", "2000-02-29"),
    ],
)
def test_forms(text, iso):
    assert parse_date(text) == (iso, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/1990", "impossible_date"),
        ("29/02/1900", "impossible_date"),
        ("05/13/1990", "impossible_date"),
        ("05/03/1750", "impossible_date"),
        ("05/03/90", "two_digit_year"),
        ("ngày 5 tháng 3 năm 90", "two_digit_year"),
        ("mồng năm tháng ba", "unparseable_date"),
    ],
)
def test_refused(text, reason):
    assert parse_date(text) == (None, reason)


def test_columns_and_year():
    iso, reason = parse_dates(pd.Series(["05/03/1990", None, "31/02/1990", "1990"]))
    assert iso.tolist() == ["1990-03-05", None, None, "1990"]
    assert reason.tolist() == [None, None, "impossible_date", None]
    assert year_of(iso).tolist() == [1990, pd.NA, pd.NA, 1990]


def test_date_with_slashes_misread_as_letters():
    assert parse_date("07l11l2025") == ("2025-11-07", None)
    assert parse_date("05|03|1990") == ("1990-03-05", None)


def test_date_inside_a_place_and_date_line():
    assert parse_date("Đức Trọng, ngày 05 tháng 03 năm 1999") == ("1999-03-05", None)


def test_date_words_with_a_mark_misread():
    # dev harsh land 555-0006: "thăng" (ă for á) left only the year
    assert parse_date("Lâm Đồng, ngày 22 thăng 07 năm 2018.") == ("2018-07-22", None)
    assert parse_date("ngầy 5 tháng 3 nẵm 1990") == ("1990-03-05", None)
