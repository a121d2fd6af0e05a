"""Deleting a call removes its audio blob, its report (with the transcript) and its row."""

from __future__ import annotations

import uuid

from sqlalchemy import delete

from service.db.models import Call
from service.db.session import Database, changed_rows
from service.storage import AudioStorage
from service.voices import refresh_enrolment


def delete_call(db: Database, storage: AudioStorage, call_id: uuid.UUID) -> bool:
    """Audio first: if the row delete then fails, a retried DELETE finishes the job."""
    with db.session() as session:
        call = session.get(Call, call_id)
        if call is None:
            return False
        audio_key, team_id, agent_id = call.audio_key, call.team_id, call.agent_id
    # The blob key is the call id even before a webhook's download set audio_key.
    for key in {call_id.hex} if audio_key is None else {audio_key, call_id.hex}:
        storage.delete(key)
    with db.session() as session:
        # reports, call_metrics, call_findings and voice_prints go with it (ON DELETE CASCADE)
        deleted = changed_rows(session, delete(Call).where(Call.id == call_id)) == 1
        if deleted and agent_id is not None:
            refresh_enrolment(session, team_id, agent_id)  # without this call's voice print
        return deleted
