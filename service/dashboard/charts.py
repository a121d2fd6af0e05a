"""Weekly trend charts (agent vs team vs the range) and comparison bars, as SVG geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from service.dashboard.svg import Scale, polylines, tick_label, ticks
from service.dashboard.trends import TrendMetric, WeekPoint

CHART_W = 480.0
CHART_H = 220.0
PAD_LEFT = 52.0
PAD_RIGHT = 12.0
PAD_TOP = 12.0
PAD_BOTTOM = 40.0


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # tooltip: week, value, calls


@dataclass(frozen=True)
class AxisTick:
    pos: float
    label: str


@dataclass
class TrendChart:
    metric: TrendMetric
    width: float = CHART_W
    height: float = CHART_H
    plot_left: float = PAD_LEFT
    plot_right: float = CHART_W - PAD_RIGHT
    plot_top: float = PAD_TOP
    plot_bottom: float = CHART_H - PAD_BOTTOM
    band: tuple[float, float] | None = None  # y top, y bottom of the recommended range
    agent_lines: list[str] = field(default_factory=list)
    agent_points: list[Point] = field(default_factory=list)
    team_lines: list[str] = field(default_factory=list)
    team_points: list[Point] = field(default_factory=list)
    y_ticks: list[AxisTick] = field(default_factory=list)
    x_ticks: list[AxisTick] = field(default_factory=list)
    empty: bool = False
    note: str | None = None  # a caveat on the values (rough sentiment)


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def trend_chart(metric: TrendMetric, agent: list[WeekPoint], team: list[WeekPoint]) -> TrendChart:
    weeks: list[date] = sorted({p.week for p in agent} | {p.week for p in team})
    values = [p.value for p in agent + team if p.value is not None]
    bounds = [b for b in (metric.low, metric.high) if b is not None]
    plot_left, plot_right = PAD_LEFT, CHART_W - PAD_RIGHT
    plot_top, plot_bottom = PAD_TOP, CHART_H - PAD_BOTTOM
    if not values:
        return TrendChart(metric, empty=True)
    low, high = min(values + bounds), max(values + bounds)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = 0.08 * (high - low)
    low, high = low - pad, high + pad
    if min(values + bounds) >= 0 and low < 0:
        low = 0.0  # counts, rings and rates are never negative
    y_values = ticks(low, high, 4, integer=metric.counted)
    low, high = y_values[0], y_values[-1]
    y = Scale(low, high, plot_bottom, plot_top)
    n = len(weeks)
    x_of = {
        week: (plot_left + plot_right) / 2
        if n == 1
        else plot_left + 10 + i * (plot_right - plot_left - 20) / (n - 1)
        for i, week in enumerate(weeks)
    }
    band = None
    if bounds:
        top = y(metric.high) if metric.high is not None else plot_top
        bottom = y(metric.low) if metric.low is not None else plot_bottom
        band = (min(top, bottom), max(top, bottom))

    def line(points: list[WeekPoint]) -> list[str]:
        return polylines([(x_of[p.week], None if p.value is None else y(p.value)) for p in points])

    agent_points = [
        Point(
            x_of[p.week],
            y(p.value),
            f"week of {p.week:%d %b}: {_fmt(p.value, metric.digits)} {metric.unit} "
            f"({p.calls} call{'s' if p.calls != 1 else ''})",
        )
        for p in agent
        if p.value is not None
    ]
    every = max(1, -(-n // 7))  # at most ~7 week labels
    return TrendChart(
        metric=metric,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        band=band,
        agent_lines=line(agent),
        agent_points=agent_points,
        team_lines=line(team),
        team_points=[
            Point(
                x_of[p.week],
                y(p.value),
                f"team, week of {p.week:%d %b}: {_fmt(p.value, metric.digits)} {metric.unit}",
            )
            for p in team
            if p.value is not None
        ],
        y_ticks=[AxisTick(y(v), tick_label(v, y_values)) for v in y_values],
        x_ticks=[AxisTick(x_of[w], f"{w:%d %b}") for i, w in enumerate(weeks) if i % every == 0],
    )
