"""Create users, check passwords and tokens, record the audit log."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microdrama.accounts import signin
from microdrama.accounts.models import ApiToken, AuditEntry, User
from microdrama.accounts.roles import role
from microdrama.db.base import utcnow
from microdrama.errors import AccountError, AccountExists, NotFoundError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def create_user(
    session: Session,
    *,
    username: str,
    role_key: str,
    password: str,
    display_name: str | None = None,
    company_id: int | None = None,
    actor: str = "cli",
) -> User:
    """Create a user with an argon2-hashed password."""
    username = username.strip()
    if not username or len(username) > 64 or "\x00" in username:
        raise AccountError("a username needs 1 to 64 characters")
    try:
        role(role_key)
    except ValueError as exc:
        raise AccountError(str(exc)) from exc
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    key = username_key(username)
    if session.execute(select(User.id).where(User.username_key == key)).first():
        raise AccountExists(f"user '{username}' exists already")
    user = User(
        username=username,
        username_key=key,
        role=role_key,
        password_hash=_hasher.hash(password),
        display_name=display_name,
        company_id=company_id,
    )
    session.add(user)
    session.flush()
    audit(session, actor=actor, action="user.create", target=username, detail={"role": role_key})
    return user


def username_key(username: str) -> str:
    """A user name as it is compared: NFKC, trimmed, case-folded, so variants are one name."""
    return unicodedata.normalize("NFKC", username).strip().casefold()[:64]


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username (in any case or width) and password, or None."""
    user = session.execute(
        select(User).where(User.username_key == username_key(username))
    ).scalar_one_or_none()
    if user is None or not user.active:
        # Hash anyway so that a missing user takes as long as a wrong password.
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def create_token(session: Session, *, user: User, name: str) -> str:
    """A new API token for the user; the plain token is returned once and never stored."""
    token = "md_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token)))
    audit(session, actor=user.username, action="token.create", target=name)
    return token


TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def user_for_token(session: Session, *, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    found = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked.is_(False))
    ).scalar_one_or_none()
    if found is None or not found.user.active:
        return None
    now = utcnow()
    last = found.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)  # SQLite hands back naive UTC
    # To the minute is all an audit needs; writing on every request would make each API read
    # a write, and on SQLite wait on whatever else is writing.
    if last is None or now - last > TOKEN_TOUCH_INTERVAL:
        found.last_used_at = now
    return found.user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    user_id: int | None = None,
) -> None:
    """Record who changed what."""
    session.add(
        AuditEntry(
            username=actor, user_id=user_id, action=action, target=target, detail=detail or {}
        )
    )


def users(session: Session) -> list[User]:
    """All users by name."""
    return list(session.execute(select(User).order_by(User.username)).scalars())


def get_user(session: Session, *, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def user_named(session: Session, *, username: str) -> User:
    """The user with this name (in any case); NotFoundError when there is none."""
    user = session.scalars(select(User).where(User.username_key == username_key(username))).first()
    if user is None:
        raise NotFoundError(f"no user '{username}'")
    return user


def change_password(
    session: Session, *, user: User, current: str, new: str, keep_session: str | None
) -> int:
    """Set a new password after checking the current one; every other session of the user
    ends (returns how many). AccountError when the current password is wrong or the new one
    too short."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("the current password is wrong") from None
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = _hasher.hash(new)
    ended = signin.end_sessions(session, user=user, keep=keep_session)
    audit(session, actor=user.username, user_id=user.id, action="password.change")
    return ended


def tokens_of(session: Session, *, user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (the plain tokens are never stored)."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, *, token_id: int, actor: User | str) -> ApiToken:
    """Revoke a token: a user their own, an administrator anyone's; a plain name is the
    command line's operator (who may revoke any token)."""
    token = session.get(ApiToken, token_id)
    if isinstance(actor, User):
        allowed = token is not None and (
            token.user_id == actor.id or role(actor.role).manages_users
        )
        name, user_id = actor.username, actor.id
    else:
        allowed, name, user_id = token is not None, actor, None
    if token is None or not allowed:
        raise NotFoundError(f"no API token #{token_id}")
    token.revoked = True
    audit(
        session,
        actor=name,
        user_id=user_id,
        action="token.revoke",
        target=f"token {token.id}",
        detail={"owner_id": token.user_id, "name": token.name},
    )
    session.flush()
    return token


def count_users(session: Session) -> int:
    """How many users exist."""
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def audit_log(session: Session, *, limit: int = 100) -> list[AuditEntry]:
    """The newest audit entries first."""
    return list(
        session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    )
