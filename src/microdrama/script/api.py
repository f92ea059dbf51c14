"""JSON API of the script studio under /api/v1/scripts: breakdown, review, rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from microdrama.accounts.auth import require
from microdrama.errors import MicrodramaError
from microdrama.sandbox import run_limited
from microdrama.script import export, service
from microdrama.script.compliance.filing import FilingData
from microdrama.web.auth import CsrfChecked

router = APIRouter(prefix="/api/v1/scripts", tags=["scripts"])
Upload = Annotated[UploadFile, File(description="Script: .txt .md .docx .fountain .fdx")]


async def _analyse(file: UploadFile, filing: FilingData | None = None) -> service.Analysis:
    data = await file.read(service.MAX_SCRIPT_BYTES + 1)
    if len(data) > service.MAX_SCRIPT_BYTES:
        raise HTTPException(status_code=413, detail="the script is larger than 20 MB")
    try:
        # Off the event loop: a long script must not stall every other request while it parses.
        return await run_in_threadpool(
            run_limited,
            service.analyse,
            data,
            filename=file.filename or "script.txt",
            filing=filing,
        )
    except MicrodramaError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.post("/breakdown", dependencies=[require("uses_studio"), CsrfChecked], response_model=None)
async def breakdown(file: Upload) -> dict[str, Any]:
    """The breakdown JSON: episodes, scenes, characters, locations, paywall, problems."""
    analysis = await _analyse(file)
    return export.to_json_dict(analysis.script, analysis.breakdown)


@router.post("/review", dependencies=[require("uses_studio"), CsrfChecked], response_model=None)
async def review(
    file: Upload,
    investment_yuan: Annotated[int | None, Query(ge=0)] = None,
    tier: Annotated[str | None, Query(max_length=16)] = None,
    filing_number: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, Any]:
    """Compliance findings with citations; `blocking` is true when one has severity block."""
    filing = None
    if investment_yuan is not None or tier or filing_number:
        try:
            filing = FilingData(
                investment_yuan=investment_yuan, tier=tier, filing_number=filing_number
            )
        except (ValueError, MicrodramaError) as exc:
            raise HTTPException(status_code=422, detail=f"filing data: {exc}") from exc
    return service.review_dict(await _analyse(file, filing))


@router.get("/rules", dependencies=[require("uses_studio")])
def rules() -> list[dict[str, Any]]:
    """The default rules in force: id, category, severity, citation, suggestion."""
    return [
        {
            "id": rule.id,
            "category": rule.category,
            "severity": rule.severity,
            "citation": rule.citation,
            "suggestion": rule.suggestion,
            "file": rule.file,
        }
        for rule in service.default_rules().rules
    ]
