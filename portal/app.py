"""The portal's FastAPI application: ``create_app()``; ``sohoa serve`` runs it with uvicorn.

Pages are server-rendered (Jinja2) with a few lines of plain JavaScript for the review keys.
Every route checks the role and the communes of the logged-in user (``portal.deps``); a record
outside them is 404, a page above the role is 403.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from portal import i18n, security
from registry.db import get_engine, upgrade
from sohoa.settings import get_settings

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SWEEP_EVERY_S = 60


def _context(request: Request) -> dict:
    lang = request.session.get("lang", "vi")
    return {
        "t": lambda key: i18n.translate(lang, key),
        "lang": lang,
        "csrf": security.csrf_token(request),
        "me": getattr(request.state, "account", None),
        "doc_types": i18n.DOC_TYPES,
    }


templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_context])


def create_app(database_url: str | None = None, sweep_every_s: float | None = None) -> FastAPI:
    """The portal app on ``database_url`` (default: settings). With ``sweep_every_s`` the app
    runs the upload-queue sweep on a timer (the embedded default's scheduled place)."""
    settings = get_settings()
    url = database_url or settings.database_url

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        task = None
        if sweep_every_s:
            task = asyncio.create_task(_sweep_loop(app, sweep_every_s))
        yield
        if task:
            task.cancel()
        app.state.engine.dispose()

    app = FastAPI(
        title="sohoa portal", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    upgrade(url)
    app.state.engine = get_engine(url)
    app.state.database_url = url
    app.add_middleware(
        SessionMiddleware,
        secret_key=security.session_secret(settings.data_dir),
        session_cookie="sohoa_session",
        max_age=8 * 3600,
        same_site="lax",
        # behind the TLS-terminating proxy, SOHOA_PORTAL_SECURE=1 adds the Secure flag
        https_only=os.environ.get("SOHOA_PORTAL_SECURE") == "1",
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from portal import routes_auth, routes_dashboard, routes_review, routes_upload

    app.include_router(routes_auth.router)
    app.include_router(routes_upload.router)
    app.include_router(routes_review.router)
    app.include_router(routes_dashboard.router)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        if exc.status_code == 401:
            return RedirectResponse("/login", status_code=303)
        key = {403: "forbidden", 404: "not_found"}.get(exc.status_code)
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "message": exc.detail
                if key is None or exc.detail not in (None, "", "Not Found", "Forbidden")
                else None,
                "key": key,
            },
            status_code=exc.status_code,
        )

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request):
        from portal.deps import current_account

        me = current_account(request)
        return RedirectResponse("/upload" if me.role == "clerk" else "/review", status_code=303)

    return app


async def _sweep_loop(app: FastAPI, every: float) -> None:
    from portal.dispatch import sweep

    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(sweep, app.state.engine, app.state.database_url)
        except Exception:  # the timer must outlive one bad sweep
            log.exception("upload sweep failed")
