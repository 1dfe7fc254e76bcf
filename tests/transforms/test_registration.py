import pytest

from transforms.registration import split_book_number, split_registration_number


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Số: 45/TLKT-BS", ("45", "TLKT-BS", None)),
        ("45/TLKS", ("45", "TLKS", None)),
        ("045", ("045", None, None)),  # as printed: leading zeros kept
        ("45 / TLKT - BS", ("45", "TLKT-BS", None)),
        ("abc", (None, None, "unparseable_number")),
    ],
)
def test_registration_number(text, want):
    assert split_registration_number(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Quyển số: 02/2013", ("02", 2013, None)),
        ("02/2013", ("02", 2013, None)),
        ("3", ("3", None, None)),
        ("02/13", ("02", None, "two_digit_year")),  # never expanded
    ],
)
def test_book_number(text, want):
    assert split_book_number(text) == want


@pytest.mark.parametrize(
    ("printed", "number", "suffix"),
    [("463IKS", "463", "KS"), ("45|TLKT-BS", "45", "TLKT-BS"), ("12!BS", "12", "BS")],
)
def test_slash_misread_by_ocr_is_repaired(printed, number, suffix):
    assert split_registration_number(printed)[:2] == (number, suffix)


def test_book_with_misread_slash():
    assert split_book_number("02!2025")[:2] == ("02", 2025)
    assert split_book_number("02l2013")[:2] == ("02", 2013)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # dev harsh photocopies (seeds 4242, 555): the slash lost between book and year
        ("032014", ("03", 2014, "book_slash_lost")),
        ("Quyển số: 32025", ("3", 2025, "book_slash_lost")),
        # no year to be found: as read
        ("1234", ("1234", None, None)),
        ("2014", ("2014", None, None)),
        ("031814", ("031814", None, None)),
    ],
)
def test_book_number_glued_to_its_year(text, want):
    assert split_book_number(text) == want
