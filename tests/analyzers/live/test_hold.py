"""Hold running long: music on the agent's line past hold.max_without_return_s."""

from __future__ import annotations

import functools

import pytest

from analyzers.live import Cue, replay
from sample_audio.nonspeech import moh_tracks
from sample_audio.real_conditions import HoldCall, hold_call
from tests.analyzers.live.calls import PROFILE, SR, needs_corpora, session
from tests.analyzers.live.checks import assert_hold

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
    assert_hold(cues, call)
    assert len(cues) == 2  # without words: no opening either


def test_a_hold_under_the_limit_raises_nothing() -> None:
    _, cues = _streamed(40.0)
    assert cues == []
