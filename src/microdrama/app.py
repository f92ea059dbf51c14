"""The web application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from microdrama.accounts import admin_pages
from microdrama.accounts import pages as account_pages
from microdrama.catalog import api as catalog_api
from microdrama.catalog import pages as catalog_pages
from microdrama.config import Settings
from microdrama.db.migrate import upgrade
from microdrama.db.session import make_engine, make_session_factory
from microdrama.errors import MicrodramaError, NotFoundError
from microdrama.index import api as index_api
from microdrama.index import pages as index_pages
from microdrama.ingest import api as ingest_api
from microdrama.ingest import pages as ingest_pages
from microdrama.panels import api as panel_api
from microdrama.panels import pages as panel_pages
from microdrama.producers import pages as producer_pages
from microdrama.reports import api as report_api
from microdrama.reports import pages as report_pages
from microdrama.script import api as script_api
from microdrama.script import pages as script_pages
from microdrama.web.auth import LoginThrottle, current_user, secret_key


def create_app(settings: Settings) -> FastAPI:
    """Build the app for these settings: database migrated, routes mounted."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        dependencies=[Depends(current_user)],
        lifespan=lifespan,
        title="microdrama API",
        version="1",
        description="Catalogue, metrics and Star Index of micro-short dramas.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="microdrama_session",
        same_site="lax",
        https_only=settings.https_only,
        max_age=14 * 24 * 3600,
    )
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static"
    )
    app.include_router(catalog_api.router)
    app.include_router(catalog_pages.router)
    app.include_router(index_api.router)
    app.include_router(index_pages.router)
    app.include_router(account_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(ingest_api.router)
    app.include_router(ingest_pages.router)
    app.include_router(panel_api.router)
    app.include_router(panel_pages.router)
    app.include_router(producer_pages.router)
    app.include_router(report_api.router)
    app.include_router(report_pages.router)
    app.include_router(script_api.router)
    app.include_router(script_pages.router)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        names = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "not_allowed",
            429: "too_many_requests",
        }
        return JSONResponse(
            {"error": names.get(exc.status_code, "http_error"), "detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> Response:
        return JSONResponse({"error": "not_found", "detail": str(exc)}, status_code=404)

    @app.exception_handler(MicrodramaError)
    def bad_request(request: Request, exc: MicrodramaError) -> Response:
        return JSONResponse({"error": "bad_request", "detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"error": "invalid_request", "detail": errors}, status_code=422)

    return app


def create_app_from_env() -> FastAPI:
    """The app for settings read from the environment (for `uvicorn --factory` and workers)."""
    from microdrama.config import get_settings

    return create_app(get_settings())
