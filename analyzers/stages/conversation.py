"""Conversation stage: turns, interruptions and silences from voice activity.

The call runs from the heard answer (else the first speech) to the last speech;
silences are looked for only between those bounds. A mono call has turns of
the one unknown party and no interruptions (overlap cannot be seen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzers import turns as turn_taking
from analyzers.profile import Profile
from analyzers.report import Interruption, Pickup, Silence, Turn
from analyzers.spans import Span
from analyzers.stages.activity import Activity
from analyzers.stages.parties import UNKNOWN, PartyChannels
from analyzers.stages.pickup import heard_answer_s


@dataclass(frozen=True)
class Conversation:
    turns: list[Turn]  # time, party and bounds only; levels and words come later
    interruptions: list[Interruption]
    silences: list[Silence]
    bounds: Span  # the call proper: answer (or first speech) to last speech


def measure_conversation(
    activity: Activity,
    parties: PartyChannels,
    pickup: Pickup,
    profile: Profile,
    holds: Sequence[Span] = (),
) -> Conversation:
    """``holds``: music on hold, neither speech nor silence (no silence overlaps one)."""
    agent, customer = _party_speech(activity, parties)
    bounds = call_bounds(agent + customer, heard_answer_s(pickup))
    silences = turn_taking.find_silences(
        [*agent, *holds],
        customer,
        bounds.start_s,
        bounds.end_s,
        min_silence_s=min(3.0, profile.unexplained_silence.max_silence_s),
    )
    return Conversation(
        turns=_turns(activity, parties, profile),
        interruptions=_interruptions(agent, customer, parties, profile),
        silences=[_silence(s) for s in silences],
        bounds=bounds,
    )


def _party_speech(activity: Activity, parties: PartyChannels) -> tuple[list[Span], list[Span]]:
    """The agent's and the customer's speech; on mono all of it counts as the first."""
    if not parties.separated:
        return activity.speech[parties.channels[UNKNOWN]], []
    assert parties.agent_channel is not None and parties.customer_channel is not None
    return activity.speech[parties.agent_channel], activity.speech[parties.customer_channel]


def call_bounds(speech: list[Span], answered_at_s: float | None) -> Span:
    """From the heard answer (else the first speech) to the end of the last speech."""
    ordered = sorted(speech)
    start = answered_at_s if answered_at_s is not None else (ordered[0].start_s if ordered else 0.0)
    return Span(start, max((s.end_s for s in ordered), default=start))


def _turns(activity: Activity, parties: PartyChannels, profile: Profile) -> list[Turn]:
    agent, customer = _party_speech(activity, parties)
    if not parties.separated:
        return [Turn(party=UNKNOWN, start_s=round(a, 3), end_s=round(b, 3)) for a, b in agent]
    spans = turn_taking.turns_from_activity(
        agent, customer, merge_gap_s=profile.activity.turn_merge_gap_s
    )
    return [
        Turn(party=t.party, start_s=round(t.start_s, 3), end_s=round(t.end_s, 3)) for t in spans
    ]


def _interruptions(
    agent: list[Span], customer: list[Span], parties: PartyChannels, profile: Profile
) -> list[Interruption]:
    if not parties.separated:
        return []
    found = turn_taking.find_interruptions(
        agent, customer, min_overlap_s=profile.interruption.min_overlap_s
    )
    return [
        Interruption(
            by=i.by,
            start_s=round(i.start_s, 3),
            end_s=round(i.end_s, 3),
            duration_s=round(i.duration_s, 3),
        )
        for i in found
    ]


def _silence(span: Span) -> Silence:
    return Silence(
        start_s=round(span.start_s, 3),
        end_s=round(span.end_s, 3),
        duration_s=round(span.end_s - span.start_s, 3),
    )
