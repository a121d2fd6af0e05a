"""Webhooks in: Twilio, Vonage and a generic HMAC-signed sender.

A request whose signature is missing or wrong gets 403 and stores nothing. A verified
recording becomes a queued call whose job downloads the audio (allowed hosts only,
size cap, timeout, retries), so the platform gets its answer at once.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from analyzers.options import AgentChannel, CallMetadata
from service.api.deps import StateDep
from service.api.errors import api_error
from service.api.schemas import ErrorBody, VonageRecordingIn, WebhookAccepted
from service.calls.intake import (
    accept_generic_webhook,
    analysis_options,
    check_recording_url,
    first_error,
    read_body,
    register_webhook_call,
)
from service.config import Settings
from service.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    SignedBody,
    check_timestamp,
)
from service.webhooks import twilio, vonage
from service.webhooks.intake import WebhookCall, record_once

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

SENDER_HEADER = "X-Callcoach-Sender"

_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "missing or invalid signature"},
    413: {"model": ErrorBody, "description": "body too large"},
    422: {"model": ErrorBody, "description": "missing fields or a recording URL not allowed"},
}


def _twilio_call(
    settings: Settings, fields: dict[str, str], team: str, agent_channel: AgentChannel
) -> WebhookCall:
    """A completed Twilio recording as a call to download (422 without its ids)."""
    sid, recording_url = fields.get("RecordingSid"), fields.get("RecordingUrl")
    if not sid or not recording_url:
        raise api_error(422, "RecordingSid and RecordingUrl are required", "missing_field")
    started = None
    if fields.get("RecordingStartTime"):
        try:
            started = parsedate_to_datetime(fields["RecordingStartTime"])
        except (TypeError, ValueError):
            started = None
    return WebhookCall(
        provider="twilio",
        receipt_key=sid,
        team=team,
        options=analysis_options(settings, agent_channel=agent_channel),
        metadata=CallMetadata(recording_started_at=started),
        external_id=fields.get("CallSid") or sid,
        source_url=twilio.recording_download_url(recording_url, fields.get("RecordingChannels")),
        source_account=fields["AccountSid"],
    )


@router.post("/twilio", response_model=WebhookAccepted, responses=_RESPONSES)
async def twilio_recording(request: Request, state: StateDep) -> WebhookAccepted:
    """Twilio recording status callback (form-encoded), validated by X-Twilio-Signature."""
    settings = state.settings
    params = parse_qsl(
        (await read_body(request)).decode("utf-8", "replace"), keep_blank_values=True
    )
    fields = dict(params)
    account = settings.twilio_accounts.get(fields.get("AccountSid", ""))
    if account is None or not twilio.is_valid(
        account.secret.get_secret_value(),
        twilio.signed_url(str(request.url), settings.public_base_url),
        params,
        request.headers.get(twilio.SIGNATURE_HEADER),
        request.headers.get(twilio.SETTINGS_HEADER),
    ):
        raise api_error(403, "invalid or missing X-Twilio-Signature", "bad_signature")
    if (status := fields.get("RecordingStatus")) != "completed":
        return WebhookAccepted(status="ignored", detail=f"recording status {status!r}")
    call = _twilio_call(settings, fields, account.team, account.agent_channel)
    assert call.source_url is not None
    await check_recording_url(state, call.source_url)
    return await register_webhook_call(state, call)


@router.post("/vonage", response_model=WebhookAccepted, responses=_RESPONSES)
async def vonage_recording(request: Request, state: StateDep) -> WebhookAccepted:
    """Vonage recording webhook, verified by the signed JWT in Authorization."""
    settings = state.settings
    body = await read_body(request)
    try:
        api_key, account = vonage.verify(
            request.headers.get("authorization"),
            body,
            settings.vonage_accounts,
            window_s=settings.webhook_window_s,
        )
    except vonage.VonageSignatureError as exc:
        raise api_error(403, f"invalid Vonage signature: {exc}", "bad_signature") from None
    try:
        event = VonageRecordingIn.model_validate_json(body)
    except ValidationError as exc:
        detail = f"not a Vonage recording event: {first_error(exc.errors(), 'body')}"
        raise api_error(422, detail, "bad_field") from None
    await check_recording_url(state, event.recording_url)
    call = WebhookCall(
        provider="vonage",
        receipt_key=event.recording_uuid,
        team=account.team,
        options=analysis_options(settings, agent_channel=account.agent_channel),
        metadata=CallMetadata(recording_started_at=event.start_time),
        external_id=event.conversation_uuid or event.recording_uuid,
        source_url=event.recording_url,
        source_account=api_key,
    )
    return await register_webhook_call(state, call)


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
    sender = request.headers.get(SENDER_HEADER, "")
    account = settings.generic_webhook_accounts.get(sender)
    if account is None:
        raise api_error(403, f"unknown or missing {SENDER_HEADER}", "bad_signature")
    try:
        ts = check_timestamp(request.headers.get(TIMESTAMP_HEADER), settings.webhook_window_s)
    except SignatureError as exc:
        raise api_error(403, str(exc), "bad_signature") from None
    signature = request.headers.get(SIGNATURE_HEADER)
    mac = SignedBody(account.secret.get_secret_value(), ts)

    async def verify() -> str:
        """After the whole body: the signature, then that it was not used before."""
        try:
            mac.verify(signature)
        except SignatureError as exc:
            raise api_error(403, str(exc), "bad_signature") from None
        replay_key = mac.replay_key(sender)
        if not await run_in_threadpool(record_once, state.db, "generic-signature", replay_key):
            raise api_error(
                409, "replayed request: this signed request was already accepted", "replayed"
            )
        return replay_key

    return await accept_generic_webhook(
        request, state, team=account.team, sender=sender, observe=mac.update, verify=verify
    )
