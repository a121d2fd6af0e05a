"""A team's switches for live cues: every cue is on unless the team turned it off
(``teams.live_cues_off``, set with ``PUT /v1/live/settings``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from analyzers.live import LIVE_RULES
from service.db.models import Team


def rules_off(session: Session, team_id: int) -> list[str]:
    team = session.get(Team, team_id)
    return [r for r in (team.live_cues_off or []) if r in LIVE_RULES] if team else []


def set_rules_off(session: Session, team_id: int, off: list[str]) -> list[str]:
    unknown = sorted(set(off) - set(LIVE_RULES))
    if unknown:
        raise ValueError(f"not live cue rules: {', '.join(unknown)}")
    team = session.get_one(Team, team_id)
    team.live_cues_off = [r for r in LIVE_RULES if r in off]
    return list(team.live_cues_off)


def enabled_rules(off: list[str]) -> set[str] | None:
    """The engine's ``enabled`` argument: None when every cue is on."""
    return None if not off else {r for r in LIVE_RULES if r not in off}
