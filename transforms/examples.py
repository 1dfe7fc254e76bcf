"""Example raw input for ``normalise``: a birth page as extraction hands it over.

Used by the tests of transforms and expectations and handy for other stages' tests; the values
are invented but written the way the forms print them.
"""

from __future__ import annotations

import pandas as pd

from sohoa.national_format import EXTRACTED_FIELDS

BIRTH_ROW = {
    "registration_number": "Số: 45/TLKT-BS",
    "book_number": "Quyển số: 02/2013",
    "registration_date": "ngày 05 tháng 3 năm 2013",
    "registration_authority_text": "UBND X. Hiệp Thạnh, H. Đức Trọng, T. Lâm Đồng",
    "child_full_name": "Nguyễn Văn Hồng",
    "child_sex": "Nam",
    "child_date_of_birth": "01/03/2013",
    "child_place_of_birth_text": "Bệnh viện Đa khoa tỉnh Lâm Đồng",
    "child_hometown_text": "xã Hải Hậu, huyện Hải Hậu, tỉnh Nam Định",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
    "child_personal_id": "068 213 012 345",
    "mother_full_name": "Lê Thị Lan",
    "mother_birth_year": "1990",
    "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam",
    "mother_residence_text": "Thôn 1, xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng",
    "father_full_name": "Nguyễn Văn Nam",
    "father_birth_year": "12/05/1988",
    "father_ethnicity": "Kinh",
    "father_nationality": "Việt Nam",
    "father_residence_text": "Thôn 1, xã Hiệp Thạnh, huyện Đức Trọng, tỉnh Lâm Đồng",
    "declarant_full_name": "Nguyễn Văn Nam",
    "declarant_relationship": "Cha",
}


def birth_raw(rows: list[dict], conf: float = 0.95) -> pd.DataFrame:
    """Raw birth rows: BIRTH_ROW overridden by each dict, with envelope and confidences."""
    records = []
    for i, overrides in enumerate(rows):
        r = dict(BIRTH_ROW) | overrides
        r |= {f"conf__{f}": conf for f in EXTRACTED_FIELDS["birth_registration"]}
        r |= {
            "record_id": f"rec-{i}",
            "doc_type": "birth_registration",
            "source_file": "scan.jpg",
            "source_sha256": "0" * 64,
            "page": 1,
            "batch_id": "b1",
        }
        records.append(r)
    return pd.DataFrame(records)
