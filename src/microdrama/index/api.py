"""JSON API of the Star Index under /api/v1/index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from microdrama.accounts.auth import SignedIn, require
from microdrama.catalog.deps import WorkFilterDep
from microdrama.index import ranking as rankings
from microdrama.index.deps import PublishedOnly, RunSelectorDep
from microdrama.index.schemas import ExpertsRead, Explanation, IndexRunRead, RankingPage
from microdrama.index.service import list_runs, publish_run
from microdrama.web.auth import CsrfChecked
from microdrama.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/index", tags=["index"])


@router.get("/runs", response_model=list[IndexRunRead])
def read_runs(session: SessionDep, hidden: PublishedOnly) -> list[IndexRunRead]:
    """Stored runs, newest first, with what pins them; viewers see published runs only."""
    return list_runs(session, published_only=hidden)


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
    run: RunSelectorDep,
    where: WorkFilterDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RankingPage:
    """The period's ranking (its newest run, or run `run`) with 90% intervals and tiers.

    Filters take what people type (甜宠, Xi'an, iap); a value that names nothing is a 400
    listing the choices.
    """
    return rankings.ranking(session, run=run, where=where, top=limit, offset=offset)


@router.get("/works/{work_id}", response_model=Explanation)
def read_explanation(session: SessionDep, run: RunSelectorDep, work_id: str) -> dict[str, Any]:
    """A work's score taken apart: dimensions, weights, contributions, raw metrics, flags."""
    return rankings.explanation(session, work_id=work_id, run=run)


@router.get("/experts", response_model=ExpertsRead, dependencies=[require("runs_index")])
def read_experts(session: SessionDep, run: RunSelectorDep) -> ExpertsRead:
    """Per-expert leniency and fit, and per-dimension reliability (analysts: it names experts)."""
    return rankings.expert_estimates(session, run=run)
