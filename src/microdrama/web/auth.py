"""Who is asking: session cookies for people, bearer tokens for machines; CSRF and throttling."""

from __future__ import annotations

import hmac
import os
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from microdrama.accounts import service as accounts
from microdrama.accounts.models import User
from microdrama.accounts.roles import Role, role
from microdrama.config import Settings
from microdrama.web.deps import SessionDep

# Failed sign-ins allowed per user name and address within the window before a pause.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60


def secret_key(settings: Settings) -> str:
    """The cookie-signing key: configured, or created once and kept in the data directory."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


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
        request.state.user = user
        return user
    user_id = request.session.get("user_id")
    found = accounts.get_user(session, user_id=user_id) if isinstance(user_id, int) else None
    request.state.user = found if found is not None and found.active else None
    return request.state.user  # type: ignore[no-any-return]


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


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; forms echo it back."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a cookie-authenticated write whose form or header lacks the session's token."""
    if getattr(request.state, "token_auth", False) or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")


CsrfChecked = Depends(check_csrf)


class LoginThrottle:
    """Counts failed sign-ins per name and address; pauses after too many."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] < time.monotonic() - FAILURE_WINDOW_SECONDS:
            failures.popleft()
        return failures

    def blocked(self, username: str, address: str) -> bool:
        """True while this name and address have used up their attempts."""
        return len(self._recent((username.lower(), address))) >= MAX_FAILURES

    def failed(self, username: str, address: str) -> None:
        """Count one failure."""
        self._recent((username.lower(), address)).append(time.monotonic())

    def succeeded(self, username: str, address: str) -> None:
        """Forget the failures of a name and address that signed in."""
        self._failures.pop((username.lower(), address), None)


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for the user (a new CSRF token too)."""
    request.session.clear()
    request.session["user_id"] = user.id
    csrf_token(request)
