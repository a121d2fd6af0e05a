"""A call row: the job every way of intake creates (uploads, webhooks, samples)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from analyzers.options import AnalysisOptions, CallMetadata
from service.db.models import QUEUED, Call
from service.db.types import utcnow
from service.storage import StoredBlob


def _recorded_at(metadata: CallMetadata | None) -> datetime:
    if metadata is not None:
        for moment in (metadata.recording_started_at, metadata.ringing_at, metadata.answered_at):
            if moment is not None:
                return moment
    return utcnow()


def new_call(
    session: Session,
    *,
    team_id: int,
    source: str,
    options: AnalysisOptions,
    metadata: CallMetadata | None = None,
    agent_id: str | None = None,
    external_id: str | None = None,
    call_id: uuid.UUID | None = None,
    audio: StoredBlob | None = None,
    content_type: str | None = None,
    duration_s: float | None = None,
    source_url: str | None = None,
    source_account: str | None = None,
    file_name: str | None = None,
) -> Call:
    """Add a queued call (the job) to the session; the caller commits, then enqueues."""
    if audio is None and source_url is None:
        raise ValueError("a call needs audio or a recording URL")
    now = utcnow()
    call = Call(
        id=call_id or uuid.uuid4(),
        team_id=team_id,
        agent_id=agent_id,
        external_id=external_id,
        source=source,
        source_url=source_url,
        source_account=source_account,
        status=QUEUED,
        attempts=0,
        available_at=now,
        created_at=now,
        recorded_at=_recorded_at(metadata),
        audio_key=audio.key if audio else None,
        audio_bytes=audio.size if audio else None,
        audio_sha256=audio.sha256 if audio else None,
        audio_content_type=content_type,
        duration_s=duration_s,
        file_name=file_name,
        options=options.model_dump(mode="json"),
        call_metadata=metadata.model_dump(mode="json", exclude_none=True) if metadata else {},
    )
    session.add(call)
    session.flush()
    return call
