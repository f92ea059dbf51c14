"""Request-scoped dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from microdrama.config import Settings
from microdrama.i18n import Translator, choose_locale


def open_session(request: Request) -> Iterator[Session]:
    """The request's session, closed once the response has been sent."""
    session: Session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


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
