"""Pace: the agent's words per minute over the last window of speech, from tiny.en's words."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]
RNG = PROFILE.speech_rate


def test_fast_speech_raises_pace_once_half_a_window_is_spoken() -> None:
    _, truth = real_call("fast")
    agent = [u for u in truth.utterances if u.party == "agent"]
    cues = of(streamed("fast"), "speech_rate")
    assert [(c.key, c.state) for c in cues] == [
        ("speech_rate:agent:high", "raised"),
        ("speech_rate:agent:high", "cleared"),  # at the end of the call
    ]
    raised = cues[0]
    # True once the agent has spoken half the window: at the end of that utterance.
    spoken, due = 0.0, None
    for u in agent:
        spoken += u.duration_s
        if spoken >= RNG.window_s / 2:
            due = u
            break
    assert due is not None
    assert abs(raised.at_s - due.end_s) <= 0.5
    assert 0 <= raised.emitted_s - raised.at_s <= 2.0  # word-based latency
    upto = [u for u in agent if u.end_s <= due.end_s]
    truth_wpm = 60 * sum(u.word_count for u in upto) / sum(u.duration_s for u in upto)
    assert raised.measured > RNG.max_wpm and truth_wpm > RNG.max_wpm  # type: ignore[operator]
    assert raised.measured == pytest.approx(truth_wpm, rel=0.15)
    assert (raised.low, raised.high, raised.unit) == (RNG.min_wpm, RNG.max_wpm, "wpm")
    assert raised.advice == RNG.advice_fast


def test_speech_in_range_raises_no_pace() -> None:
    for name in ("opening", "monologue"):  # 142 and 148 wpm
        assert of(streamed(name), "speech_rate") == [], name


def test_without_words_there_is_no_pace() -> None:
    assert of(streamed("fast", words=False), "speech_rate") == []
