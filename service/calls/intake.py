"""Intake: every way a call arrives (the API upload, the dashboard's upload, the
webhooks, live streams, the bundled samples) comes through here.

Receiving the form, the size limit (413), the fields and the audio header check (422,
the first error formatted one way), the call row, and removing the stored file when
anything fails: one implementation. Rejections raise IntakeError, which the API
answers as ``{"detail", "code"}``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from analyzers.errors import AnalysisError
from analyzers.options import AgentChannel, AnalysisOptions, CallMetadata, Language
from service import metrics
from service.api.multipart import MultipartError, ReceivedForm, receive_form
from service.api.schemas import (
    CallAccepted,
    CallUploadFields,
    GenericWebhookIn,
    RecordingFields,
    WebhookAccepted,
)
from service.calls.live_cues import add_live_cues
from service.calls.records import new_call
from service.config import Settings
from service.fetch.guard import UnsafeURLError, check_url
from service.storage import BlobTooLargeError, StoredBlob
from service.webhooks.intake import WebhookCall, register

if TYPE_CHECKING:
    from service.api.deps import Principal
    from service.api.state import ServiceState

# Multipart framing and text fields on top of the audio part itself.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024
MAX_WEBHOOK_BODY = 1024 * 1024  # form or JSON bodies (multipart audio has its own limit)

_CONTENT_TYPES = {
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "mp4": "audio/mp4",
    "matroska": "audio/webm",
    "aiff": "audio/aiff",
    "au": "audio/basic",
}


# What the header check recognises (the upload's own Content-Type is not trusted).
ACCEPTED_AUDIO_TYPES = tuple(dict.fromkeys(_CONTENT_TYPES.values()))


def analysis_options(
    settings: Settings,
    *,
    agent_channel: AgentChannel = "auto",
    country: str | None = None,
    language: Language | None = None,
) -> AnalysisOptions:
    """Options for a new call: the request's hints over the service defaults."""
    return AnalysisOptions(
        agent_channel=agent_channel,
        country=country,
        language=language or settings.default_language,
        engine=settings.default_engine,
        model=settings.default_model,
        max_duration_s=settings.max_duration_s,
    )


def content_type_for(container: str | None) -> str:
    return _CONTENT_TYPES.get((container or "").lower(), "application/octet-stream")


def check_recording(path: Path, settings: Settings) -> tuple[float | None, str]:
    """Header check of a stored upload: (duration_s, content type); raises AnalysisError."""
    from analyzers.audio import check_audio_info, probe_audio

    info = probe_audio(path)
    check_audio_info(
        info, max_duration_s=settings.max_duration_s, max_channels=settings.max_channels
    )
    return info.duration_s, content_type_for(info.container)


class IntakeError(Exception):
    """A call refused before anything is kept: HTTP status, message and stable code."""

    def __init__(self, status_code: int, detail: str, code: str) -> None:
        super().__init__(detail)
        self.status_code, self.detail, self.code = status_code, detail, code


def _reject(status_code: int, detail: str, code: str) -> IntakeError:
    metrics.CALLS_REJECTED.labels(code).inc()
    return IntakeError(status_code, detail, code)


def first_error(errors: Sequence[Mapping[str, Any]], where: str) -> str:
    """``field.path: message`` of the first validation error (``where`` if it has no path)."""
    if not errors:
        return f"{where}: invalid"
    first = errors[0]
    path = ".".join(str(part) for part in first.get("loc", ())) or where
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{path}: {message}"


Fields = TypeVar("Fields", bound=BaseModel)


def parse_fields(model: type[Fields], raw: Mapping[str, Any] | bytes) -> Fields:
    """Form fields (empty ones are absent) or a JSON body -> the model; 422 bad_field."""
    try:
        if isinstance(raw, bytes):
            return model.model_validate_json(raw)
        return model.model_validate({k: v for k, v in raw.items() if v != ""})
    except ValidationError as exc:
        where = "body" if isinstance(raw, bytes) else "form"
        raise _reject(422, first_error(exc.errors(), where), "bad_field") from None


def fields_options(settings: Settings, fields: RecordingFields) -> AnalysisOptions:
    return analysis_options(
        settings,
        agent_channel=fields.agent_channel,
        country=fields.country,
        language=fields.language,
    )


async def read_body(request: Request, limit: int = MAX_WEBHOOK_BODY) -> bytes:
    """A whole (non-multipart) body, 413 past ``limit``."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _reject(413, f"body larger than {limit} bytes", "too_large")
    return bytes(body)


async def receive_recording(
    request: Request,
    state: ServiceState,
    call_id: uuid.UUID,
    *,
    observe: Callable[[bytes], None] | None = None,
    required: bool = True,
) -> ReceivedForm:
    """The multipart form, its ``audio`` part durable in storage under the call id."""
    limit = state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD_BYTES:
        raise _reject(
            413, f"upload is {int(declared)} bytes; the limit is {limit} bytes", "too_large"
        )
    try:
        form = await receive_form(
            request, "audio", lambda: state.storage.writer(call_id.hex, max_bytes=limit), observe
        )
    except BlobTooLargeError:
        raise _reject(
            413, f"recording is larger than the limit of {limit} bytes", "too_large"
        ) from None
    except MultipartError as exc:
        raise _reject(422, str(exc), "bad_multipart") from None
    if required and form.blob is None:
        raise _reject(422, "missing the 'audio' file part", "missing_audio")
    return form


def probe_recording(state: ServiceState, blob: StoredBlob) -> tuple[float | None, str]:
    """Blocking header check of a stored recording; 422 with the AnalysisError's code."""
    path = state.storage.local_path(blob.key)
    assert path is not None
    try:
        return check_recording(path, state.settings)
    except AnalysisError as exc:  # too many channels, too long, corrupt, unsupported
        raise _reject(422, str(exc), exc.code) from None


@asynccontextmanager
async def discard_on_failure(state: ServiceState, blob: StoredBlob | None) -> AsyncIterator[None]:
    """Nothing is kept of a call that was not accepted."""
    try:
        yield
    except BaseException:
        if blob is not None:
            await run_in_threadpool(state.storage.delete, blob.key)
        raise


async def check_recording_url(state: ServiceState, url: str) -> None:
    s = state.settings
    try:
        await run_in_threadpool(
            check_url,
            url,
            allowed_hosts=s.download_allowed_hosts,
            private_hosts=s.private_network_hosts,
        )
    except UnsafeURLError as exc:
        raise _reject(422, f"recording URL refused: {exc}", "url_refused") from None


@dataclass(frozen=True)
class AcceptedUpload:
    accepted: CallAccepted
    server_timing: str  # receive, store, probe, commit and accept spans (ms)


async def accept_upload(request: Request, state: ServiceState, key: Principal) -> AcceptedUpload:
    """An uploaded recording as a committed, queued call (the caller enqueues it)."""
    call_id = uuid.uuid4()
    form = await receive_recording(request, state, call_id)
    blob = form.blob
    assert blob is not None
    marks: dict[str, float] = {}
    async with discard_on_failure(state, blob):
        fields = parse_fields(CallUploadFields, form.fields)
        if fields.team is not None and fields.team != key.team:
            raise _reject(403, f"this API key writes to team {key.team!r} only", "wrong_team")

        def probe_and_commit() -> None:
            # One trip to the thread pool for both blocking steps (each hop costs
            # milliseconds when many uploads compete for threads).
            duration_s, content_type = probe_recording(state, blob)
            marks["probed"] = time.perf_counter()
            with state.db.session() as session:
                new_call(
                    session,
                    team_id=key.team_id,
                    source="upload",
                    options=fields_options(state.settings, fields),
                    metadata=fields.metadata(),
                    agent_id=fields.agent_id,
                    external_id=fields.external_id,
                    call_id=call_id,
                    audio=blob,
                    content_type=content_type,
                    duration_s=duration_s,
                    file_name=form.file_name,
                )
            marks["committed"] = time.perf_counter()

        await run_in_threadpool(probe_and_commit)
    metrics.CALLS_RECEIVED.labels("upload").inc()
    done = time.perf_counter()
    spans = {
        "receive": (form.started_at, form.body_received_at),
        "store": (form.body_received_at, form.stored_at),
        "probe": (form.stored_at, marks["probed"]),
        "commit": (marks["probed"], marks["committed"]),
        "accept": (form.body_received_at, done),
    }
    timing = ", ".join(
        f"{name};dur={(end - start) * 1000:.1f}" for name, (start, end) in spans.items()
    )
    accepted = CallAccepted(id=call_id, status="queued", url=f"/v1/calls/{call_id}")
    return AcceptedUpload(accepted, timing)


async def register_webhook_call(state: ServiceState, call: WebhookCall) -> WebhookAccepted:
    """Commit a verified webhook's call once per receipt key, then enqueue it."""
    call_id, created = await run_in_threadpool(register, state.db, call)
    if not created:
        return WebhookAccepted(status="duplicate", call_id=call_id, detail="already received")
    assert call_id is not None
    metrics.CALLS_RECEIVED.labels(call.provider).inc()
    await run_in_threadpool(state.queue.enqueue, call_id)
    return WebhookAccepted(status="accepted", call_id=call_id)


async def accept_generic_webhook(
    request: Request,
    state: ServiceState,
    *,
    team: str,
    sender: str,
    observe: Callable[[bytes], None],
    verify: Callable[[], Awaitable[str]],
) -> WebhookAccepted:
    """The generic webhook: JSON with ``audio_url`` or multipart with an ``audio`` part.

    ``observe`` sees the raw body; ``verify`` then checks its signature (raising if it is
    wrong or replayed) and returns the request's unique key.
    """
    call_id = uuid.uuid4()
    raw: Mapping[str, Any] | bytes
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await receive_recording(request, state, call_id, observe=observe, required=False)
        raw, blob = form.fields, form.blob
    else:
        raw, blob = await read_body(request), None
        observe(raw)
    async with discard_on_failure(state, blob):
        request_key = await verify()
        fields = parse_fields(GenericWebhookIn, raw)
        duration_s = content_type = None
        if blob is not None:
            duration_s, content_type = await run_in_threadpool(probe_recording, state, blob)
        elif not fields.audio_url:
            raise _reject(
                422, "send audio_url in the JSON body, or an audio file part", "missing_audio"
            )
        else:
            await check_recording_url(state, fields.audio_url)
        call = WebhookCall(
            provider="generic",
            receipt_key=f"{sender}:{fields.external_id}" if fields.external_id else request_key,
            team=team,
            options=fields_options(state.settings, fields),
            metadata=fields.metadata(),
            agent_id=fields.agent_id,
            external_id=fields.external_id,
            source_url=None if blob is not None else fields.audio_url,
            source_account=sender,
            audio=blob,
            content_type=content_type,
            duration_s=duration_s,
            call_id=call_id,
        )
        result = await register_webhook_call(state, call)
        if result.status == "duplicate" and blob is not None:
            await run_in_threadpool(state.storage.delete, blob.key)
        return result


@dataclass(frozen=True)
class LiveRecording:
    """A live stream that ended: its recording (stored under the call id) and cues."""

    call_id: uuid.UUID
    team_id: int
    source: str  # live | live-twilio
    source_account: str
    blob: StoredBlob
    options: AnalysisOptions
    metadata: CallMetadata
    agent_id: str | None
    external_id: str | None
    cues: Sequence[Mapping[str, Any]]


async def accept_live_recording(state: ServiceState, live: LiveRecording) -> CallAccepted:
    """A live stream's recording as a queued call, its cues stored with it; like an
    upload, the header is checked first (422) and nothing is kept when it fails."""
    async with discard_on_failure(state, live.blob):

        def probe_and_commit() -> None:
            duration_s, content_type = probe_recording(state, live.blob)
            with state.db.session() as session:
                new_call(
                    session,
                    team_id=live.team_id,
                    source=live.source,
                    options=live.options,
                    metadata=live.metadata,
                    agent_id=live.agent_id,
                    external_id=live.external_id,
                    call_id=live.call_id,
                    audio=live.blob,
                    content_type=content_type,
                    duration_s=duration_s,
                    source_account=live.source_account,
                )
                add_live_cues(session, live.call_id, [dict(c) for c in live.cues])

        await run_in_threadpool(probe_and_commit)
    metrics.CALLS_RECEIVED.labels(live.source).inc()
    await run_in_threadpool(state.queue.enqueue, live.call_id)
    return CallAccepted(id=live.call_id, status="queued", url=f"/v1/calls/{live.call_id}")
