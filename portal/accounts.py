"""Accounts: users with a role, scoped to communes; login with throttling."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from portal import security
from registry.models import ROLES, User, UserCommune
from sohoa.errors import SohoaError

log = logging.getLogger(__name__)

_users = User.__table__
_communes = UserCommune.__table__
_COMMUNE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    full_name: str | None
    role: str
    communes: frozenset[str]

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class LoginThrottled(SohoaError):
    reason = "login_throttled"


def add_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    communes: list[str],
    full_name: str | None = None,
) -> int:
    """Create a user; raises ``SohoaError`` with a plain reason on bad input."""
    if role not in ROLES:
        raise SohoaError(
            f"Vai trò {role!r} không hợp lệ (chọn {', '.join(ROLES)})",
            f"Unknown role {role!r} (choose {', '.join(ROLES)})",
        )
    bad = [c for c in communes if not _COMMUNE.match(c)]
    if bad or not communes:
        raise SohoaError(
            "Cần ít nhất một mã xã 5 chữ số (mã 2025)",
            f"At least one 5-digit commune code (2025 scheme) is needed; bad: {bad}",
        )
    if len(password) < 10:
        raise SohoaError("Mật khẩu cần ít nhất 10 ký tự", "The password needs 10 characters")
    with engine.begin() as conn:
        if conn.execute(select(_users.c.user_id).where(_users.c.username == username)).first():
            raise SohoaError(
                f"Tên đăng nhập {username!r} đã có", f"The username {username!r} is taken"
            )
        user_id = conn.execute(
            insert(_users)
            .values(
                username=username,
                full_name=full_name,
                password_hash=security.hash_password(password),
                role=role,
            )
            .returning(_users.c.user_id)
        ).scalar_one()
        conn.execute(
            insert(_communes), [{"user_id": user_id, "commune_code": c} for c in set(communes)]
        )
    log.info("user %s (%s) added for %s", username, role, communes)
    return user_id


def load_account(engine: Engine, user_id: int) -> Account | None:
    with engine.connect() as conn:
        row = (
            conn.execute(select(_users).where(_users.c.user_id == user_id, _users.c.active))
            .mappings()
            .first()
        )
        if row is None:
            return None
        communes = conn.execute(
            select(_communes.c.commune_code).where(_communes.c.user_id == user_id)
        ).scalars()
        return Account(
            row["user_id"], row["username"], row["full_name"], row["role"], frozenset(communes)
        )


def authenticate(engine: Engine, username: str, password: str) -> int | None:
    """The user id for a right password, None for a wrong one; ``LoginThrottled`` while the
    account waits after too many wrong passwords (the password is then not even tried)."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        row = (
            conn.execute(select(_users).where(_users.c.username == username, _users.c.active))
            .mappings()
            .first()
        )
    if row is not None:
        wait = security.wait_seconds(row["failed_logins"], row["last_failed_at"], now)
        if wait:
            raise LoginThrottled(
                f"Sai mật khẩu quá nhiều lần. Hãy thử lại sau {wait} giây.",
                f"Too many wrong passwords. Try again in {wait} seconds.",
            )
    # verified outside any transaction: argon2 is slow on purpose, a write lock must not wait
    ok = security.verify_password(row["password_hash"] if row else None, password)
    if row is None:
        return None
    if ok:
        if row["failed_logins"]:
            with engine.begin() as conn:
                conn.execute(
                    update(_users).where(_users.c.user_id == row["user_id"]).values(failed_logins=0)
                )
        return row["user_id"]
    with engine.begin() as conn:
        conn.execute(
            update(_users)
            .where(_users.c.user_id == row["user_id"])
            .values(failed_logins=_users.c.failed_logins + 1, last_failed_at=now)
        )
    return None
