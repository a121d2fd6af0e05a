"""The ``hold`` rule: holds announced, and the agent back at least every minute.

Pure functions over the report's pieces: holds (from analyzers.hold), the agent's words
and the agent's voice activity (with the holds already removed). Guide 002: never leave
the customer waiting without saying what you are doing; a hold with music is the same
situation (guidelines.md, rule ``hold``).
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.activity import Segment
from analyzers.hold import MusicSegment
from analyzers.phrases import explain_silence
from analyzers.profile import HoldRange
from analyzers.report import Finding, Hold, Word


def announce_holds(
    music: Sequence[MusicSegment],
    agent_words: Sequence[Word] | None,
    language: str | None,
    lookback_s: float,
) -> list[Hold]:
    """Report holds for the call's merged music stretches, with their announcements.

    ``announced`` is None when there is no transcript to check (no words list or no
    language); otherwise True when a hold phrase of ``language`` ("please hold", "ett
    ögonblick", "et øyeblikk", "περιμένετε") ended at most ``lookback_s`` before it.
    """
    holds = []
    for m in music:
        text = None
        announced = None
        if agent_words is not None and language is not None:
            text = explain_silence(agent_words, m.start_s, language, lookback_s, table="hold")
            announced = text is not None
        holds.append(
            Hold(
                start_s=m.start_s,
                end_s=m.end_s,
                duration_s=round(m.end_s - m.start_s, 3),
                announced=announced,
                announcement=text,
                confidence=m.confidence,
            )
        )
    return holds


def stretches_without_agent(
    holds: Sequence[Hold], agent_speech: Sequence[Segment]
) -> list[tuple[float, float]]:
    """(start_s, end_s) of each run of holds with no agent speech between them."""
    runs: list[tuple[float, float]] = []
    for hold in sorted(holds, key=lambda h: h.start_s):
        if runs:
            start, end = runs[-1]
            came_back = any(s.start_s < hold.start_s and s.end_s > end for s in agent_speech)
            if not came_back:
                runs[-1] = (start, max(end, hold.end_s))
                continue
        runs.append((hold.start_s, hold.end_s))
    return runs


def score_holds(
    holds: Sequence[Hold], agent_speech: Sequence[Segment], rng: HoldRange
) -> list[Finding]:
    """Findings of the ``hold`` rule: unannounced holds, and stretches too long.

    A stretch is holds with no agent speech between them (the customer asking "hello?"
    does not end it); one longer than ``rng.max_without_return_s`` is a finding,
    critical at twice that.
    """
    expected = f"announced; the agent back at least every {rng.max_without_return_s:g} s"
    findings = [
        Finding(
            rule="hold",
            severity="warning",
            start_s=h.start_s,
            end_s=h.end_s,
            value="not announced",
            expected=expected,
            message=f"Put the customer on hold for {h.duration_s:.0f} s without announcing it.",
            advice=rng.advice_unannounced,
        )
        for h in holds
        if h.announced is False
    ]
    for start, end in stretches_without_agent(holds, agent_speech):
        length = end - start
        if length > rng.max_without_return_s:
            findings.append(
                Finding(
                    rule="hold",
                    severity="critical" if length > 2 * rng.max_without_return_s else "warning",
                    start_s=start,
                    end_s=end,
                    value=round(length, 1),
                    expected=expected,
                    message=f"The customer waited {length:.0f} s on hold without the agent "
                    "coming back.",
                    advice=rng.advice_long,
                )
            )
    return sorted(findings, key=lambda f: (f.start_s or 0.0, f.severity))
