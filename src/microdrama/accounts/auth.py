"""Who is asking: session cookies for people, bearer tokens for machines, roles for routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from microdrama.accounts import service as accounts
from microdrama.accounts import signin
from microdrama.accounts.models import User
from microdrama.accounts.roles import Role, role
from microdrama.db.session import unit_of_work
from microdrama.web.auth import csrf_token
from microdrama.web.deps import SessionDep


def peer_address(request: Request) -> str:
    """The address the request came from, as the server saw it (proxy headers are believed
    only from the proxies `serve` was told to trust: MICRODRAMA_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def current_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user (session cookie) or the token's user (Authorization: Bearer)."""
    header = request.headers.get("authorization", "")
    user: User | None
    if header.lower().startswith("bearer "):
        user = _token_user(request, session, header[7:].strip())
        request.state.token_auth = True
    else:
        key = request.session.get("sid")
        user = signin.session_user(session, key=key) if isinstance(key, str) else None
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
# For a route's dependencies, before CsrfChecked: an anonymous request is a 401, not a 403.
SIGNED_IN_FIRST = Depends(signed_in)


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


def _token_user(request: Request, session: Session, token: str) -> User:
    """The token's user; 401 for a wrong token, 429 once an address has guessed too often.

    Failures are counted in a unit of work of their own: the 401 rolls the request back.
    """
    address = peer_address(request)
    if signin.blocked(session, name_key=signin.TOKEN_KEY, address=address):
        raise HTTPException(
            status_code=429,
            detail="too many invalid API tokens from this address; try again in 15 minutes",
            headers={"Retry-After": "900"},
        )
    user = accounts.user_for_token(session, token=token)
    if user is None:
        with unit_of_work(request.app.state.sessions, writer=True) as own:
            signin.failed(own, name_key=signin.TOKEN_KEY, address=address)
        raise HTTPException(
            status_code=401,
            detail="invalid or revoked API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def sign_in(request: Request, session: Session, user: User) -> None:
    """Start a fresh server-side session for the user (a new CSRF token too)."""
    request.session.clear()
    request.session["sid"] = signin.start_session(
        session, user=user, address=peer_address(request), agent=request.headers.get("user-agent")
    )
    csrf_token(request)


def sign_out(request: Request, session: Session) -> None:
    """End this browser's session on the server and forget the cookie's contents."""
    key = request.session.get("sid")
    if isinstance(key, str):
        signin.end_session(session, key=key)
    request.session.clear()


def session_key(request: Request) -> str | None:
    """This browser's session key (to keep it when ending the others)."""
    key = request.session.get("sid")
    return key if isinstance(key, str) else None
