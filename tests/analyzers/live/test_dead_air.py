"""Dead air: raised at silence start + the profile's limit, cleared when speech resumes;
an announced silence raises nothing."""

from __future__ import annotations

from analyzers.live import LiveSession, replay
from analyzers.profile import default_profile
from tests.analyzers.live.calls import needs_corpora, real_call

pytestmark = needs_corpora
PROFILE = default_profile()
LIMIT_S = PROFILE.unexplained_silence.max_silence_s


def _long_silence(name: str) -> tuple[float, float]:
    _, _, truth = real_call(name)
    silence = next(s for s in truth.silences if s.duration_s > LIMIT_S)
    return silence.start_s, silence.end_s


def test_dead_air_raised_at_the_limit_and_cleared_when_speech_resumes() -> None:
    audio, sr, _ = real_call("dead_air")
    start, end = _long_silence("dead_air")
    cues = [
        c
        for c in replay(LiveSession(PROFILE, sr), audio[0], audio[1], sr)
        if c.rule == "unexplained_silence"
    ]
    assert [c.state for c in cues] == ["raised", "cleared"]
    raised, cleared = cues
    assert abs(raised.at_s - (start + LIMIT_S)) <= 0.5
    assert raised.emitted_s - (start + LIMIT_S) <= 0.5
    assert abs(cleared.at_s - end) <= 0.5
    assert cleared.emitted_s - end <= 0.5
    assert raised.high == LIMIT_S and raised.advice == PROFILE.unexplained_silence.advice
