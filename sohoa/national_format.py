"""The national format's field lists (see shared NATIONAL_FORMAT.md), the contract between stages.

Every stage imports these lists instead of retyping field names. ``EXTRACTED_FIELDS`` are what
OCR extraction reads off the page as raw text (keyed by the national field the text belongs to);
``NATIONAL_FIELDS`` are the normalised columns that the database and ``sohoa extract`` carry.
Codes derived from text (ethnicity code, commune code, …) appear only in ``NATIONAL_FIELDS``.
"""

from __future__ import annotations

ENVELOPE_FIELDS = ("record_id", "doc_type", "source_file", "source_sha256", "page", "batch_id")

DOC_TYPES = (
    "birth_registration",
    "marriage_registration",
    "death_registration",
    "household_registration",
    "land_certificate",
)

# Scheme of administrative codes the *_commune_code / *_province_code fields belong to.
ADMIN_CODE_SCHEME = "2025"

NATIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "birth_registration": (
        "registration_number",
        "registration_number_suffix",
        "book_number",
        "book_year",
        "registration_date",
        "registration_authority_text",
        "registration_commune_code",
        "child_full_name",
        "child_family_name",
        "child_given_name",
        "child_sex",
        "child_date_of_birth",
        "child_place_of_birth_text",
        "child_place_of_birth_province_code",
        "child_hometown_text",
        "child_ethnicity",
        "child_ethnicity_code",
        "child_nationality",
        "child_personal_id",
        "mother_full_name",
        "mother_birth_year",
        "mother_ethnicity_code",
        "mother_nationality",
        "mother_residence_text",
        "father_full_name",
        "father_birth_year",
        "father_ethnicity_code",
        "father_nationality",
        "father_residence_text",
        "declarant_full_name",
        "declarant_relationship",
    ),
    "marriage_registration": (
        "registration_number",
        "registration_number_suffix",
        "book_number",
        "book_year",
        "registration_date",
        "registration_authority_text",
        "registration_commune_code",
        *(
            f"{who}_{f}"
            for who in ("husband", "wife")
            for f in (
                "full_name",
                "date_of_birth",
                "ethnicity_code",
                "nationality",
                "residence_text",
                "id_number",
            )
        ),
    ),
    "death_registration": (
        "registration_number",
        "registration_number_suffix",
        "book_number",
        "book_year",
        "registration_date",
        "registration_authority_text",
        "registration_commune_code",
        "deceased_full_name",
        "deceased_sex",
        "deceased_date_of_birth",
        "deceased_ethnicity_code",
        "deceased_nationality",
        "deceased_personal_id",
        "deceased_last_residence_text",
        "date_of_death",
        "time_of_death",
        "place_of_death_text",
        "cause_of_death",
        "declarant_full_name",
        "declarant_relationship",
    ),
    "household_registration": (
        "household_book_number",
        "head_full_name",
        "address_text",
        "address_commune_code",
        "address_province_code",
        "issue_date",
        "members",
    ),
    "land_certificate": (
        "certificate_serial",
        "certificate_code",
        "register_entry_number",
        "issue_date",
        "issuing_authority_text",
        "parcel_number",
        "map_sheet_number",
        "parcel_address_text",
        "parcel_commune_code",
        "area_m2",
        "use_form",
        "land_use_purpose_code",
        "land_use_term",
        "land_use_origin_text",
        "holders",
        "vertices",
    ),
}

HOUSEHOLD_MEMBER_FIELDS = (
    "household_book_number",
    "member_index",
    "full_name",
    "other_name",
    "relationship_to_head",
    "sex",
    "date_of_birth",
    "place_of_birth_text",
    "hometown_text",
    "ethnicity_code",
    "religion",
    "nationality",
    "id_number",
    "occupation",
    "previous_residence_text",
    "moved_in_date",
    "struck_out",
)

LAND_HOLDER_FIELDS = ("full_name", "birth_year", "id_number", "address_text")
LAND_VERTEX_FIELDS = ("point", "x", "y")

# Raw text read off a page, keyed by the national field it feeds. Ethnicity, nationality,
# relationship and purpose are read as printed words; normalisation derives the codes. Text that
# carries an administrative unit (authority, address) also feeds the *_commune_code fields.
_CIVIL_HEADER = (
    "registration_number",  # "45/TLKT-BS" → number + suffix
    "book_number",  # "02/2013" → book number + book year
    "registration_date",
    "registration_authority_text",  # → registration_commune_code
)

EXTRACTED_FIELDS: dict[str, tuple[str, ...]] = {
    "birth_registration": (
        *_CIVIL_HEADER,
        "child_full_name",
        "child_sex",
        "child_date_of_birth",
        "child_place_of_birth_text",  # → child_place_of_birth_province_code
        "child_hometown_text",
        "child_ethnicity",  # → child_ethnicity_code
        "child_nationality",
        "child_personal_id",
        "mother_full_name",
        "mother_birth_year",
        "mother_ethnicity",  # → mother_ethnicity_code
        "mother_nationality",
        "mother_residence_text",
        "father_full_name",
        "father_birth_year",
        "father_ethnicity",  # → father_ethnicity_code
        "father_nationality",
        "father_residence_text",
        "declarant_full_name",
        "declarant_relationship",
    ),
    "marriage_registration": (
        *_CIVIL_HEADER,
        *(
            f"{who}_{f}"
            for who in ("husband", "wife")
            for f in (
                "full_name",
                "date_of_birth",
                "ethnicity",  # → *_ethnicity_code
                "nationality",
                "residence_text",
                "id_number",
            )
        ),
    ),
    "death_registration": (
        *_CIVIL_HEADER,
        "deceased_full_name",
        "deceased_sex",
        "deceased_date_of_birth",
        "deceased_ethnicity",  # → deceased_ethnicity_code
        "deceased_nationality",
        "deceased_personal_id",
        "deceased_last_residence_text",
        "date_of_death",  # may carry the time: "14 giờ 30 phút, ngày …" → time_of_death too
        "time_of_death",
        "place_of_death_text",
        "cause_of_death",
        "declarant_full_name",
        "declarant_relationship",
    ),
    "household_registration": (
        "household_book_number",
        "head_full_name",
        "address_text",  # → address_commune_code, address_province_code
        "issue_date",
    ),
    "land_certificate": (
        "certificate_serial",
        "certificate_code",
        "register_entry_number",
        "issue_date",
        "issuing_authority_text",
        "parcel_number",
        "map_sheet_number",
        "parcel_address_text",  # → parcel_commune_code
        "area_m2",  # "720,2 m²" (with the area in words, when printed, kept for a cross-check)
        "use_form",  # "Sử dụng riêng" → private
        "land_use_purpose",  # "Đất ở tại nông thôn (ONT)" → land_use_purpose_code
        "land_use_term",  # "Lâu dài" → permanent, or a date
        "land_use_origin_text",
    ),
}

# Rows of a table on the page: each row a dict of raw field → text, in the same way as above.
EXTRACTED_TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "household_registration": {
        "members": (
            "member_index",
            "full_name",
            "other_name",
            "relationship_to_head",  # printed word → code
            "sex",
            "date_of_birth",
            "place_of_birth_text",
            "hometown_text",
            "ethnicity",  # → ethnicity_code
            "religion",
            "nationality",
            "id_number",
            "occupation",
            "previous_residence_text",
            "moved_in_date",
            "struck_out",  # "true"/"false" from the row's strike line or its note
        ),
    },
    "land_certificate": {
        "holders": ("full_name", "birth_year", "id_number", "address_text"),
        "vertices": ("point", "x", "y"),
    },
}

# Fields that hold a person's data (for access control and audit in the portal).
PERSONAL_DATA_SUFFIXES = ("full_name", "personal_id", "id_number", "date_of_birth", "birth_year")

# Family names (upper case, NFC) for which the family/given split of a name is certain: the first
# word is the family name and the last word the given name. Names that do not start with one of
# these (minority names with K', Ka, Y, H' prefixes, foreign names) keep their full string only,
# and their *_family_name / *_given_name are null.
KINH_FAMILY_NAMES = frozenset(
    """NGUYỄN TRẦN LÊ PHẠM HOÀNG HUỲNH PHAN VŨ VÕ ĐẶNG BÙI ĐỖ HỒ NGÔ DƯƠNG LÝ ĐINH TRƯƠNG
    ĐÀO ĐOÀN LƯƠNG TRỊNH MAI CAO LÂM HÀ TÔ LA QUÁCH VƯƠNG TẠ CHÂU KIỀU LƯU TỐNG THÁI
    TRIỆU PHÙNG KHỔNG KHÚC LỤC MẠC NÔNG ÔNG VĂN VI TĂNG THÂN QUAN""".split()
)

# Family names of other peoples that differ from a Kinh family name by their marks alone (Tày
# Ma / Mã, Thái Vì / Vi and Lường / Lương, Chăm Đàng / Đặng, K'Ho Lơ Mu / Lò, Hmông Hờ / Hồ),
# and Mnông / Xtiêng Điểu: right as written, never "repaired" into the Kinh name.
OTHER_FAMILY_NAMES = frozenset(
    {"MA", "LY", "LÙ", "LƯỜNG", "VÌ", "GIÀNG", "CƯ", "HẠ", "LÒ", "ĐÀNG", "LƠ", "HA", "HỜ", "ĐIỂU"}
)


# ``sohoa reconcile`` CSVs (DESIGN.md): the columns of a paper entry and of a national record.
RECONCILE_PAPER_COLUMNS = (
    "entry_id",
    "household_book_number",
    "member_index",
    "full_name",
    "sex",
    "date_of_birth",
    "id_number",
    "address_text",
    "address_commune_code",
    "relationship_to_head",
)
# The fields a paper entry and its national record are compared on ("differing_fields").
RECONCILE_COMPARED_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "id_number",
    "address_commune_code",
    "relationship_to_head",
)
RECONCILE_NATIONAL_COLUMNS = (
    "personal_id",
    "legacy_id",
    "full_name",
    "sex",
    "date_of_birth",
    "household_id",
    "relationship_to_head",
    "address_commune_code",
    "address_text",
)


def polygon_area(points: list[tuple[float, float]]) -> float:
    """Area (m²) of a parcel from its vertices in order (VN-2000 metres), by the shoelace
    formula. A certificate's area is computed from these coordinates by the survey, so the two
    agree up to rounding; a misread coordinate or a lost vertex row shows as a difference."""
    x0, y0 = points[0]  # relative to one vertex: millions of metres would cancel digits
    rel = [(x - x0, y - y0) for x, y in points]
    n = len(rel)
    twice = sum(rel[i][0] * rel[(i + 1) % n][1] - rel[(i + 1) % n][0] * rel[i][1] for i in range(n))
    return abs(twice) / 2
