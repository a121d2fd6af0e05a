"""/v1/live: live calls. WebSockets in (the plain protocol and Twilio Media Streams),
cue streams out (an agent's screen, a team's coaches), and the team's switches.

The protocols are described in service/live/raw.py, service/live/twilio_stream.py and
service/live/screens.py (and in service/README.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, WebSocket
from pydantic import BaseModel, Field

from analyzers.live import LIVE_RULES
from service.api.deps import AdminKey, ReadKey, SessionDep, StateDep
from service.api.errors import api_error
from service.live.ingest import serve_ingest
from service.live.raw import RawProtocol
from service.live.screens import serve_screen
from service.live.services import live_services
from service.live.team_settings import rules_off, set_rules_off
from service.live.twilio_stream import TwilioProtocol

router = APIRouter(prefix="/v1/live", tags=["live"])


def _state(websocket: WebSocket) -> Any:
    return websocket.app.state.callcoach


@router.websocket("")
async def live_stream(websocket: WebSocket) -> None:
    """Two tracks of audio in (JSON start, binary frames, JSON stop), cues out."""
    await serve_ingest(websocket, _state(websocket), RawProtocol(websocket))


@router.websocket("/twilio")
async def twilio_stream(websocket: WebSocket) -> None:
    """Twilio Media Streams (both tracks), signed by Twilio or carrying an ingest key."""
    await serve_ingest(websocket, _state(websocket), TwilioProtocol(websocket))


@router.websocket("/agent")
async def agent_cues(websocket: WebSocket) -> None:
    """An agent's cue stream (the agent's own key)."""
    await serve_screen(websocket, _state(websocket), "agent")


@router.websocket("/team")
async def team_cues(websocket: WebSocket) -> None:
    """The team's live calls and their cues (a read key or a coach's session)."""
    await serve_screen(websocket, _state(websocket), "team")


class LiveSettings(BaseModel):
    rules: list[str] = Field(description="the rules live cues come from")
    off: list[str] = Field(description="the rules this team switched off")


class LiveSettingsIn(BaseModel):
    off: list[str] = Field(default_factory=list, description="rules to switch off (none: all on)")


@router.get("/settings", response_model=LiveSettings)
def get_live_settings(key: ReadKey, session: SessionDep) -> LiveSettings:
    """Which live cues the team shows (each rule can be switched off)."""
    return LiveSettings(rules=list(LIVE_RULES), off=rules_off(session, key.team_id))


@router.put("/settings", response_model=LiveSettings)
def put_live_settings(key: AdminKey, session: SessionDep, body: LiveSettingsIn) -> LiveSettings:
    """Switch live cues off (admin); applies to streams that start afterwards."""
    try:
        off = set_rules_off(session, key.team_id, body.off)
    except ValueError as exc:
        raise api_error(422, str(exc), "unknown_rule") from None
    return LiveSettings(rules=list(LIVE_RULES), off=off)


@router.get("/calls")
async def running_calls(key: ReadKey, state: StateDep) -> dict[str, Any]:
    """The team's live calls now, with their latest cues."""
    services = await live_services(state)
    calls = await services.hub.running(key.team_id, None)
    return {"calls": [c.model_dump(mode="json", exclude={"team_id"}) for c in calls]}
