"""A user's own account on the web: password, signed-in browsers and API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from microdrama.accounts import service, signin
from microdrama.accounts.auth import SIGNED_IN_FIRST, SignedIn, session_key
from microdrama.errors import MicrodramaError
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, TranslatorDep
from microdrama.web.templating import render

# Signed in first (an anonymous write is a 401), then the form's CSRF token.
WRITE_GUARDS = [SIGNED_IN_FIRST, CsrfChecked]
router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: SignedIn,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        t,
        "accounts/account.html",
        status_code=status_code,
        tokens=service.tokens_of(session, user=user),
        sessions=signin.live_sessions(session, user=user),
        **{"error": None, "notice": None, "new_token": None, **context},
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn
) -> HTMLResponse:
    """The signed-in user's browsers and tokens, and the password form."""
    return _page(request, session, t, user)


@router.post("/account/password", response_class=HTMLResponse, dependencies=WRITE_GUARDS)
def change_password(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: SignedIn,
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
) -> HTMLResponse:
    """A new password; every other browser signed in as this user is signed out."""
    try:
        ended = service.change_password(
            session, user=user, current=current, new=new, keep_session=session_key(request)
        )
    except MicrodramaError as exc:
        return _page(request, session, t, user, status_code=400, error=str(exc))
    notice = t.gettext("Password changed; {n} other sessions were signed out.").format(n=ended)
    return _page(request, session, t, user, notice=notice)


@router.post("/account/sessions/end", dependencies=WRITE_GUARDS)
def end_other_sessions(request: Request, session: SessionDep, user: SignedIn) -> Response:
    """Sign out every other browser signed in as this user."""
    signin.end_sessions(session, user=user, keep=session_key(request))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/tokens", response_class=HTMLResponse, dependencies=WRITE_GUARDS)
def create_token(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: SignedIn,
    name: Annotated[str, Form(min_length=1, max_length=100)],
) -> HTMLResponse:
    """A new API token, shown once on this page."""
    token = service.create_token(session, user=user, name=name.strip() or "web")
    return _page(request, session, t, user, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", dependencies=WRITE_GUARDS)
def revoke_token(session: SessionDep, user: SignedIn, token_id: int) -> Response:
    """Revoke one of the user's tokens."""
    service.revoke_token(session, token_id=token_id, actor=user)
    return RedirectResponse("/account", status_code=303)
