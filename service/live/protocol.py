"""The live protocols' messages (pydantic) and their errors.

``/v1/live`` (raw): JSON ``start`` -> binary frames ``[track id byte][audio]`` ->
JSON ``stop``. ``/v1/live/twilio``: Twilio Media Streams' JSON events. Both answer with
JSON ``started``, ``cue``, ``stopped`` and ``error`` messages; an error closes the socket
with one of the close codes below and a message that names a stable ``code``.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.api.schemas import RecordingFields
from service.live.codec import Encoding

# WebSocket close codes (4000-4999 are the application's).
CLOSE_NORMAL = 1000
CLOSE_INTERNAL = 1011
CLOSE_TRY_LATER = 1013
CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TIMEOUT = 4408
CLOSE_TOO_LARGE = 4413

SAMPLE_RATES = (8000, 16000, 24000, 32000, 44100, 48000)
TrackName = Literal["agent", "customer"]
DEFAULT_TRACKS: tuple[TrackName, TrackName] = ("agent", "customer")


class LiveError(Exception):
    """A stream refused or ended by the service: close code, stable code, message."""

    def __init__(self, close_code: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.close_code, self.code, self.detail = close_code, code, detail

    def message(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "detail": self.detail}


def bad_message(detail: str, code: str = "bad_message") -> LiveError:
    return LiveError(CLOSE_BAD_MESSAGE, code, detail)


class RawStart(RecordingFields):
    """``{"type": "start", ...}``: the first message of a ``/v1/live`` stream."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["start"]
    key: str | None = Field(
        None, max_length=200, description="the ingest API key, when no header carried it"
    )
    rate: int = Field(8000, description=f"samples per second per track, one of {SAMPLE_RATES}")
    encoding: Encoding = "pcm16"
    tracks: list[TrackName] = Field(
        default_factory=lambda: list(DEFAULT_TRACKS),
        min_length=2,
        max_length=2,
        description="what each binary frame's first byte means: tracks[0] is byte 0",
    )
    cues: bool = Field(True, description="send cues back on this socket")

    @field_validator("rate")
    @classmethod
    def _known_rate(cls, value: int) -> int:
        if value not in SAMPLE_RATES:
            raise ValueError(f"rate must be one of {', '.join(map(str, SAMPLE_RATES))}")
        return value

    @field_validator("tracks")
    @classmethod
    def _both_parties(cls, value: list[str]) -> list[str]:
        if sorted(value) != ["agent", "customer"]:
            raise ValueError('tracks names "agent" and "customer" once each')
        return value


class Stop(BaseModel):
    type: Literal["stop"]


class AuthMessage(BaseModel):
    """``{"type": "auth", "key": ...}``: a browser's first message (it cannot set headers)."""

    type: Literal["auth"]
    key: str = Field(max_length=200)


class TwilioMediaFormat(BaseModel):
    encoding: str = "audio/x-mulaw"
    sampleRate: int = 8000  # noqa: N815 (Twilio's names)
    channels: int = 1


class TwilioStartInfo(BaseModel):
    streamSid: str = Field(max_length=100)  # noqa: N815
    accountSid: str = Field(max_length=100)  # noqa: N815
    callSid: str | None = Field(None, max_length=100)  # noqa: N815
    tracks: list[str] = Field(default_factory=list)
    customParameters: dict[str, str] = Field(default_factory=dict)  # noqa: N815
    mediaFormat: TwilioMediaFormat = Field(default_factory=TwilioMediaFormat)  # noqa: N815


class TwilioStart(BaseModel):
    event: Literal["start"]
    start: TwilioStartInfo


class TwilioMedia(BaseModel):
    track: Literal["inbound", "outbound"]
    chunk: int | str | None = None
    timestamp: int | str | None = None  # ms since the stream started
    payload: str


class Started(BaseModel):
    type: Literal["started"] = "started"
    call_id: uuid.UUID
    team: str
    agent_id: str | None
    rate: int
    encoding: Encoding


class Stopped(BaseModel):
    type: Literal["stopped"] = "stopped"
    call_id: uuid.UUID | None
    status: Literal["queued", "not_stored"]
    url: str | None = None
    detail: str | None = None
