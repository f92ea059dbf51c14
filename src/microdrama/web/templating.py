"""Jinja2 rendering with the request's translator and the simulated-data notice.

The templates are built once per app by `build_templates` (in `create_app`), over the web kit's
own templates (the base page) and each domain's `templates/` folder; pages render through
`render`, which finds them on the request's app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from microdrama.i18n import LOCALES, Translator
from microdrama.web.auth import csrf_token

KIT_TEMPLATES = Path(__file__).parent / "templates"


def number(value: int | float | None) -> str:
    """A count or measure with thousands separators; an em dash when unknown."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def wan(value: int | None) -> str:
    """Large counts the way Chinese dashboards show them: 万 and 亿."""
    if value is None:
        return "—"
    if value >= 100_000_000:
        return f"{value / 100_000_000:.2f}亿"
    if value >= 10_000:
        return f"{value / 10_000:.1f}万"
    return f"{value:,}"


def money(yuan: str | None) -> str:
    """Exact yuan text with thousands separators: '1234567.80' -> '1,234,567.80'."""
    if not yuan:
        return "—"
    whole, _, fraction = yuan.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{fraction or '00'}"


def build_templates(
    folders: Iterable[Path], *, filters: Mapping[str, Callable[..., Any]] | None = None
) -> Jinja2Templates:
    """The app's templates: the kit's base page first, then each domain's folder, with filters."""
    templates = Jinja2Templates(directory=[KIT_TEMPLATES, *folders])
    templates.env.filters.update({"number": number, "money": money, "wan": wan, **(filters or {})})
    return templates


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


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
    context["current_role"] = getattr(request.state, "role", None)
    if "csrf" not in context:
        context["csrf"] = csrf_token(request)
    response = _templates(request).TemplateResponse(
        request,
        name,
        {**_translation(translator), "url_with": url_with, **context},
        status_code=status_code,
    )
    chosen = request.query_params.get("lang")
    if chosen and chosen.replace("-", "_") in LOCALES:
        response.set_cookie(
            "lang", chosen.replace("-", "_"), max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response


def render_fragment(request: Request, translator: Translator, name: str, **context: Any) -> Markup:
    """A piece of a page (a section another domain adds to it), rendered as safe markup."""
    template = _templates(request).get_template(name)
    return Markup(template.render({**_translation(translator), "request": request, **context}))


def _translation(translator: Translator) -> dict[str, Any]:
    return {
        "_": translator.gettext,
        "locale": translator.locale,
        "html_lang": translator.html_lang,
        "locales": LOCALES,
    }
