"""``/v1/live/twilio``: Twilio Media Streams (``<Connect><Stream>`` or ``<Start><Stream
track="both_tracks">``).

Authentication: X-Twilio-Signature on the upgrade request (HMAC-SHA1 of the ``wss://``
URL with a configured account's auth token; the ``start`` message must then name that
AccountSid), or an ingest key in the stream's ``<Parameter name="key">``. The other
custom parameters: ``agent`` (agent id), ``external_id`` (default: the CallSid),
``agent_name``, ``company_names`` (``;``-separated), ``language``, ``agent_track``
(``inbound``/``outbound``: which track is the agent; default the account's
``agent_track``, ``outbound``), ``agent_channel`` (of the stored recording; default the
account's) and ``cues=socket`` to get cues back on this socket (off by default: Twilio
logs messages it does not know as protocol errors).
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.websockets import WebSocket

from analyzers.options import AgentChannel, CallMetadata, Language
from service.api.state import ServiceState
from service.calls.intake import first_error
from service.config import WebhookAccount
from service.live.auth import key_principal, twilio_account
from service.live.call import LiveCall, LiveCallSpec
from service.live.codec import SILENCE_BYTE
from service.live.ingest import next_message
from service.live.protocol import (
    CLOSE_FORBIDDEN,
    LiveError,
    TwilioMedia,
    TwilioStart,
    bad_message,
)
from service.live.raw import parse_json
from service.live.spec import Who, build_spec
from service.teams import get_or_create_team, parse_company_names

TWILIO_RATE = 8000
GAP_SAMPLES = 160  # one 20 ms frame: a timestamp this far ahead is a gap, filled with silence


class TwilioParameters(BaseModel):
    """The ``<Stream>``'s custom parameters this service reads (others are ignored)."""

    model_config = ConfigDict(extra="ignore")

    key: str | None = Field(None, max_length=200)
    team: str | None = Field(None, max_length=100)
    agent: str | None = Field(None, max_length=200)
    agent_id: str | None = Field(None, max_length=200)
    external_id: str | None = Field(None, max_length=200)
    agent_name: str | None = Field(None, max_length=200)
    company_names: list[str] = Field(default_factory=list, max_length=20)
    language: Language | None = None
    agent_track: Literal["inbound", "outbound"] | None = None
    agent_channel: int | None = Field(None, ge=0, le=1)
    cues: str | None = None

    @field_validator("company_names", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return parse_company_names(value) if isinstance(value, str) else value


class TwilioProtocol:
    chatty = False  # set by the start's cues=socket

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.agent_track: str = "outbound"

    async def _start_message(self, state: ServiceState) -> TwilioStart:
        s = state.settings
        while True:
            data = await next_message(
                self.websocket, s.live_start_timeout_s, s.live_max_frame_bytes
            )
            body = parse_json(data, "start")
            if body.get("event") == "connected":
                continue
            if body.get("event") != "start":
                raise bad_message("the stream sends 'start' before anything else", "start_expected")
            try:
                return TwilioStart.model_validate(body)
            except ValidationError as exc:
                raise bad_message(first_error(exc.errors(), "start"), "bad_start") from None

    async def handshake(self, state: ServiceState) -> LiveCallSpec:
        # A signature, when sent, must be right; without one the start carries a key.
        signed = twilio_account(state, self.websocket) if _has_signature(self.websocket) else None
        start = (await self._start_message(state)).start
        fmt = start.mediaFormat
        if fmt.encoding != "audio/x-mulaw" or fmt.sampleRate != TWILIO_RATE or fmt.channels != 1:
            raise bad_message("expected 8 kHz mono audio/x-mulaw media", "unsupported_format")
        if not {"inbound", "outbound"} <= set(start.tracks):
            raise bad_message(
                'the <Stream> must send both tracks (track="both_tracks")', "one_track"
            )
        try:
            params = TwilioParameters.model_validate(start.customParameters)
        except ValidationError as exc:
            raise bad_message(first_error(exc.errors(), "customParameters"), "bad_start") from None
        who, account = await run_in_threadpool(_owner, state, signed, start.accountSid, params)
        self.agent_track = params.agent_track or (account.agent_track if account else "outbound")
        self.chatty = (params.cues or "").lower() in ("socket", "true", "1")
        channel: AgentChannel = params.agent_channel if params.agent_channel is not None else 0
        if params.agent_channel is None and account is not None:
            channel = account.agent_channel
        metadata = CallMetadata(agent_name=params.agent_name, company_names=params.company_names)
        return await run_in_threadpool(
            lambda: build_spec(
                state,
                who,
                agent_id=params.agent_id or params.agent,
                external_id=params.external_id or start.callSid or start.streamSid,
                rate=TWILIO_RATE,
                encoding="mulaw",
                agent_channel=channel,
                language=params.language,
                metadata=metadata,
                cues_on_socket=self.chatty,
            )
        )

    async def pump(self, call: LiveCall) -> None:
        s = call.services.settings
        while True:
            data = await next_message(self.websocket, s.live_idle_timeout_s, s.live_max_frame_bytes)
            body = parse_json(data, "media")
            event = body.get("event")
            if event == "stop":
                return
            if event != "media":
                continue  # connected, mark, dtmf: nothing to do with them
            try:
                media = TwilioMedia.model_validate(body.get("media"))
                payload = base64.b64decode(media.payload, validate=True)
            except (ValidationError, binascii.Error, ValueError):
                raise bad_message("a media message without base64 audio", "bad_frame") from None
            track = "agent" if media.track == self.agent_track else "customer"
            await _fill_gap(call, track, media.timestamp)
            await call.feed(track, payload)


async def _fill_gap(call: LiveCall, track: str, timestamp: int | str | None) -> None:
    """Silence where Twilio's timestamp (ms from the stream's start) is ahead of the audio."""
    try:
        expected = int(timestamp) * TWILIO_RATE // 1000 if timestamp is not None else None
    except ValueError:
        return
    if expected is None:
        return
    gap = expected - call.recording.samples(track)
    if gap >= GAP_SAMPLES:
        await call.feed(track, SILENCE_BYTE["mulaw"] * gap)


def _has_signature(websocket: WebSocket) -> bool:
    return bool(websocket.headers.get("x-twilio-signature"))


def _owner(
    state: ServiceState,
    signed: tuple[str, WebhookAccount] | None,
    account_sid: str,
    params: TwilioParameters,
) -> tuple[Who, WebhookAccount | None]:
    """The stream's team: the signing account's, or the key's (blocking)."""
    if signed is not None:
        signed_sid, account = signed
        if account_sid != signed_sid:
            raise LiveError(
                CLOSE_FORBIDDEN, "account_mismatch", "the start names another Twilio account"
            )
        team_name = account.team
        with state.db.session() as session:
            team_id = get_or_create_team(session, team_name).id
        who = Who(team_id, team_name, "live-twilio", account_sid)
    else:
        key = key_principal(state, params.key, "ingest")
        who, account = Who(key.team_id, key.team, "live-twilio", key.key_id), None
    if params.team is not None and params.team != who.team:
        raise LiveError(CLOSE_FORBIDDEN, "wrong_team", f"this stream writes to team {who.team!r}")
    return who, account
