"""What both ingest sockets (``/v1/live``, ``/v1/live/twilio``) share: accept, limits,
the handshake and the frames (each protocol's own), then on stop, error or a dropped
socket: the engine's last cues, the recording stored and queued through the intake,
and a close code that says why."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from analyzers.errors import AnalysisError
from service.api.state import ServiceState
from service.calls.intake import IntakeError, LiveRecording, accept_live_recording
from service.live.call import LiveCall, LiveCallSpec
from service.live.protocol import (
    CLOSE_INTERNAL,
    CLOSE_NORMAL,
    CLOSE_TIMEOUT,
    CLOSE_TOO_LARGE,
    CLOSE_TRY_LATER,
    LiveError,
    Stopped,
    bad_message,
)
from service.live.recording import RecordingWriter
from service.live.services import LiveServices, ingest_services
from service.live.session_factory import new_session

log = logging.getLogger(__name__)


class IngestProtocol(Protocol):
    """One protocol's part: the handshake (auth + start) and the frames after it."""

    chatty: bool  # send started/stopped/error JSON (Twilio's socket only when asked)

    async def handshake(self, state: ServiceState) -> LiveCallSpec: ...

    async def pump(self, call: LiveCall) -> None:
        """Frames until the client stops (returns), drops (WebSocketDisconnect) or errs."""
        ...


@dataclass
class Ending:
    error: LiveError | None = None
    disconnected: bool = False


async def next_message(websocket: WebSocket, timeout_s: float, max_bytes: int) -> str | bytes:
    """The next text or binary message; LiveError on silence or a message too large."""
    try:
        async with asyncio.timeout(timeout_s):  # no task per message, unlike wait_for
            message = await websocket.receive()
    except TimeoutError:
        raise LiveError(
            CLOSE_TIMEOUT, "idle_timeout", f"nothing received for {timeout_s:g} s"
        ) from None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    data: str | bytes | None = message.get("text")
    if data is None:
        data = message.get("bytes") or b""
    if len(data) > max_bytes:
        raise LiveError(
            CLOSE_TOO_LARGE, "frame_too_large", f"a message is larger than {max_bytes} bytes"
        )
    return data


async def send_json(websocket: WebSocket, body: dict[str, Any]) -> bool:
    """Send unless the socket is gone (a screen or client that left is not an error)."""
    if websocket.application_state != WebSocketState.CONNECTED:
        return False
    try:
        await websocket.send_json(body)
        return True
    except (WebSocketDisconnect, RuntimeError, OSError):
        return False


async def serve_ingest(websocket: WebSocket, state: ServiceState, protocol: IngestProtocol) -> None:
    services = await ingest_services(state)
    await websocket.accept()
    ending, call = Ending(), None
    services.running += 1
    try:
        if services.running > state.settings.live_max_calls:
            raise LiveError(
                CLOSE_TRY_LATER, "too_many_streams", "this server runs all the streams it can"
            )
        spec = await protocol.handshake(state)
        call = await _open(state, services, spec, websocket if spec.cues_on_socket else None)
        if protocol.chatty:
            await send_json(websocket, _started(spec))
        await protocol.pump(call)
    except LiveError as exc:
        ending.error = exc
    except WebSocketDisconnect:
        ending.disconnected = True
    except Exception:
        log.exception("live stream failed")
        ending.error = LiveError(CLOSE_INTERNAL, "internal_error", "the server failed this stream")
    finally:
        services.running -= 1
    stopped = await asyncio.shield(_close_call(state, call)) if call is not None else None
    await _say_goodbye(websocket, protocol, ending, stopped)


def _started(spec: LiveCallSpec) -> dict[str, Any]:
    from service.live.protocol import Started

    return Started(
        call_id=spec.call_id,
        team=spec.team,
        agent_id=spec.agent_id,
        rate=spec.rate,
        encoding=spec.encoding,
    ).model_dump(mode="json")


async def _say_goodbye(
    websocket: WebSocket, protocol: IngestProtocol, ending: Ending, stopped: Stopped | None
) -> None:
    if ending.disconnected:
        return
    if protocol.chatty and stopped is not None:
        await send_json(websocket, stopped.model_dump(mode="json"))
    code, reason = CLOSE_NORMAL, ""
    if ending.error is not None:  # always said, Twilio's socket too: the stream is over
        await send_json(websocket, ending.error.message())
        code, reason = ending.error.close_code, f"{ending.error.code}: {ending.error.detail}"
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(code, _close_reason(reason))


def _close_reason(reason: str) -> str:
    """A close frame's reason is at most 123 bytes of UTF-8."""
    encoded = reason.encode("utf-8")[:123]
    return encoded.decode("utf-8", "ignore")


async def _open(
    state: ServiceState, services: LiveServices, spec: LiveCallSpec, cue_socket: WebSocket | None
) -> LiveCall:
    try:
        session = await run_in_threadpool(new_session, state, spec)
    except AnalysisError as exc:  # e.g. a language the cues have no phrase book for
        raise bad_message(str(exc), exc.code) from None
    recording = RecordingWriter(
        state.settings.data_dir / "live",
        spec.encoding,
        spec.rate,
        int(spec.options.agent_channel) if spec.options.agent_channel != "auto" else 0,
    )
    send: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    if cue_socket is not None:
        socket = cue_socket

        async def send(cue: dict[str, Any]) -> None:
            await send_json(socket, {"type": "cue", "call_id": str(spec.call_id), "cue": cue})

    call = LiveCall(spec, services, session, recording, send)
    await call.start()
    return call


async def _close_call(state: ServiceState, call: LiveCall) -> Stopped:
    """Last cues, then the recording stored and queued (when any audio arrived)."""
    spec = call.spec
    stopped: Stopped
    try:
        await call.finish()
        stopped = await _store(state, call)
    except Exception:
        log.exception("live call %s: could not be stored", spec.call_id)
        call.recording.close()
        stopped = Stopped(
            call_id=None, status="not_stored", detail="the recording could not be stored"
        )
    await call.ended(stopped.call_id)
    return stopped


async def _store(state: ServiceState, call: LiveCall) -> Stopped:
    spec = call.spec
    if call.recording.duration_s == 0:
        call.recording.close()
        return Stopped(call_id=None, status="not_stored", detail="no audio arrived")
    blob = await run_in_threadpool(
        call.recording.store, state.storage, spec.call_id.hex, state.settings.max_upload_bytes
    )
    live = LiveRecording(
        call_id=spec.call_id,
        team_id=spec.team_id,
        source=spec.source,
        source_account=spec.source_account,
        blob=blob,
        options=spec.options,
        metadata=spec.metadata,
        agent_id=spec.agent_id,
        external_id=spec.external_id,
        cues=call.cues,
    )
    try:
        accepted = await accept_live_recording(state, live)
    except IntakeError as exc:
        return Stopped(call_id=None, status="not_stored", detail=f"{exc.code}: {exc.detail}")
    return Stopped(call_id=accepted.id, status="queued", url=accepted.url)
