"""Request-scoped dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from microdrama.config import Settings
from microdrama.db.session import unit_of_work
from microdrama.web.i18n import Translator, choose_locale


def get_session(request: Request) -> Iterator[Session]:
    """A unit of work per request: committed when the route returns."""
    with unit_of_work(request.app.state.sessions) as session:
        yield session


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


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TranslatorDep = Annotated[Translator, Depends(get_translator)]
