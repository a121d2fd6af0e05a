"""Creating call rows: uploads, webhooks and the bundled samples all come through here."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from analyzers.options import AnalysisOptions, CallMetadata, Language
from service.config import Settings
from service.db.models import QUEUED, Call
from service.db.types import utcnow
from service.storage import StoredBlob

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


def analysis_options(
    settings: Settings,
    *,
    agent_channel: int = 0,
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
        options=options.model_dump(mode="json"),
        call_metadata=metadata.model_dump(mode="json", exclude_none=True) if metadata else {},
    )
    session.add(call)
    session.flush()
    return call
