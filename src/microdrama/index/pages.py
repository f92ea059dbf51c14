"""Ranking page with filters and CSV export; computing and publishing runs."""

from __future__ import annotations

import io
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from microdrama.accounts.auth import MaybeUser, SignedIn, permission, reads_unpublished, require
from microdrama.catalog import service as catalog
from microdrama.catalog.deps import WorkFilterDep
from microdrama.catalog.filters import WorkFilter
from microdrama.errors import FilterError, NotFoundError
from microdrama.index import ranking as rankings
from microdrama.index.schemas import RankingRow
from microdrama.index.service import RunSelector, compute_index, list_runs, publish_run
from microdrama.spreadsheets import csv_text
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep, TranslatorDep, reads_long
from microdrama.web.downloads import content_disposition
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    user: MaybeUser,
    where: WorkFilterDep,
    period: Annotated[str | None, Query(max_length=16)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The ranking of a period; an HTMX request gets only the table."""
    drafts_visible = reads_unpublished(user)
    runs = list_runs(session, published_only=not drafts_visible)
    periods = list(dict.fromkeys(run.period for run in runs))
    chosen = period or (periods[0] if periods else None)
    granted = permission(user)
    context: dict[str, Any] = {
        "can_publish": granted is not None and granted.runs_index,
        "periods": periods,
        "period": chosen,
        "where": where,
        "simulated": catalog.is_simulated(session),
        "facets": catalog.facets(session),
        "ranking": None,
        "filter_error": None,
        "page": page,
    }
    if chosen:
        try:
            context["ranking"] = rankings.ranking(
                session,
                run=RunSelector(period=chosen, published_only=not drafts_visible),
                where=where,
                top=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        except NotFoundError:
            context["ranking"] = None
        except FilterError as exc:
            context["filter_error"] = str(exc)
    context["pages"] = max(
        1, -(-(context["ranking"].total if context["ranking"] else 0) // PAGE_SIZE)
    )
    template = "index/_table.html" if request.headers.get("hx-request") else "index/rankings.html"
    return render(request, t, template, **context)


def _export_rows(
    session: SessionDep, user: MaybeUser, period: str, where: WorkFilter
) -> tuple[list[dict[str, Any]], str]:
    selector = RunSelector(period=period, published_only=not reads_unpublished(user))
    page = rankings.ranking(session, run=selector, where=where)
    note = "模拟数据 Simulated data" if page.run.simulated else ""
    return [{**row.model_dump(), "note": note} for row in page.rows], page.run.period


@router.get("/rankings.{suffix}")
def rankings_export(
    session: SessionDep,
    user: MaybeUser,
    suffix: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    period: Annotated[str, Query(max_length=16)],
    where: WorkFilterDep,
) -> Response:
    """The whole filtered ranking as CSV (UTF-8 with BOM for Excel) or as an Excel workbook."""
    rows, name = _export_rows(session, user, period, where)
    fields = [*RankingRow.model_fields, "note"]
    if suffix == "xlsx":
        frame = pl.DataFrame(rows, schema=fields if not rows else None, orient="row")
        buffer = io.BytesIO()
        frame.write_excel(buffer, worksheet=f"Star Index {name}", autofit=True)
        body, media = (
            buffer.getvalue(),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    else:
        text = csv_text(rows, fields)
        body, media = text.encode("utf-8"), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": content_disposition(f"star-index-{name}.{suffix}")},
    )


@router.post("/rankings/runs/{run_id}/publish", dependencies=[require("runs_index"), CsrfChecked])
def publish_page(session: SessionDep, run_id: int, user: SignedIn) -> Response:
    """Publish a run from the ranking page and come back to it."""
    run = publish_run(session, run_id=run_id, actor=user.username, user_id=user.id)
    return RedirectResponse(f"/rankings?period={run.period}", status_code=303)


@router.post("/rankings/compute", dependencies=[require("runs_index"), CsrfChecked])
@reads_long
def compute_page(
    session: SessionDep,
    settings: SettingsDep,
    user: SignedIn,
    period: Annotated[str, Form(max_length=16)],
) -> Response:
    """Compute (or recompute) a period's index from the ranking page; the run starts as a draft."""
    run = compute_index(session, settings=settings, period=period, actor=user)
    return RedirectResponse(f"/rankings?period={run.period}", status_code=303)
