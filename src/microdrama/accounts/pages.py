"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from microdrama.accounts import service, signin
from microdrama.accounts.auth import MaybeUser, peer_address, sign_in, sign_out
from microdrama.web.auth import CsrfChecked, csrf_token
from microdrama.web.deps import SessionDep, TranslatorDep
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after signing in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, t: TranslatorDep, user: MaybeUser, next: str | None = None
) -> Response:
    """The sign-in form."""
    return render(
        request,
        t,
        "accounts/login.html",
        csrf=csrf_token(request),
        user=user,
        next=_safe_next(next),
        error=None,
    )


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    """Check the password; too many failures pause further attempts (HTTP 429)."""
    address = peer_address(request)
    key = service.username_key(username)
    # One attempt per address at a time, counted before the next may start.
    signin.hold_attempt(session, address=address)
    if signin.blocked(session, name_key=key, address=address):
        return render(
            request,
            t,
            "accounts/login.html",
            status_code=429,
            csrf=csrf_token(request),
            user=None,
            next=_safe_next(next),
            error=t.gettext("Too many failed attempts; try again in 15 minutes."),
        )
    user = service.authenticate(session, username=username, password=password)
    if user is None:
        signin.failed(session, name_key=key, address=address)
        service.audit(
            session, actor=username[:64], action="login.failed", detail={"address": address}
        )
        return render(
            request,
            t,
            "accounts/login.html",
            status_code=401,
            csrf=csrf_token(request),
            user=None,
            next=_safe_next(next),
            error=t.gettext("Wrong user name or password."),
        )
    signin.succeeded(session, name_key=key, address=address)
    sign_in(request, session, user)
    service.audit(session, actor=user.username, user_id=user.id, action="login")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> Response:
    """End the session, on the server too: the old cookie no longer signs anybody in."""
    sign_out(request, session)
    return RedirectResponse("/", status_code=303)
