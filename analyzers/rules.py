"""Ranges profile + measurements -> findings and the metrics table.

Works on a report's measured values only, so a report can be re-scored
against a changed profile without decoding or transcribing again.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from analyzers.profile import Profile
from analyzers.report import Finding, Metric, Report, Severity, Unmeasured

MONO_REASON = "mono recording: the parties cannot be told apart"


def _fmt_range(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low:g}–{high:g} {unit}".strip()
    if low is not None:
        return f"≥ {low:g} {unit}".strip()
    return f"≤ {high:g} {unit}".strip()


class _Scorer:
    """Accumulates findings, metric rows and unmeasured rules for one report."""

    def __init__(self, report: Report, profile: Profile) -> None:
        self.report = report
        self.profile = profile
        self.findings: list[Finding] = []
        self.metrics: list[Metric] = []
        self.unmeasured: list[Unmeasured] = []

    def unmeasurable(self, rule: str, label: str, unit: str, expected: str, reason: str) -> None:
        self.unmeasured.append(Unmeasured(rule=rule, reason=reason))
        self.metrics.append(
            Metric(
                rule=rule,
                label=label,
                value=None,
                unit=unit,
                expected=expected,
                status="unmeasured",
                reason=reason,
            )
        )

    def metric(
        self,
        rule: str,
        label: str,
        value: float | str | None,
        unit: str,
        expected: str,
        status: Severity | None,
    ) -> None:
        self.metrics.append(
            Metric(
                rule=rule,
                label=label,
                value=value,
                unit=unit,
                expected=expected,
                status="ok"
                if status is None
                else ("critical" if status == "critical" else "warning"),
            )
        )

    def find(self, **fields: object) -> None:
        self.findings.append(Finding.model_validate(fields))


def _score_pickup(s: _Scorer) -> None:
    rng = s.profile.pickup_delay
    expected = f"ring {rng.min_rings}–{rng.max_rings}"
    pickup = s.report.pickup
    if pickup.rings is None:
        s.unmeasurable(
            "pickup_delay",
            "Pickup",
            "rings",
            expected,
            pickup.note or "no ringback in the recording and no ringing/answered times in metadata",
        )
        return
    rings = pickup.rings
    severity: Severity | None = None
    if rings < rng.min_rings:
        severity, when, advice = "warning", f"earlier than ring {rng.min_rings}", rng.advice_early
    elif rings > rng.max_rings:
        severity = "critical" if rings >= rng.max_rings + 2 else "warning"
        when, advice = f"later than ring {rng.max_rings}", rng.advice_late
    if severity is not None:
        s.find(
            rule="pickup_delay",
            severity=severity,
            start_s=pickup.answered_at_s,
            end_s=pickup.answered_at_s,
            value=rings,
            expected=expected,
            message=f"Answered on ring {rings}: {when}.",
            advice=advice,
        )
    s.metric("pickup_delay", "Pickup", rings, "rings", expected, severity)


def _score_range_metric(
    s: _Scorer,
    *,
    rule: str,
    label: str,
    unit: str,
    value: float | None,
    windows: list[tuple[float, float, float | None]],
    low: float | None,
    high: float | None,
    advice_low: str,
    advice_high: str,
    describe: Callable[[float], str],
    missing_reason: str,
) -> None:
    """A per-call value plus per-window values against [low, high]."""
    expected = _fmt_range(low, high, unit)
    if value is None:
        s.unmeasurable(rule, label, unit, expected, missing_reason)
        return

    def outside(v: float) -> str | None:
        if low is not None and v < low:
            return "low"
        if high is not None and v > high:
            return "high"
        return None

    side = outside(value)
    severity: Severity | None = None
    if side is not None:
        bound = low if side == "low" else high
        assert bound is not None
        severity = "critical" if abs(value - bound) > 0.15 * max(abs(bound), 1.0) else "warning"
        s.find(
            rule=rule,
            severity=severity,
            start_s=None,
            end_s=None,
            value=round(value, 2),
            expected=expected,
            message=f"{describe(value)} over the call.",
            advice=advice_low if side == "low" else advice_high,
        )
    s.metric(rule, label, round(value, 2), unit, expected, severity)
    for start, end, v in windows:
        if v is None or (side is not None and outside(v) == side):
            continue  # the call-level finding already says it
        w_side = outside(v)
        if w_side is not None:
            s.find(
                rule=rule,
                severity="info",
                start_s=start,
                end_s=end,
                value=round(v, 2),
                expected=expected,
                message=f"{describe(v)} in this stretch.",
                advice=advice_low if w_side == "low" else advice_high,
            )


def _score_agent_voice(s: _Scorer) -> None:
    agent = s.report.parties.agent
    p = s.profile
    if agent is None:
        for rule, label, unit in (
            ("speech_rate", "Speech rate", "wpm"),
            ("pitch_monotony", "Pitch variation", "st"),
            ("loudness", "Loudness", "dBov"),
        ):
            s.unmeasurable(rule, label, unit, "", MONO_REASON)
        return
    _score_range_metric(
        s,
        rule="speech_rate",
        label="Speech rate",
        unit="wpm",
        value=agent.wpm,
        windows=[(w.start_s, w.end_s, w.value) for w in agent.wpm_windows],
        low=p.speech_rate.min_wpm,
        high=p.speech_rate.max_wpm,
        advice_low=p.speech_rate.advice_slow,
        advice_high=p.speech_rate.advice_fast,
        describe=lambda v: f"The agent spoke at {v:.0f} words per minute",
        missing_reason="no transcript of the agent's speech (or too little speech)",
    )
    _score_range_metric(
        s,
        rule="pitch_monotony",
        label="Pitch variation",
        unit="st",
        value=agent.pitch_sd_semitones,
        windows=[(w.start_s, w.end_s, w.value) for w in agent.pitch_sd_windows],
        low=p.pitch_monotony.min_sd_semitones,
        high=None,
        advice_low=p.pitch_monotony.advice,
        advice_high=p.pitch_monotony.advice,
        describe=lambda v: f"The agent's pitch varied by {v:.1f} semitones (SD)",
        missing_reason="too little voiced agent speech to measure pitch",
    )
    _score_loudness(s)


def _score_loudness(s: _Scorer) -> None:
    from analyzers.loudness import classify_turn_levels

    rng = s.profile.loudness
    expected = _fmt_range(rng.min_dbov, rng.max_dbov, "dBov")
    agent = s.report.parties.agent
    assert agent is not None
    turns = [
        t
        for t in s.report.turns
        if t.party == "agent" and t.level_dbov is not None and t.end_s - t.start_s >= rng.min_turn_s
    ]
    if agent.level_dbov is None or not turns:
        s.unmeasurable("loudness", "Loudness", "dBov", expected, "no agent speech to measure")
        return
    levels = [t.level_dbov for t in turns]
    median = statistics.median(level for level in levels if level is not None)
    flags = classify_turn_levels(
        levels,
        raised_db_above_median=rng.raised_db_above_median,
        whisper_db_below_median=rng.whisper_db_below_median,
        min_dbov=rng.min_dbov,
        max_dbov=rng.max_dbov,
    )
    loud_expected = f"{expected}; < {rng.raised_db_above_median:g} dB above median"
    quiet_expected = f"{expected}; < {rng.whisper_db_below_median:g} dB below median"
    call_severity: Severity | None = None
    for t, flag in zip(turns, flags, strict=True):
        level = t.level_dbov
        if flag is None or level is None:
            continue
        if flag == "raised":
            severity: Severity = "critical"
            message = (
                f"Raised voice: this turn is {level - median:.1f} dB above the agent's usual level."
            )
        elif flag == "too_loud":
            severity = "warning"
            message = f"Raised voice: this turn is above {rng.max_dbov:g} dBov."
        elif flag == "whisper":
            severity = "warning"
            message = (
                f"Very quiet: this turn is {median - level:.1f} dB below the agent's usual level."
            )
        else:
            severity = "warning"
            message = f"Very quiet: this turn is below {rng.min_dbov:g} dBov."
        loud = flag in ("raised", "too_loud")
        s.find(
            rule="loudness",
            severity=severity,
            start_s=t.start_s,
            end_s=t.end_s,
            value=round(level, 1),
            expected=loud_expected if loud else quiet_expected,
            message=message,
            advice=rng.advice_loud if loud else rng.advice_quiet,
        )
        call_severity = "critical" if "critical" in (severity, call_severity) else "warning"
    s.metric("loudness", "Loudness", round(agent.level_dbov, 1), "dBov", expected, call_severity)


def _score_silences(s: _Scorer) -> None:
    rng = s.profile.unexplained_silence
    expected = f"no unexplained silence ≥ {rng.max_silence_s:g} s"
    long_ones = [x for x in s.report.silences if x.duration_s >= rng.max_silence_s]
    worst: Severity | None = None
    unexplained = 0
    for x in long_ones:
        if x.explained:
            continue
        unexplained += 1
        severity: Severity = "critical" if x.duration_s >= 2 * rng.max_silence_s else "warning"
        if x.explained is None:
            severity = "info"
            why = x.explanation or "no transcript to check for an announcement"
            message = f"{x.duration_s:.1f} s of silence ({why})."
        else:
            message = f"{x.duration_s:.1f} s of silence without telling the customer why."
        s.find(
            rule="unexplained_silence",
            severity=severity,
            start_s=x.start_s,
            end_s=x.end_s,
            value=round(x.duration_s, 1),
            expected=expected,
            message=message,
            advice=rng.advice,
        )
        if severity != "info":
            worst = "critical" if severity == "critical" or worst == "critical" else "warning"
    s.metric("unexplained_silence", "Unexplained silences", unexplained, "", expected, worst)


def _score_turn_taking(s: _Scorer) -> None:
    p = s.profile
    agent, customer = s.report.parties.agent, s.report.parties.customer
    if agent is None or customer is None:
        s.unmeasurable("interruption", "Interruptions", "", "none", MONO_REASON)
        s.unmeasurable("talk_ratio", "Agent talk share", "%", "", MONO_REASON)
        return
    rng = p.interruption
    by_agent = [
        i for i in s.report.interruptions if i.by == "agent" and i.duration_s >= rng.min_overlap_s
    ]
    expected = f"≤ {rng.max_count}"
    severity: Severity | None = "warning" if len(by_agent) > rng.max_count else None
    if severity:
        for i in by_agent:
            s.find(
                rule="interruption",
                severity="warning",
                start_s=i.start_s,
                end_s=i.end_s,
                value=round(i.duration_s, 1),
                expected=expected,
                message=f"The agent talked over the customer for {i.duration_s:.1f} s.",
                advice=rng.advice,
            )
    s.metric("interruption", "Interruptions by agent", len(by_agent), "", expected, severity)

    tr = p.talk_ratio
    share_expected = _fmt_range(100 * tr.min_agent_share, 100 * tr.max_agent_share, "%")
    if agent.talk_share is None:
        s.unmeasurable("talk_ratio", "Agent talk share", "%", share_expected, "nobody spoke")
    else:
        share = agent.talk_share
        severity = None
        if not tr.min_agent_share <= share <= tr.max_agent_share:
            high = share > tr.max_agent_share
            severity = "warning"
            s.find(
                rule="talk_ratio",
                severity=severity,
                start_s=None,
                end_s=None,
                value=round(100 * share, 1),
                expected=share_expected,
                message=f"The agent did {100 * share:.0f} % of the talking.",
                advice=tr.advice_high if high else tr.advice_low,
            )
        s.metric(
            "talk_ratio", "Agent talk share", round(100 * share, 1), "%", share_expected, severity
        )
    mono_expected = f"≤ {tr.max_monologue_s:g} s"
    longest = agent.longest_monologue_s
    if longest is not None:
        severity = None
        if longest > tr.max_monologue_s:
            severity = "warning"
            start = agent.longest_monologue_start_s
            s.find(
                rule="talk_ratio",
                severity=severity,
                start_s=start,
                end_s=None if start is None else start + longest,
                value=round(longest, 1),
                expected=mono_expected,
                message=f"The agent spoke for {longest:.0f} s without a break.",
                advice=tr.advice_monologue,
            )
        s.metric(
            "talk_ratio", "Longest agent monologue", round(longest, 1), "s", mono_expected, severity
        )


def apply_rules(report: Report, profile: Profile) -> Report:
    """A copy of ``report`` with findings, metrics and unmeasured filled from ``profile``."""
    from analyzers.phrase_rules import explain_silences, score_phrase_rules

    report = report.model_copy(update={"silences": explain_silences(report, profile)})
    s = _Scorer(report, profile)
    _score_pickup(s)
    _score_agent_voice(s)
    _score_silences(s)
    _score_turn_taking(s)
    score_phrase_rules(s)
    findings = sorted(s.findings, key=lambda f: (f.start_s is None, f.start_s or 0.0, f.rule))
    return report.model_copy(
        update={
            "findings": findings,
            "metrics": s.metrics,
            "unmeasured": s.unmeasured,
            "ranges_profile": profile.name,
        }
    )
