"""Monotone: the agent's pitch spread over the last 60 s under the range."""

from __future__ import annotations

import pytest

from analyzers.live import LiveSession, replay
from tests.analyzers.call_cache import built_call
from tests.analyzers.live.calls import PROFILE, needs_corpora, of, streamed
from tests.analyzers.live.checks import assert_monotone


@pytest.mark.espeak
def test_a_flat_voice_raises_monotone_at_its_first_stretch() -> None:
    audio, sr, truth = built_call("fast_monotone")  # espeak-ng, F0 SD ~0.6 st
    a = truth.agent_channel
    assert_monotone(replay(LiveSession(PROFILE, sr), audio[a], audio[1 - a], sr), truth)


@needs_corpora
@pytest.mark.slow
def test_real_voices_raise_no_monotone() -> None:
    for name in ("dead_air", "interrupting", "shouting", "monologue"):
        assert of(streamed(name, words=False), "pitch_monotony") == [], name
