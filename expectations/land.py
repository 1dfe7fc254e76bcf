"""Great Expectations suites for land-use-right certificates: the page suite and two table suites.

The page suite checks formats (serial ``CN 719597``, QR code, register entry, ISO dates, codes),
area > 0 and equal (within rounding: ``vertex_area_tolerance``) to the area of the vertex polygon,
a vertex table of three rows or more (a parcel is a polygon), the purpose code against
the current list (``transforms/data/land_use_purposes.csv``),
the use form, issue date not in the future and a dated term ending after the issue date.
``HOLDERS`` and ``VERTICES`` (registered in ``expectations.runner._TABLE_SUITES``) check the
exploded holder rows (name, birth year, ID) and vertex rows (coordinates in a plausible VN-2000
range for the province, ``transforms.land.VN2000_*_RANGE``). Each expectation carries
``meta = {"field", "reason"}``; the runner turns unexpected rows into flags.
"""

from __future__ import annotations

import datetime as dt
import math

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import meta as _meta
from expectations.common import new_suite
from expectations.text_checks import text_expectations
from sohoa.national_format import LAND_HOLDER_FIELDS, NATIONAL_FIELDS, polygon_area
from sohoa.settings import Settings
from transforms.land import VN2000_X_RANGE, VN2000_Y_RANGE, current_purpose_codes

DOC_TYPE = "land_certificate"
SUITE_NAME = "land_certificate"

ISO_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
REQUIRED = (
    "certificate_serial",  # a certificate without its serial cannot be loaded unseen
    "register_entry_number",
    "issue_date",
    "parcel_number",
    "map_sheet_number",
    "area_m2",
    "land_use_purpose_code",
    "use_form",
)
REGEX = {
    # 2 letters + 6 digits on 2009-2024 blanks, 8 digits on newer ones [check]
    "certificate_serial": r"^[A-ZĐ]{2} \d{6}(?:\d{2})?$",
    "certificate_code": r"^[0-9A-Z]{12}$",
    "register_entry_number": r"^[A-ZĐ]{1,4} \d{1,8}$",
    "issue_date": ISO_DATE,
    "parcel_number": r"^\d{1,6}$",
    "map_sheet_number": r"^\d{1,4}$",
    "parcel_commune_code": r"^\d{5}$",
    "land_use_term": r"^(?:permanent|\d{4}(?:-\d{2}(?:-\d{2})?)?)$",
}
MAX_AREA_M2 = 100_000_000.0  # 100 km²: anything larger is a misread
# The printed area is the vertex polygon's, rounded to at most 1 m² (± 0.5), computed from
# coordinates printed to the centimetre (± 0.005 m each, so ± 0.005 m × the perimeter, about
# 4 √area; twice that for margin). A misread decimal of one coordinate (0.1 m on a 20 m side,
# 1 m²) or a lost vertex row is more than that.
VERTEX_AREA_ROUNDING_M2 = 0.5
VERTEX_AREA_PER_METRE = 0.01


def vertex_area_tolerance(area_m2: float) -> float:
    """How far (m²) the polygon's area may lie from the printed area by rounding alone."""
    return VERTEX_AREA_ROUNDING_M2 + VERTEX_AREA_PER_METRE * 4 * math.sqrt(max(area_m2, 0.0))


def _earliest_day(iso: pd.Series) -> pd.Series:
    """The earliest day a (possibly partial) ISO date can mean: 2045 → 2045-01-01."""
    s = iso.astype(object)
    full = s.where(s.str.len().ne(4), s + "-01-01")
    return full.where(full.str.len().ne(7), full + "-01")


def prepare(df: pd.DataFrame, settings: Settings, today: dt.date | None = None) -> pd.DataFrame:
    """The columns the page suite reads: national fields plus ``_`` helpers (a new frame)."""
    today = today or dt.date.today()
    out = df.reset_index(drop=True).copy()
    out["_today"] = today.isoformat()
    out["area_m2"] = pd.to_numeric(out["area_m2"], errors="coerce")
    term = out["land_use_term"].astype(object)
    dated = term.where(term.notna() & term.ne("permanent"), None)
    out["_term_earliest"] = _earliest_day(dated).where(dated.notna(), None)
    areas = [_vertex_area(v) for v in out["vertices"]]
    polygon = pd.to_numeric(pd.Series(areas, dtype=object))
    allowed = out["area_m2"].map(vertex_area_tolerance, na_action="ignore")
    out["_vertex_area_off"] = (polygon - out["area_m2"]).abs() / allowed  # 1 = the tolerance
    # a parcel is a polygon: a table read with one or two rows lost the others
    out["_vertex_rows"] = [len(v) if isinstance(v, list) and v else None for v in out["vertices"]]
    out["_vertex_area_shown"] = [  # polygon / printed, as the flag's message shows them
        None if a is None else f"{a:.1f} / {b:.1f} m²"
        for a, b in zip(areas, out["area_m2"], strict=True)
    ]
    return out


def _vertex_area(vertices: object) -> float | None:
    """The polygon's area from a vertex table read whole (3+ rows, every coordinate a number)."""
    if not isinstance(vertices, list) or len(vertices) < 3:
        return None
    try:
        points = [(float(v["x"]), float(v["y"])) for v in vertices]
    except (KeyError, TypeError, ValueError):
        return None
    return polygon_area(points)


def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
    """The page-level suite (not yet added to a context)."""
    suite = new_suite(SUITE_NAME, REQUIRED, REGEX)
    add = suite.add_expectation
    add(
        gxe.ExpectColumnValuesToBeBetween(
            column="area_m2", min_value=0, max_value=MAX_AREA_M2, strict_min=True,
            meta=_meta("area_m2", "value_not_allowed"),
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnValuesToBeInSet(
            column="land_use_purpose_code", value_set=current_purpose_codes(),
            meta=_meta("land_use_purpose_code", "value_not_allowed"),
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnValuesToBeInSet(
            column="use_form", value_set=["private", "shared"],
            meta=_meta("use_form", "value_not_allowed"),
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_today", column_B="issue_date", or_equal=True,
            ignore_row_if="either_value_is_missing", meta=_meta("issue_date", "date_in_future"),
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="_term_earliest", column_B="issue_date", or_equal=False,
            ignore_row_if="either_value_is_missing",
            meta=_meta("land_use_term", "term_before_issue"),
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnValuesToBeBetween(
            column="_vertex_area_off", min_value=0, max_value=1,
            meta={**_meta("vertices", "vertex_area_mismatch"), "shown": "_vertex_area_shown"},
        )
    )  # fmt: skip
    add(
        gxe.ExpectColumnValuesToBeBetween(
            column="_vertex_rows", min_value=3, meta=_meta("vertices", "vertices_too_few"),
        )
    )  # fmt: skip
    for expectation in text_expectations(NATIONAL_FIELDS[DOC_TYPE]):
        add(expectation)
    return suite


class HOLDERS:
    """The holder-row suite over exploded ``holders`` rows."""

    SUITE_NAME = "land_certificate.holders"

    @staticmethod
    def prepare(rows: pd.DataFrame, settings: Settings, today: dt.date | None = None):
        out = rows.reset_index(drop=True).copy()
        out["birth_year"] = pd.to_numeric(out["birth_year"], errors="coerce").astype("Int64")
        return out

    @staticmethod
    def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
        today = today or dt.date.today()
        suite = gx.ExpectationSuite(name=HOLDERS.SUITE_NAME)
        add = suite.add_expectation
        add(
            gxe.ExpectColumnValuesToNotBeNull(
                column="full_name", meta=_meta("full_name", "missing_required")
            )
        )
        add(
            gxe.ExpectColumnValuesToBeBetween(
                column="birth_year",
                min_value=1880,
                max_value=today.year,
                meta=_meta("birth_year", "year_out_of_range"),
            )
        )
        add(
            gxe.ExpectColumnValuesToMatchRegex(
                column="id_number",
                regex=r"^(?:\d{9}|\d{12})$",
                meta=_meta("id_number", "malformed_id"),
            )
        )
        for expectation in text_expectations(LAND_HOLDER_FIELDS):
            add(expectation)
        return suite


class VERTICES:
    """The vertex-row suite: every coordinate read and inside the province's VN-2000 range."""

    SUITE_NAME = "land_certificate.vertices"

    @staticmethod
    def prepare(rows: pd.DataFrame, settings: Settings, today: dt.date | None = None):
        out = rows.reset_index(drop=True).copy()
        for axis in ("x", "y"):
            out[axis] = pd.to_numeric(out[axis], errors="coerce")
        return out

    @staticmethod
    def build_suite(settings: Settings, today: dt.date | None = None) -> gx.ExpectationSuite:
        suite = gx.ExpectationSuite(name=VERTICES.SUITE_NAME)
        add = suite.add_expectation
        for f in ("point", "x", "y"):
            add(gxe.ExpectColumnValuesToNotBeNull(column=f, meta=_meta(f, "missing_required")))
        for axis, (low, high) in (("x", VN2000_X_RANGE), ("y", VN2000_Y_RANGE)):
            add(
                gxe.ExpectColumnValuesToBeBetween(
                    column=axis,
                    min_value=low,
                    max_value=high,
                    meta=_meta(axis, "coordinate_out_of_range"),
                )
            )
        return suite
