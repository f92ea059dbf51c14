"""Signing in: sessions kept on the server (so they can be ended), and failed attempts counted
in the database, per normalised name and real peer address, for every worker alike."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from microdrama.accounts.models import SignInFailure, User, UserSession
from microdrama.db.base import utcnow
from microdrama.db.locks import hold_key_lock

SESSION_DAYS = 14
# A session's last use is written at most this often (a write per page would serialise reads).
TOUCH_INTERVAL = timedelta(minutes=5)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5  # from one address, for one user name
MAX_FAILURES_PER_ADDRESS = 30  # from one address, whatever the names (spraying, tokens)
TOKEN_KEY = ""  # the name key under which failed API tokens are counted


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def start_session(session: Session, *, user: User, address: str | None, agent: str | None) -> str:
    """A new server-side session for the user; the returned key goes into the cookie."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            user_id=user.id,
            key_hash=_digest(key),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
            address=(address or "")[:64] or None,
            agent=(agent or "")[:200] or None,
        )
    )
    session.flush()
    return key


def session_user(session: Session, *, key: str) -> User | None:
    """The active user of a live session, or None (ended, expired, unknown, user disabled)."""
    found = session.scalars(select(UserSession).where(UserSession.key_hash == _digest(key))).first()
    now = utcnow()
    if found is None or found.ended_at is not None or _aware(found.expires_at) <= now:
        return None
    if not found.user.active:
        return None
    if now - _aware(found.last_seen_at) > TOUCH_INTERVAL:
        found.last_seen_at = now
    return found.user


def end_session(session: Session, *, key: str) -> None:
    """End one session (signing out)."""
    session.execute(
        update(UserSession)
        .where(UserSession.key_hash == _digest(key), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_sessions(session: Session, *, user: User, keep: str | None = None) -> int:
    """End every live session of the user but `keep`'s; how many were ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.key_hash != _digest(keep))
    return session.execute(query.values(ended_at=utcnow())).rowcount or 0  # type: ignore[attr-defined]


def live_sessions(session: Session, *, user: User) -> list[UserSession]:
    """The user's sessions that have not ended or expired, newest first."""
    return list(
        session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def blocked(session: Session, *, name_key: str, address: str) -> bool:
    """True while this name (or, for tokens, TOKEN_KEY) from this address must wait.

    The caller holds `hold_attempt` first, so concurrent guesses are counted one by one.
    """
    since = utcnow() - FAILURE_WINDOW
    per_name, per_address = session.execute(
        select(
            func.count().filter(SignInFailure.name_key == name_key),
            func.count(),
        ).where(SignInFailure.address == address, SignInFailure.at > since)
    ).one()
    limit = MAX_FAILURES_PER_ADDRESS if name_key == TOKEN_KEY else MAX_FAILURES_PER_NAME
    return per_name >= limit or per_address >= MAX_FAILURES_PER_ADDRESS


def hold_attempt(session: Session, *, address: str) -> None:
    """Let one attempt from this address run at a time, to the end of the transaction."""
    hold_key_lock(session, name=f"sign-in:{address}")


def failed(session: Session, *, name_key: str, address: str) -> None:
    """Count one failed attempt; old ones are dropped on the way."""
    session.execute(delete(SignInFailure).where(SignInFailure.at < utcnow() - FAILURE_WINDOW))
    session.add(SignInFailure(name_key=name_key[:64], address=address[:64]))
    session.flush()


def succeeded(session: Session, *, name_key: str, address: str) -> None:
    """Forget the failures of a name and address that signed in."""
    session.execute(
        delete(SignInFailure).where(
            SignInFailure.name_key == name_key, SignInFailure.address == address
        )
    )
