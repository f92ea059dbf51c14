"""Administrators manage users and tokens on the web."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from microdrama.accounts import service
from microdrama.accounts.auth import SignedIn, require
from microdrama.accounts.roles import ROLES
from microdrama.errors import MicrodramaError
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, TranslatorDep
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    *,
    status_code: int = 200,
    error: str | None = None,
    token: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        t,
        "accounts/users.html",
        status_code=status_code,
        users=service.users(session),
        roles=ROLES,
        audit=service.audit_log(session, limit=30),
        error=error,
        token=token,
    )


@router.get("/admin/users", response_class=HTMLResponse, dependencies=[require("manages_users")])
def users_page(request: Request, session: SessionDep, t: TranslatorDep) -> HTMLResponse:
    """Users, their roles, and the newest audit entries."""
    return _page(request, session, t)


@router.post(
    "/admin/users",
    response_class=HTMLResponse,
    dependencies=[require("manages_users"), CsrfChecked],
)
def create(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    admin: SignedIn,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    password: Annotated[str, Form(max_length=200)],
) -> HTMLResponse:
    """Create a user."""
    try:
        service.create_user(
            session, username=username, role_key=role, password=password, actor=admin.username
        )
    except MicrodramaError as exc:
        return _page(request, session, t, status_code=422, error=str(exc))
    return _page(request, session, t)


@router.post(
    "/admin/users/{user_id}/active",
    response_class=HTMLResponse,
    dependencies=[require("manages_users"), CsrfChecked],
)
def toggle_active(
    request: Request, session: SessionDep, t: TranslatorDep, admin: SignedIn, user_id: int
) -> HTMLResponse:
    """Disable or re-enable a user (never oneself)."""
    user = service.get_user(session, user_id=user_id)
    if user is None or user.id == admin.id:
        return _page(
            request,
            session,
            t,
            status_code=422,
            error=t.gettext("You cannot disable this account."),
        )
    user.active = not user.active
    service.audit(
        session,
        actor=admin.username,
        user_id=admin.id,
        action="user.enable" if user.active else "user.disable",
        target=user.username,
    )
    return _page(request, session, t)
