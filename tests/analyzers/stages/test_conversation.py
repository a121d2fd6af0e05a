"""Conversation stage: turns, interruptions and silences against the calls' truth."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.spans import Span
from analyzers.stages.activity import find_activity
from analyzers.stages.conversation import call_bounds, measure_conversation
from analyzers.stages.decode import decode
from analyzers.stages.parties import assign_parties
from analyzers.stages.pickup import find_pickup
from sample_audio.mono_set import MONO_SET, missing_for, mono_set_call
from tests.analyzers.stages.calls import PROFILE, early_stages, truth


def test_call_bounds_start_at_the_answer_else_the_first_speech() -> None:
    speech = [Span(5.0, 7.0), Span(2.0, 3.0), Span(8.0, 9.5)]
    assert call_bounds(speech, 1.0) == Span(1.0, 9.5)
    assert call_bounds(speech, None) == Span(2.0, 9.5)
    assert call_bounds([], None) == Span(0.0, 0.0)


def test_dead_air_is_the_one_long_silence() -> None:
    _, pickup, activity, parties = early_stages("dead_air")
    conversation = measure_conversation(activity, parties, pickup, PROFILE)
    max_s = PROFILE.unexplained_silence.max_silence_s
    (expected,) = [s for s in truth("dead_air").silences if s.duration_s >= max_s]
    long_ones = [s for s in conversation.silences if s.duration_s >= max_s]
    assert len(long_ones) == 1
    assert long_ones[0].start_s == pytest.approx(expected.start_s, abs=0.3)
    assert long_ones[0].end_s == pytest.approx(expected.end_s, abs=0.3)


def test_interruptions_are_found_by_the_right_party() -> None:
    _, pickup, activity, parties = early_stages("interrupting")
    conversation = measure_conversation(activity, parties, pickup, PROFILE)
    expected = truth("interrupting").interruptions
    assert len(conversation.interruptions) == len(expected)
    for found, placed in zip(conversation.interruptions, expected, strict=True):
        assert found.by == placed.by
        assert found.start_s == pytest.approx(placed.start_s, abs=0.3)


def test_every_turn_is_its_partys_speech() -> None:
    _, pickup, activity, parties = early_stages("good_call")
    conversation = measure_conversation(activity, parties, pickup, PROFILE)
    utterances = truth("good_call").utterances
    assert conversation.turns[0].party == "agent"
    assert conversation.bounds.start_s == pickup.answered_at_s
    for turn in conversation.turns:
        placed = [u for u in utterances if u.start_s < turn.end_s and turn.start_s < u.end_s]
        assert placed and {u.party for u in placed} >= {turn.party}, turn


def test_mono_turns_are_split_between_the_parties_as_in_stereo() -> None:
    # The real-voice call mixed down: the diarized turns' speaking time per party is
    # the stereo call's within 1.5 s (measured 0.9/1.1 s: the split gives the last
    # 0.2-0.3 s of three agent turns to the customer).
    _, pickup, activity, parties = early_stages("good_call", mono=True)
    mono = measure_conversation(activity, parties, pickup, PROFILE)
    _, pickup, activity, parties = early_stages("good_call")
    stereo = measure_conversation(activity, parties, pickup, PROFILE)
    assert {t.party for t in mono.turns} == {"agent", "customer"}
    for party in ("agent", "customer"):
        got = sum(t.end_s - t.start_s for t in mono.turns if t.party == party)
        want = sum(t.end_s - t.start_s for t in stereo.turns if t.party == party)
        assert got == pytest.approx(want, abs=1.5), party


def _conversation(samples: np.ndarray, rate: int, agent_channel: int):  # type: ignore[no-untyped-def]
    options = AnalysisOptions(agent_channel=agent_channel)
    call = decode(CallAudio(samples=samples, sample_rate=rate), options)
    pickup = find_pickup(call, options, None)
    parties = assign_parties(call, find_activity(call, pickup, PROFILE), options)
    return measure_conversation(parties.activity, parties, pickup, PROFILE)


@pytest.mark.parametrize("name", MONO_SET)
def test_a_mono_mix_has_the_stereo_calls_interruptions(name: str) -> None:
    if missing_for(name):
        pytest.skip(f"missing corpora: {missing_for(name)}")
    stereo, mono, rate, truth = mono_set_call(name)
    want = _conversation(stereo, rate, truth.agent_channel).interruptions
    got = _conversation(mono[0], rate, 0).interruptions
    assert [i.by for i in got] == [i.by for i in want]
    # A voice starting under the other's may be heard up to 1 s off (Bruce's onsets).
    for mine, theirs in zip(got, want, strict=True):
        assert mine.start_s == pytest.approx(theirs.start_s, abs=1.0)
