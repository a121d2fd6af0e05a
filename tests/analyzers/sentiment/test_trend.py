from __future__ import annotations

from analyzers.sentiment import party_trend


def test_first_third_against_last_third() -> None:
    trend = party_trend([-0.6, -0.3, 0.0, 0.0, 0.3, 0.9])
    assert (trend.turns, trend.start, trend.end) == (6, -0.45, 0.6)
    assert trend.change == 1.05


def test_short_party_rounds_the_third_to_at_least_one_turn() -> None:
    trend = party_trend([-0.5, 0.5])
    assert (trend.start, trend.end, trend.change) == (-0.5, 0.5, 1.0)


def test_one_turn_has_no_trend() -> None:
    trend = party_trend([0.4])
    assert (trend.turns, trend.start, trend.end, trend.change) == (1, None, None, None)
