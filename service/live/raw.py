"""``/v1/live``: the plain protocol.

1. The client connects (``Authorization: Bearer <ingest key>`` or ``X-API-Key``, or the
   key in the start message) and sends JSON ``{"type": "start", ...}`` (RawStart).
2. Binary frames: one byte naming the track (``tracks[byte]``, default 0 = agent,
   1 = customer), then audio of that track (pcm16 little-endian or mu-law bytes at
   ``rate``); each track's frames are contiguous in time.
3. JSON ``{"type": "stop"}``: the server sends its last cues, stores the recording and
   answers ``{"type": "stopped", "call_id", "url"}``, then closes (1000).
"""

from __future__ import annotations

import json

from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.websockets import WebSocket

from service.api.state import ServiceState
from service.calls.intake import first_error
from service.live.auth import header_key, key_principal
from service.live.call import LiveCall, LiveCallSpec
from service.live.ingest import next_message
from service.live.protocol import RawStart, bad_message
from service.live.spec import Who, build_spec


def parse_json(text: str | bytes, what: str) -> dict[str, object]:
    if isinstance(text, bytes):
        raise bad_message(f"expected the JSON {what} message, got a binary frame")
    try:
        body = json.loads(text)
    except ValueError:
        raise bad_message(f"the {what} message is not JSON") from None
    if not isinstance(body, dict):
        raise bad_message(f"the {what} message is a JSON object")
    return body


class RawProtocol:
    chatty = True

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.start: RawStart | None = None

    async def handshake(self, state: ServiceState) -> LiveCallSpec:
        s = state.settings
        first = await next_message(self.websocket, s.live_start_timeout_s, s.live_max_frame_bytes)
        body = parse_json(first, "start")
        if body.get("type") != "start":
            raise bad_message('the first message is {"type": "start", ...}', "start_expected")
        try:
            start = RawStart.model_validate(body)
        except ValidationError as exc:
            raise bad_message(first_error(exc.errors(), "start"), "bad_start") from None
        presented = header_key(self.websocket) or start.key
        key = await run_in_threadpool(key_principal, state, presented, "ingest")
        self.start = start
        who = Who(key.team_id, key.team, "live", key.key_id)
        return await run_in_threadpool(
            lambda: build_spec(
                state,
                who,
                agent_id=start.agent_id,
                external_id=start.external_id,
                rate=start.rate,
                encoding=start.encoding,
                agent_channel=start.agent_channel,
                language=start.language,
                metadata=start.metadata(),
                country=start.country,
                cues_on_socket=start.cues,
            )
        )

    async def pump(self, call: LiveCall) -> None:
        assert self.start is not None
        s = call.services.settings
        tracks = self.start.tracks
        while True:
            data = await next_message(self.websocket, s.live_idle_timeout_s, s.live_max_frame_bytes)
            if isinstance(data, bytes):
                if not data:
                    raise bad_message("an empty binary frame (no track byte)", "bad_frame")
                if data[0] >= len(tracks):
                    raise bad_message(
                        f"track byte {data[0]}: the tracks are 0 and 1", "unknown_track"
                    )
                await call.feed(tracks[data[0]], data[1:])
                continue
            body = parse_json(data, "stop")
            if body.get("type") == "stop":
                return
            raise bad_message(f"unexpected message type {body.get('type')!r} after start")
