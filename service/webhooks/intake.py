"""Turning a verified webhook into a queued call, once per recording."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from analyzers.options import AnalysisOptions, CallMetadata
from service.calls.records import new_call
from service.db.models import WebhookReceipt
from service.db.session import Database
from service.storage import StoredBlob
from service.teams import get_or_create_team


@dataclass(frozen=True)
class WebhookCall:
    provider: str  # twilio | vonage | generic
    receipt_key: str  # RecordingSid, recording_uuid, signature: unique per provider
    team: str
    options: AnalysisOptions
    metadata: CallMetadata | None = None
    agent_id: str | None = None
    external_id: str | None = None
    source_url: str | None = None
    source_account: str | None = None
    audio: StoredBlob | None = None
    content_type: str | None = None
    duration_s: float | None = None
    call_id: uuid.UUID | None = None


def register(db: Database, request: WebhookCall) -> tuple[uuid.UUID | None, bool]:
    """(call id, created): ``created`` is False when this receipt key was seen before."""
    try:
        with db.session() as session:
            team = get_or_create_team(session, request.team)
            receipt = WebhookReceipt(
                provider=request.provider, key=request.receipt_key, team_id=team.id
            )
            session.add(receipt)
            session.flush()  # the unique (provider, key) decides before anything else
            call = new_call(
                session,
                team_id=team.id,
                source=request.provider,
                options=request.options,
                metadata=request.metadata,
                agent_id=request.agent_id,
                external_id=request.external_id,
                call_id=request.call_id,
                audio=request.audio,
                content_type=request.content_type,
                duration_s=request.duration_s,
                source_url=request.source_url,
                source_account=request.source_account,
            )
            receipt.call_id = call.id
            return call.id, True
    except IntegrityError:
        with db.session() as session:
            existing = session.scalar(
                select(WebhookReceipt.call_id).where(
                    WebhookReceipt.provider == request.provider,
                    WebhookReceipt.key == request.receipt_key,
                )
            )
        return existing, False


def record_once(db: Database, provider: str, key: str) -> bool:
    """Remember ``key`` (e.g. a signature); False if it was remembered before (a replay)."""
    try:
        with db.session() as session:
            session.add(WebhookReceipt(provider=provider, key=key))
    except IntegrityError:
        return False
    return True
