"""A stream's end while the engine is behind the audio (a client faster than real time,
a busy server): the utterances in the audio it had not reached still get their words,
so the word-based cues they decide are not lost."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import numpy as np
import pytest

from analyzers.live import Cue, LiveSession
from analyzers.options import AnalysisOptions, CallMetadata
from service.db.types import utcnow
from service.live.call import LiveCall, LiveCallSpec
from service.live.hub import InProcessHub
from service.live.recording import RecordingWriter
from service.live.services import LiveServices
from tests.analyzers.live.calls import AGENT_NAME, COMPANY, PROFILE, SR, needs_corpora, real_call
from tests.analyzers.live.checks import assert_opening
from tests.service.conftest import base_settings

pytestmark = [needs_corpora, pytest.mark.slow]


def pcm16(x: np.ndarray) -> bytes:
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


async def _all_audio_then_stop(call: LiveCall, audio: np.ndarray) -> None:
    """Every frame queued before the engine took any (an unbounded queue's put does not
    yield), then the end of the stream."""
    await call.start()
    step = SR // 50
    for lo in range(0, audio.shape[1], step):
        await call.feed("agent", pcm16(audio[0, lo : lo + step]))
        await call.feed("customer", pcm16(audio[1, lo : lo + step]))
    await call.finish()


def test_utterances_the_engine_had_not_reached_at_the_stop_get_their_words(
    tmp_path: Path,
) -> None:
    audio, truth = real_call("opening")
    assert truth.agent_channel == 0
    settings = base_settings(tmp_path, default_engine="faster-whisper", live_transcribe_nice=0)
    services = LiveServices(settings, InProcessHub())
    services.transcriber.start("en")
    spec = LiveCallSpec(
        call_id=uuid.uuid4(),
        team_id=1,
        team="acme",
        source="live",
        source_account="test",
        agent_id=None,
        external_id=None,
        rate=SR,
        encoding="pcm16",
        language="en",
        started_at=utcnow(),
        options=AnalysisOptions(),
        metadata=CallMetadata(agent_name=AGENT_NAME),
        company_names=[COMPANY],
    )
    session = LiveSession(PROFILE, SR, agent_name=AGENT_NAME, company_names=[COMPANY])
    call = LiveCall(spec, services, session, RecordingWriter(tmp_path, "pcm16", SR, 0), None)
    try:
        asyncio.run(_all_audio_then_stop(call, audio))
    finally:
        call.recording.close()
        services.transcriber.close()
    assert_opening([Cue.model_validate(c) for c in call.cues], truth, word_latency_s=None)
