"""The web application factory: the top floor, where every domain's routes, templates and
page sections meet. Nothing below this module imports it."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from microdrama.accounts import account_pages as own_account
from microdrama.accounts import admin_pages
from microdrama.accounts import api as account_api
from microdrama.accounts import pages as account_pages
from microdrama.accounts.auth import current_user
from microdrama.accounts.guards import UploadGuard
from microdrama.catalog import api as catalog_api
from microdrama.catalog import pages as catalog_pages
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory, unit_of_work
from microdrama.errors import (
    ConfigurationError,
    Conflict,
    Forbidden,
    ImportRejected,
    InvalidRequest,
    MicrodramaError,
    NotFoundError,
    ReadError,
    TooLarge,
    Unavailable,
)
from microdrama.index import api as index_api
from microdrama.index import pages as index_pages
from microdrama.index import sections as index_sections
from microdrama.ingest import api as ingest_api
from microdrama.ingest import pages as ingest_pages
from microdrama.ingest.service import recover
from microdrama.panels import api as panel_api
from microdrama.panels import pages as panel_pages
from microdrama.producers import pages as producer_pages
from microdrama.reports import api as report_api
from microdrama.reports import pages as report_pages
from microdrama.script import api as script_api
from microdrama.script import pages as script_pages
from microdrama.script.review_html import highlight
from microdrama.web.auth import secret_key
from microdrama.web.sections import add_section
from microdrama.web.security import RejectNulBytes, SecurityHeaders
from microdrama.web.templating import build_templates
from microdrama.web.uploads import remove_stale_uploads

PACKAGE = Path(__file__).parent
# Swagger UI 5 (it reads OpenAPI 3.1), shipped inside the fastapi-offline wheel: /docs needs no CDN.
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
logger = logging.getLogger(__name__)

# Every domain's routers, in the order their routes are matched.
ROUTERS: tuple[APIRouter, ...] = (
    catalog_api.router,
    catalog_pages.router,
    index_api.router,
    index_pages.router,
    account_pages.router,
    own_account.router,
    admin_pages.router,
    account_api.router,
    ingest_api.router,
    ingest_pages.router,
    panel_api.router,
    panel_pages.router,
    producer_pages.router,
    report_api.router,
    report_pages.router,
    script_api.router,
    script_pages.router,
)

# Domains whose pages render templates of their own, from `<domain>/templates/`.
PAGE_DOMAINS = (
    "accounts",
    "catalog",
    "index",
    "ingest",
    "panels",
    "producers",
    "reports",
    "script",
)

# The HTTP status of each branch of the error tree (errors.py): an error answers with the
# status of the first class of its MRO listed here, so a leaf that is also a Conflict
# (named first among its bases) answers 409.
HTTP_STATUS: dict[type[MicrodramaError], int] = {
    InvalidRequest: 400,
    Forbidden: 403,
    NotFoundError: 404,
    Conflict: 409,
    TooLarge: 413,
    ReadError: 422,
    ImportRejected: 422,
    ConfigurationError: 500,
    Unavailable: 503,
    MicrodramaError: 400,
}
ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    409: "conflict",
    413: "too_large",
    422: "unreadable",
    429: "too_many_requests",
    500: "configuration",
    503: "unavailable",
}


API_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>microdrama API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<link rel="icon" href="/static/swagger/favicon.png">
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>
"""


def http_status(error: MicrodramaError) -> int:
    """The HTTP status that answers this error."""
    return next(HTTP_STATUS[cls] for cls in type(error).__mro__ if cls in HTTP_STATUS)


def create_app(settings: Settings) -> FastAPI:
    """Build the app for these settings: database migrated, routes, templates and sections."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # In a thread: it may wait for an import another process is running to commit.
        recovery = threading.Thread(
            target=recover_after_crash, args=(app, settings), name="recovery", daemon=True
        )
        recovery.start()
        yield
        recovery.join(timeout=60)  # its connection goes back to the pool before the pool goes
        engine.dispose()

    app = FastAPI(
        dependencies=[Depends(current_user)],
        lifespan=lifespan,
        docs_url=None,  # served below from the package's own Swagger UI: no CDN
        redoc_url=None,
        title="microdrama API",
        version="1",
        description="Catalogue, metrics and Star Index of micro-short dramas.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.templates = build_templates(
        [PACKAGE / domain / "templates" for domain in PAGE_DOMAINS],
        filters={"highlight": highlight},
    )
    add_section(app, "work", index_sections.work_section)
    add_section(app, "dashboard", index_sections.dashboard_section)
    # Inside the session middleware (added after it): it reads the session to know who asks.
    app.add_middleware(UploadGuard)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="microdrama_session",
        same_site="lax",
        https_only=settings.https_only,
        max_age=14 * 24 * 3600,
    )
    # Starlette runs the last middleware added first: headers go on every answer, refusals too.
    app.add_middleware(RejectNulBytes)
    app.add_middleware(SecurityHeaders)
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER_UI), name="swagger")
    app.mount("/static", StaticFiles(directory=PACKAGE / "web" / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS)

    return app


def recover_after_crash(app: FastAPI, settings: Settings) -> None:
    """Clean up after a process killed in the middle of an import or an upload."""
    try:
        with unit_of_work(app.state.sessions) as session:
            found = recover(session, settings=settings)
        stale = remove_stale_uploads(settings)
    except Exception:  # the next import recovers too; the server must start regardless
        logger.exception("recovery at start-up failed")
        return
    if found.undone_versions or found.removed_folders or stale:
        logger.warning(
            "recovered: undid lake versions %s, removed %d staging folders and %d uploads",
            found.undone_versions,
            len(found.removed_folders),
            stale,
        )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return JSONResponse(
            {"error": ERROR_NAMES.get(exc.status_code, "http_error"), "detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(MicrodramaError)
    def domain_error(request: Request, exc: MicrodramaError) -> Response:
        status = http_status(exc)
        return JSONResponse(
            {"error": ERROR_NAMES.get(status, "error"), "detail": str(exc)}, status_code=status
        )

    @app.exception_handler(DataError)
    def unstorable(request: Request, exc: DataError) -> Response:
        # A value the database cannot store (a NUL byte in text, a number out of range) came
        # from the request: the client's error, not the server's; the details stay in the log.
        logger.warning("refused a value the database cannot store: %s", exc.orig)
        return JSONResponse(
            {"error": "bad_request", "detail": "a value in the request cannot be stored"},
            status_code=400,
        )

    @app.exception_handler(OperationalError)
    def busy(request: Request, exc: OperationalError) -> Response:
        # SQLite's one write lock stayed taken past the wait: ask the client to come again.
        if "locked" not in str(exc.orig):
            raise exc
        return JSONResponse(
            {"error": "unavailable", "detail": "the database is busy; try again in a moment"},
            status_code=503,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"error": "invalid_request", "detail": errors}, status_code=422)


def create_app_from_env() -> FastAPI:
    """The app for settings read from the environment (for `uvicorn --factory` and workers)."""
    from microdrama.config import get_settings

    return create_app(get_settings())
