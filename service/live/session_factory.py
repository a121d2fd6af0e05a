"""A live call's cue engine, set up with the team's ranges, names and switches."""

from __future__ import annotations

from typing import Any

from service.api.state import ServiceState
from service.live.call import LiveCallSpec
from service.live.team_settings import enabled_rules, rules_off
from service.team_profiles import team_profile


def new_session(state: ServiceState, spec: LiveCallSpec) -> Any:  # analyzers.live.LiveSession
    """Blocking (reads the team's profile and switches)."""
    from analyzers.live import LiveSession

    with state.db.session() as session:
        profile = team_profile(session, spec.team_id)
        off = rules_off(session, spec.team_id)
    return LiveSession(
        profile,
        spec.rate,
        enabled=enabled_rules(off),
        agent_name=spec.metadata.agent_name,
        company_names=list(spec.company_names),
        language=spec.language,
    )
