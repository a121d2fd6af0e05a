"""The ``hold`` rule: holds announced, and the agent back at least every minute.

Works on a report's measured values (its holds, the agent's turns and words), so a
report can be re-scored against a changed profile. Guide 002: never leave the
customer waiting without saying what you are doing; a hold with music is the same
situation (guidelines.md, rule ``hold``).
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.phrase_matching import explain_silence
from analyzers.phrase_rules import agent_words, why_unmeasurable
from analyzers.profile import Profile
from analyzers.report import Finding, Hold, Report, Severity, Word
from analyzers.scorecard import Scorecard
from analyzers.spans import Span


def announce_holds(
    holds: Sequence[Hold],
    agent_words: Sequence[Word] | None,
    language: str | None,
    lookback_s: float,
) -> list[Hold]:
    """The holds with ``announced``/``announcement`` set from the agent's words.

    ``announced`` is None when there is no transcript to check (no words list or no
    language); otherwise True when a hold phrase of ``language`` ("please hold", "ett
    ögonblick", "et øyeblikk", "περιμένετε") ended at most ``lookback_s`` before it.
    """
    out = []
    for hold in holds:
        text = None
        announced = None
        if agent_words is not None and language is not None:
            text = explain_silence(agent_words, hold.start_s, language, lookback_s, table="hold")
            announced = text is not None
        out.append(hold.model_copy(update={"announced": announced, "announcement": text}))
    return out


def explain_holds(report: Report, profile: Profile) -> list[Hold]:
    """The report's holds, announced or not by the agent's words just before each."""
    words = agent_words(report)
    usable = why_unmeasurable(report, words) is None
    return announce_holds(
        report.holds,
        words if usable else None,
        report.language if usable else None,
        profile.hold.announce_lookback_s,
    )


def stretches_without_agent(holds: Sequence[Hold], agent_speech: Sequence[Span]) -> list[Span]:
    """Each run of holds with no agent speech between them."""
    runs: list[Span] = []
    for hold in sorted(holds, key=lambda h: h.start_s):
        if runs:
            start, end = runs[-1]
            came_back = any(s.start_s < hold.start_s and s.end_s > end for s in agent_speech)
            if not came_back:
                runs[-1] = Span(start, max(end, hold.end_s))
                continue
        runs.append(Span(hold.start_s, hold.end_s))
    return runs


def score_holds(report: Report, profile: Profile, card: Scorecard) -> None:
    """Findings of the ``hold`` rule: unannounced holds, and stretches too long.

    A stretch is holds with no agent speech between them (the customer asking
    "hello?" does not end it); one longer than ``max_without_return_s`` is a finding,
    critical at twice that. Expects the holds already announced (``explain_holds``).
    """
    rng = profile.hold
    expected = f"announced; the agent back at least every {rng.max_without_return_s:g} s"
    unannounced = [h for h in report.holds if h.announced is False]
    for h in unannounced:
        card.add_finding(
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
        )
    reason = why_unmeasurable(report, agent_words(report))
    if report.holds and reason is not None:
        card.add_unmeasured(profile, "hold", reason, keys=("unannounced",), expected=expected)
    else:
        severity: Severity | None = "warning" if unannounced else None
        card.add_metric(profile, "hold", "unannounced", len(unannounced), severity)
    agent = [Span(t.start_s, t.end_s) for t in report.turns if t.party == "agent"]
    longest = 0.0
    worst: Severity | None = None
    for start, end in stretches_without_agent(report.holds, agent):
        length = end - start
        longest = max(longest, length)
        if length <= rng.max_without_return_s:
            continue
        severity = "critical" if length > 2 * rng.max_without_return_s else "warning"
        worst = "critical" if severity == "critical" or worst == "critical" else severity
        card.add_finding(
            Finding(
                rule="hold",
                severity=severity,
                start_s=start,
                end_s=end,
                value=round(length, 1),
                expected=expected,
                message=f"The customer waited {length:.0f} s on hold without the agent "
                "coming back.",
                advice=rng.advice_long,
            )
        )
    card.add_metric(profile, "hold", "longest_without_agent", round(longest, 1), worst)
