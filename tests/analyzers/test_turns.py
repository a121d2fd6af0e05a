"""Turns, silences, interruptions and talk share: interval logic, then whole calls.

The first tests pin the definitions on hand-made segments; the ``espeak`` tests
run voice activity on sample_audio.callgen calls and compare with the truth
the calls were built with.
"""

from __future__ import annotations

import pytest

from analyzers.activity import detect_activity
from analyzers.profile import default_profile
from analyzers.spans import Span
from analyzers.turns import (
    InterruptionSpan,
    TurnSpan,
    find_interruptions,
    find_silences,
    longest_monologue,
    talk_share,
    talk_time,
    turns_from_activity,
)
from sample_audio.callgen import CallSpec, CallTruth, build_call
from sample_audio.library import agent, customer
from tests.analyzers.call_cache import built_call

MIN_OVERLAP_S = default_profile().interruption.min_overlap_s


def segs(*pairs: tuple[float, float]) -> list[Span]:
    return [Span(a, b) for a, b in pairs]


# --- definitions on hand-made segments ------------------------------------------


def test_talk_time_counts_overlaps_once_and_share_is_the_agents() -> None:
    assert talk_time(segs((0, 2), (1, 3), (5, 6))) == pytest.approx(4.0)
    assert talk_time([]) == 0.0
    assert talk_share(segs((0, 3)), segs((4, 5))) == pytest.approx(0.75)
    assert talk_share(segs(), segs((4, 5))) == 0.0
    assert talk_share([], []) is None


def test_turns_join_short_pauses_unless_the_other_party_starts() -> None:
    agent_speech = segs((1.0, 3.0), (3.5, 5.0), (8.0, 9.0), (9.4, 10.0))
    customer_speech = segs((5.5, 7.5), (9.1, 9.3))  # 9.1: starts in the agent's pause
    turns = turns_from_activity(agent_speech, customer_speech, merge_gap_s=1.0)
    assert turns == [
        TurnSpan("agent", 1.0, 5.0),
        TurnSpan("customer", 5.5, 7.5),
        TurnSpan("agent", 8.0, 9.0),
        TurnSpan("customer", 9.1, 9.3),
        TurnSpan("agent", 9.4, 10.0),
    ]


def test_turn_is_not_split_by_the_other_party_talking_through_its_pause() -> None:
    # The customer was already talking when the agent paused: double talk, one agent turn.
    turns = turns_from_activity(segs((2.0, 3.0), (3.4, 5.0)), segs((0.0, 4.0)))
    assert TurnSpan("agent", 2.0, 5.0) in turns


def test_silences_only_between_answer_and_last_speech() -> None:
    agent_speech = segs((13.0, 15.0), (22.0, 24.0))
    customer_speech = segs((2.0, 4.0), (15.5, 17.0), (24.5, 25.0))  # 2-4: before the answer
    found = find_silences(agent_speech, customer_speech, 12.0, 40.0, min_silence_s=3.0)
    assert found == [Span(17.0, 22.0)]
    found = find_silences(agent_speech, customer_speech, 12.0, 40.0, min_silence_s=1.0)
    assert found == [Span(12.0, 13.0), Span(17.0, 22.0)]
    # The call's end cuts the search short.
    assert find_silences(agent_speech, customer_speech, 12.0, 20.0, 1.0) == [
        Span(12.0, 13.0),
        Span(17.0, 20.0),
    ]
    assert find_silences([], [], 0.0, 60.0, 1.0) == []


def test_interruption_needs_a_long_enough_overlap_and_names_the_interrupter() -> None:
    customer_speech = segs((0.0, 6.0), (10.0, 14.0))
    agent_speech = segs(
        (2.0, 2.4),  # "mm": a backchannel
        (4.5, 8.0),  # starts inside the customer's turn, 1.5 s together
        (9.0, 11.5),  # speaking first; the customer starts over it at 10.0 for 1.5 s
    )
    found = find_interruptions(agent_speech, customer_speech, min_overlap_s=1.0)
    assert found == [InterruptionSpan("agent", 4.5, 6.0), InterruptionSpan("customer", 10.0, 11.5)]
    assert found[0].duration_s == pytest.approx(1.5)
    assert find_interruptions(agent_speech, customer_speech, min_overlap_s=2.0) == []


def test_interrupters_short_pauses_do_not_end_the_overlap() -> None:
    customer_speech = segs((0.0, 7.6))
    agent_speech = segs((5.0, 5.6), (6.0, 6.4), (6.9, 9.0))  # "Of course, | Peter. | Your..."
    found = find_interruptions(agent_speech, customer_speech, min_overlap_s=1.0)
    assert found == [InterruptionSpan("agent", 5.0, 7.6)]
    # Pauses longer than max_pause_s split the agent's talk into backchannel-sized pieces.
    assert find_interruptions(agent_speech, customer_speech, 1.0, max_pause_s=0.3) == []


def test_simultaneous_start_is_no_interruption() -> None:
    assert find_interruptions(segs((1.0, 5.0)), segs((1.0, 5.0)), 1.0) == []


def test_longest_monologue_joins_pauses_the_other_party_leaves_alone() -> None:
    agent_speech = segs((0.0, 10.0), (11.5, 20.0), (23.0, 30.0), (31.0, 35.0))
    customer_speech = segs((30.2, 30.8))  # the customer answers in the agent's pause
    assert longest_monologue(agent_speech, customer_speech) == (0.0, 20.0)  # 3 s pause: break
    assert longest_monologue(agent_speech, customer_speech, max_gap_s=4.0) == (0.0, 30.0)
    assert longest_monologue([], customer_speech) == (0.0, 0.0)


def test_bad_parameters_raise() -> None:
    with pytest.raises(ValueError):
        find_interruptions([], [], min_overlap_s=-1.0)
    with pytest.raises(ValueError):
        find_silences([], [], 0.0, 1.0, min_silence_s=-1.0)
    with pytest.raises(ValueError):
        turns_from_activity([], [], merge_gap_s=-1.0)
    with pytest.raises(ValueError):
        longest_monologue([], [], max_gap_s=-1.0)


# --- whole calls against the generator's truth -------------------------------------

HARSH = {"noise_dbov": -55.0, "crosstalk_db": -25.0}
ECHOEY = {"noise_dbov": -70.0, "crosstalk_db": -20.0}  # quiet line, strong leak
SILENCE_TOLERANCE_S = 0.4


def _activity(name: str, **overrides: object) -> tuple[list[Span], list[Span], CallTruth]:
    audio, sr, truth = built_call(name, **overrides)
    found = detect_activity(audio, sr)
    return found[truth.agent_channel], found[truth.customer_channel], truth


@pytest.mark.espeak
@pytest.mark.parametrize("name", ["good_call", "dead_air", "interrupting"])
def test_silences_match_truth(name: str) -> None:
    agent_speech, customer_speech, truth = _activity(name, **HARSH)
    found = find_silences(
        agent_speech, customer_speech, truth.answered_at_s, truth.duration_s, truth.min_silence_s
    )
    assert len(found) == len(truth.silences)
    for got, want in zip(found, truth.silences, strict=True):
        assert abs(got.start_s - want.start_s) <= SILENCE_TOLERANCE_S
        assert abs(got.end_s - want.end_s) <= SILENCE_TOLERANCE_S


@pytest.mark.espeak
@pytest.mark.parametrize("line", [HARSH, ECHOEY], ids=["noisy", "echoey"])
@pytest.mark.parametrize("name", ["good_call", "dead_air", "good_call_sv"])
def test_no_interruptions_in_a_polite_call_with_crosstalk(
    name: str, line: dict[str, float]
) -> None:
    agent_speech, customer_speech, truth = _activity(name, **line)
    assert [i for i in truth.interruptions if i.duration_s >= MIN_OVERLAP_S] == []
    assert find_interruptions(agent_speech, customer_speech, MIN_OVERLAP_S) == []


@pytest.mark.espeak
@pytest.mark.parametrize(
    "overrides",
    [HARSH, ECHOEY, {**HARSH, "agent_level_dbov": -30.0, "customer_level_dbov": -25.0}],
    ids=["noisy", "echoey", "quieter-interrupter"],
)
def test_agent_interruptions_match_truth(overrides: dict[str, float]) -> None:
    agent_speech, customer_speech, truth = _activity("interrupting", **overrides)
    want = [i for i in truth.interruptions if i.duration_s >= MIN_OVERLAP_S]
    found = find_interruptions(agent_speech, customer_speech, MIN_OVERLAP_S)
    assert [i.by for i in found] == [i.by for i in want] == ["agent", "agent"]
    for got, expected in zip(found, want, strict=True):
        assert abs(got.start_s - expected.start_s) <= 0.2
        assert abs(got.end_s - expected.end_s) <= 0.2


def _customer_interrupts_spec() -> CallSpec:
    # The customer talks over the agent twice; a short "mm" during the agent's turn is not one.
    return CallSpec(
        name="customer_interrupts",
        country=None,
        noise_dbov=-55.0,
        crosstalk_db=-25.0,
        utterances=[
            agent("Good morning, Nordic Travel, this is Anna. How can I help you today?"),
            customer("Hi, I need to change my booking for next week please."),
            agent(
                "Of course. To change a booking I first need your booking number, and then "
                "I will check which dates the hotel still has free for you."
            ),
            customer("Mm.", gap_before_s=-6.0),
            customer("I have the number right here, it is four five seven.", gap_before_s=1.2),
            agent("Thank you. I will now look at the dates for your stay in Stockholm."),
            customer("Actually, can I also add a parking space to the booking?", gap_before_s=-2.5),
            agent("Yes, that is possible."),
        ],
    )


@pytest.mark.espeak
def test_customer_interruptions_are_attributed_to_the_customer() -> None:
    audio, sr, truth = build_call(_customer_interrupts_spec())
    found_speech = detect_activity(audio, sr)
    want = [i for i in truth.interruptions if i.duration_s >= MIN_OVERLAP_S]
    assert [i.by for i in want] == ["customer", "customer"]
    found = find_interruptions(
        found_speech[truth.agent_channel], found_speech[truth.customer_channel], MIN_OVERLAP_S
    )
    assert [i.by for i in found] == ["customer", "customer"]
    for got, expected in zip(found, want, strict=True):
        assert abs(got.start_s - expected.start_s) <= 0.2


@pytest.mark.espeak
@pytest.mark.parametrize("name", ["good_call", "talkative", "interrupting"])
def test_talk_share_and_monologue_match_truth(name: str) -> None:
    agent_speech, customer_speech, truth = _activity(name, **HARSH)
    share = talk_share(agent_speech, customer_speech)
    assert share is not None
    # Truth counts whole utterances, pauses inside them included; activity does not.
    assert share == pytest.approx(truth.parties["agent"].talk_share, abs=0.03)
    for party, mine, other in (
        ("agent", agent_speech, customer_speech),
        ("customer", customer_speech, agent_speech),
    ):
        start, end = longest_monologue(mine, other)
        want = truth.parties[party]
        assert end - start == pytest.approx(want.longest_monologue_s, abs=0.3)
        assert start == pytest.approx(want.longest_monologue_start_s, abs=0.2)


@pytest.mark.espeak
def test_turns_follow_the_utterances_of_a_call() -> None:
    agent_speech, customer_speech, truth = _activity("good_call", **HARSH)
    turns = turns_from_activity(agent_speech, customer_speech)
    assert turns == sorted(turns, key=lambda t: t.start_s)
    # Consecutive utterances of one party closer than a second form one turn.
    expected: list[tuple[str, float, float]] = []
    for u in truth.utterances:
        if expected and expected[-1][0] == u.party and u.start_s - expected[-1][2] < 1.0:
            expected[-1] = (u.party, expected[-1][1], u.end_s)
        else:
            expected.append((u.party, u.start_s, u.end_s))
    assert [t.party for t in turns] == [party for party, _, _ in expected]
    for turn, (_, start, end) in zip(turns, expected, strict=True):
        assert abs(turn.start_s - start) <= 0.2
        assert abs(turn.end_s - end) <= 0.2
