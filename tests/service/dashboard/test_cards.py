"""Metric cards: the range text read into bounds and spelled out for people."""

from __future__ import annotations

import pytest

from service.dashboard.cards import pretty_range, range_bounds


@pytest.mark.parametrize(
    ("expected", "bounds"),
    [
        ("120–160 wpm", (120.0, 160.0)),
        ("ring 2–3", (2.0, 3.0)),
        ("≥ 2 st", (2.0, None)),
        ("≤ 60 s", (None, 60.0)),
        ("-36–-16 dBov; < 6 dB above median", (-36.0, -16.0)),
        ("none", (None, None)),
    ],
)
def test_range_bounds_read_the_rules_range_text(
    expected: str, bounds: tuple[float | None, float | None]
) -> None:
    assert range_bounds(expected) == bounds


def test_pretty_range_spells_out_negative_spans() -> None:
    assert pretty_range("-36–-16 dBov") == "-36 to -16 dBov"
    assert pretty_range("120–160 wpm") == "120–160 wpm"
