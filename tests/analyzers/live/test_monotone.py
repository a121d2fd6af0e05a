"""Monotone: the agent's pitch spread over the last 60 s under the range."""

from __future__ import annotations

import pytest

from analyzers.live import LiveSession, replay
from tests.analyzers.call_cache import built_call
from tests.analyzers.live.calls import PROFILE, needs_corpora, of, streamed


@pytest.mark.espeak
def test_a_flat_voice_raises_monotone_at_its_first_stretch() -> None:
    audio, sr, truth = built_call("fast_monotone")  # espeak-ng, F0 SD ~0.6 st
    a = truth.agent_channel
    cues = of(replay(LiveSession(PROFILE, sr), audio[a], audio[1 - a], sr), "pitch_monotony")
    assert [c.state for c in cues] == ["raised", "cleared"]  # cleared at the end
    raised = cues[0]
    first = next(u for u in truth.utterances if u.party == "agent")
    assert abs(raised.at_s - first.end_s) <= 0.3
    assert 0 <= raised.emitted_s - raised.at_s <= 1.0
    assert raised.measured < PROFILE.pitch_monotony.min_sd_semitones  # type: ignore[operator]
    assert raised.low == PROFILE.pitch_monotony.min_sd_semitones and raised.unit == "st"


@needs_corpora
@pytest.mark.slow
def test_real_voices_raise_no_monotone() -> None:
    for name in ("dead_air", "interrupting", "shouting", "monologue"):
        assert of(streamed(name, words=False), "pitch_monotony") == [], name
