"""From a start message and its principal to a live call's spec (blocking: reads the
team's company names)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from analyzers.options import AgentChannel, CallMetadata, Language
from service.api.state import ServiceState
from service.calls.intake import analysis_options
from service.db.types import utcnow
from service.live.call import LiveCallSpec
from service.live.codec import Encoding
from service.teams import team_company_names


@dataclass(frozen=True)
class Who:
    """The stream's owner: a team, and how it authenticated (key id or AccountSid)."""

    team_id: int
    team: str
    source: str  # live | live-twilio (the call row's source)
    source_account: str


def build_spec(
    state: ServiceState,
    who: Who,
    *,
    agent_id: str | None,
    external_id: str | None,
    rate: int,
    encoding: Encoding,
    agent_channel: AgentChannel,
    language: Language | None,
    metadata: CallMetadata,
    country: str | None = None,
    cues_on_socket: bool = True,
) -> LiveCallSpec:
    settings = state.settings
    chosen = language or settings.default_language
    with state.db.session() as session:
        companies = metadata.company_names or team_company_names(session, who.team_id)
    started = utcnow()
    if metadata.recording_started_at is None:
        metadata = metadata.model_copy(update={"recording_started_at": started})
    return LiveCallSpec(
        call_id=uuid.uuid4(),
        team_id=who.team_id,
        team=who.team,
        source=who.source,
        source_account=who.source_account,
        agent_id=agent_id,
        external_id=external_id,
        rate=rate,
        encoding=encoding,
        # Live cues need a language from the first word: "auto" streams are cued in
        # English (the stored call's analysis still detects it).
        language="en" if chosen == "auto" else chosen,
        started_at=started,
        # The tracks say who is who: the stored recording puts the agent on a fixed
        # channel, so "auto" has nothing to find (channel 0).
        options=analysis_options(
            settings,
            agent_channel=0 if agent_channel == "auto" else agent_channel,
            country=country,
            language=chosen,
        ),
        metadata=metadata,
        cues_on_socket=cues_on_socket,
        company_names=list(companies),
    )
