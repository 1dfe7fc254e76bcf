import unicodedata

import pandas as pd

from sohoa.national_format import KINH_FAMILY_NAMES
from transforms.text import clean_name, clean_text, decode_legacy, repair_unicode, split_kinh_name


def test_nfd_input_composes():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    assert nfd != "Nguyễn Thị Hồng"
    assert repair_unicode(nfd) == "Nguyễn Thị Hồng"


def test_tone_before_circumflex_composes():
    # e + acute + circumflex: NFC alone leaves "é" + a stray circumflex
    bad = "Nguy" + "e\u0303\u0302" + "n"
    assert unicodedata.normalize("NFC", bad) != "Nguyễn"
    assert repair_unicode(bad) == "Nguyễn"
    assert repair_unicode("Đ" + "o\u0300\u0302" + "ng") == "Đồng"


def test_eth_becomes_d_with_stroke():
    assert repair_unicode("\u00d0INH V\u0102N") == "\u0110INH V\u0102N"
    assert repair_unicode("\u00f0\u00e0o") == "\u0111\u00e0o"


def test_right_single_quote_kept_and_space_folded():
    assert repair_unicode("  B\u2019Lao ,\u00a0 tỉnh   Lâm Đồng ") == "B\u2019Lao , tỉnh Lâm Đồng"
    assert clean_name(pd.Series(["k' brồng"]))[0] == "K' BRỒNG"


def test_tcvn3_decoded():
    assert decode_legacy("B¶o Th¾ng") == "Bảo Thắng"
    # ư is 0xAD (a soft hyphen in Latin-1), ờ 0xEA, ơ 0xAC
    assert decode_legacy("M\u00ad\u00eang Kh\u00ad\u00acng") == "Mường Khương"


def test_vni_decoded():
    assert decode_legacy("Vieät Nam") == "Việt Nam"
    assert decode_legacy("Ñaø Laït") == "Đà Lạt"


def test_unicode_and_plain_latin_text_not_decoded():
    for text in ("Hoàng Văn Thụ", "Xuân", "Hoa", "Thôn 3, Đà Lạt"):
        assert decode_legacy(text) == text


def test_empty_text_is_unread():
    out = clean_text(pd.Series(["  ", None, "a"]))
    assert out.tolist() == [None, None, "a"]


def test_split_only_where_certain():
    names = pd.Series(["NGUYỄN VĂN AN", "K' BRỒNG", "KA NHI", "Y BIH NIÊ", "LÊ", None])
    family, given = split_kinh_name(names, KINH_FAMILY_NAMES)
    assert family.tolist() == ["NGUYỄN", None, None, None, None, None]
    assert given.tolist() == ["AN", None, None, None, None, None]
