"""Access control on every route: role (403), commune scope (404, no personal data in the
body), CSRF-less posts refused, login throttled after five wrong passwords."""

from __future__ import annotations

import pytest
from conftest import COMMUNE_A, NAME_A, NAME_B, csrf_of, login
from sqlalchemy import insert, select

from registry.models import AuditEvent, NationalResident, ReconciliationResult

GET, POST = "GET", "POST"


def _routes(p):
    """(method, path, lowest role, personal data a foreign user must not see) per route;
    {rec} is commune A's record."""
    rec = f"birth_registration/{p.record_a}"
    return [
        (GET, "/upload", "clerk", None),
        (POST, "/upload", "clerk", None),
        (GET, "/batches", "clerk", None),
        (GET, "/batches/{batch}", "clerk", None),
        (GET, "/review", "reviewer", NAME_A),
        (GET, "/review/next", "reviewer", NAME_A),
        (GET, f"/review/{rec}", "reviewer", NAME_A),
        (POST, f"/review/{rec}/field", "reviewer", NAME_A),
        (POST, f"/review/{rec}/reject", "reviewer", NAME_A),
        (POST, f"/review/{rec}/confirm", "reviewer", NAME_A),
        (GET, f"/review/{rec}/crop/child_full_name.png", "reviewer", None),
        (GET, f"/review/{rec}/page.png", "reviewer", None),
        (GET, f"/records/{rec}/history", "reviewer", NAME_A),
        (GET, "/audit/export.csv", "data_admin", NAME_A),
        (GET, "/dashboard", "data_admin", None),
        (GET, "/data-docs/index.html", "data_admin", None),
        (GET, "/reconciliation", "reviewer", "TRẦN VĂN BA"),
        (GET, "/reconciliation/R1/E00000001", "reviewer", "TRẦN VĂN BA"),
        (POST, "/reconciliation/R1/E00000001", "reviewer", "TRẦN VĂN BA"),
    ]


PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/lang/{code}"),
    ("GET", "/"),
}


@pytest.fixture
def seeded(portal):
    with portal.engine.begin() as conn:
        conn.execute(
            insert(NationalResident.__table__).values(
                personal_id="068085000123",
                full_name="TRẦN VĂN BA",
                address_commune_code=COMMUNE_A,
                address_commune_code_scheme="2025",
            )
        )
        conn.execute(
            insert(ReconciliationResult.__table__).values(
                run_id="R1",
                entry_id="E00000001",
                category="CONFLICT",
                matched_personal_id="068085000123",
                match_probability=0.97,
                differing_fields=["date_of_birth"],
                evidence={"full_name": "TRẦN VĂN BA"},
            )
        )
    clerk = portal.client("clerk_a")
    token = csrf_of(clerk.get("/upload").text)
    r = clerk.post(
        "/upload",
        data={"csrf_token": token, "commune_code": COMMUNE_A},
        files=[("files", ("note.txt", b"not a scan at all", "text/plain"))],
    )
    assert r.status_code == 303
    portal.batch = r.headers["location"].rsplit("/", 1)[1]
    return portal


def _call(client, method, path, portal):
    path = path.replace("{batch}", portal.batch)
    if method == GET:
        return client.get(path)
    token = csrf_of(client.get("/login").text)
    data = {
        "csrf_token": token,
        "field": "child_full_name",
        "value": "X",
        "version": "0",
        "why": "test",
        "decision": "not_same_person",
        "commune_code": COMMUNE_A,
    }
    return client.post(
        path,
        data=data,
        files=[("files", ("a.txt", b"x", "text/plain"))] if "upload" in path else None,
    )


def _matches(template: str, path: str) -> bool:
    """Whether a concrete path fits a route template (``{x}`` = one path segment or a file
    name's stem)."""
    import re

    pattern = re.sub(r"\\{[^}]+\\}", r"[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def test_every_route_is_in_the_access_table(seeded):
    listed = [(m, p.replace("{batch}", seeded.batch)) for m, p, _, _ in _routes(seeded)]
    for route in seeded.app.routes:
        for method in getattr(route, "methods", None) or ():
            if method == "HEAD" or (method, route.path) in PUBLIC:
                continue
            assert any(m == method and _matches(route.path, p) for m, p in listed), (
                method,
                route.path,
            )


@pytest.mark.parametrize("who", ["anonymous", "lower_role", "other_commune"])
def test_refused_without_personal_data(seeded, who):
    order = ["clerk", "reviewer", "data_admin"]
    for method, path, role, secret in _routes(seeded):
        if who == "anonymous":
            client = seeded.client()
            expected = {303}  # to the login page
        elif who == "lower_role":
            if role == "clerk":
                continue
            lower = {"reviewer": "clerk_a", "data_admin": "reviewer_a"}[role]
            client, expected = seeded.client(lower), {403}
        else:
            client = seeded.client("reviewer_b")
            if order.index(role) > order.index("reviewer"):
                expected = {403}
            elif path == "/review/next":
                expected = {303}  # to their own commune's record or the empty queue
            elif path.startswith(("/review/", "/records", "/reconciliation/", "/batches/")) or (
                path == "/upload" and method == POST
            ):
                expected = {404}
            else:
                expected = {200}  # a list: it must simply not show commune A's rows
        r = _call(client, method, path, seeded)
        assert r.status_code in expected, (who, method, path, r.status_code)
        if who == "anonymous":
            assert r.headers["location"] == "/login"
        if r.status_code == 303:
            assert seeded.record_a not in r.headers["location"]
        body = r.text
        assert NAME_A not in body, (who, method, path)
        if secret:
            assert secret not in body, (who, method, path)
        assert seeded.batch not in body or path.startswith("/upload")


def test_own_commune_sees_its_record_and_the_view_is_audited(seeded):
    client = seeded.client("reviewer_a")
    r = client.get(f"/review/birth_registration/{seeded.record_a}")
    assert r.status_code == 200 and NAME_A in r.text and NAME_B not in r.text
    assert seeded.record_b not in client.get("/review").text
    with seeded.engine.connect() as conn:
        actions = (
            conn.execute(select(AuditEvent.action).where(AuditEvent.record_id == seeded.record_a))
            .scalars()
            .all()
        )
    assert "view_record" in actions


def test_posts_without_csrf_token_are_refused(portal):
    client = portal.client("reviewer_a")
    rec = f"/review/birth_registration/{portal.record_a}"
    for path, data in [
        (f"{rec}/field", {"field": "child_full_name", "value": "LÊ VĂN AN", "version": "0"}),
        (f"{rec}/reject", {"why": "blurred", "version": "0"}),
        (f"{rec}/confirm", {"version": "0"}),
        ("/logout", {}),
    ]:
        r = client.post(path, data=data)
        assert r.status_code == 403, path
        r = client.post(path, data={**data, "csrf_token": "forged"})
        assert r.status_code == 403, path
    assert NAME_A in client.get(rec).text  # unchanged and still logged in
    anonymous = portal.client()
    r = anonymous.post(
        "/login", data={"username": "reviewer_a", "password": "correct horse battery"}
    )
    assert r.status_code == 403


def test_five_wrong_passwords_slow_further_attempts(portal):
    client = portal.client()
    for _ in range(5):
        assert login(client, "clerk_a", "wrong password").status_code == 401
    r = login(client, "clerk_a")  # even the right password must wait now
    assert r.status_code == 429
    assert "giây" in r.text and "seconds" in r.text
    assert client.get("/upload").status_code == 303  # not logged in
    other = portal.client()
    assert login(other, "reviewer_a").status_code == 303  # other accounts are not affected


def test_session_cookie_is_signed_httponly_samesite(portal):
    client = portal.client()
    r = login(client, "reviewer_a")
    cookie = r.headers["set-cookie"].lower()
    assert "sohoa_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    # a tampered cookie is not a session
    value = client.cookies.get("sohoa_session")
    client.cookies.set("sohoa_session", value[:-4] + ("AAAA" if value[-4:] != "AAAA" else "BBBB"))
    assert client.get("/review").status_code == 303


def test_vietnamese_first_with_an_english_switch(portal):
    client = portal.client()
    assert "Đăng nhập" in client.get("/login").text
    client.get("/lang/en")
    page = client.get("/login").text
    assert "Log in" in page and "Đăng nhập" not in page.split("<main>")[1]


@pytest.mark.integration  # one hash at full cost (64 MiB, t=3)
def test_production_passwords_are_argon2id_at_rfc_9106_cost(monkeypatch):
    from portal import security

    monkeypatch.delenv("SOHOA_ARGON2_PROFILE")
    security._hasher.cache_clear()
    try:
        stored = security.hash_password("a long passphrase")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert security.verify_password(stored, "a long passphrase")
        assert not security.verify_password(stored, "a long passphrasE")
    finally:
        security._hasher.cache_clear()
