"""Scorers of the rules over measured sound: pickup, speech rate, pitch variation,
loudness, unexplained silences, interruptions and talk ratio.

Each is a ``Scorer`` (analyzers.scorecard): it reads the report's measurements only,
so a report can be re-scored against a changed profile without decoding again.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from analyzers.loudness import classify_turn_levels
from analyzers.phrase_rules import announcement_unchecked
from analyzers.profile import Profile
from analyzers.report import Finding, Report, Severity, WindowValue
from analyzers.rule_table import rule_spec
from analyzers.scorecard import MONO_REASON, Scorecard, format_range, metric_bounds


def score_pickup(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.pickup_delay
    expected = f"ring {rng.min_rings}–{rng.max_rings}"
    pickup = report.pickup
    if pickup.rings is None:
        reason = (
            pickup.note or "no ringback in the recording and no ringing/answered times in metadata"
        )
        card.add_unmeasured(profile, "pickup_delay", reason, expected=expected)
        return
    rings = pickup.rings
    severity: Severity | None = None
    if rings < rng.min_rings:
        severity, when, advice = "warning", f"earlier than ring {rng.min_rings}", rng.advice_early
    elif rings > rng.max_rings:
        severity = "critical" if rings >= rng.max_rings + 2 else "warning"
        when, advice = f"later than ring {rng.max_rings}", rng.advice_late
    if severity is not None:
        card.add_finding(
            Finding(
                rule="pickup_delay",
                severity=severity,
                start_s=pickup.answered_at_s,
                end_s=pickup.answered_at_s,
                value=rings,
                expected=expected,
                message=f"Answered on ring {rings}: {when}.",
                advice=advice,
            )
        )
    card.add_metric(profile, "pickup_delay", "rings", rings, severity, expected)


@dataclass(frozen=True)
class RangeCheck:
    """A per-call value and per-window values of one metric against its range."""

    rule: str
    key: str
    value: float | None
    windows: list[WindowValue]
    advice_low: str
    advice_high: str
    describe: Callable[[float], str]
    missing_reason: str


def _score_range_metric(report: Report, profile: Profile, card: Scorecard, c: RangeCheck) -> None:
    spec = rule_spec(c.rule).metric(c.key)
    low, high = metric_bounds(profile, c.rule, spec)
    expected = format_range(low, high, spec.unit)
    if report.parties.agent is None:
        card.add_unmeasured(profile, c.rule, MONO_REASON)
        return
    if c.value is None:
        card.add_unmeasured(profile, c.rule, c.missing_reason)
        return

    def outside(v: float) -> str | None:
        if low is not None and v < low:
            return "low"
        if high is not None and v > high:
            return "high"
        return None

    side = outside(c.value)
    severity: Severity | None = None
    if side is not None:
        bound = low if side == "low" else high
        assert bound is not None
        severity = "critical" if abs(c.value - bound) > 0.15 * max(abs(bound), 1.0) else "warning"
        card.add_finding(
            Finding(
                rule=c.rule,
                severity=severity,
                start_s=None,
                end_s=None,
                value=round(c.value, 2),
                expected=expected,
                message=f"{c.describe(c.value)} over the call.",
                advice=c.advice_low if side == "low" else c.advice_high,
            )
        )
    card.add_metric(profile, c.rule, c.key, round(c.value, 2), severity)
    for w in c.windows:
        if w.value is None or (side is not None and outside(w.value) == side):
            continue  # the call-level finding already says it
        w_side = outside(w.value)
        if w_side is not None:
            card.add_finding(
                Finding(
                    rule=c.rule,
                    severity="info",
                    start_s=w.start_s,
                    end_s=w.end_s,
                    value=round(w.value, 2),
                    expected=expected,
                    message=f"{c.describe(w.value)} in this stretch.",
                    advice=c.advice_low if w_side == "low" else c.advice_high,
                )
            )


def score_speech_rate(report: Report, profile: Profile, card: Scorecard) -> None:
    agent, rng = report.parties.agent, profile.speech_rate
    check = RangeCheck(
        rule="speech_rate",
        key="wpm",
        value=agent.wpm if agent else None,
        windows=agent.wpm_windows if agent else [],
        advice_low=rng.advice_slow,
        advice_high=rng.advice_fast,
        describe=lambda v: f"The agent spoke at {v:.0f} words per minute",
        missing_reason="no transcript of the agent's speech (or too little speech)",
    )
    _score_range_metric(report, profile, card, check)


def score_pitch(report: Report, profile: Profile, card: Scorecard) -> None:
    agent, rng = report.parties.agent, profile.pitch_monotony
    check = RangeCheck(
        rule="pitch_monotony",
        key="sd_semitones",
        value=agent.pitch_sd_semitones if agent else None,
        windows=agent.pitch_sd_windows if agent else [],
        advice_low=rng.advice,
        advice_high=rng.advice,
        describe=lambda v: f"The agent's pitch varied by {v:.1f} semitones (SD)",
        missing_reason="too little voiced agent speech to measure pitch",
    )
    _score_range_metric(report, profile, card, check)


def _loudness_finding(
    profile: Profile, start_s: float, end_s: float, level: float, median: float, flag: str
) -> Finding:
    rng = profile.loudness
    expected = format_range(rng.min_dbov, rng.max_dbov, "dBov")
    severity: Severity = "warning"
    if flag == "raised":
        severity = "critical"
        message = (
            f"Raised voice: this turn is {level - median:.1f} dB above the agent's usual level."
        )
    elif flag == "too_loud":
        message = f"Raised voice: this turn is above {rng.max_dbov:g} dBov."
    elif flag == "whisper":
        message = f"Very quiet: this turn is {median - level:.1f} dB below the agent's usual level."
    else:
        message = f"Very quiet: this turn is below {rng.min_dbov:g} dBov."
    loud = flag in ("raised", "too_loud")
    if loud:
        expected += f"; < {rng.raised_db_above_median:g} dB above median"
    else:
        expected += f"; < {rng.whisper_db_below_median:g} dB below median"
    return Finding(
        rule="loudness",
        severity=severity,
        start_s=start_s,
        end_s=end_s,
        value=round(level, 1),
        expected=expected,
        message=message,
        advice=rng.advice_loud if loud else rng.advice_quiet,
    )


def score_loudness(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.loudness
    agent = report.parties.agent
    if agent is None:
        card.add_unmeasured(profile, "loudness", MONO_REASON)
        return
    turns = [
        t
        for t in report.turns
        if t.party == "agent" and t.level_dbov is not None and t.end_s - t.start_s >= rng.min_turn_s
    ]
    levels = [t.level_dbov for t in turns if t.level_dbov is not None]
    if agent.level_dbov is None or not levels:
        card.add_unmeasured(profile, "loudness", "no agent speech to measure")
        return
    median = statistics.median(levels)
    flags = classify_turn_levels(
        levels,
        raised_db_above_median=rng.raised_db_above_median,
        whisper_db_below_median=rng.whisper_db_below_median,
        min_dbov=rng.min_dbov,
        max_dbov=rng.max_dbov,
    )
    call_severity: Severity | None = None
    for t, level, flag in zip(turns, levels, flags, strict=True):
        if flag is None:
            continue
        finding = _loudness_finding(profile, t.start_s, t.end_s, level, median, flag)
        card.add_finding(finding)
        worst = "critical" in (finding.severity, call_severity)
        call_severity = "critical" if worst else "warning"
    card.add_metric(profile, "loudness", "level_dbov", round(agent.level_dbov, 1), call_severity)


def score_silences(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.unexplained_silence
    expected = f"no unexplained silence ≥ {rng.max_silence_s:g} s"
    worst: Severity | None = None
    unexplained = 0
    unchecked = announcement_unchecked(report)
    for x in report.silences:
        if x.duration_s < rng.max_silence_s or x.explained:
            continue
        unexplained += 1
        severity: Severity = "critical" if x.duration_s >= 2 * rng.max_silence_s else "warning"
        if x.explained is None:
            severity = "info"
            # the transcript-trust reason when the words were unsure, else why
            # nothing could be checked (no transcript, language, mono with no words)
            why = x.explanation or unchecked or "the announcement could not be checked"
            message = f"{x.duration_s:.1f} s of silence ({why})."
        else:
            message = f"{x.duration_s:.1f} s of silence without telling the customer why."
        card.add_finding(
            Finding(
                rule="unexplained_silence",
                severity=severity,
                start_s=x.start_s,
                end_s=x.end_s,
                value=round(x.duration_s, 1),
                expected=expected,
                message=message,
                advice=rng.advice,
            )
        )
        if severity != "info":
            worst = "critical" if severity == "critical" or worst == "critical" else "warning"
    card.add_metric(profile, "unexplained_silence", "count", unexplained, worst, expected)


def score_interruptions(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.interruption
    expected = "none" if rng.max_count <= 0 else f"≤ {rng.max_count}"
    if report.parties.agent is None or report.parties.customer is None:
        card.add_unmeasured(profile, "interruption", MONO_REASON, expected=expected)
        return
    by_agent = [
        i for i in report.interruptions if i.by == "agent" and i.duration_s >= rng.min_overlap_s
    ]
    severity: Severity | None = "warning" if len(by_agent) > rng.max_count else None
    if severity:
        for i in by_agent:
            card.add_finding(
                Finding(
                    rule="interruption",
                    severity="warning",
                    start_s=i.start_s,
                    end_s=i.end_s,
                    value=round(i.duration_s, 1),
                    expected=expected,
                    message=f"The agent talked over the customer for {i.duration_s:.1f} s.",
                    advice=rng.advice,
                )
            )
    card.add_metric(profile, "interruption", "count", len(by_agent), severity, expected)


def score_talk_ratio(report: Report, profile: Profile, card: Scorecard) -> None:
    agent, customer = report.parties.agent, report.parties.customer
    if agent is None or customer is None:
        card.add_unmeasured(profile, "talk_ratio", MONO_REASON, keys=("agent_share",))
        return
    tr = profile.talk_ratio
    if agent.talk_share is None:
        card.add_unmeasured(profile, "talk_ratio", "nobody spoke", keys=("agent_share",))
    else:
        share = agent.talk_share
        severity: Severity | None = None
        if not tr.min_agent_share <= share <= tr.max_agent_share:
            severity = "warning"
            card.add_finding(
                Finding(
                    rule="talk_ratio",
                    severity=severity,
                    start_s=None,
                    end_s=None,
                    value=round(100 * share, 1),
                    expected=format_range(100 * tr.min_agent_share, 100 * tr.max_agent_share, "%"),
                    message=f"The agent did {100 * share:.0f} % of the talking.",
                    advice=tr.advice_high if share > tr.max_agent_share else tr.advice_low,
                )
            )
        card.add_metric(profile, "talk_ratio", "agent_share", round(100 * share, 1), severity)
    longest = agent.longest_monologue_s
    if longest is None:
        return
    severity = None
    if longest > tr.max_monologue_s:
        severity = "warning"
        start = agent.longest_monologue_start_s
        card.add_finding(
            Finding(
                rule="talk_ratio",
                severity=severity,
                start_s=start,
                end_s=None if start is None else start + longest,
                value=round(longest, 1),
                expected=format_range(None, tr.max_monologue_s, "s"),
                message=f"The agent spoke for {longest:.0f} s without a break.",
                advice=tr.advice_monologue,
            )
        )
    card.add_metric(profile, "talk_ratio", "longest_monologue", round(longest, 1), severity)
