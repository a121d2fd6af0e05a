"""Weekly trends and side-by-side comparisons from per-call metrics (pure functions)."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from analyzers.profile import Profile
from analyzers.rule_table import trend_metrics as table_trend_metrics
from analyzers.scorecard import metric_bounds
from service.calls.queries import week_start
from service.calls.results import SENTIMENT, sentiment_label
from service.dashboard.queries import CallMetrics

FINDINGS = "findings"  # pseudo metric: findings per call


@dataclass(frozen=True)
class TrendMetric:
    key: str  # the rule id (or FINDINGS)
    label: str
    unit: str
    low: float | None  # the recommended range in the team's profile
    high: float | None
    digits: int = 1
    metric_label: str | None = None  # which of the rule's metric rows (rules table label)
    counted: bool = False  # whole numbers per call: the axis ticks are integers
    rule: str | None = None  # the stored rows' rule, when the key is not the rule id


# Beyond this a stored bound (-inf, 1e308: a profile saved before ranges were checked)
# cannot be drawn or compared sensibly: the chart shows no bound on that side.
_DRAWABLE_BOUND = 1e6


def _drawable(bound: float | None) -> float | None:
    if bound is None or not math.isfinite(bound) or abs(bound) > _DRAWABLE_BOUND:
        return None
    return bound


def trend_metrics(profile: Profile) -> list[TrendMetric]:
    """The metrics coaches follow over time (the rules table's ``trend`` rows), with the
    team's ranges."""
    return [
        replace(m, low=_drawable(m.low), high=_drawable(m.high)) for m in _profile_metrics(profile)
    ]


def _profile_metrics(profile: Profile) -> list[TrendMetric]:
    return [
        TrendMetric(
            rule.id,
            spec.trend or spec.label,
            spec.unit or "per call",
            *metric_bounds(profile, rule.id, spec),
            digits=spec.digits,
            metric_label=spec.label,
            counted=spec.counted,
        )
        for rule, spec in table_trend_metrics()
    ] + [TrendMetric(FINDINGS, "Findings", "per call", None, None, counted=True)]


def metric_value(row: CallMetrics, metric: TrendMetric) -> float | None:
    """The call's value of exactly this metric (rule and row), or None when it has none."""
    if metric.key == FINDINGS:
        return float(row.findings_count)
    assert metric.metric_label is not None
    return row.value(metric.rule or metric.key, metric.metric_label)


def sentiment_metrics() -> list[TrendMetric]:
    """The customer's sentiment at the end of the call, and how it moved from the start:
    what an agent changes (analyzers.sentiment; not a scored rule, so no range)."""
    return [
        TrendMetric(
            f"{SENTIMENT}_customer_{point}",
            label,
            unit,
            None,
            None,
            digits=2,
            metric_label=sentiment_label("customer", point),
            rule=SENTIMENT,
        )
        for point, label, unit in (
            ("end", "Customer sentiment at the end", "score, -1..1"),
            ("change", "Customer sentiment, start to end", "change, -2..2"),
        )
    ]


def rough_note(rows: list[CallMetrics], metric: TrendMetric) -> str | None:
    """Says how many of the values are rough (a language whose sentiment measured poorly),
    for a metric stored with a measurement quality; None when none is."""
    if metric.rule != SENTIMENT or metric.metric_label is None:
        return None
    key = (SENTIMENT, metric.metric_label)
    valued = [r for r in rows if r.values.get(key) is not None]
    rough = sum(1 for r in valued if r.statuses.get(key) == "rough")
    if not rough:
        return None
    return (
        f"rough: {rough} of {len(valued)} call{'s' if len(valued) != 1 else ''} in a "
        "language whose sentiment measured poorly (see the README)"
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


@dataclass(frozen=True)
class WeekPoint:
    week: date
    calls: int
    value: float | None


def weekly_means(rows: list[CallMetrics], metric: TrendMetric) -> list[WeekPoint]:
    """Mean of one metric per ISO week (Monday, UTC), weeks in order."""
    weeks: dict[date, list[CallMetrics]] = defaultdict(list)
    for row in rows:
        weeks[week_start(row.recorded_at)].append(row)
    return [
        WeekPoint(week, len(weeks[week]), _mean(metric_value(r, metric) for r in weeks[week]))
        for week in sorted(weeks)
    ]


def in_range(value: float | None, low: float | None, high: float | None) -> bool | None:
    if value is None or (low is None and high is None):
        return None
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True)
class AgentColumn:
    agent_id: str
    calls: int
    means: dict[str, float | None]
    findings: dict[str, int]


def summarize(label: str, rows: list[CallMetrics], metrics: list[TrendMetric]) -> AgentColumn:
    """Means of each metric and finding totals over a group of calls."""
    findings: dict[str, int] = defaultdict(int)
    for row in rows:
        for rule, count in row.findings.items():
            findings[rule] += count
    return AgentColumn(
        agent_id=label,
        calls=len(rows),
        means={m.key: _mean(metric_value(r, m) for r in rows) for m in metrics},
        findings=dict(findings),
    )


def agents_side_by_side(rows: list[CallMetrics], metrics: list[TrendMetric]) -> list[AgentColumn]:
    by_agent: dict[str, list[CallMetrics]] = defaultdict(list)
    for row in rows:
        by_agent[row.agent_id or "(no agent)"].append(row)
    return [summarize(agent_id, by_agent[agent_id], metrics) for agent_id in sorted(by_agent)]


_STATUS_WEIGHT = {"critical": 3.0, "warning": 1.0}


def problem_score(row: CallMetrics) -> float:
    """How much a call needs a coach: out-of-range metrics first, then finding count."""
    return sum(_STATUS_WEIGHT.get(s, 0.0) for s in row.statuses.values()) + 0.1 * row.findings_count


def best_and_worst(
    rows: list[CallMetrics], n: int = 5, score: Callable[[CallMetrics], float] = problem_score
) -> tuple[list[CallMetrics], list[CallMetrics]]:
    """(best, worst), at most ``n`` each and disjoint: the worst half (calls with
    something to work on, most first) and the best of the rest; newer calls win ties."""
    newest_first = sorted(rows, key=lambda r: r.recorded_at, reverse=True)
    by_score = sorted(newest_first, key=score, reverse=True)
    worst = [r for r in by_score[: min(n, -(-len(rows) // 2))] if score(r) > 0]
    taken = {r.call_id for r in worst}
    best = [r for r in sorted(newest_first, key=score) if r.call_id not in taken][:n]
    return best, worst
