"""Request-scoped dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from microdrama.config import Settings
from microdrama.db.session import writer_session
from microdrama.i18n import Translator, choose_locale

F = TypeVar("F", bound=Callable[..., Any])

# Requests that only read. The others are writers: on SQLite they wait for the write lock
# when they begin, so concurrent sign-ins and imports take turns instead of failing.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def open_session(request: Request) -> Iterator[Session]:
    """The request's session, closed once the response has been sent."""
    session: Session = request.app.state.sessions()
    if request.method not in READING_METHODS and not _reads_long(request):
        writer_session(session)
    try:
        yield session
    finally:
        session.close()


def reads_long(endpoint: F) -> F:
    """Mark a route that reads for long before it writes: it begins as a reader (see below)."""
    endpoint.reads_long = True  # type: ignore[attr-defined]
    return endpoint


def _reads_long(request: Request) -> bool:
    # A route that reads for long before it writes (an index computation) opts out: holding
    # the write lock all that time would stall every other writer.
    return bool(getattr(request.scope.get("endpoint"), "reads_long", False))


def get_session(session: Annotated[Session, Depends(open_session)]) -> Iterator[Session]:
    """A unit of work per request: committed when the route returns, before the response goes.

    Committing after the response (FastAPI's default for yield dependencies) let a browser
    follow a redirect and read the page before the write it redirected from had landed.
    The session itself stays open until the response is sent, so serialising a response
    model can still load relationships.
    """
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_translator(request: Request) -> Translator:
    """The translator for the locale this request asks for."""
    return Translator(
        choose_locale(
            query=request.query_params.get("lang"),
            cookie=request.cookies.get("lang"),
            accept_language=request.headers.get("accept-language"),
        )
    )


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TranslatorDep = Annotated[Translator, Depends(get_translator)]
