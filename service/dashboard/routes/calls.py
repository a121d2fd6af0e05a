"""Calls: the table (filters, sorting, CSV), uploads with progress, one call's page,
its status for polling and its audio for the player."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from analyzers.rule_table import RULE_IDS
from analyzers.tones import PLAN_ALIASES, RINGBACK_PLANS
from service.api.deps import SessionDep, StateDep
from service.api.routes.calls import get_audio
from service.calls.intake import accept_upload
from service.dashboard import exports
from service.dashboard.auth import PageViewer, ScriptViewer, check_csrf, require
from service.dashboard.calls_query import TableQueryDep
from service.dashboard.cards import metric_card
from service.dashboard.queries import calls_page, own_call, stored_report, team_agents
from service.dashboard.templating import render
from service.dashboard.timeline import build_timeline
from service.dashboard.transcript import build_transcript
from service.db.models import CALL_STATUSES, DONE

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
COUNTRIES = sorted({*RINGBACK_PLANS, *PLAN_ALIASES})
LANGUAGES = {"auto": "Detect", "en": "English", "sv": "Swedish", "nb": "Norwegian", "el": "Greek"}


@router.get("/", include_in_schema=False)
def home() -> Response:
    return RedirectResponse("/calls", status_code=303)


@router.get("/calls", response_class=HTMLResponse)
def calls_table(
    request: Request, viewer: PageViewer, session: SessionDep, query: TableQueryDep
) -> Response:
    rows, total = calls_page(
        session,
        viewer.principal.team_id,
        query.filters(),
        query.sort,
        query.descending,
        PAGE_SIZE,
        (query.page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "calls.html",
        {
            "viewer": viewer,
            "nav": "calls",
            "rows": rows,
            "total": total,
            "q": query,
            "pages": pages,
            "agents": team_agents(session, viewer.principal.team_id),
            "rules": RULE_IDS,
            "statuses": CALL_STATUSES,
            "countries": COUNTRIES,
            "languages": LANGUAGES,
            "csv_url": query.url("/calls.csv", page=None),
        },
    )


@router.get("/calls.csv")
def calls_csv(viewer: PageViewer, session: SessionDep, query: TableQueryDep) -> Response:
    rows, _ = calls_page(
        session, viewer.principal.team_id, query.filters(), query.sort, query.descending, limit=None
    )
    return exports.csv_response(exports.calls_csv(rows), f"calls-{viewer.team}.csv")


@router.post("/calls/upload")
async def upload(request: Request, viewer: ScriptViewer, state: StateDep) -> Response:
    """The upload form's target (called by upload.js with the CSRF header): the API's
    own upload, authorised by the session's key instead of a key header."""
    check_csrf(request, state, None)
    require(viewer, "ingest")
    upload = await accept_upload(request, state, viewer.principal)
    accepted = upload.accepted
    after = BackgroundTask(state.queue.enqueue, accepted.id)  # once the answer is sent
    return JSONResponse(
        {
            "id": str(accepted.id),
            "status": accepted.status,
            "status_url": f"/calls/{accepted.id}/status",
            "page_url": f"/calls/{accepted.id}",
        },
        status_code=202,
        headers={"Server-Timing": upload.server_timing},
        background=after,
    )


@router.get("/calls/{call_id}/status")
def call_status(call_id: uuid.UUID, viewer: ScriptViewer, session: SessionDep) -> Response:
    call = own_call(session, viewer.principal.team_id, call_id)
    if call is None:
        raise HTTPException(404, "no such call")
    return JSONResponse(
        {
            "id": str(call.id),
            "status": call.status,
            "error": call.error_message,
            "attempts": call.attempts,
            "findings_count": call.findings_count,
            "page_url": f"/calls/{call.id}",
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/calls/{call_id}/audio")
def call_audio(
    call_id: uuid.UUID, request: Request, viewer: ScriptViewer, state: StateDep
) -> Response:
    return get_audio(call_id=call_id, request=request, key=viewer.principal, state=state)


@router.get("/calls/{call_id}", response_class=HTMLResponse)
def call_page(
    call_id: uuid.UUID, request: Request, viewer: PageViewer, session: SessionDep
) -> Response:
    call = own_call(session, viewer.principal.team_id, call_id)
    if call is None:
        return render(
            request, "not_found.html", {"viewer": viewer, "what": "call"}, status_code=404
        )
    report = stored_report(session, call.id) if call.status == DONE else None
    context: dict[str, Any] = {"viewer": viewer, "nav": "calls", "call": call, "report": report}
    if report is not None:
        context.update(
            cards=[metric_card(m, report) for m in report.metrics],
            timeline=build_timeline(report),
            transcript=build_transcript(report),
            whole_call=[i for i, f in enumerate(report.findings) if f.start_s is None],
        )
    return render(request, "call.html", context)
