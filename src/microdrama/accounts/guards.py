"""Uploads are refused before their body is read: who asks first, then how much they send.

FastAPI reads a multipart body (spooling files to disk) before a route's dependencies run, so
an anonymous client could stream gigabytes before its 401. This middleware sits inside the
session middleware: it answers 401 to a multipart request with no live session or valid
token, 413 to one whose declared length is over the limit, and stops a body that streams past
the limit with 413 in place of whatever the app would have answered.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from microdrama.accounts import service as accounts
from microdrama.accounts import signin
from microdrama.config import Settings
from microdrama.db.session import unit_of_work

SCRIPT_PATHS = ("/scripts", "/api/v1/scripts")
SCRIPT_LIMIT_MB = 20
FORM_OVERHEAD = 1 << 20  # the form's other fields and the multipart boundaries


def upload_limit(settings: Settings, path: str) -> int:
    """The most bytes an upload to this path may send, form overhead included."""
    megabytes = SCRIPT_LIMIT_MB if path.startswith(SCRIPT_PATHS) else settings.max_upload_mb
    return megabytes * (1 << 20) + FORM_OVERHEAD


class UploadGuard:
    """Authenticate and size-check multipart requests before any of the body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if not headers.get(b"content-type", b"").startswith(b"multipart/form-data"):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        limit = upload_limit(state.settings, scope["path"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _answer(send, 413, "too_large", f"the upload is larger than {limit >> 20} MB")
            return
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        if not await run_in_threadpool(_known_caller, state, scope, authorization):
            await _answer(send, 401, "unauthorized", "sign in first")
            return
        received, over = 0, False

        async def capped() -> Message:
            # Past the limit the app is told the client went away, and its answer is replaced.
            nonlocal received, over
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                over = True
                return {"type": "http.disconnect"}
            return message

        answered = False

        async def replaced(message: Message) -> None:
            nonlocal answered
            if not over:
                await send(message)
            elif not answered:
                answered = True
                await _answer(send, 413, "too_large", f"the upload is larger than {limit >> 20} MB")

        try:
            await self.app(scope, capped, replaced)
        except Exception:
            if not over:
                raise
        if over and not answered:
            await _answer(send, 413, "too_large", f"the upload is larger than {limit >> 20} MB")


def _known_caller(state: object, scope: Scope, authorization: str) -> bool:
    """A live session or an unrevoked token (roles are the routes' to check)."""
    key = scope.get("session", {}).get("sid")
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    if not isinstance(key, str) and not token:
        return False
    with unit_of_work(state.sessions) as session:  # type: ignore[attr-defined]
        if token:
            return accounts.user_for_token(session, token=token) is not None
        return signin.session_user(session, key=str(key)) is not None


async def _answer(send: Send, status: int, error: str, detail: str) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
