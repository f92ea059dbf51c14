"""Jinja2 rendering with the request's translator and the simulated-data notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from microdrama.i18n import LOCALES, Translator

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _number(value: int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _wan(value: int | None) -> str:
    """Large counts the way Chinese dashboards show them: 万 and 亿."""
    if value is None:
        return "—"
    if value >= 100_000_000:
        return f"{value / 100_000_000:.2f}亿"
    if value >= 10_000:
        return f"{value / 10_000:.1f}万"
    return f"{value:,}"


def _money(yuan: str | None) -> str:
    """Exact yuan text with thousands separators: '1234567.80' -> '1,234,567.80'."""
    if not yuan:
        return "—"
    whole, _, fraction = yuan.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{fraction or '00'}"


templates.env.filters["number"] = _number
templates.env.filters["money"] = _money
templates.env.filters["wan"] = _wan


def _role_of(user: Any) -> Any:
    from microdrama.accounts.roles import role

    return role(user.role) if user is not None else None


def _csrf(request: Request) -> str:
    from microdrama.web.auth import csrf_token

    return csrf_token(request)


def render(
    request: Request, translator: Translator, name: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a template; remember an explicit ?lang= choice in a cookie."""

    def url_with(**changes: Any) -> str:
        params = dict(request.query_params)
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            params.pop(key, None)
        return f"{request.url.path}?{urlencode(params)}"

    context.setdefault("current_user", getattr(request.state, "user", None))
    context["current_role"] = _role_of(context["current_user"])
    if "csrf" not in context:
        context["csrf"] = _csrf(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "_": translator.gettext,
            "locale": translator.locale,
            "html_lang": translator.html_lang,
            "locales": LOCALES,
            "url_with": url_with,
            **context,
        },
        status_code=status_code,
    )
    chosen = request.query_params.get("lang")
    if chosen and chosen.replace("-", "_") in LOCALES:
        response.set_cookie(
            "lang", chosen.replace("-", "_"), max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response
