"""The cue streams screens subscribe to: ``/v1/live/agent`` (an agent's own calls,
with the agent's key) and ``/v1/live/team`` (every live call of the team, for coaches:
a read key, or the dashboard's session cookie on a same-origin socket).

A browser cannot set headers on a WebSocket, so the key may come as the first
message, ``{"type": "auth", "key": "cck_..."}``. The stream starts with a
``snapshot`` of the calls running now (with their latest cues), then sends
``call_started``, ``cue`` and ``call_ended`` events as they happen.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Literal

from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from service.api.deps import Principal
from service.api.state import ServiceState
from service.live.auth import header_key, key_principal, session_principal
from service.live.hub import Subscription
from service.live.ingest import next_message, send_json
from service.live.protocol import AuthMessage, LiveError, bad_message
from service.live.raw import parse_json
from service.live.services import live_services

Screen = Literal["agent", "team"]


async def _principal(websocket: WebSocket, state: ServiceState, screen: Screen) -> Principal:
    agent_keys: Literal["only", "refuse"] = "only" if screen == "agent" else "refuse"
    presented = header_key(websocket)
    if presented is None and screen == "team":
        viewer = await run_in_threadpool(session_principal, state, websocket)
        if viewer is not None:
            return viewer
    if presented is None:
        s = state.settings
        first = await next_message(websocket, s.live_start_timeout_s, s.live_max_frame_bytes)
        try:
            presented = AuthMessage.model_validate(parse_json(first, "auth")).key
        except ValidationError:
            raise bad_message(
                'send the key first: {"type": "auth", "key": "cck_..."}', "auth_expected"
            ) from None
    return await run_in_threadpool(key_principal, state, presented, "read", agent_keys)


async def serve_screen(websocket: WebSocket, state: ServiceState, screen: Screen) -> None:
    services = await live_services(state)
    await websocket.accept()
    try:
        who = await _principal(websocket, state, screen)
        agent_id = who.agent_id if screen == "agent" else None
        async with services.hub.subscribe(who.team_id, agent_id) as subscription:
            running = await services.hub.running(who.team_id, agent_id)
            snapshot = {
                "type": "snapshot",
                "team": who.team,
                "agent_id": agent_id,
                "calls": [c.model_dump(mode="json", exclude={"team_id"}) for c in running],
            }
            if await send_json(websocket, snapshot):
                await _forward(websocket, subscription)
    except LiveError as exc:
        await send_json(websocket, exc.message())
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(exc.close_code, f"{exc.code}: {exc.detail}"[:120])
    except WebSocketDisconnect:
        return


async def _forward(websocket: WebSocket, subscription: Subscription) -> None:
    """Events to the socket until it closes (what the screen sends is ignored)."""

    async def until_closed() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    closed = asyncio.create_task(until_closed())
    try:
        while True:
            event = asyncio.create_task(subscription.get())
            done, _ = await asyncio.wait({event, closed}, return_when=asyncio.FIRST_COMPLETED)
            if closed in done:
                event.cancel()
                return
            if not await send_json(websocket, event.result().message()):
                return
    finally:
        closed.cancel()
