"""Dead air: raised at silence start + the profile's limit, cleared when speech resumes;
an announced silence ("One moment, please.") raises nothing."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]
LIMIT_S = PROFILE.unexplained_silence.max_silence_s


def _long_silence(name: str) -> tuple[float, float]:
    _, truth = real_call(name)
    silence = next(s for s in truth.silences if s.duration_s > LIMIT_S)
    return silence.start_s, silence.end_s


def test_dead_air_raised_at_the_limit_and_cleared_when_speech_resumes() -> None:
    start, end = _long_silence("dead_air")
    cues = of(streamed("dead_air"), "unexplained_silence")
    assert [c.state for c in cues] == ["raised", "cleared"]
    raised, cleared = cues
    assert abs(raised.at_s - (start + LIMIT_S)) <= 0.5
    assert 0 <= raised.emitted_s - (start + LIMIT_S) <= 0.5  # latency in audio time
    assert abs(cleared.at_s - end) <= 0.5
    assert 0 <= cleared.emitted_s - end <= 0.5
    assert raised.high == LIMIT_S and raised.unit == "s"
    assert raised.advice == PROFILE.unexplained_silence.advice
    assert cleared.measured == pytest.approx(end - start, abs=0.5)


def test_announced_silence_raises_nothing() -> None:
    _long_silence("announced")  # the call has one, as long as the dead-air call's
    assert of(streamed("announced"), "unexplained_silence") == []


def test_without_words_an_announced_silence_is_dead_air() -> None:
    """The announcement is read from the words: no transcript, no explanation."""
    start, _ = _long_silence("announced")
    cues = of(streamed("announced", words=False), "unexplained_silence")
    assert [c.state for c in cues] == ["raised", "cleared"]
    assert abs(cues[0].at_s - (start + LIMIT_S)) <= 0.5
