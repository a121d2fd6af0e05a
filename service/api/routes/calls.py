"""/v1/calls: upload, status, report, audio (with Range), delete, listing."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import ValidationError

from analyzers.errors import AnalysisError
from analyzers.options import CallMetadata
from service import metrics
from service.api.deps import AdminKey, IngestKey, Principal, ReadKey, SessionDep, StateDep
from service.api.errors import api_error
from service.api.multipart import MultipartError, receive_form
from service.api.ranges import RangeNotSatisfiableError, parse_range
from service.api.schemas import (
    CallAccepted,
    CallOut,
    CallPage,
    CallStatus,
    CallUploadFields,
    ErrorBody,
    as_utc,
    upload_openapi_schema,
)
from service.api.state import ServiceState
from service.calls.deletion import delete_call
from service.calls.intake import analysis_options, check_recording, new_call
from service.calls.queries import BadCursorError, CallFilters, list_calls
from service.db.models import DONE, Call, CallReport
from service.storage import BlobTooLargeError, StoredBlob

router = APIRouter(prefix="/v1/calls", tags=["calls"])

# Multipart framing and text fields on top of the audio part itself.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid API key"},
    403: {"model": ErrorBody, "description": "the key lacks the scope"},
    404: {"model": ErrorBody, "description": "no such call in the key's team"},
}


def _reject(status_code: int, detail: str, code: str) -> Exception:
    metrics.CALLS_REJECTED.labels(code).inc()
    return api_error(status_code, detail, code)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CallAccepted,
    openapi_extra=upload_openapi_schema(),
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
    settings = state.settings
    declared = request.headers.get("content-length")
    limit = settings.max_upload_bytes
    if declared and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD_BYTES:
        raise _reject(
            413, f"upload is {int(declared)} bytes; the limit is {limit} bytes", "too_large"
        )
    call_id = uuid.uuid4()
    try:
        form = await receive_form(
            request, "audio", lambda: state.storage.writer(call_id.hex, max_bytes=limit)
        )
    except BlobTooLargeError:
        raise _reject(
            413, f"recording is larger than the limit of {limit} bytes", "too_large"
        ) from None
    except MultipartError as exc:
        raise _reject(422, str(exc), "bad_multipart") from None
    blob = form.blob
    if blob is None:
        raise _reject(422, "missing the 'audio' file part", "missing_audio")
    marks: dict[str, float] = {}
    try:
        accepted = await _accept(state, key, call_id, blob, form.fields, marks)
        # The committed row is the job: notifying the workers can follow the answer (if the
        # broker is down, the workers' sweeper finds the row anyway).
        background.add_task(state.queue.enqueue, call_id)
    except BaseException:
        await run_in_threadpool(state.storage.delete, blob.key)
        raise
    # receive: first to last byte; accept: last byte to this answer, of which store (last
    # writes, fsync), probe (header check), commit (the row).
    marks["done"] = time.perf_counter()
    spans = {
        "receive": (form.started_at, form.body_received_at),
        "store": (form.body_received_at, form.stored_at),
        "probe": (form.stored_at, marks["probed"]),
        "commit": (marks["probed"], marks["committed"]),
        "accept": (form.body_received_at, marks["done"]),
    }
    response.headers["Server-Timing"] = ", ".join(
        f"{name};dur={(end - start) * 1000:.1f}" for name, (start, end) in spans.items()
    )
    return accepted


async def _accept(
    state: ServiceState,
    key: Principal,
    call_id: uuid.UUID,
    blob: StoredBlob,
    raw: dict[str, str],
    marks: dict[str, float],
) -> CallAccepted:
    try:
        fields = CallUploadFields.model_validate({k: v for k, v in raw.items() if v != ""})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "form"
        raise _reject(422, f"{where}: {first['msg']}", "bad_field") from None
    if fields.team is not None and fields.team != key.team:
        raise HTTPException(403, f"this API key writes to team {key.team!r} only")
    metadata = CallMetadata(
        recording_started_at=fields.recording_started_at,
        ringing_at=fields.ringing_at,
        answered_at=fields.answered_at,
        customer_name=fields.customer_name,
        agent_name=fields.agent_name,
    )
    options = analysis_options(
        state.settings,
        agent_channel=fields.agent_channel,
        country=fields.country.upper() if fields.country else None,
        language=fields.language,
    )

    def probe_and_commit() -> None:
        # One trip to the thread pool for both blocking steps (each hop costs
        # milliseconds when many uploads compete for threads).
        path = state.storage.local_path(blob.key)
        assert path is not None
        duration_s, content_type = check_recording(path, state.settings)
        marks["probed"] = time.perf_counter()
        with state.db.session() as session:
            new_call(
                session,
                team_id=key.team_id,
                source="upload",
                options=options,
                metadata=metadata,
                agent_id=fields.agent_id,
                external_id=fields.external_id,
                call_id=call_id,
                audio=blob,
                content_type=content_type,
                duration_s=duration_s,
            )
        marks["committed"] = time.perf_counter()

    try:
        await run_in_threadpool(probe_and_commit)
    except AnalysisError as exc:  # too many channels, too long, corrupt, unsupported
        raise _reject(422, str(exc), exc.code) from None
    metrics.CALLS_RECEIVED.labels("upload").inc()
    return CallAccepted(id=call_id, status="queued", url=f"/v1/calls/{call_id}")


def _own_call(session: SessionDep, key_team_id: int, call_id: uuid.UUID) -> Call:
    call = session.get(Call, call_id)
    if call is None or call.team_id != key_team_id:  # another team's call does not exist
        raise HTTPException(404, "no such call")
    return call


@router.get("/{call_id}", response_model=CallOut, responses=_ERRORS, summary="Call status")
def get_call(call_id: uuid.UUID, key: ReadKey, session: SessionDep) -> CallOut:
    return CallOut.from_row(_own_call(session, key.team_id, call_id))


@router.get(
    "/{call_id}/report",
    responses={
        **_ERRORS,
        200: {"description": "the analysis report (analyzers.report.Report, schema_version 1)"},
        409: {"model": ErrorBody, "description": "not analysed (yet)"},
    },
    summary="The analysis report",
)
def get_report(call_id: uuid.UUID, key: ReadKey, session: SessionDep) -> Response:
    call = _own_call(session, key.team_id, call_id)
    if call.status != DONE:
        detail = f"call is {call.status}"
        if call.error_message:
            detail += f": {call.error_message}"
        raise HTTPException(409, detail)
    report = session.get_one(CallReport, call_id)
    return JSONResponse(report.report)


@router.get(
    "/{call_id}/audio",
    responses={
        **_ERRORS,
        200: {"content": {"audio/wav": {}}, "description": "the whole recording"},
        206: {"description": "the requested byte range"},
        416: {"description": "range outside the file"},
    },
    summary="The recording (supports HTTP Range)",
)
def get_audio(call_id: uuid.UUID, request: Request, key: ReadKey, state: StateDep) -> Response:
    with state.db.session() as session:
        call = _own_call(session, key.team_id, call_id)
        audio_key, content_type = call.audio_key, call.audio_content_type
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
        _own_call(session, key.team_id, call_id)
    delete_call(state.db, state.storage, call_id)
    return Response(status_code=204)


@router.get("", response_model=CallPage, responses=_ERRORS, summary="List calls")
def get_calls(
    key: ReadKey,
    session: SessionDep,
    team: Annotated[str | None, Query(description="only the key's own team is visible")] = None,
    agent_id: str | None = None,
    status_: Annotated[CallStatus | None, Query(alias="status")] = None,
    from_: Annotated[
        datetime | None, Query(alias="from", description="recorded at or after")
    ] = None,
    to: Annotated[datetime | None, Query(description="recorded before")] = None,
    rule: Annotated[str | None, Query(description="with at least one finding of this rule")] = None,
    external_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> CallPage:
    if team is not None and team != key.team:
        return CallPage(items=[], next_cursor=None)
    filters = CallFilters(
        agent_id=agent_id,
        status=status_,
        recorded_from=as_utc(from_),
        recorded_to=as_utc(to),
        rule=rule,
        external_id=external_id,
    )
    try:
        rows, next_cursor = list_calls(session, key.team_id, filters, limit, cursor)
    except BadCursorError:
        raise HTTPException(422, "invalid cursor") from None
    return CallPage(items=[CallOut.from_row(r) for r in rows], next_cursor=next_cursor)
