"""WebSocket clients of the live endpoints for the tests: a stream sender (the plain
protocol or Twilio Media Streams, from a real stereo recording, paced at a multiple of
real time) and a screen listener (the agent's or the team's cue stream), both real
``websockets`` clients against the app served by uvicorn."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from service.webhooks.twilio import compute_signature


def mulaw_tracks(wav: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """The two channels' G.711 bytes of a mu-law stereo WAV (the committed samples)."""
    import soundfile as sf

    info = sf.info(str(wav))
    assert info.subtype == "ULAW" and info.channels == 2, info
    data = wav.read_bytes()
    at = data.index(b"data") + 8
    frames = np.frombuffer(data[at:], dtype=np.uint8)
    frames = frames[: len(frames) // 2 * 2].reshape(-1, 2)
    return frames[:, 0].copy(), frames[:, 1].copy(), int(info.samplerate)


@dataclass
class Received:
    """Everything a socket received, and how it closed."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None
    close_reason: str = ""
    done: threading.Event = field(default_factory=threading.Event)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def cues(self) -> list[dict[str, Any]]:
        return [m["cue"] for m in self.of_type("cue")]


def _collect(ws: ClientConnection, into: Received) -> None:
    try:
        for message in ws:
            into.messages.append(json.loads(message))
    except ConnectionClosed:
        pass
    finally:
        if ws.close_code is not None:
            into.close_code, into.close_reason = ws.close_code, ws.close_reason or ""
        into.done.set()


def _pace(sent_s: float, started: float, speed: float) -> None:
    wait = started + sent_s / speed - time.monotonic()
    if wait > 0:
        time.sleep(wait)


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://", 1) + path


def stream_raw(
    base_url: str,
    headers: dict[str, str],
    wav: Path,
    start: dict[str, Any],
    speed: float = 8.0,
    chunk_s: float = 0.1,
) -> Received:
    """Stream a mu-law stereo recording over /v1/live (channel 0 as track byte 0)."""
    left, right, rate = mulaw_tracks(wav)
    got = Received()
    with connect(ws_url(base_url, "/v1/live"), additional_headers=headers) as ws:
        reader = threading.Thread(target=_collect, args=(ws, got), daemon=True)
        reader.start()
        step, started = round(chunk_s * rate), time.monotonic()
        with contextlib.suppress(ConnectionClosed):  # the server may end it first (a limit)
            ws.send(json.dumps({"type": "start", "encoding": "mulaw", "rate": rate, **start}))
            for lo in range(0, len(left), step):
                ws.send(bytes([0]) + left[lo : lo + step].tobytes())
                ws.send(bytes([1]) + right[lo : lo + step].tobytes())
                _pace((lo + step) / rate, started, speed)
            ws.send(json.dumps({"type": "stop"}))
        got.done.wait(120)
    return got


def twilio_messages(
    wav: Path, account_sid: str, parameters: dict[str, str], agent_channel: int = 0
) -> Iterator[tuple[float, dict[str, Any]]]:
    """Twilio Media Streams' messages for a stereo recording: (audio time, message).
    The agent's channel is Twilio's outbound track (this service's default)."""
    left, right, rate = mulaw_tracks(wav)
    agent, customer = (left, right) if agent_channel == 0 else (right, left)
    sid = "MZ" + "0" * 32
    yield 0.0, {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    start = {
        "streamSid": sid,
        "accountSid": account_sid,
        "callSid": "CA" + "1" * 32,
        "tracks": ["inbound", "outbound"],
        "customParameters": parameters,
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
    }
    yield 0.0, {"event": "start", "sequenceNumber": "1", "start": start, "streamSid": sid}
    frame, seq = 160, 2
    for i, lo in enumerate(range(0, len(agent), frame)):
        for track, x in (("inbound", customer), ("outbound", agent)):
            media = {
                "track": track,
                "chunk": str(i + 1),
                "timestamp": str(lo * 1000 // rate),
                "payload": base64.b64encode(x[lo : lo + frame].tobytes()).decode(),
            }
            yield (
                (lo + frame) / rate,
                {
                    "event": "media",
                    "sequenceNumber": str(seq),
                    "media": media,
                    "streamSid": sid,
                },
            )
            seq += 1
    yield len(agent) / rate, {"event": "stop", "sequenceNumber": str(seq), "streamSid": sid}


def twilio_signature(secret: str, signed_url: str) -> dict[str, str]:
    return {"X-Twilio-Signature": compute_signature(secret, signed_url, [])}


def stream_twilio(
    base_url: str,
    headers: dict[str, str],
    messages: Iterator[tuple[float, dict[str, Any]]],
    speed: float = 8.0,
) -> Received:
    got = Received()
    with connect(ws_url(base_url, "/v1/live/twilio"), additional_headers=headers) as ws:
        reader = threading.Thread(target=_collect, args=(ws, got), daemon=True)
        reader.start()
        started = time.monotonic()
        with contextlib.suppress(ConnectionClosed):
            for at_s, message in messages:
                ws.send(json.dumps(message))
                _pace(at_s, started, speed)
        got.done.wait(120)
    return got


class Screen:
    """A screen's cue stream (/v1/live/agent or /v1/live/team) read in a thread."""

    def __init__(self, base_url: str, path: str, key: str | None, **connect_args: Any) -> None:
        self.got = Received()
        self._ws = connect(ws_url(base_url, path), **connect_args)
        if key is not None:
            self._ws.send(json.dumps({"type": "auth", "key": key}))
        self._thread = threading.Thread(target=_collect, args=(self._ws, self.got), daemon=True)
        self._thread.start()

    def wait_for(self, predicate: Any, timeout_s: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for message in list(self.got.messages):
                if predicate(message):
                    return message
            if self.got.done.is_set():
                break
            time.sleep(0.05)
        raise AssertionError(f"not received in {timeout_s} s; got {self.got.messages}")

    def close(self) -> Received:
        self._ws.close()
        self._thread.join(10)
        return self.got

    def __enter__(self) -> Screen:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
