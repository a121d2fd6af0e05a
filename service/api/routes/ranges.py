"""/v1/ranges: the team's ranges profile (read keys view it, admin keys change it).

A saved profile applies to new analyses; the dashboard's ranges page re-scores existing
reports. Values are checked by the profile's one schema (analyzers.profile): a value
that would break analysis is refused with a sentence naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from analyzers.errors import ProfileError
from service.api.deps import AdminKey, ReadKey, SessionDep
from service.api.errors import api_error
from service.db.models import Team
from service.team_profiles import get_overrides, save_team_profile, team_profile

router = APIRouter(prefix="/v1/ranges", tags=["ranges"])


def _body(profile: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    return {"profile": profile.model_dump(mode="json"), "overrides": overrides}


@router.get("")
def get_ranges(key: ReadKey, session: SessionDep) -> dict[str, Any]:
    """The team's profile (the defaults with its overrides) and the overrides alone."""
    return _body(team_profile(session, key.team_id), get_overrides(session, key.team_id))


@router.put("")
def put_ranges(
    key: AdminKey,
    session: SessionDep,
    overrides: Annotated[
        dict[str, Any], Body(examples=[{"speech_rate": {"min_wpm": 110, "max_wpm": 170}}])
    ],
) -> dict[str, Any]:
    """Replace the team's overrides (any subset of the profile's keys; {} = the defaults)."""
    team = session.get_one(Team, key.team_id)
    try:
        profile = save_team_profile(session, team, overrides, key.key_id)
    except ProfileError as exc:
        raise api_error(422, str(exc), "invalid_ranges") from None
    return _body(profile, get_overrides(session, key.team_id))
