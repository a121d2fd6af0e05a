"""What scoring one report produces, and how a scorer writes it.

A scorer is a function ``(report, profile, card) -> None`` (see ``Scorer``): it reads
the report's measurements and the profile's ranges and adds findings and metric rows
to the ``Scorecard``. Metric rows take their label, unit and numeric range from the
rules table (analyzers.rule_table), so the report, the dashboard and the trends agree.
"""

from __future__ import annotations

from collections.abc import Callable

from analyzers.profile import Profile
from analyzers.report import Finding, Metric, MetricStatus, Report, Severity, Unmeasured
from analyzers.rule_table import MetricSpec, rule_spec

MONO_REASON = "mono recording: the parties cannot be told apart"


def format_range(low: float | None, high: float | None, unit: str = "") -> str:
    """120–160 wpm, -36 to -16 dBov (a dash between negatives reads badly), ≥ 2 st, ≤ 60 s."""
    if low is not None and high is not None:
        joiner = " to " if low < 0 or high < 0 else "–"
        text = f"{low:g}{joiner}{high:g}"
    elif low is not None:
        text = f"≥ {low:g}"
    elif high is not None:
        text = f"≤ {high:g}"
    else:
        return ""
    return f"{text} {unit}".strip()


def metric_bounds(
    profile: Profile, rule_id: str, metric: MetricSpec
) -> tuple[float | None, float | None]:
    """(low, high) of a metric in its own unit, from the profile settings the table names."""
    section = getattr(profile, rule_id)
    low = metric.scale * getattr(section, metric.low) if metric.low else None
    high = metric.scale * getattr(section, metric.high) if metric.high else metric.high_value
    return low, high


def _status(severity: Severity | None) -> MetricStatus:
    if severity is None:
        return "ok"
    return "critical" if severity == "critical" else "warning"


class Scorecard:
    """Findings, metric rows and unmeasured rules of one report, in scoring order."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.metrics: list[Metric] = []
        self.unmeasured: list[Unmeasured] = []

    def add_finding(self, finding: Finding) -> None:
        self.findings.append(finding)

    def add_metric(
        self,
        profile: Profile,
        rule_id: str,
        key: str,
        value: int | float | str,
        severity: Severity | None,
        expected: str | None = None,
    ) -> None:
        """A measured row; ``expected`` defaults to the numeric range as text."""
        spec = rule_spec(rule_id).metric(key)
        low, high = metric_bounds(profile, rule_id, spec)
        self.metrics.append(
            Metric(
                rule=rule_id,
                key=key,
                label=spec.label,
                value=value,
                unit=spec.unit,
                expected=format_range(low, high, spec.unit) if expected is None else expected,
                status=_status(severity),
                low=low,
                high=high,
            )
        )

    def add_unmeasured(
        self,
        profile: Profile,
        rule_id: str,
        reason: str,
        keys: tuple[str, ...] | None = None,
        expected: str | None = None,
    ) -> None:
        """The rule (or only its metrics ``keys``) could not be measured, and why."""
        rule = rule_spec(rule_id)
        if not any(u.rule == rule_id for u in self.unmeasured):
            self.unmeasured.append(Unmeasured(rule=rule_id, reason=reason))
        for spec in rule.metrics:
            if keys is not None and spec.key not in keys:
                continue
            low, high = metric_bounds(profile, rule_id, spec)
            self.metrics.append(
                Metric(
                    rule=rule_id,
                    key=spec.key,
                    label=spec.label,
                    value=None,
                    unit=spec.unit,
                    expected=format_range(low, high, spec.unit) if expected is None else expected,
                    status="unmeasured",
                    reason=reason,
                    low=low,
                    high=high,
                )
            )


Scorer = Callable[[Report, Profile, Scorecard], None]
