"""The data team: the dashboard of their communes and the Great Expectations Data Docs."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from portal import dashboard
from portal.app import templates
from portal.audit import audit
from portal.deps import DataAdmin, in_scope
from sohoa.settings import get_settings

router = APIRouter()

# What of the Data Docs folder is the site; the rest (gx/: configuration, raw results) is not.
DATA_DOCS_SITE = ("index.html", "expectations", "validations", "static")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    me: DataAdmin,
    commune: str | None = None,
    weeks: int = Query(12, ge=1, le=104),
):
    if commune:
        in_scope(me, commune)
    scope = frozenset({commune}) if commune else me.communes
    lang = request.session.get("lang", "vi")
    now = datetime.now(UTC)
    with request.app.state.engine.connect() as conn:
        frame = dashboard.weekly(conn, scope, weeks, now)
        backlog = dashboard.backlog_by_commune(conn, scope, now)
    active = frame[(frame["pages"] > 0) | (frame["records"] > 0)]
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {
            "charts": dashboard.charts(dashboard.series_frame(frame, now, lang), lang),
            "rows": active.sort_values(["week_start", "commune_code"]).to_dict("records"),
            "backlog": backlog.to_dict("records"),
            "communes": sorted(me.communes),
            "filters": {"commune": commune or "", "weeks": weeks},
            "data_docs": (get_settings().data_docs_dir / "index.html").is_file(),
        },
    )


@router.get("/data-docs/{path:path}")
def data_docs(request: Request, path: str, me: DataAdmin):
    """The Data Docs site, read-only; HTML pages may quote values of records, so views are
    audited."""
    root = get_settings().data_docs_dir.resolve()
    target = (root / (path or "index.html")).resolve()
    if (
        not target.is_relative_to(root)
        or target.relative_to(root).parts[:1] not in [(p,) for p in DATA_DOCS_SITE]
        or not target.is_file()
    ):
        raise HTTPException(404)
    if target.suffix == ".html":
        with request.app.state.engine.begin() as conn:
            audit(conn, me.username, "view_data_docs", new_value=str(target.relative_to(root)))
    # Great Expectations' pages carry their own scripts: sandboxed, they run as a foreign origin
    # that can neither read the portal's cookies nor act in the reviewer's session.
    return FileResponse(target, headers={"Content-Security-Policy": "sandbox allow-scripts"})
