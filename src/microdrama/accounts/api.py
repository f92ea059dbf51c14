"""A user's API tokens over the API: list them, revoke one."""

from __future__ import annotations

from fastapi import APIRouter

from microdrama.accounts import service
from microdrama.accounts.auth import SIGNED_IN_FIRST, SignedIn
from microdrama.accounts.schemas import TokenRead
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep

# Signed in first (an anonymous write is a 401), then the form's CSRF token.
WRITE_GUARDS = [SIGNED_IN_FIRST, CsrfChecked]
router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.get("/tokens", response_model=list[TokenRead])
def my_tokens(session: SessionDep, user: SignedIn) -> list[TokenRead]:
    """The signed-in user's API tokens, newest first."""
    return [TokenRead.model_validate(t) for t in service.tokens_of(session, user=user)]


@router.post(
    "/tokens/{token_id}/revoke",
    response_model=TokenRead,
    dependencies=WRITE_GUARDS,
)
def revoke(session: SessionDep, user: SignedIn, token_id: int) -> TokenRead:
    """Revoke one of the user's tokens (administrators: anyone's); it stops working at once."""
    return TokenRead.model_validate(service.revoke_token(session, token_id=token_id, actor=user))
