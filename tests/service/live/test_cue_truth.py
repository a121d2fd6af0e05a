"""Every cue type through the socket, against the truth of the call it was streamed from.

The engine's truth calls (tests/analyzers/live: real voices with each condition at a
known time, the hold call's music on hold, espeak's flat voice) written as stereo mu-law
recordings (the agent on channel 0), streamed faster than real time to the served app
over ``/v1/live`` and Twilio Media Streams by a real WebSocket client; the cues that
come back on the socket pass the same truth checks as the engine's
(tests/analyzers/live/checks.py), word-based latency aside (see there). The word-based
cues (pace, the opening checklist) with the words of the service's own live transcriber;
the acoustic ones without words, as the engine's tests run them. Dead air, interruption
and raised voice on the committed samples are in test_streams.py too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analyzers.live import Cue
from sample_audio.nonspeech import moh_tracks
from sample_audio.real_conditions import HoldCall, hold_call
from tests.analyzers.call_cache import built_call
from tests.analyzers.live.calls import AGENT_NAME, COMPANY, PROFILE, SR, needs_corpora, real_call
from tests.analyzers.live.checks import (
    assert_hold,
    assert_loudness,
    assert_monologue,
    assert_monotone,
    assert_opening,
    assert_opening_incomplete,
    assert_pace,
)
from tests.service.live.clients import (
    Received,
    stream_raw,
    stream_twilio,
    twilio_messages,
    twilio_signature,
)
from tests.service.live.conftest import (
    PUBLIC_URL,
    TWILIO_SID,
    TWILIO_TOKEN,
    LiveService,
    live_settings,
    serve_live,
)

pytestmark = pytest.mark.slow

SPEED = 20.0  # times real time: the cues' times are the call's, not the clock's
Record = Callable[[str, np.ndarray, int], Path]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The live service with its transcriber, waiting at a stream's end for every word
    still being transcribed: a client 20 times faster than real time stops long before
    the words of its last utterances come back (a real call's stream ends with the call,
    seconds after them), and the cues they decide are part of the truth checked here.
    Transcribing at full CPU priority, as the tests' analyses run (worker_nice 0): on a
    shared machine the words otherwise wait for every other process."""
    settings = live_settings(
        tmp_path_factory.mktemp("live-data"), live_finish_wait_s=60.0, live_transcribe_nice=0
    )
    yield from serve_live(settings)


@pytest.fixture(scope="module")
def acoustic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The live service without words, for the cues decided from the sound alone (as the
    engine's tests of them run): neither the stream nor the stored call's analysis
    spends a model's CPU on words these checks do not read."""
    yield from serve_live(
        live_settings(tmp_path_factory.mktemp("acoustic-data"), default_engine="none")
    )


@pytest.fixture(scope="session")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    """Writes a call once per session as the stream clients read it: stereo G.711 mu-law,
    the agent's channel first."""
    import soundfile as sf

    out = tmp_path_factory.mktemp("truth-calls")

    def write(name: str, audio: np.ndarray, agent_channel: int) -> Path:
        wav = out / f"{name}.wav"
        if not wav.exists():
            stereo = np.stack([audio[agent_channel], audio[1 - agent_channel]], axis=1)
            sf.write(wav, stereo, SR, subtype="ULAW")
        return wav

    return write


def real(record: Record, name: str) -> Path:
    audio, truth = real_call(name)
    return record(name, audio, truth.agent_channel)


@functools.cache
def _hold() -> HoldCall:
    return hold_call(music_s=PROFILE.hold.max_without_return_s + 10.0)


def cues_of(service: LiveService, got: Received) -> list[Cue]:
    """The cues the socket got, once the stored call's analysis is over: the next stream's
    words would otherwise wait behind it (the live transcriber shares the worker's model)."""
    assert got.close_code == 1000, got
    stopped = got.of_type("stopped")[0]
    assert stopped["status"] == "queued", stopped
    assert service.wait_done(stopped["call_id"])["status"] == "done"
    return [Cue.model_validate(c) for c in got.cues()]


def raw(service: LiveService, wav: Path, **start: Any) -> list[Cue]:
    headers = service.bearer("ingest")
    got = stream_raw(service.base_url, headers, wav, {"agent_id": "anna", **start}, SPEED)
    return cues_of(service, got)


def twilio(service: LiveService, wav: Path, **parameters: str) -> list[Cue]:
    signed = twilio_signature(TWILIO_TOKEN, PUBLIC_URL.replace("https", "wss") + "/v1/live/twilio")
    messages = twilio_messages(wav, TWILIO_SID, {"agent": "anna", "cues": "socket", **parameters})
    return cues_of(service, stream_twilio(service.base_url, signed, messages, SPEED))


@needs_corpora
@pytest.mark.skipif(not moh_tracks(), reason="apt-get install asterisk-moh-opsound-wav")
def test_hold_running_long_on_twilio(acoustic: LiveService, record: Record) -> None:
    call = _hold()
    assert_hold(twilio(acoustic, record("hold", call.audio, call.truth.agent_channel)), call)


@needs_corpora
def test_raised_voice_and_whisper(acoustic: LiveService, record: Record) -> None:
    assert_loudness(raw(acoustic, real(record, "shouting")), real_call("shouting")[1])


@needs_corpora
def test_pace_and_an_opening_without_name_and_company(live: LiveService, record: Record) -> None:
    cues = raw(live, real(record, "fast"))
    assert_pace(cues, real_call("fast")[1], word_latency_s=None)
    assert_opening_incomplete(cues)


@pytest.mark.espeak
def test_monotone(acoustic: LiveService, record: Record) -> None:
    audio, sr, truth = built_call("fast_monotone")
    assert sr == SR
    assert_monotone(raw(acoustic, record("monotone", audio, truth.agent_channel)), truth)


@needs_corpora
def test_monologue(acoustic: LiveService, record: Record) -> None:
    assert_monologue(raw(acoustic, real(record, "monologue")), real_call("monologue")[1])


@needs_corpora
def test_opening_checklist_on_raw_and_twilio(live: LiveService, record: Record) -> None:
    """The agent's name and company from the start message and from the Twilio stream's
    custom parameters."""
    wav, truth = real(record, "opening"), real_call("opening")[1]
    assert_opening(raw(live, wav, agent_name=AGENT_NAME, company_names=[COMPANY]), truth, None)
    cues = twilio(live, wav, agent_name=AGENT_NAME, company_names=COMPANY)
    assert_opening(cues, truth, None)
