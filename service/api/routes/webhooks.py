"""Webhooks in: Twilio, Vonage and a generic HMAC-signed sender.

A request whose signature is missing or wrong gets 403 and stores nothing. A verified
recording becomes a queued call whose job downloads the audio (allowed hosts only,
size cap, timeout, retries), so the platform gets its answer at once.
"""

from __future__ import annotations

import uuid
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from analyzers.errors import AnalysisError
from analyzers.options import CallMetadata
from service import metrics
from service.api.deps import StateDep
from service.api.multipart import MultipartError, receive_form
from service.api.schemas import (
    ErrorBody,
    GenericWebhookIn,
    VonageRecordingIn,
    WebhookAccepted,
)
from service.api.state import ServiceState
from service.calls.intake import analysis_options, check_recording
from service.fetch.guard import UnsafeURLError, check_url
from service.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    SignedBody,
    check_timestamp,
)
from service.storage import BlobTooLargeError
from service.webhooks import twilio, vonage
from service.webhooks.intake import WebhookCall, record_once, register

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

MAX_WEBHOOK_BODY = 1024 * 1024  # form or JSON bodies (multipart audio has its own limit)
SENDER_HEADER = "X-Callcoach-Sender"

_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "missing or invalid signature"},
    413: {"model": ErrorBody, "description": "body too large"},
    422: {"model": ErrorBody, "description": "missing fields or a recording URL not allowed"},
}


async def _read_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_WEBHOOK_BODY:
            raise HTTPException(413, f"webhook body larger than {MAX_WEBHOOK_BODY} bytes")
    return bytes(body)


def _signed_url(request: Request, public_base_url: str | None) -> str:
    """The URL the platform called (and signed), behind a proxy too."""
    if not public_base_url:
        return str(request.url)
    query = request.url.query
    return public_base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")


async def _check_download_url(state: ServiceState, url: str) -> None:
    s = state.settings
    try:
        await run_in_threadpool(
            check_url,
            url,
            allowed_hosts=s.download_allowed_hosts,
            private_hosts=s.private_network_hosts,
        )
    except UnsafeURLError as exc:
        raise HTTPException(422, f"recording URL refused: {exc}") from None


async def _register(state: ServiceState, call: WebhookCall) -> WebhookAccepted:
    call_id, created = await run_in_threadpool(register, state.db, call)
    if not created:
        return WebhookAccepted(status="duplicate", call_id=call_id, detail="already received")
    assert call_id is not None
    metrics.CALLS_RECEIVED.labels(call.provider).inc()
    await run_in_threadpool(state.queue.enqueue, call_id)
    return WebhookAccepted(status="accepted", call_id=call_id)


@router.post("/twilio", response_model=WebhookAccepted, responses=_RESPONSES)
async def twilio_recording(request: Request, state: StateDep) -> WebhookAccepted:
    """Twilio recording status callback (form-encoded), validated by X-Twilio-Signature."""
    settings = state.settings
    body = await _read_body(request)
    params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    fields = dict(params)
    account = settings.twilio_accounts.get(fields.get("AccountSid", ""))
    if account is None or not twilio.is_valid(
        account.secret.get_secret_value(),
        _signed_url(request, settings.public_base_url),
        params,
        request.headers.get(twilio.SIGNATURE_HEADER),
        request.headers.get(twilio.SETTINGS_HEADER),
    ):
        raise HTTPException(403, "invalid or missing X-Twilio-Signature")
    status = fields.get("RecordingStatus")
    if status != "completed":
        return WebhookAccepted(status="ignored", detail=f"recording status {status!r}")
    sid, recording_url = fields.get("RecordingSid"), fields.get("RecordingUrl")
    if not sid or not recording_url:
        raise HTTPException(422, "RecordingSid and RecordingUrl are required")
    download_url = twilio.recording_download_url(recording_url, fields.get("RecordingChannels"))
    await _check_download_url(state, download_url)
    started = None
    if fields.get("RecordingStartTime"):
        try:
            started = parsedate_to_datetime(fields["RecordingStartTime"])
        except (TypeError, ValueError):
            started = None
    return await _register(
        state,
        WebhookCall(
            provider="twilio",
            receipt_key=sid,
            team=account.team,
            options=analysis_options(settings, agent_channel=account.agent_channel),
            metadata=CallMetadata(recording_started_at=started),
            external_id=fields.get("CallSid") or sid,
            source_url=download_url,
            source_account=fields["AccountSid"],
        ),
    )


@router.post("/vonage", response_model=WebhookAccepted, responses=_RESPONSES)
async def vonage_recording(request: Request, state: StateDep) -> WebhookAccepted:
    """Vonage recording webhook, verified by the signed JWT in Authorization."""
    settings = state.settings
    body = await _read_body(request)
    try:
        api_key, account = vonage.verify(
            request.headers.get("authorization"),
            body,
            settings.vonage_accounts,
            window_s=settings.webhook_window_s,
        )
    except vonage.VonageSignatureError as exc:
        raise HTTPException(403, f"invalid Vonage signature: {exc}") from None
    try:
        event = VonageRecordingIn.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(
            422, f"not a Vonage recording event: {exc.errors()[0]['msg']}"
        ) from None
    await _check_download_url(state, event.recording_url)
    return await _register(
        state,
        WebhookCall(
            provider="vonage",
            receipt_key=event.recording_uuid,
            team=account.team,
            options=analysis_options(settings, agent_channel=account.agent_channel),
            metadata=CallMetadata(recording_started_at=event.start_time),
            external_id=event.conversation_uuid or event.recording_uuid,
            source_url=event.recording_url,
            source_account=api_key,
        ),
    )


@router.post(
    "/generic",
    response_model=WebhookAccepted,
    responses={**_RESPONSES, 409: {"model": ErrorBody, "description": "replayed request"}},
)
async def generic_recording(request: Request, state: StateDep) -> WebhookAccepted:
    """JSON with ``audio_url``, or multipart with an ``audio`` part and the same fields.

    Headers: X-Callcoach-Sender (a configured sender), X-Callcoach-Timestamp (unix
    seconds, within 5 minutes) and X-Callcoach-Signature: ``v1=`` + hex
    HMAC-SHA256(secret, timestamp + "." + raw body). Each signature is accepted once.
    """
    settings = state.settings
    account = settings.generic_webhook_accounts.get(request.headers.get(SENDER_HEADER, ""))
    if account is None:
        raise HTTPException(403, f"unknown or missing {SENDER_HEADER}")
    try:
        ts = check_timestamp(request.headers.get(TIMESTAMP_HEADER), settings.webhook_window_s)
    except SignatureError as exc:
        raise HTTPException(403, str(exc)) from None
    signature = request.headers.get(SIGNATURE_HEADER)
    mac = SignedBody(account.secret.get_secret_value(), ts)
    content_type = request.headers.get("content-type", "")
    call_id = uuid.uuid4()
    blob = None
    if content_type.startswith("multipart/form-data"):
        limit = settings.max_upload_bytes
        try:
            form = await receive_form(
                request, "audio", lambda: state.storage.writer(call_id.hex, limit), mac.update
            )
        except BlobTooLargeError:
            raise HTTPException(
                413, f"recording is larger than the limit of {limit} bytes"
            ) from None
        except MultipartError as exc:
            raise HTTPException(422, str(exc)) from None
        raw_fields: dict[str, Any] = {k: v for k, v in form.fields.items() if v != ""}
        blob = form.blob
    else:
        body = await _read_body(request)
        mac.update(body)
        raw_fields = {}
    try:
        try:
            mac.verify(signature)
        except SignatureError as exc:
            raise HTTPException(403, str(exc)) from None
        replay_key = mac.replay_key(request.headers[SENDER_HEADER])
        if not await run_in_threadpool(record_once, state.db, "generic-signature", replay_key):
            raise HTTPException(409, "replayed request: this signed request was already accepted")
        try:
            fields = (
                GenericWebhookIn.model_validate(raw_fields)
                if blob is not None
                else GenericWebhookIn.model_validate_json(body)
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise HTTPException(422, f"{where}: {first['msg']}") from None
        duration_s = content_type_out = None
        if blob is not None:
            path = state.storage.local_path(blob.key)
            assert path is not None
            try:
                duration_s, content_type_out = await run_in_threadpool(
                    check_recording, path, settings
                )
            except AnalysisError as exc:
                raise HTTPException(422, str(exc)) from None
        elif not fields.audio_url:
            raise HTTPException(422, "send audio_url in the JSON body, or an audio file part")
        else:
            await _check_download_url(state, fields.audio_url)
        sender = request.headers[SENDER_HEADER]
        receipt = f"{sender}:{fields.external_id}" if fields.external_id else replay_key
        result = await _register(
            state,
            WebhookCall(
                provider="generic",
                receipt_key=receipt,
                team=account.team,
                options=analysis_options(
                    settings,
                    agent_channel=fields.agent_channel,
                    country=fields.country.upper() if fields.country else None,
                    language=fields.language,
                ),
                metadata=CallMetadata(
                    recording_started_at=fields.recording_started_at,
                    ringing_at=fields.ringing_at,
                    answered_at=fields.answered_at,
                    customer_name=fields.customer_name,
                    agent_name=fields.agent_name,
                ),
                agent_id=fields.agent_id,
                external_id=fields.external_id,
                source_url=None if blob is not None else fields.audio_url,
                source_account=sender,
                audio=blob,
                content_type=content_type_out,
                duration_s=duration_s,
                call_id=call_id,
            ),
        )
        if result.status == "duplicate" and blob is not None:
            await run_in_threadpool(state.storage.delete, blob.key)
        return result
    except BaseException:
        if blob is not None:
            await run_in_threadpool(state.storage.delete, blob.key)
        raise
