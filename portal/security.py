"""Passwords, sessions, CSRF and login throttling.

Passwords are hashed with argon2id (``argon2-cffi``). The session is Starlette's signed cookie
(``itsdangerous``; HttpOnly, SameSite=Lax) holding the user id, a CSRF token and the language.
Every POST carries the CSRF token in a form field; ``check_csrf`` compares it in constant time.
After ``FREE_ATTEMPTS`` wrong passwords an account waits, doubling per further failure, before
any password (even the right one) is tried again.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException, Request

log = logging.getLogger(__name__)

FREE_ATTEMPTS = 5
FIRST_WAIT_S = 30
MAX_WAIT_S = 15 * 60


@lru_cache(maxsize=1)
def _hasher() -> tuple[PasswordHasher, str]:
    """The hasher (argon2id, RFC 9106 low-memory profile; ``SOHOA_ARGON2_PROFILE`` names another
    of ``argon2.profiles``, e.g. CHEAPEST for test suites) and a dummy hash that is verified
    against when a username is unknown, so both cases take as long."""
    name = os.environ.get("SOHOA_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    hasher = PasswordHasher.from_parameters(getattr(profiles, name))
    return hasher, hasher.hash(secrets.token_hex(8))


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy = _hasher()
    try:
        # argon2 reads the cost from the stored hash, so older hashes still verify
        return hasher.verify(password_hash or dummy, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def wait_seconds(failed_logins: int, last_failed_at: datetime | None, now: datetime) -> int:
    """Seconds the account must still wait before a password is tried (0: go ahead)."""
    if failed_logins < FREE_ATTEMPTS or last_failed_at is None:
        return 0
    if last_failed_at.tzinfo is None:  # SQLite hands back naive UTC
        last_failed_at = last_failed_at.replace(tzinfo=UTC)
    wait = min(FIRST_WAIT_S * 2 ** (failed_logins - FREE_ATTEMPTS), MAX_WAIT_S)
    left = last_failed_at + timedelta(seconds=wait) - now
    return max(0, int(left.total_seconds() + 0.999))


def session_secret(data_dir: Path) -> str:
    """The cookie-signing key: ``SOHOA_PORTAL_SECRET``, else a key file kept in the data folder
    (shared by every worker of one deployment)."""
    if secret := os.environ.get("SOHOA_PORTAL_SECRET"):
        return secret
    path = data_dir / "portal_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            with open(path, "x", encoding="ascii") as fh:  # "x": two workers never both write
                fh.write(secrets.token_urlsafe(48))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text("ascii").strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: object) -> None:
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise HTTPException(
            status_code=403,
            detail="Phiên làm việc không hợp lệ, hãy tải lại trang / Invalid form token; "
            "reload the page",
        )
