"""The script studio on the web: upload, see the breakdown and the review, download exports."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from microdrama.accounts.auth import SignedIn, require
from microdrama.accounts.roles import role
from microdrama.errors import MicrodramaError
from microdrama.i18n import Translator
from microdrama.sandbox import run_limited
from microdrama.script import export, service
from microdrama.script.review_html import review_html
from microdrama.spreadsheets import BOM
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SettingsDep, TranslatorDep
from microdrama.web.downloads import content_disposition
from microdrama.web.security import DOCUMENT_POLICY
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)
EXPORTS = ("json", "csv", "characters.csv", "html", "uss", "review.json", "review.html")


def _page(request: Request, t: Translator, **context: Any) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("uploads", [])
    return render(request, t, "scripts/studio.html", **context)


@router.get("/scripts", response_class=HTMLResponse, dependencies=[require("uses_studio")])
def studio(
    request: Request, settings: SettingsDep, t: TranslatorDep, user: SignedIn
) -> HTMLResponse:
    """The upload form and the user's earlier uploads."""
    uploads = service.list_uploads(settings.data_dir, owner_id=user.id)
    return _page(request, t, uploads=uploads)


@router.post(
    "/scripts", response_class=HTMLResponse, dependencies=[require("uses_studio"), CsrfChecked]
)
async def upload(
    request: Request,
    settings: SettingsDep,
    t: TranslatorDep,
    user: SignedIn,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Keep the uploaded script for its owner, then show its analysis."""
    if file is None or not file.filename:
        return _page(request, t, error=t.gettext("Choose a script file to upload."))
    data = await file.read(service.MAX_SCRIPT_BYTES + 1)
    if len(data) > service.MAX_SCRIPT_BYTES:
        return _page(request, t, error=t.gettext("The file is larger than 20 MB."))
    try:  # refuse a corrupt file now, with its reason, rather than on the next page
        # Off the event loop: a long script must not stall every other request while it parses.
        await run_in_threadpool(
            run_limited, service.analyse, data, filename=file.filename, gettext=t.gettext
        )
    except MicrodramaError as exc:
        return _page(request, t, error=str(exc))
    key = service.store_upload(
        settings.data_dir, data=data, filename=file.filename, owner_id=user.id
    )
    return RedirectResponse(f"/scripts/{key}", status_code=303)


def _analysis(settings: SettingsDep, user: SignedIn, key: str, t: Translator) -> service.Analysis:
    data, filename = service.load_upload(
        settings.data_dir, key=key, user_id=user.id, is_admin=role(user.role).manages_users
    )
    # In a child process with a memory cap and a time limit: the file is the uploader's.
    return run_limited(service.analyse, data, filename=filename, gettext=t.gettext)


@router.get("/scripts/{key}", response_class=HTMLResponse, dependencies=[require("uses_studio")])
def analysis_page(
    request: Request, settings: SettingsDep, t: TranslatorDep, user: SignedIn, key: str
) -> HTMLResponse:
    """Breakdown (episodes, scenes, characters × episodes, durations, hooks) and the review."""
    analysis = _analysis(settings, user, key, t)
    result = export.to_json_dict(analysis.script, analysis.breakdown)
    characters = result["characters"][:30]
    episodes = [e["number"] for e in result["episodes"]]
    chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {
            "type": "category",
            "data": [str(n) for n in episodes],
            "name": t.gettext("Episode"),
        },
        # Tall enough to show the target range even when every episode is far below it.
        "yAxis": {
            "type": "value",
            "name": t.gettext("Seconds"),
            "max": round(
                max(
                    [result["config"]["episode_max_seconds"]]
                    + [e["estimated_seconds"] for e in result["episodes"]]
                )
                * 1.1
            ),
        },
        "series": [
            {
                "type": "bar",
                "name": t.gettext("Estimated duration"),
                "data": [
                    {
                        "value": e["estimated_seconds"],
                        "itemStyle": {"color": "#c23531" if e["ends_on_hook"] else "#91a7b8"},
                    }
                    for e in result["episodes"]
                ],
                "markLine": {
                    "silent": True,
                    "data": [
                        {"yAxis": result["config"]["episode_min_seconds"]},
                        {"yAxis": result["config"]["episode_max_seconds"]},
                    ],
                },
            }
        ],
    }
    return render(
        request,
        t,
        "scripts/analysis.html",
        key=key,
        file_name=analysis.name,
        result=result,
        characters=characters,
        review=service.review_dict(analysis),
        lines=service.review_lines(analysis),
        chart=chart,
        exports=EXPORTS,
    )


@router.get("/scripts/{key}/export.{fmt}", dependencies=[require("uses_studio")])
def download(
    settings: SettingsDep, t: TranslatorDep, user: SignedIn, key: str, fmt: str
) -> Response:
    """The breakdown as json, csv, characters.csv, html or uss; the review as json or html."""
    if fmt not in EXPORTS:
        return Response(f"unknown export {fmt}: use {', '.join(EXPORTS)}", status_code=404)
    analysis = _analysis(settings, user, key, t)
    stem = analysis.name.rsplit(".", 1)[0] or "script"
    if fmt == "review.json":
        body = json.dumps(service.review_dict(analysis), ensure_ascii=False, indent=2)
        media = "application/json"
    elif fmt == "review.html":
        body, media = review_html(analysis, gettext=t.gettext, lang=t.html_lang), "text/html"
    else:
        body = service.export_breakdown(analysis, fmt, gettext=t.gettext, lang=t.html_lang)
        media = service.MEDIA_TYPES[fmt]
    if fmt.endswith("csv"):
        body = BOM + body  # Excel reads UTF-8 CSV only with a BOM
    suffix = "uss.json" if fmt == "uss" else fmt
    headers = {
        "Content-Disposition": content_disposition(f"{stem}.{suffix}", inline=fmt.endswith("html"))
    }
    if fmt.endswith("html"):  # a standalone document built from the script: sandboxed
        headers["Content-Security-Policy"] = DOCUMENT_POLICY
    return Response(body, media_type=media, headers=headers)
