"""A team's privacy settings: PII redaction (on unless the team's admin turns it off)
and what replaces personal data in the stored recording.

With redaction on, the worker analyses with ``AnalysisOptions.redact`` and then
replaces the stored recording by one with the redacted spans blanked
(:func:`redact_stored_audio`); the original is not kept.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
import soundfile as sf
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from analyzers.audio import AudioSource, load_audio
from analyzers.redaction.audio import AudioMode, blank_audio
from analyzers.report import Redaction
from service.db.models import Team, TeamPrivacy
from service.db.types import utcnow
from service.storage import AudioStorage, StoredBlob

REDACTED_CONTENT_TYPE = "audio/wav"


class PrivacySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pii_redaction: bool = True
    audio_mode: Literal["tone", "silence"] = "tone"


def team_privacy(session: Session, team_id: int) -> PrivacySettings:
    row = session.get(TeamPrivacy, team_id)
    if row is None:
        return PrivacySettings()
    return PrivacySettings.model_validate(
        {"pii_redaction": row.pii_redaction, "audio_mode": row.audio_mode}
    )


def save_team_privacy(
    session: Session, team: Team, settings: PrivacySettings, key_id: str | None
) -> PrivacySettings:
    row = session.get(TeamPrivacy, team.id) or TeamPrivacy(team_id=team.id)
    row.pii_redaction = settings.pii_redaction
    row.audio_mode = settings.audio_mode
    row.updated_at = utcnow()
    row.updated_by = key_id
    session.add(row)
    session.flush()
    return team_privacy(session, team.id)


def redacted_wav(source: AudioSource, redactions: list[Redaction], mode: AudioMode) -> bytes:
    """The recording decoded, the redacted spans blanked, as 16-bit PCM WAV at the
    original rate and channels (the original codec is not re-encoded)."""
    audio = load_audio(source)
    spans = [(r.start_s, r.end_s) for r in redactions]
    blanked = blank_audio(audio.samples, audio.sample_rate, spans, mode)
    out = io.BytesIO()
    sf.write(out, np.clip(blanked, -1.0, 1.0).T, audio.sample_rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def redact_stored_audio(
    storage: AudioStorage, key: str, redactions: list[Redaction], mode: AudioMode
) -> StoredBlob:
    """Replace the stored recording under ``key`` by its redacted WAV. The store's
    writer renames the new file over the old one, so no moment has both or neither."""
    path = storage.local_path(key)
    if path is not None:
        data = redacted_wav(str(path), redactions, mode)
    else:
        with storage.open(key) as blob:
            data = redacted_wav(blob.read(), redactions, mode)
    return storage.put(key, io.BytesIO(data))
