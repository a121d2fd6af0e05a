"""Metric cards: each headline value against its range, with a small gauge when the
range is numeric (``120–160 wpm``, ``≥ 2 st``, ``≤ 60 s``, ``ring 2–3``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.report import Metric

_NUMBER = r"-?\d+(?:\.\d+)?"
_BETWEEN = re.compile(rf"({_NUMBER})\s*[–-]\s*({_NUMBER})")
_AT_LEAST = re.compile(rf"≥\s*({_NUMBER})")
_AT_MOST = re.compile(rf"≤\s*({_NUMBER})")
# Rules whose "expected" text is a range of the metric's own value (the silence rule's
# "no unexplained silence ≥ 5 s" is about durations, not about the count it shows).
GAUGE_RULES = frozenset(
    {"pickup_delay", "speech_rate", "pitch_monotony", "loudness", "talk_ratio", "interruption"}
)


def range_bounds(expected: str) -> tuple[float | None, float | None]:
    """(low, high) of a range as rules.py writes it; (None, None) when it has none."""
    head = expected.split(";")[0]
    if match := _BETWEEN.search(head):
        return float(match.group(1)), float(match.group(2))
    if match := _AT_LEAST.search(head):
        return float(match.group(1)), None
    if match := _AT_MOST.search(head):
        return None, float(match.group(1))
    return None, None


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


_NEGATIVE_SPAN = re.compile(rf"({_NUMBER})–(-\d)")


def pretty_range(expected: str) -> str:
    """``-36–-16 dBov`` reads as ``-36 to -16 dBov``."""
    return _NEGATIVE_SPAN.sub(r"\1 to \2", expected)


def _label(v: float) -> str:
    return f"{v:g}"


def _gauge(value: float, low: float | None, high: float | None) -> Gauge | None:
    if low is None and high is None:
        return None
    lo = low if low is not None else high  # type: ignore[assignment]
    hi = high if high is not None else low  # type: ignore[assignment]
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
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and metric.rule in GAUGE_RULES
    ):
        gauge = _gauge(float(value), *range_bounds(metric.expected))
    return Card(
        metric.rule,
        metric.label,
        text,
        metric.unit,
        pretty_range(metric.expected),
        metric.status,
        metric.reason,
        gauge,
    )
