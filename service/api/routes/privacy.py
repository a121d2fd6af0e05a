"""/v1/privacy: the team's PII redaction settings (read keys view, admin keys change).

Redaction is on unless an admin turns it off; a change applies to calls analysed
from then on (a recording already redacted cannot be restored).
"""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import AdminKey, ReadKey, SessionDep
from service.db.models import Team
from service.privacy import PrivacySettings, save_team_privacy, team_privacy

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])


@router.get("")
def get_privacy(key: ReadKey, session: SessionDep) -> PrivacySettings:
    return team_privacy(session, key.team_id)


@router.put("")
def put_privacy(key: AdminKey, session: SessionDep, settings: PrivacySettings) -> PrivacySettings:
    """Turn PII redaction on or off and choose tone or silence for the audio."""
    return save_team_privacy(session, session.get_one(Team, key.team_id), settings, key.key_id)
