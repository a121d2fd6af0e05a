"""Turn-taking from voice activity: turns, silences, interruptions, talk share.

Pure functions on the per-party ``Span`` lists that
``analyzers.activity.detect_activity`` returns (each list time-ordered and
non-overlapping within a party). No audio here: everything is interval logic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.report import Party
from analyzers.spans import Span, merge_spans

DEFAULT_TURN_MERGE_GAP_S = 1.0
# A speaker's pauses shorter than this do not end a monologue (unless the other party starts).
DEFAULT_MONOLOGUE_MAX_GAP_S = 2.0
# Within an overlap, a pause shorter than this (comma, breath) does not end either side's talk.
DEFAULT_INTERRUPTION_MAX_PAUSE_S = 0.75


@dataclass(frozen=True)
class TurnSpan:
    """One party's stretch of talk: its segments joined across short pauses."""

    party: Party
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class InterruptionSpan:
    """``by`` started while the other party was speaking; both talked from start to end."""

    by: Party
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def _starts_within(segs: Sequence[Span], start_s: float, end_s: float) -> bool:
    """Does any segment start in the open interval (start_s, end_s)?"""
    return any(start_s < s.start_s < end_s for s in segs)


def talk_time(segs: Sequence[Span]) -> float:
    """Total speaking time in seconds (overlaps counted once)."""
    return sum(s.duration_s for s in merge_spans(segs))


def talk_share(agent: Sequence[Span], customer: Sequence[Span]) -> float | None:
    """The agent's share of all speaking time, 0..1; None when nobody spoke."""
    mine, theirs = talk_time(agent), talk_time(customer)
    total = mine + theirs
    return None if total <= 0 else mine / total


def _party_turns(
    party: Party, mine: Sequence[Span], other: Sequence[Span], merge_gap_s: float
) -> list[TurnSpan]:
    turns: list[TurnSpan] = []
    for s in merge_spans(mine):
        if turns:
            last = turns[-1]
            gap = s.start_s - last.end_s
            if gap < merge_gap_s and not _starts_within(other, last.end_s, s.start_s):
                turns[-1] = TurnSpan(party, last.start_s, s.end_s)
                continue
        turns.append(TurnSpan(party, s.start_s, s.end_s))
    return turns


def turns_from_activity(
    agent: Sequence[Span],
    customer: Sequence[Span],
    merge_gap_s: float = DEFAULT_TURN_MERGE_GAP_S,
) -> list[TurnSpan]:
    """Both parties' turns, time-ordered.

    A party's segments join into one turn across pauses shorter than
    ``merge_gap_s`` in which the other party does not start to speak (talk the
    other began earlier, as in double talk, does not split a turn). Turns of the
    two parties may overlap; each keeps its own bounds.
    """
    if merge_gap_s < 0:
        raise ValueError("merge_gap_s must be >= 0")
    turns = _party_turns("agent", agent, customer, merge_gap_s) + _party_turns(
        "customer", customer, agent, merge_gap_s
    )
    return sorted(turns, key=lambda t: (t.start_s, t.end_s, t.party))


def find_silences(
    agent: Sequence[Span],
    customer: Sequence[Span],
    start_s: float,
    end_s: float,
    min_silence_s: float,
) -> list[Span]:
    """Stretches of at least ``min_silence_s`` where neither party speaks.

    Only the call proper counts: from ``start_s`` (the answer) to the end of
    the last speech, and never past ``end_s`` (the end of the call). Without any
    speech there is no call proper, so there are no silences.
    """
    if min_silence_s < 0:
        raise ValueError("min_silence_s must be >= 0")
    speech = merge_spans([*agent, *customer])
    if not speech:
        return []
    stop_s = min(end_s, speech[-1].end_s)
    silences: list[Span] = []
    cursor = start_s
    for s in speech:
        if s.end_s <= cursor:
            continue
        gap_end = min(s.start_s, stop_s)
        if gap_end - cursor >= min_silence_s and gap_end > cursor:
            silences.append(Span(cursor, gap_end))
        cursor = max(cursor, s.end_s)
        if cursor >= stop_s:
            break
    return silences


def _chains(segs: Sequence[Span], max_pause_s: float) -> list[list[Span]]:
    """Segments grouped into runs whose inner pauses are shorter than ``max_pause_s``."""
    chains: list[list[Span]] = []
    for s in segs:
        if chains and s.start_s - chains[-1][-1].end_s < max_pause_s:
            chains[-1].append(s)
        else:
            chains.append([s])
    return chains


def _interruptions_by(
    by: Party,
    mine: Sequence[Span],
    other: Sequence[Span],
    min_overlap_s: float,
    max_pause_s: float,
) -> list[InterruptionSpan]:
    other_chains = _chains(other, max_pause_s)
    found: list[InterruptionSpan] = []
    for chain in _chains(mine, max_pause_s):
        start = chain[0].start_s
        # `by` starts while the other party is already speaking (inside one of its segments).
        holder = next(
            (c for c in other_chains if any(q.start_s < start < q.end_s for q in c)), None
        )
        if holder is None:
            continue
        # Both keep talking (short pauses aside) until the first of them stops.
        end = min(chain[-1].end_s, holder[-1].end_s)
        if end - start >= min_overlap_s:
            found.append(InterruptionSpan(by, start, end))
    return found


def find_interruptions(
    agent: Sequence[Span],
    customer: Sequence[Span],
    min_overlap_s: float,
    max_pause_s: float = DEFAULT_INTERRUPTION_MAX_PAUSE_S,
) -> list[InterruptionSpan]:
    """Interruptions by either party, time-ordered.

    A party interrupts when it starts speaking while the other is already
    speaking and both then keep talking together for at least
    ``min_overlap_s``. Each side's pauses shorter than ``max_pause_s`` (a comma,
    a breath) do not end its talk. Shorter overlaps are backchannels ("mm",
    "yes") or a quick hand-over.
    """
    if min_overlap_s < 0 or max_pause_s < 0:
        raise ValueError("min_overlap_s and max_pause_s must be >= 0")
    agent_u, customer_u = merge_spans(agent), merge_spans(customer)
    found = _interruptions_by("agent", agent_u, customer_u, min_overlap_s, max_pause_s)
    found += _interruptions_by("customer", customer_u, agent_u, min_overlap_s, max_pause_s)
    return sorted(found, key=lambda i: (i.start_s, i.by))


def monologue_runs(
    segs: Sequence[Span],
    other: Sequence[Span],
    max_gap_s: float = DEFAULT_MONOLOGUE_MAX_GAP_S,
) -> list[Span]:
    """Each stretch one party talks without the other taking a turn, in time order.

    The party's consecutive segments chain across pauses shorter than ``max_gap_s``
    unless the other party starts speaking in between (a backchannel during a segment
    ends the chain at that segment's end, as any reply does).
    """
    if max_gap_s < 0:
        raise ValueError("max_gap_s must be >= 0")
    mine, theirs = merge_spans(segs), merge_spans(other)
    runs: list[Span] = []
    prev_start = 0.0
    for s in mine:
        joins = (
            bool(runs)
            and s.start_s - runs[-1].end_s < max_gap_s
            and not _starts_within(theirs, prev_start, s.start_s)
        )
        if joins:
            runs[-1] = Span(runs[-1].start_s, s.end_s)
        else:
            runs.append(s)
        prev_start = s.start_s
    return runs


def longest_monologue(
    segs: Sequence[Span],
    other: Sequence[Span],
    max_gap_s: float = DEFAULT_MONOLOGUE_MAX_GAP_S,
) -> Span:
    """The longest of :func:`monologue_runs` (the first of equally long ones); (0.0, 0.0)
    when the party never speaks."""
    runs = monologue_runs(segs, other, max_gap_s)
    best = max(runs, key=lambda r: r.duration_s, default=Span(0.0, 0.0))
    return best if best.duration_s > 0 else Span(0.0, 0.0)
