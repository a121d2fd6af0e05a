"""Hold running long: music on the agent's line past hold.max_without_return_s."""

from __future__ import annotations

import functools

import pytest

from analyzers.live import Cue, replay
from sample_audio.nonspeech import moh_tracks
from sample_audio.real_conditions import HoldCall, hold_call
from tests.analyzers.live.calls import PROFILE, SR, needs_corpora, session

pytestmark = [
    needs_corpora,
    pytest.mark.skipif(not moh_tracks(), reason="apt-get install asterisk-moh-opsound-wav"),
    pytest.mark.slow,
]
LIMIT_S = PROFILE.hold.max_without_return_s


@functools.cache
def _streamed(music_s: float) -> tuple[HoldCall, list[Cue]]:
    call = hold_call(music_s=music_s)
    a = call.truth.agent_channel
    return call, replay(session(), call.audio[a], call.audio[1 - a], SR)


def test_a_long_hold_raises_at_the_limit_and_clears_when_the_agent_is_back() -> None:
    call, cues = _streamed(LIMIT_S + 10.0)
    start, end = call.hold
    back = min(u.start_s for u in call.truth.utterances if u.party == "agent" and u.start_s > end)
    assert [(c.key, c.state) for c in cues] == [("hold:long", "raised"), ("hold:long", "cleared")]
    raised, cleared = cues  # nothing else: music is no speech, no silence, no loud turn
    assert abs(raised.at_s - (start + LIMIT_S)) <= 1.0
    assert 0 <= raised.emitted_s - raised.at_s <= 1.0
    assert abs(cleared.at_s - back) <= 0.5
    # Known once the music is seen to have stopped (its analysis windows lag ~2.5 s).
    assert 0 <= cleared.emitted_s - back <= 3.0
    assert raised.advice == PROFILE.hold.advice_long and raised.high == LIMIT_S


def test_a_hold_under_the_limit_raises_nothing() -> None:
    _, cues = _streamed(40.0)
    assert cues == []
