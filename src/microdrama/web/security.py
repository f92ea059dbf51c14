"""Guards every response and request passes: security headers, and no NUL byte gets in.

Pages run no inline script (charts start from `static/app.js`), so the policy allows scripts
from this origin only. A document the platform builds from data (an insight report, a review
export) is served with `DOCUMENT_POLICY` instead: its own inline scripts run, but in a sandbox
with no access to the site's cookies or pages.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style="" attributes for chart heights
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
DOCUMENT_POLICY = "; ".join(
    (
        "sandbox allow-scripts allow-popups",
        "default-src 'none'",
        "script-src 'unsafe-inline'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        "frame-ancestors 'none'",
    )
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# Form bodies are read whole to look for NUL bytes; a sign-in or a filter form is far smaller.
MAX_FORM_BYTES = 1 << 20


class SecurityHeaders:
    """Add the headers every response needs; a route's own Content-Security-Policy wins."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in names)
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class RejectNulBytes:
    """Answer 400 to a request whose path, query or form holds a NUL byte.

    PostgreSQL cannot store NUL in text, so such a value would otherwise fail deep in a query
    as a 500; no honest client sends one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        if _has_nul(raw) or _has_nul(scope.get("query_string", b"")) or "\x00" in scope["path"]:
            await _refuse(send, 400, "the request holds a NUL byte")
            return
        headers = dict(scope.get("headers", []))
        if not headers.get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM_BYTES:
                await _refuse(send, 413, "the form is larger than 1 MB")
                return
        if _has_nul(body):
            await _refuse(send, 400, "the form holds a NUL byte")
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _has_nul(data: bytes) -> bool:
    return b"\x00" in data or b"%00" in data


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"error": "bad_request" if status == 400 else "too_large", "detail": detail})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
