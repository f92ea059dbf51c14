"""Who is asking: session cookies for people, bearer tokens for machines, roles for routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from microdrama.accounts import service as accounts
from microdrama.accounts.models import User
from microdrama.accounts.roles import Role, role
from microdrama.web.auth import csrf_token
from microdrama.web.deps import SessionDep


def current_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user (session cookie) or the token's user (Authorization: Bearer)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.user_for_token(session, token=header[7:].strip())
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="invalid or revoked API token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.token_auth = True
    else:
        user_id = request.session.get("user_id")
        found = accounts.get_user(session, user_id=user_id) if isinstance(user_id, int) else None
        user = found if found is not None and found.active else None
    # Pages read both from the request: the web kit's templates know no accounts model.
    request.state.user = user
    request.state.role = permission(user)
    return user


MaybeUser = Annotated[User | None, Depends(current_user)]


def signed_in(user: MaybeUser) -> User:
    """The signed-in user; 401 for anonymous requests."""
    if user is None:
        raise HTTPException(
            status_code=401, detail="sign in first", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


SignedIn = Annotated[User, Depends(signed_in)]


def permission(user: User | None) -> Role | None:
    """The user's role, or None for anonymous visitors."""
    return role(user.role) if user else None


def reads_unpublished(user: User | None) -> bool:
    """True for users who may see index runs before they are published."""
    granted = permission(user)
    return granted is not None and granted.reads_unpublished


def is_blind(user: User | None) -> bool:
    """True for blind reviewers: no companies or credits are shown to them."""
    granted = permission(user)
    return granted is not None and granted.blind


def require(flag: str) -> Any:
    """A dependency admitting users whose role has `flag`: 401 anonymous, 403 otherwise."""

    def dependency(user: MaybeUser) -> User:
        if user is None:
            raise HTTPException(
                status_code=401, detail="sign in first", headers={"WWW-Authenticate": "Bearer"}
            )
        if not getattr(role(user.role), flag):
            raise HTTPException(status_code=403, detail=f"the {user.role} role may not do this")
        return user

    return Depends(dependency)


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for the user (a new CSRF token too)."""
    request.session.clear()
    request.session["user_id"] = user.id
    csrf_token(request)
