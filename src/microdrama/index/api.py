"""JSON API of the Star Index under /api/v1/index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from microdrama.accounts.auth import MaybeUser, SignedIn, reads_unpublished, require
from microdrama.accounts.models import User
from microdrama.index import filters
from microdrama.index import ranking as rankings
from microdrama.index.schemas import ExpertsRead, IndexRunRead, RankingPage
from microdrama.index.service import list_runs, publish_run
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/index", tags=["index"])
PeriodQuery = Annotated[
    str, Query(max_length=16, description="2025-11, 2025-W47, 2025-Q4, 2025, all")
]


def published_only(user: User | None, settings: SettingsDep) -> bool:
    """Whether this reader sees only published runs; 401 when rankings are not public."""
    if user is None and not settings.public_rankings:
        raise HTTPException(status_code=401, detail="sign in to read rankings")
    return not reads_unpublished(user)


@router.get("/runs", response_model=list[IndexRunRead])
def read_runs(session: SessionDep, settings: SettingsDep, user: MaybeUser) -> list[IndexRunRead]:
    """Stored runs, newest first, with what pins them; viewers see published runs only."""
    return list_runs(session, published_only=published_only(user, settings))


@router.post(
    "/runs/{run_id}/publish",
    response_model=IndexRunRead,
    dependencies=[require("runs_index"), CsrfChecked],
)
def publish(session: SessionDep, run_id: int, user: SignedIn) -> IndexRunRead:
    """Publish a run (analysts): viewers and the public can read it from then on."""
    return publish_run(session, run_id=run_id, actor=user.username, user_id=user.id)


@router.get("/rankings", response_model=RankingPage)
def read_ranking(
    session: SessionDep,
    settings: SettingsDep,
    user: MaybeUser,
    period: PeriodQuery,
    genre: Annotated[str | None, Query(max_length=40)] = None,
    platform: Annotated[str | None, Query(max_length=64)] = None,
    city: Annotated[str | None, Query(max_length=64)] = None,
    company: Annotated[str | None, Query(max_length=128)] = None,
    # Filters take what people type (甜宠, Xi'an, iap); a value that names nothing is a 400
    # listing the choices.
    model: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    run: Annotated[int | None, Query(ge=1, le=2_000_000_000)] = None,
) -> RankingPage:
    """The period's ranking (its newest run, or run `run`) with 90% intervals and tiers."""
    where = filters.RankingFilter(
        genre=genre, platform=platform, city=city, company=company, model=model
    )
    return rankings.ranking(
        session,
        period=period,
        where=where,
        top=limit,
        offset=offset,
        published_only=published_only(user, settings),
        run_id=run,
    )


@router.get("/works/{work_id}")
def read_explanation(
    session: SessionDep, settings: SettingsDep, user: MaybeUser, work_id: str, period: PeriodQuery
) -> dict[str, Any]:
    """A work's score taken apart: dimensions, weights, contributions, raw metrics, flags."""
    return rankings.explanation(
        session, work_id=work_id, period=period, published_only=published_only(user, settings)
    )


@router.get("/experts", response_model=ExpertsRead)
def read_experts(
    session: SessionDep, settings: SettingsDep, user: MaybeUser, period: PeriodQuery
) -> ExpertsRead:
    """Per-expert leniency and fit, and per-dimension reliability."""
    return rankings.expert_estimates(
        session, period=period, published_only=published_only(user, settings)
    )
