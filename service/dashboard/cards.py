"""Metric cards: each headline value against its range, with a small gauge when the
report gives the range numerically (``Metric.low``/``Metric.high``).

A card's status is its value's: a call-level value inside its range reads "In range"
even when single turns or windows are not; those are counted on the card as what
they are ("2 turns out of range", "2 of 9 windows slow"), each linked to its moment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.report import Metric, Report, WindowValue

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
class MomentLink:
    start_s: float
    finding: int | None  # index in the report's findings, when one says it


@dataclass(frozen=True)
class Moments:
    """Turns or windows of a card's metric that are out of range."""

    text: str
    out_of_range: int
    links: list[MomentLink]


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
    moments: Moments | None = None


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


# Per-window metrics: the report field of the agent's windows and the words for a
# window below / above the range.
_WINDOWED = {
    "speech_rate": ("wpm_windows", "slow", "fast"),
    "pitch_monotony": ("pitch_sd_windows", "flat", "very varied"),
}


def _finding_at(report: Report, rule: str, start_s: float) -> int | None:
    return next(
        (
            i
            for i, f in enumerate(report.findings)
            if f.rule == rule and f.start_s is not None and abs(f.start_s - start_s) < 1e-6
        ),
        None,
    )


def _window_moments(report: Report, metric: Metric) -> Moments | None:
    field, low_word, high_word = _WINDOWED[metric.rule]
    agent = report.parties.agent
    windows: list[WindowValue] = [
        w for w in (getattr(agent, field) if agent else []) if w.value is not None
    ]
    if not windows or (metric.low is None and metric.high is None):
        return None
    low = [w for w in windows if metric.low is not None and w.value < metric.low]  # type: ignore[operator]
    high = [w for w in windows if metric.high is not None and w.value > metric.high]  # type: ignore[operator]
    parts = [(len(ws), word) for ws, word in ((low, low_word), (high, high_word)) if ws]
    n = len(windows)
    unit = "window" if n == 1 else "windows"
    if not parts:
        text = f"all {n} {unit} in range" if n > 1 else "the one window is in range"
    else:
        text = f"{parts[0][0]} of {n} {unit} {parts[0][1]}"
        text += "".join(f", {count} {word}" for count, word in parts[1:])
    out = sorted(low + high, key=lambda w: w.start_s)
    links = [MomentLink(w.start_s, _finding_at(report, metric.rule, w.start_s)) for w in out]
    return Moments(text, len(out), links)


def _turn_moments(report: Report, metric: Metric) -> Moments | None:
    found = [
        (i, f)
        for i, f in enumerate(report.findings)
        if f.rule == metric.rule and f.start_s is not None
    ]
    if not found:
        return None
    n = len(found)
    text = f"{n} turn{'s' if n != 1 else ''} out of range"
    return Moments(text, n, [MomentLink(f.start_s or 0.0, i) for i, f in found])


def _inside(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def metric_card(metric: Metric, report: Report | None = None) -> Card:
    """A metric row as a card; with its ``report``, the turns or windows out of range."""
    value = metric.value
    if isinstance(value, float):
        text = f"{value:.0f}" if abs(value) >= 100 or value.is_integer() else f"{value:.1f}"
    else:
        text = "–" if value is None else str(value)
    gauge = None
    status = metric.status
    moments = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        gauge = _gauge(float(value), metric.low, metric.high)
        if report is not None and metric.rule in _WINDOWED:
            moments = _window_moments(report, metric)
        elif report is not None and metric.rule == "loudness":
            moments = _turn_moments(report, metric)
        has_range = metric.low is not None or metric.high is not None
        if moments and has_range and _inside(float(value), metric.low, metric.high):
            status = "ok"  # the value is in range; the moments say what is not
    return Card(
        metric.rule,
        metric.label,
        text,
        metric.unit,
        pretty_range(metric.expected),
        status,
        metric.reason,
        gauge,
        note=metric.note,
        moments=moments,
    )
