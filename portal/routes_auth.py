"""Log in (throttled after wrong passwords), log out, switch language."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from portal import security
from portal.accounts import LoginThrottled, authenticate
from portal.app import templates
from portal.audit import audit

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request):
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    username = str(form.get("username") or "").strip()
    engine = request.app.state.engine
    try:
        user_id = await asyncio.to_thread(
            authenticate, engine, username, str(form.get("password") or "")
        )
    except LoginThrottled as e:
        return templates.TemplateResponse(
            request, "login.html", {"error": e.for_people()}, status_code=429
        )
    if user_id is None:
        lang = request.session.get("lang", "vi")
        return templates.TemplateResponse(
            request, "login.html", {"error": _bad_login(lang)}, status_code=401
        )
    lang = request.session.get("lang", "vi")
    request.session.clear()  # a fresh session (and CSRF token) for the logged-in user
    request.session.update({"uid": user_id, "lang": lang})
    with engine.begin() as conn:
        audit(conn, username, "login")
    return RedirectResponse("/", status_code=303)


def _bad_login(lang: str) -> str:
    from portal.i18n import translate

    return translate(lang, "bad_login")


@router.post("/logout")
async def logout(request: Request):
    form = await request.form()
    security.check_csrf(request, form.get("csrf_token"))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
async def switch_language(request: Request, code: str):
    if code in ("vi", "en"):
        request.session["lang"] = code
    back = request.headers.get("referer") or "/"
    # only go back within this site
    return RedirectResponse(
        back if back.startswith(str(request.base_url)) else "/", status_code=303
    )
