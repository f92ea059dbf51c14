"""`microdrama serve`: run the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from microdrama.cli.runtime import console, runtime


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (one per core is a good start)")
    ] = 1,
) -> None:
    """Serve the web app and the API.

    Example: microdrama serve --host 0.0.0.0 --port 8080
    """
    import uvicorn

    from microdrama.app import create_app

    env = runtime()
    console.print(f"serving http://{host}:{port}  (API docs at /docs)")
    # Uvicorn believes X-Forwarded-For from loopback by default; here only configured proxies.
    trusted = env.settings.trusted_proxies
    if workers == 1:
        uvicorn.run(
            create_app(env.settings),
            host=host,
            port=port,
            log_level="info",
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or "",
        )
    else:
        uvicorn.run(
            "microdrama.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or "",
        )
