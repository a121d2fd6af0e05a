"""Calls: the table (filters, sorting, CSV), uploads with progress, one call's page,
its status for polling and its audio for the player."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.background import BackgroundTask

from analyzers.options import CHANNEL_NAMES
from analyzers.ringback_plans import PLAN_COUNTRIES
from analyzers.rule_table import RULE_IDS
from service.api.deps import SessionDep, StateDep
from service.api.routes.calls import get_audio
from service.calls.intake import accept_upload, first_error
from service.calls.live_cues import live_cues
from service.calls.notes import NoteError, NoteIn, add_note, call_notes
from service.calls.results import counted_summary
from service.calls.reviews import Reviewer, finding_states
from service.dashboard import exports
from service.dashboard.auth import (
    CSRF_FIELD,
    CallsPageViewer,
    CallsScriptViewer,
    PageViewer,
    ScriptViewer,
    check_csrf,
    require,
)
from service.dashboard.calls_query import TableQueryDep
from service.dashboard.cards import metric_card
from service.dashboard.notes import parse_time, timeline_marks, with_notes
from service.dashboard.queries import calls_page, own_call, stored_report, team_agents
from service.dashboard.templating import render
from service.dashboard.timeline import build_timeline
from service.dashboard.transcript import build_transcript
from service.db.models import CALL_STATUSES, DONE
from service.teams import team_company_names

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
COUNTRIES = PLAN_COUNTRIES
LANGUAGES = {"auto": "Detect", "en": "English", "sv": "Swedish", "nb": "Norwegian", "el": "Greek"}


@router.get("/", include_in_schema=False)
def home() -> Response:
    return RedirectResponse("/calls", status_code=303)


@router.get("/calls", response_class=HTMLResponse)
def calls_table(
    request: Request, viewer: CallsPageViewer, session: SessionDep, query: TableQueryDep
) -> Response:
    """The team's calls; an agent's sign-in: the agent's own."""
    if viewer.agent_id is not None:
        query = replace(query, agent=viewer.agent_id)
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
            "channel_names": CHANNEL_NAMES,
            "languages": LANGUAGES,
            "csv_url": query.url("/calls.csv", page=None),
            "team_company_names": team_company_names(session, viewer.principal.team_id),
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
def call_status(call_id: uuid.UUID, viewer: CallsScriptViewer, session: SessionDep) -> Response:
    call = own_call(session, viewer.principal, call_id)
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
    call_id: uuid.UUID, request: Request, viewer: CallsScriptViewer, state: StateDep
) -> Response:
    return get_audio(call_id=call_id, request=request, key=viewer.principal, state=state)


@router.get("/calls/{call_id}", response_class=HTMLResponse)
def call_page(
    call_id: uuid.UUID, request: Request, viewer: CallsPageViewer, session: SessionDep
) -> Response:
    call = own_call(session, viewer.principal, call_id)
    if call is None:
        return render(
            request, "not_found.html", {"viewer": viewer, "what": "call"}, status_code=404
        )
    report = stored_report(session, call.id) if call.status == DONE else None
    notes = call_notes(session, call.id)
    shown = live_cues(session, call.id) if call.source.startswith("live") else []
    context: dict[str, Any] = {
        "viewer": viewer,
        "nav": "calls",
        "call": call,
        "report": report,
        "notes": notes,
        "note_error": request.query_params.get("note_error"),
        "review_error": request.query_params.get("review_error"),
        "review_at": request.query_params.get("review_at"),
        "role": Reviewer.of_key(viewer.principal.key_id, viewer.agent_id).role,
        "live_cues": shown,
    }
    if report is not None:
        timeline = build_timeline(report, shown)
        reviews = finding_states(session, call.id, report.findings)
        dismissed = {r.index for r in reviews if not r.counted}
        context.update(
            reviews=reviews,
            dismissed=dismissed,
            summary=counted_summary(report, dismissed),
            cards=[metric_card(m, report) for m in report.metrics],
            timeline=timeline,
            note_marks=timeline_marks(timeline, notes),
            transcript=with_notes(build_transcript(report), notes),
            whole_call=[i for i, f in enumerate(report.findings) if f.start_s is None],
        )
    return render(request, "call.html", context)


@router.post("/calls/{call_id}/notes")
async def add_call_note(
    call_id: uuid.UUID, request: Request, viewer: PageViewer, state: StateDep
) -> Response:
    """The call page's note form: a comment at a time, on a finding, or both."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, state, form.get(CSRF_FIELD))
    page = f"/calls/{call_id}"
    try:
        finding = form.get("finding", "")
        note = NoteIn(
            text=form.get("text", ""),
            at_s=parse_time(form.get("at", "")),
            finding=int(finding) if finding.isdigit() else None,
        )
    except (ValueError, ValidationError) as exc:
        return RedirectResponse(f"{page}?{urlencode({'note_error': _first_line(exc)})}#notes", 303)

    def save() -> str | None:
        with state.db.session() as session:
            call = own_call(session, viewer.principal, call_id)
            if call is None:
                raise HTTPException(404, "no such call")
            try:
                add_note(session, call, note, author=viewer.principal.key_id)
            except NoteError as exc:
                session.rollback()
                return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error is not None:
        return RedirectResponse(f"{page}?{urlencode({'note_error': error})}#notes", 303)
    return RedirectResponse(f"{page}#notes", status_code=303)


def _first_line(exc: Exception) -> str:
    return first_error(exc.errors(), "form") if isinstance(exc, ValidationError) else str(exc)
