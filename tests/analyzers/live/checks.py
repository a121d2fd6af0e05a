"""Each cue type's truth check on a streamed call with known truth: shared by the
engine's tests (``replay``) and the service's socket tests (the same calls streamed
through ``/v1/live`` and Twilio Media Streams), so both hold the cues to one standard.

Each check takes every cue of the call, in order, and picks its own rule's.
``word_latency_s``: the bound on a word-based cue's latency in call-audio time (the
engine's clock); a client streaming faster than real time cannot hold the service to it
(a second of transcription is several seconds of audio), so it passes None: the latency
itself is measured at real-time pace by bench/bench_live.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from analyzers.live import WORD_RULES, Cue
from sample_audio.real_conditions import HoldCall
from sample_audio.realcalls import RealCallTruth
from sample_audio.spec import CallTruth
from tests.analyzers.live.calls import PROFILE, of

WORD_LATENCY_S = 2.0


def _latency_ok(cue: Cue, word_latency_s: float | None) -> None:
    assert cue.emitted_s >= cue.at_s, cue
    if word_latency_s is not None:
        assert cue.emitted_s - cue.at_s <= word_latency_s, cue


def assert_hold(cues: Sequence[Cue], call: HoldCall) -> None:
    """Raised at the music's start + the limit, cleared when the agent is back."""
    limit_s = PROFILE.hold.max_without_return_s
    start, end = call.hold
    back = min(u.start_s for u in call.truth.utterances if u.party == "agent" and u.start_s > end)
    # Nothing else from the sound: music is no speech, no silence, no loud turn.
    acoustic = [c for c in cues if c.rule not in WORD_RULES]
    assert [(c.key, c.state) for c in acoustic] == [
        ("hold:long", "raised"),
        ("hold:long", "cleared"),
    ], acoustic
    raised, cleared = acoustic
    assert abs(raised.at_s - (start + limit_s)) <= 1.0
    assert 0 <= raised.emitted_s - raised.at_s <= 1.0
    assert abs(cleared.at_s - back) <= 0.5
    # Known once the music is seen to have stopped (its analysis windows lag ~2.5 s).
    assert 0 <= cleared.emitted_s - back <= 3.0
    assert raised.advice == PROFILE.hold.advice_long and raised.high == limit_s


def assert_loudness(cues: Sequence[Cue], truth: RealCallTruth) -> None:
    """The "shouting" call: its shouted and its whispered turn each raise loudness while
    they last (raised voice, then whisper)."""
    min_turn_s = PROFILE.loudness.min_turn_s
    turns = {u.style: u for u in truth.utterances if u.party == "agent" and u.style != "normal"}
    loudness = of(list(cues), "loudness")
    assert [(c.key, c.state) for c in loudness] == [
        ("loudness:agent:high", "raised"),
        ("loudness:agent:high", "cleared"),
        ("loudness:agent:low", "raised"),
        ("loudness:agent:low", "cleared"),
    ], loudness
    for (raised, cleared), style in ((loudness[:2], "shout"), (loudness[2:], "whisper")):
        turn = turns[style]
        became_true = turn.start_s + min_turn_s  # measured once the turn is long enough
        assert abs(raised.at_s - became_true) <= 0.6
        assert -0.2 <= raised.emitted_s - became_true <= 1.0  # the onset grows back a little
        # Measured over the turn's first second(s): near the level it was set to.
        assert abs(raised.detail["level_dbov"] - turn.level_dbov) <= 4.0  # type: ignore[operator]
        # Shown as a step from the agent's usual level, against the allowed step.
        step = raised.detail["level_dbov"] - raised.detail["usual_dbov"]  # type: ignore[operator]
        assert raised.unit == "dB vs usual" and raised.measured == pytest.approx(step, abs=0.11)
        assert cleared.measured == raised.measured
        assert abs(cleared.at_s - turn.end_s) <= 0.5
        assert cleared.emitted_s - turn.end_s <= 1.0
    usual = truth.parties["agent"].median_level_dbov
    assert usual is not None
    loud, quiet = loudness[0], loudness[2]
    assert loud.detail["level_dbov"] >= usual + PROFILE.loudness.raised_db_above_median  # type: ignore[operator]
    assert quiet.detail["level_dbov"] <= usual - PROFILE.loudness.whisper_db_below_median  # type: ignore[operator]
    assert loud.measured >= loud.high  # type: ignore[operator]
    assert quiet.measured <= quiet.low  # type: ignore[operator]
    assert (loud.low, loud.high) == (
        -PROFILE.loudness.whisper_db_below_median,
        PROFILE.loudness.raised_db_above_median,
    )
    assert loud.advice == PROFILE.loudness.advice_loud
    assert quiet.advice == PROFILE.loudness.advice_quiet


def assert_pace(
    cues: Sequence[Cue], truth: RealCallTruth, word_latency_s: float | None = WORD_LATENCY_S
) -> None:
    """The "fast" call: pace raised once the agent has spoken half a window (at the end
    of that utterance), at the rate the truth gives; cleared at the end of the call."""
    rng = PROFILE.speech_rate
    agent = [u for u in truth.utterances if u.party == "agent"]
    pace = of(list(cues), "speech_rate")
    assert [(c.key, c.state) for c in pace] == [
        ("speech_rate:agent:high", "raised"),
        ("speech_rate:agent:high", "cleared"),  # at the end of the call
    ], pace
    raised = pace[0]
    spoken, due = 0.0, None
    for u in agent:
        spoken += u.duration_s
        if spoken >= rng.window_s / 2:
            due = u
            break
    assert due is not None
    assert abs(raised.at_s - due.end_s) <= 0.5
    _latency_ok(raised, word_latency_s)
    upto = [u for u in agent if u.end_s <= due.end_s]
    truth_wpm = 60 * sum(u.word_count for u in upto) / sum(u.duration_s for u in upto)
    assert raised.measured > rng.max_wpm and truth_wpm > rng.max_wpm  # type: ignore[operator]
    assert raised.measured == pytest.approx(truth_wpm, rel=0.15)
    assert (raised.low, raised.high, raised.unit) == (rng.min_wpm, rng.max_wpm, "wpm")
    assert raised.advice == rng.advice_fast


def assert_monotone(cues: Sequence[Cue], truth: CallTruth) -> None:
    """A flat voice: monotone raised at the end of the agent's first stretch of speech,
    cleared at the end of the call."""
    rng = PROFILE.pitch_monotony
    monotone = of(list(cues), "pitch_monotony")
    assert [c.state for c in monotone] == ["raised", "cleared"], monotone
    raised = monotone[0]
    first = next(u for u in truth.utterances if u.party == "agent")
    assert abs(raised.at_s - first.end_s) <= 0.3
    assert 0 <= raised.emitted_s - raised.at_s <= 1.0
    assert raised.measured < rng.min_sd_semitones  # type: ignore[operator]
    assert raised.low == rng.min_sd_semitones and raised.unit == "st"


def assert_monologue(cues: Sequence[Cue], truth: RealCallTruth) -> None:
    """The "monologue" call: raised at the long turn's start + the limit, once, and
    cleared at its end."""
    limit_s = PROFILE.talk_ratio.max_monologue_s
    agent = truth.parties["agent"]
    assert agent.longest_monologue_s > limit_s
    start = agent.longest_monologue_start_s
    assert start is not None
    end = start + agent.longest_monologue_s
    monologue = of(list(cues), "talk_ratio")
    assert [c.state for c in monologue] == ["raised", "cleared"], monologue
    raised, cleared = monologue
    assert abs(raised.at_s - (start + limit_s)) <= 0.5
    assert 0 <= raised.emitted_s - (start + limit_s) <= 1.0
    assert abs(cleared.at_s - end) <= 0.5
    assert cleared.emitted_s - end <= 2.0  # a pause ends it only once it is long enough
    assert raised.advice == PROFILE.talk_ratio.advice_monologue


def assert_opening(
    cues: Sequence[Cue], truth: RealCallTruth, word_latency_s: float | None = WORD_LATENCY_S
) -> None:
    """The "opening" call (the agent's name and company given): the checklist ticks the
    greeting at the end of "Hello", then name and company in the introduction."""
    hello, intro = [u for u in truth.utterances if u.party == "agent"][:2]
    opening = of(list(cues), "opening")
    assert [c.state for c in opening] == ["progress", "progress"], opening
    first, second = opening
    assert first.detail == {"greeting": True, "name": False, "company": False}
    assert second.detail == {"greeting": True, "name": True, "company": True}
    assert abs(first.at_s - hello.end_s) <= 0.3
    # The introduction's first sentence (name and company) is in its first utterance.
    assert intro.start_s < second.at_s < intro.start_s + PROFILE.opening.within_s
    for cue in opening:
        _latency_ok(cue, word_latency_s)


def assert_opening_incomplete(cues: Sequence[Cue]) -> None:
    """The "fast" call (a greeting, no name nor company): raised when the opening is over."""
    opening = of(list(cues), "opening")
    assert [c.state for c in opening] == ["progress", "raised", "cleared"], opening
    assert opening[0].detail == {"greeting": True, "name": False, "company": False}
    raised = opening[1]
    assert raised.message == "Opening without your name, the company"
    assert raised.detail == opening[0].detail
    assert raised.advice == PROFILE.opening.advice
