"""The data team's dashboard: per commune and ISO week, how much went through and how well.

``weekly(conn, communes, weeks)`` is one row per commune × week (every pair, zeros where
nothing happened), counted from the record tables, ``pages``, ``review_flags`` and
``review_actions`` of the caller's communes only:

- ``pages``: pages processed (any page status) in the week; ``pages_per_day``: the same over
  the days of the week gone by (7 for a past week).
- ``records``: records loaded in the week (by first load; re-runs keep ``created_at``).
- ``straight_through``: share of those records ``auto_accepted`` with no reviewer action. A
  reviewed record is ``auto_accepted`` too once its flags are resolved
  (``portal.edits._settle_status``), so the status alone would count human work as none.
- ``backlog``: of the week's records, those still waiting for a reviewer (``needs_review``
  and not a page sent back for a new scan, as the review queue counts them);
  ``backlog_oldest_days``: the age of the oldest of them.
- ``residual_error``: of the week's audit-sample records (flag ``audit_sample``, chosen at
  random among records the machine would have accepted) that a reviewer acted on, the share
  where the reviewer changed a value or sent the page back: errors that would have been loaded
  silently.

Weeks are ISO weeks in Vietnamese local time. The rows are read with SQLAlchemy Core and
bucketed in pandas, so SQLite and PostgreSQL give the same numbers. ``charts`` renders them as
SVG with pygal (no JavaScript needed).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pygal
from pygal.style import DefaultStyle
from sqlalchemy import and_, exists, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from portal import i18n
from portal.records import REJECTED
from registry.models import RECORD_TABLES, Batch, Page, ReviewAction, ReviewFlag

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AUDIT_SAMPLE = "audit_sample"  # the reason expectations.routing gives the random audit sample
MAX_SERIES = 6  # more communes than this are drawn as one summed series

_batches = Batch.__table__
_pages = Page.__table__
_flags = ReviewFlag.__table__
_actions = ReviewAction.__table__

COUNTS = [
    "pages",
    "records",
    "straight_through_records",
    "backlog",
    "audited_reviewed",
    "audited_corrected",
]
COLUMNS = [
    "commune_code",
    "week",
    "week_start",
    *COUNTS,
    "straight_through",
    "backlog_oldest_days",
    "residual_error",
    "pages_per_day",
]


def week_starts(now: datetime, weeks: int) -> list[date]:
    """The Mondays (local time) of the last ``weeks`` ISO weeks, oldest first."""
    today = now.astimezone(LOCAL_TZ).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _local_monday(timestamps: pd.Series) -> pd.Series:
    local = timestamps.dt.tz_convert(LOCAL_TZ)
    day = local.dt.tz_localize(None).dt.normalize()
    return (day - pd.to_timedelta(day.dt.weekday, unit="D")).dt.date


def _utc(monday: date) -> datetime:
    return datetime.combine(monday, datetime.min.time(), LOCAL_TZ).astimezone(UTC)


def _record_rows(conn: Connection, communes: list[str], since: datetime) -> pd.DataFrame:
    """One row per record of the communes loaded since ``since``, with what reviewers did."""
    parts = []
    for doc_type, model in sorted(RECORD_TABLES.items()):
        table = model.__table__
        own_actions = and_(
            _actions.c.record_id == table.c.record_id, _actions.c.doc_type == doc_type
        )
        changed = or_(
            _actions.c.action == "reject_page",
            and_(
                _actions.c.action == "lock",
                _actions.c.old_value.is_distinct_from(_actions.c.new_value),
            ),
        )
        own_flags = and_(_flags.c.record_id == table.c.record_id, _flags.c.doc_type == doc_type)
        parts.append(
            select(
                _batches.c.commune_code,
                table.c.status,
                table.c.created_at,
                exists().where(own_actions).label("touched"),
                exists().where(own_actions, changed).label("corrected"),
                exists().where(own_flags, _flags.c.reason == AUDIT_SAMPLE).label("audited"),
                exists()
                .where(own_flags, _flags.c.reason == REJECTED, _flags.c.resolved.is_(False))
                .label("rejected"),
                literal(doc_type).label("doc_type"),
            )
            .join(_batches, _batches.c.batch_id == table.c.batch_id)
            .where(_batches.c.commune_code.in_(communes), table.c.created_at >= since)
        )
    result = conn.execute(union_all(*parts))
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["created_at"] = _as_utc(frame["created_at"])
    for flag in ("touched", "corrected", "audited", "rejected"):
        frame[flag] = frame[flag].astype(bool)  # SQLite answers 0/1
    return frame


def _page_rows(conn: Connection, communes: list[str], since: datetime) -> pd.DataFrame:
    rows = conn.execute(
        select(_batches.c.commune_code, _pages.c.created_at)
        .join(_batches, _batches.c.batch_id == _pages.c.batch_id)
        .where(_batches.c.commune_code.in_(communes), _pages.c.created_at >= since)
    ).all()
    frame = pd.DataFrame(rows, columns=["commune_code", "created_at"])
    frame["created_at"] = _as_utc(frame["created_at"])
    return frame


def _as_utc(timestamps: pd.Series) -> pd.Series:
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones: utc=True reads both
    return pd.to_datetime(timestamps, utc=True)


def weekly(
    conn: Connection,
    communes: frozenset[str] | set[str],
    weeks: int = 12,
    now: datetime | None = None,
) -> pd.DataFrame:
    """The measures of the module docstring, one row per commune × week (``COLUMNS``)."""
    now = now or datetime.now(UTC)
    scope = sorted(communes)
    mondays = week_starts(now, weeks)
    grid = pd.MultiIndex.from_product([scope, mondays], names=["commune_code", "week_start"])
    counts = pd.DataFrame(0, index=grid, columns=COUNTS)
    oldest = pd.Series(np.nan, index=grid)
    if scope:
        since = _utc(mondays[0])
        records = _record_rows(conn, scope, since)
        pages = _page_rows(conn, scope, since)
        if len(records):
            records["week_start"] = _local_monday(records["created_at"])
            waiting = records[(records["status"] == "needs_review") & ~records["rejected"]]
            audited = records[records["audited"] & records["touched"]]
            straight = records[(records["status"] == "auto_accepted") & ~records["touched"]]
            by = ["commune_code", "week_start"]
            for name, part in [
                ("records", records),
                ("straight_through_records", straight),
                ("backlog", waiting),
                ("audited_reviewed", audited),
                ("audited_corrected", audited[audited["corrected"]]),
            ]:
                counts[name] = part.groupby(by).size().reindex(grid, fill_value=0)
            first = waiting.groupby(by)["created_at"].min()
            oldest = ((now - first).dt.total_seconds() / 86400).reindex(grid)
        if len(pages):
            pages["week_start"] = _local_monday(pages["created_at"])
            counts["pages"] = (
                pages.groupby(["commune_code", "week_start"]).size().reindex(grid, fill_value=0)
            )
    frame = counts.assign(backlog_oldest_days=oldest).reset_index()
    frame["week"] = frame["week_start"].map(week_label)
    return with_rates(frame, now)[COLUMNS]


def with_rates(frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The shares and the pages per day of a frame of counts (NaN where nothing to divide)."""
    out = frame.copy()
    records = out["records"].where(out["records"] > 0)
    reviewed = out["audited_reviewed"].where(out["audited_reviewed"] > 0)
    out["straight_through"] = out["straight_through_records"] / records
    out["residual_error"] = out["audited_corrected"] / reviewed
    local_now = now.astimezone(LOCAL_TZ).replace(tzinfo=None)
    elapsed = [
        min(7.0, max(1.0, (local_now - datetime.combine(m, datetime.min.time())).days + 1.0))
        for m in out["week_start"]
    ]
    out["pages_per_day"] = out["pages"] / np.asarray(elapsed, dtype=float)
    return out


def backlog_by_commune(
    conn: Connection, communes: frozenset[str] | set[str], now: datetime | None = None
) -> pd.DataFrame:
    """Per commune, every record still waiting for a reviewer and the age of the oldest (days),
    whenever it was loaded (``weekly`` sees only its weeks)."""
    now = now or datetime.now(UTC)
    scope = sorted(communes)
    parts = []
    for doc_type, model in sorted(RECORD_TABLES.items()):
        table = model.__table__
        rejected = exists().where(
            _flags.c.record_id == table.c.record_id,
            _flags.c.doc_type == doc_type,
            _flags.c.reason == REJECTED,
            _flags.c.resolved.is_(False),
        )
        parts.append(
            select(_batches.c.commune_code, table.c.created_at)
            .join(_batches, _batches.c.batch_id == table.c.batch_id)
            .where(_batches.c.commune_code.in_(scope), table.c.status == "needs_review", ~rejected)
        )
    waiting = union_all(*parts).subquery()
    rows = (
        conn.execute(
            select(
                waiting.c.commune_code,
                func.count().label("backlog"),
                func.min(waiting.c.created_at).label("oldest"),
            ).group_by(waiting.c.commune_code)
        ).all()
        if scope
        else []
    )
    found = pd.DataFrame(rows, columns=["commune_code", "backlog", "oldest"]).set_index(
        "commune_code"
    )
    out = pd.DataFrame(index=pd.Index(scope, name="commune_code"))
    out["backlog"] = found["backlog"].reindex(out.index, fill_value=0).astype(int)
    oldest = _as_utc(found["oldest"]).reindex(out.index)
    out["backlog_oldest_days"] = (now - oldest).dt.total_seconds() / 86400
    return out.reset_index()


def series_frame(frame: pd.DataFrame, now: datetime, lang: str) -> pd.DataFrame:
    """The frame the charts draw: as it is for a few communes, else one summed series."""
    if frame["commune_code"].nunique() <= MAX_SERIES:
        return frame
    summed = frame.groupby(["week_start", "week"], as_index=False)[COUNTS].sum()
    summed["commune_code"] = i18n.translate(lang, "all_communes")
    return with_rates(summed, now)


# measure → (label key, chart type, shown as a share)
CHARTS = {
    "pages": ("pages_processed", pygal.Bar, False),
    "straight_through": ("straight_through", pygal.Line, True),
    "backlog": ("backlog", pygal.Bar, False),
    "residual_error": ("residual_error", pygal.Line, True),
    "pages_per_day": ("pages_per_day", pygal.Line, False),
}

_STYLE = DefaultStyle(
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    background="transparent",
)


def _share(v: float) -> str:
    return f"{v:.0%}"


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def charts(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """One inline SVG per measure: weeks along, one line or bar group per commune."""
    weeks = sorted(set(zip(frame["week_start"], frame["week"], strict=True)))
    labels = [label for _, label in weeks]
    out = {}
    for measure, (key, kind, share) in CHARTS.items():
        chart = kind(
            title=i18n.translate(lang, key),
            style=_STYLE,
            width=800,
            height=320,
            js=[],  # no tooltip script from a CDN: the table carries the exact numbers
            disable_xml_declaration=True,
            legend_at_bottom=True,
            x_label_rotation=30 if len(labels) > 8 else 0,
            range=(0, 1) if share else None,
            value_formatter=_share if share else _number,
            no_data_text=i18n.translate(lang, "empty"),
            include_x_axis=not share,
            stroke_style={"width": 3},  # lines that read at a glance, also on a phone
            dots_size=4,
        )
        chart.x_labels = labels
        for commune, rows in frame.groupby("commune_code", sort=True):
            values = rows.set_index("week")[measure].reindex(labels)
            chart.add(str(commune), [None if pd.isna(v) else float(v) for v in values])
        out[measure] = chart.render(is_unicode=True)
    return out
