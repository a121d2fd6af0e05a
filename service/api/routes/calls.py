"""/v1/calls: upload, status, report, audio (with Range), delete, listing."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from service.api.deps import (
    AdminKey,
    CallReadKey,
    IngestKey,
    Principal,
    ReadKey,
    SessionDep,
    StateDep,
)
from service.api.ranges import RangeNotSatisfiableError, parse_range
from service.api.schemas import (
    CallAccepted,
    CallOut,
    CallPage,
    CallStatus,
    ErrorBody,
    NoteOut,
    UTCTime,
    upload_openapi_schema,
)
from service.calls.deletion import delete_call
from service.calls.intake import ACCEPTED_AUDIO_TYPES, accept_upload
from service.calls.live_cues import live_cues
from service.calls.notes import NoteError, NoteIn, add_note, call_notes
from service.calls.queries import BadCursorError, CallFilters, list_calls, visible_call
from service.db.models import DONE, Call, CallReport
from service.privacy import team_privacy

router = APIRouter(prefix="/v1/calls", tags=["calls"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid API key"},
    403: {"model": ErrorBody, "description": "the key lacks the scope"},
    404: {"model": ErrorBody, "description": "no such call in the key's team"},
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CallAccepted,
    openapi_extra=upload_openapi_schema(ACCEPTED_AUDIO_TYPES),
    responses={
        **_ERRORS,
        413: {"model": ErrorBody, "description": "file larger than the upload limit"},
        422: {"model": ErrorBody, "description": "bad fields, or audio the service cannot use"},
    },
    summary="Upload a call recording",
)
async def upload_call(
    request: Request,
    response: Response,
    background: BackgroundTasks,
    key: IngestKey,
    state: StateDep,
) -> CallAccepted:
    """Stream the recording to disk, check its header, commit the call, answer 202.

    Recordings over the size limit (413), with more channels than allowed, longer than
    the duration limit or unreadable (422) are rejected before anything is stored. Audio
    that passes the header check but fails in analysis is stored as a failed call.
    """
    upload = await accept_upload(request, state, key)
    # The committed row is the job: notifying the workers can follow the answer (if the
    # broker is down, the workers' sweeper finds the row anyway).
    background.add_task(state.queue.enqueue, upload.accepted.id)
    response.headers["Server-Timing"] = upload.server_timing
    return upload.accepted


def call_of_key(session: SessionDep, key: Principal, call_id: uuid.UUID) -> Call:
    """The key's call: 404 for another team's (or, for an agent's key, agent's) call."""
    call = visible_call(session, call_id, key.team_id, key.agent_id)
    if call is None:
        raise HTTPException(404, "no such call")
    return call


@router.get("/{call_id}", response_model=CallOut, responses=_ERRORS, summary="Call status")
def get_call(call_id: uuid.UUID, key: CallReadKey, session: SessionDep) -> CallOut:
    return CallOut.from_row(call_of_key(session, key, call_id))


@router.get(
    "/{call_id}/report",
    responses={
        **_ERRORS,
        200: {
            "description": "the analysis report (analyzers.report.Report, schema_version 1); "
            "a live call's also lists, as `live_cues`, the cues its agent was shown: each "
            "with `at_s` (when the condition became true in the call) and `shown_s` (the "
            "call's time when it was sent)"
        },
        409: {"model": ErrorBody, "description": "not analysed (yet)"},
    },
    summary="The analysis report",
)
def get_report(call_id: uuid.UUID, key: CallReadKey, session: SessionDep) -> Response:
    call = call_of_key(session, key, call_id)
    if call.status != DONE:
        detail = f"call is {call.status}"
        if call.error_message:
            detail += f": {call.error_message}"
        raise HTTPException(409, detail)
    report = session.get_one(CallReport, call_id)
    if call.source.startswith("live"):
        return JSONResponse({**report.report, "live_cues": live_cues(session, call_id)})
    return JSONResponse(report.report)


@router.get(
    "/{call_id}/audio",
    responses={
        **_ERRORS,
        200: {"content": {"audio/wav": {}}, "description": "the whole recording"},
        206: {"description": "the requested byte range"},
        409: {"model": ErrorBody, "description": "redaction on and the call not analysed yet"},
        416: {"description": "range outside the file"},
    },
    summary="The recording (supports HTTP Range)",
)
def get_audio(call_id: uuid.UUID, request: Request, key: CallReadKey, state: StateDep) -> Response:
    with state.db.session() as session:
        call = call_of_key(session, key, call_id)
        audio_key, content_type = call.audio_key, call.audio_content_type
        if call.status != DONE and team_privacy(session, key.team_id).pii_redaction:
            raise HTTPException(409, "the recording is served once its redaction has run")
    if audio_key is None or not state.storage.exists(audio_key):
        raise HTTPException(404, "the recording is not stored (yet)")
    size = state.storage.size(audio_key)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
    media_type = content_type or "application/octet-stream"
    try:
        byte_range = parse_range(request.headers.get("range"), size)
    except RangeNotSatisfiableError:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if byte_range is None:
        return StreamingResponse(
            state.storage.read_range(audio_key, 0, size - 1) if size else iter(()),
            media_type=media_type,
            headers={**headers, "Content-Length": str(size)},
        )
    start, end = byte_range
    return StreamingResponse(
        state.storage.read_range(audio_key, start, end),
        status_code=206,
        media_type=media_type,
        headers={
            **headers,
            "Content-Range": f"bytes {start}-{end}/{size}",
            "Content-Length": str(end - start + 1),
        },
    )


@router.delete(
    "/{call_id}",
    status_code=204,
    responses=_ERRORS,
    summary="Delete a call: audio, report and transcript (admin scope)",
)
def remove_call(call_id: uuid.UUID, key: AdminKey, state: StateDep) -> Response:
    with state.db.session() as session:
        call_of_key(session, key, call_id)
    delete_call(state.db, state.storage, call_id)
    return Response(status_code=204)


@router.get("", response_model=CallPage, responses=_ERRORS, summary="List calls")
def get_calls(
    key: CallReadKey,
    session: SessionDep,
    team: Annotated[str | None, Query(description="only the key's own team is visible")] = None,
    agent_id: str | None = None,
    status_: Annotated[CallStatus | None, Query(alias="status")] = None,
    from_: Annotated[
        UTCTime | None, Query(alias="from", description="recorded at or after")
    ] = None,
    to: Annotated[UTCTime | None, Query(description="recorded before")] = None,
    rule: Annotated[str | None, Query(description="with at least one finding of this rule")] = None,
    external_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> CallPage:
    if team is not None and team != key.team:
        return CallPage(items=[], next_cursor=None)
    if key.agent_id is not None:  # an agent's key lists the agent's own calls only
        if agent_id not in (None, key.agent_id):
            return CallPage(items=[], next_cursor=None)
        agent_id = key.agent_id
    filters = CallFilters(
        agent_id=agent_id,
        status=status_,
        recorded_from=from_,
        recorded_to=to,
        rule=rule,
        external_id=external_id,
    )
    try:
        rows, next_cursor = list_calls(session, key.team_id, filters, limit, cursor)
    except BadCursorError:
        raise HTTPException(422, "invalid cursor") from None
    return CallPage(items=[CallOut.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/{call_id}/notes", response_model=list[NoteOut], responses=_ERRORS, summary="A call's notes"
)
def list_notes(call_id: uuid.UUID, key: CallReadKey, session: SessionDep) -> list[NoteOut]:
    """Coaches' notes on the call, oldest first."""
    call = call_of_key(session, key, call_id)
    return [NoteOut.from_row(n) for n in call_notes(session, call.id)]


@router.post(
    "/{call_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=NoteOut,
    responses={
        **_ERRORS,
        422: {"model": ErrorBody, "description": "time or finding not the call's"},
    },
    summary="Add a note to a call",
)
def create_note(call_id: uuid.UUID, note: NoteIn, key: ReadKey, session: SessionDep) -> NoteOut:
    """A comment at a time in the call (``at_s``), on a finding (its index), or both."""
    call = call_of_key(session, key, call_id)
    try:
        row = add_note(session, call, note, author=key.key_id)
    except NoteError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    return NoteOut.from_row(row)
