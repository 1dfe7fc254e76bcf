"""Who is asking: the account behind the session, its role and its communes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from portal.accounts import Account, load_account


def current_account(request: Request) -> Account:
    """The logged-in account (401 → the login page when there is none)."""
    user_id = request.session.get("uid")
    account = load_account(request.app.state.engine, user_id) if user_id else None
    if account is None:
        raise HTTPException(status_code=401)
    request.state.account = account
    return account


def require(role: str):
    """A dependency: the account, if its role is at least ``role`` (else 403)."""

    def dependency(request: Request) -> Account:
        account = current_account(request)
        if not account.at_least(role):
            raise HTTPException(status_code=403)
        return account

    return dependency


def in_scope(account: Account, commune: str | None) -> None:
    if commune is None or commune not in account.communes:
        raise HTTPException(status_code=404)


# Route parameters: ``me: Reviewer`` is the account, checked to be at least a reviewer.
Clerk = Annotated[Account, Depends(require("clerk"))]
Reviewer = Annotated[Account, Depends(require("reviewer"))]
DataAdmin = Annotated[Account, Depends(require("data_admin"))]
