"""The producer portal page."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from microdrama.accounts.auth import SignedIn, require
from microdrama.errors import MicrodramaError, OwnershipError, TooLarge
from microdrama.producers import service
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep, TranslatorDep
from microdrama.web.templating import render
from microdrama.web.uploads import save_upload

router = APIRouter(include_in_schema=False)


@router.get("/producer", response_class=HTMLResponse, dependencies=[require("submits_works")])
def portal(request: Request, session: SessionDep, t: TranslatorDep, user: SignedIn) -> HTMLResponse:
    """The producer's works, their review status and published index; a form for a new one."""
    try:
        works = service.own_works(session, user=user)
        error = None
    except OwnershipError as exc:
        works, error = [], str(exc)
    return render(request, t, "producers/portal.html", works=works, report=None, error=error)


@router.post(
    "/producer", response_class=HTMLResponse, dependencies=[require("submits_works"), CsrfChecked]
)
def submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    t: TranslatorDep,
    user: SignedIn,
    work_id: Annotated[str, Form(max_length=64)],
    title: Annotated[str, Form(max_length=200)],
    genres: Annotated[str, Form(max_length=200)] = "",
    episodes: Annotated[str, Form(max_length=10)] = "",
    release_date: Annotated[str, Form(max_length=20)] = "",
    platform: Annotated[str, Form(max_length=200)] = "",
    model: Annotated[str, Form(max_length=10)] = "",
    price_per_episode: Annotated[str, Form(max_length=20)] = "",
    filing_no: Annotated[str, Form(max_length=80)] = "",
    investment_tier: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """Submit a work's metadata; it is validated like any import."""
    fields = {
        "work_id": work_id,
        "title": title,
        "genres": genres,
        "episodes": episodes,
        "release_date": release_date,
        "platform": platform,
        "model": model,
        "price_per_episode": price_per_episode,
        "filing_no": filing_no,
        "investment_tier": investment_tier,
    }
    try:
        report = service.submit_work(session, settings=settings, user=user, fields=fields)
        error = None
    except OwnershipError as exc:
        report, error = None, str(exc)
    works = service.own_works(session, user=user) if error is None else []
    status = 200 if report is not None and report.ok else 422
    return render(
        request,
        t,
        "producers/portal.html",
        status_code=status,
        works=works,
        report=report,
        error=error,
    )


@router.post(
    "/producer/file",
    response_class=HTMLResponse,
    dependencies=[require("submits_works"), CsrfChecked],
)
def submit_file(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    t: TranslatorDep,
    user: SignedIn,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import a works file as the producer's own works."""
    try:
        path = save_upload(file, settings)
    except TooLarge as exc:
        try:
            works = service.own_works(session, user=user)
        except OwnershipError:
            works = []
        return render(
            request, t, "producers/portal.html", status_code=413, works=works, error=str(exc)
        )
    try:
        report = service.submit_file(session, settings=settings, user=user, path=path)
        error = None
    except MicrodramaError as exc:
        report, error = None, str(exc)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    works = service.own_works(session, user=user) if error is None else []
    status = 200 if report is not None and report.ok else 422
    return render(
        request,
        t,
        "producers/portal.html",
        status_code=status,
        works=works,
        report=report,
        error=error,
    )
