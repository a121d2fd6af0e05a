"""Metric cards say what is out of range (issue 13), and axis ticks are nice."""

from __future__ import annotations

import itertools
import math

import pytest

from service.dashboard.cards import metric_card
from service.dashboard.svg import tick_label, ticks
from tests.service.dashboard.coach_reports import (
    AGENT_LEVEL,
    QUIET_TURN_S,
    RAISED_TURN_S,
    coaching_report,
)


def _card(rule: str) -> object:
    report = coaching_report()
    metric = next(m for m in report.metrics if m.rule == rule)
    return metric_card(metric, report)


def test_loudness_card_in_range_counts_the_turns_out_of_range() -> None:
    report = coaching_report()
    metric = next(m for m in report.metrics if m.rule == "loudness")
    assert metric.value == AGENT_LEVEL and metric.low is not None and metric.high is not None
    assert metric.low <= AGENT_LEVEL <= metric.high
    card = metric_card(metric, report)
    assert card.status == "ok"
    assert card.moments is not None and card.moments.text == "2 turns out of range"
    linked = [
        report.findings[link.finding] for link in card.moments.links if link.finding is not None
    ]
    assert [(f.rule, f.start_s) for f in linked] == [
        ("loudness", QUIET_TURN_S),
        ("loudness", RAISED_TURN_S),
    ]


def test_loudness_card_out_of_range_keeps_its_status() -> None:
    report = coaching_report()
    metric = next(m for m in report.metrics if m.rule == "loudness")
    loud = metric.model_copy(update={"value": -12.0, "status": "warning"})
    assert metric_card(loud, report).status == "warning"


def test_window_cards_count_windows() -> None:
    rate = _card("speech_rate")
    assert rate.status == "ok" and rate.moments.text == "2 of 9 windows slow"  # type: ignore[attr-defined]
    pitch = _card("pitch_monotony")
    assert pitch.moments.text == "1 of 3 windows flat"  # type: ignore[attr-defined]


def test_card_without_report_has_no_moments() -> None:
    report = coaching_report()
    assert metric_card(report.metrics[0]).moments is None


@pytest.mark.parametrize(
    ("low", "high", "integer"),
    [
        (0.0, 0.3, False),
        (0.0, 0.3, True),
        (-36.0, -12.5, False),
        (0.0, 171.0, False),
        (2.1, 2.2, False),
    ],
)
def test_ticks_are_1_2_5_steps_covering_the_range(low: float, high: float, integer: bool) -> None:
    values = ticks(low, high, 4, integer=integer)
    assert values[0] <= low and values[-1] >= high
    steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    if integer:
        assert step >= 1 and all(v == int(v) for v in values)
    labels = [tick_label(v, values) for v in values]
    assert len(set(labels)) == len(labels), labels
