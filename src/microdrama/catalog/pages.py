"""Catalogue pages: a searchable, filterable list of works and a page per work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from microdrama.accounts.auth import is_blind
from microdrama.catalog import service
from microdrama.catalog.charts import daily_metrics_chart, share_pie, trend_line
from microdrama.catalog.deps import SnapshotDep, WorkFilterDep
from microdrama.catalog.filters import WorkFilter, resolve
from microdrama.catalog.market import latest_month, market, trend_of
from microdrama.catalog.schemas import DailyMetricRead, WorkPage
from microdrama.catalog.vocab import (
    INVESTMENT_TIERS,
    MODELS,
    SIMULATED_NOTICE,
    genre_label,
    term_by_key,
)
from microdrama.errors import FilterError, Forbidden, NotFoundError
from microdrama.spreadsheets import BOM, csv_text
from microdrama.web.deps import SessionDep, TranslatorDep
from microdrama.web.downloads import content_disposition
from microdrama.web.sections import page_sections
from microdrama.web.templating import render

router = APIRouter(include_in_schema=False)

RECENT_DAYS_SHOWN = 60


@router.get("/works", response_class=HTMLResponse)
def works_page(
    request: Request,
    session: SessionDep,
    t: TranslatorDep,
    where: WorkFilterDep,
    sort: Annotated[str, Query(max_length=20)] = "plays",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The catalogue; an HTMX request gets only the results table."""
    sort_key = sort if sort in ("plays", "release_date", "title", "recharge") else "plays"
    filter_error = None
    try:
        results = service.search_works(
            session,
            where=where,
            sort=sort_key,  # type: ignore[arg-type]
            page=page,
            page_size=50,
        )
    except FilterError as exc:
        filter_error = str(exc)
        results = WorkPage(
            items=[], total=0, page=1, page_size=50, simulated=service.is_simulated(session)
        )
    template = (
        "catalog/_results.html" if request.headers.get("hx-request") else "catalog/works.html"
    )
    return render(
        request,
        t,
        template,
        results=results,
        where=where,
        sort=sort_key,
        filter_error=filter_error,
        facets=service.facets(session) if template.endswith("works.html") else {},
        simulated=results.simulated,
        model_label=_model_label,
    )


def _model_label(key: str | None, locale: str) -> str:
    if not key:
        return "—"
    term = term_by_key(MODELS, key)
    return term.zh if locale == "zh_CN" else term.en


@router.get("/works/{work_id}", response_class=HTMLResponse)
def work_page(
    request: Request, session: SessionDep, snapshot: SnapshotDep, t: TranslatorDep, work_id: str
) -> HTMLResponse:
    """A work's profile with its daily metrics chart and the recent days."""
    blind = is_blind(request.state.user)
    try:
        work = service.get_work(session, work_id=work_id, blind=blind)
    except NotFoundError:
        return render(
            request,
            t,
            "not_found.html",
            status_code=404,
            what=work_id,
            simulated=service.is_simulated(session),
        )
    frame = service.daily_metrics(snapshot, work_id=work_id)
    chart = daily_metrics_chart(
        frame, labels={"plays": t.gettext("Plays"), "completion": t.gettext("Completion rate")}
    )
    recent = service.daily_metric_rows(frame.sort("date", descending=True).head(RECENT_DAYS_SHOWN))
    tier = term_by_key(INVESTMENT_TIERS, work.investment_tier) if work.investment_tier else None
    return render(
        request,
        t,
        "catalog/work.html",
        blind=blind,
        sections=page_sections(request, "work", session=session, translator=t, work_id=work_id),
        similar=service.similar_works(session, work_id=work_id),
        work=work,
        chart=chart,
        recent=recent,
        tier=tier,
        simulated=service.is_simulated(session),
        model_label=_model_label,
    )


@router.get("/works/{work_id}/metrics.csv")
def work_metrics_csv(session: SessionDep, snapshot: SnapshotDep, work_id: str) -> StreamingResponse:
    """The work's daily metrics as CSV (UTF-8 with BOM so Excel opens Chinese text)."""
    service.get_work(session, work_id=work_id)
    frame = service.daily_metrics(snapshot, work_id=work_id)
    rows = service.daily_metric_rows(frame)
    columns = ["work_id", *DailyMetricRead.model_fields]
    notice = f"# {SIMULATED_NOTICE}\n" if service.is_simulated(session) else ""
    body = csv_text(({"work_id": work_id, **row.model_dump()} for row in rows), columns)
    # The notice goes under the BOM, above the header, as it always has.
    text = BOM + notice + body.removeprefix(BOM)
    return StreamingResponse(
        iter([text.encode("utf-8")]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(f"{work_id}-metrics.csv")},
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request, session: SessionDep, snapshot: SnapshotDep, t: TranslatorDep
) -> Response:
    """The latest month at a glance: totals, growth, shares, trend and the top of the index."""
    month = latest_month(snapshot)
    if month is None:
        return RedirectResponse("/works", status_code=303)
    figures = market(session, snapshot=snapshot, month=month)
    genre_names = [
        (genre_label(g).zh if t.locale == "zh_CN" else genre_label(g).en, v)
        for g, v in figures.genres
    ]
    return render(
        request,
        t,
        "catalog/dashboard.html",
        figures=figures,
        sections=page_sections(request, "dashboard", session=session, translator=t, month=month),
        genre_chart=share_pie(genre_names, title=t.gettext("Plays by genre")),
        platform_chart=share_pie(figures.platforms, title=t.gettext("Plays by platform")),
        trend_chart=trend_line(figures.trend, label=t.gettext("Plays")),
        simulated=service.is_simulated(session),
    )


@router.get("/companies/{name}", response_class=HTMLResponse)
def company_page(
    request: Request,
    session: SessionDep,
    snapshot: SnapshotDep,
    t: TranslatorDep,
    name: str,
    page: int = 1,
) -> HTMLResponse:
    """A company's works, totals and share of all plays (not for blind reviewers)."""
    if is_blind(request.state.user):
        raise Forbidden("blind reviewers do not see which works a company made")
    return _profile(
        request,
        session,
        snapshot,
        t,
        kind="company",
        name=name,
        page=page,
        where=WorkFilter(company=name),
    )


@router.get("/cities/{name}", response_class=HTMLResponse)
def city_page(
    request: Request,
    session: SessionDep,
    snapshot: SnapshotDep,
    t: TranslatorDep,
    name: str,
    page: int = 1,
) -> HTMLResponse:
    """A production hub's works, totals and share of all plays."""
    return _profile(
        request,
        session,
        snapshot,
        t,
        kind="city",
        name=name,
        page=page,
        where=WorkFilter(city=name),
    )


def _profile(
    request: Request,
    session: SessionDep,
    snapshot: SnapshotDep,
    t: TranslatorDep,
    *,
    kind: str,
    name: str,
    page: int,
    where: WorkFilter,
) -> HTMLResponse:
    try:
        where = resolve(session, where)
    except FilterError:
        return render(
            request,
            t,
            "not_found.html",
            status_code=404,
            what=name,
            simulated=service.is_simulated(session),
        )
    results = service.search_works(
        session, where=where, page=max(1, min(page, 100_000)), page_size=50
    )
    totals = service.profile_totals(session, where=where)
    ids = service.matching_ids(session, where=where)
    trend = trend_of(session, snapshot=snapshot, external_ids=ids)
    chart = trend_line(trend, label=t.gettext("Plays")) if trend else None
    status = 200 if totals["works"] else 404
    return render(
        request,
        t,
        "catalog/profile.html",
        status_code=status,
        kind=kind,
        title=name,
        trend_chart=chart,
        results=results,
        totals=totals,
        simulated=results.simulated,
        model_label=_model_label,
    )
