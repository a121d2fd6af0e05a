"""Metric cards: each headline value against its range, with a small gauge when the
report gives the range numerically (``Metric.low``/``Metric.high``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.report import Metric

_NUMBER = r"-?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Gauge:
    """Percent positions on a bar: the range [band_from, band_to] and the value."""

    band_from: float
    band_to: float
    value_at: float
    low_label: str
    high_label: str


@dataclass(frozen=True)
class Card:
    rule: str
    label: str
    value: str
    unit: str
    expected: str
    status: str
    reason: str | None
    gauge: Gauge | None
    note: str | None = None  # a caveat (e.g. the parties' separation was unsure)


_NEGATIVE_SPAN = re.compile(rf"({_NUMBER})–(-\d)")


def pretty_range(expected: str) -> str:
    """Older reports' range texts as new ones write them: ``-36–-16 dBov`` reads as
    ``-36 to -16 dBov`` and an allowance of ``≤ 0`` as ``none``."""
    if expected.strip() == "≤ 0":
        return "none"
    return _NEGATIVE_SPAN.sub(r"\1 to \2", expected)


def _label(v: float) -> str:
    return f"{v:g}"


def _gauge(value: float, low: float | None, high: float | None) -> Gauge | None:
    if low is None and high is None:
        return None
    lo = low if low is not None else high
    hi = high if high is not None else low
    assert lo is not None and hi is not None
    span = max(hi - lo, abs(hi) * 0.5, abs(value - lo), abs(value - hi), 1.0)
    start, end = min(lo, value) - 0.25 * span, max(hi, value) + 0.25 * span
    if low is not None and low >= 0 and start < 0:
        start = 0.0

    def pct(v: float) -> float:
        return round(100 * (v - start) / (end - start), 1)

    return Gauge(
        band_from=pct(low) if low is not None else 0.0,
        band_to=pct(high) if high is not None else 100.0,
        value_at=min(100.0, max(0.0, pct(value))),
        low_label=_label(low) if low is not None else "",
        high_label=_label(high) if high is not None else "",
    )


def metric_card(metric: Metric) -> Card:
    value = metric.value
    if isinstance(value, float):
        text = f"{value:.0f}" if abs(value) >= 100 or value.is_integer() else f"{value:.1f}"
    else:
        text = "–" if value is None else str(value)
    gauge = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        gauge = _gauge(float(value), metric.low, metric.high)
    return Card(
        metric.rule,
        metric.label,
        text,
        metric.unit,
        pretty_range(metric.expected),
        metric.status,
        metric.reason,
        gauge,
        metric.note,
    )
