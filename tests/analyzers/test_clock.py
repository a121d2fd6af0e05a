"""One clock format for positions in a recording (CLI, dashboard pages, timeline)."""

from __future__ import annotations

import math

import pytest

from analyzers.clock import clock


@pytest.mark.parametrize(
    ("seconds", "text", "with_tenths"),
    [
        (0.0, "0:00", "0:00.0"),
        (5.3, "0:05", "0:05.3"),
        (59.96, "0:59", "0:59.9"),  # truncated like a player's position, never rounded up
        (65.0, "1:05", "1:05.0"),
        (3599.0, "59:59", "59:59.0"),
        (3909.25, "1:05:09", "1:05:09.2"),
        (-2.0, "0:00", "0:00.0"),
    ],
)
def test_clock(seconds: float, text: str, with_tenths: str) -> None:
    assert clock(seconds) == text
    assert clock(seconds, tenths=True) == with_tenths


@pytest.mark.parametrize("missing", [None, math.nan, math.inf])
def test_no_time_is_a_dash(missing: float | None) -> None:
    assert clock(missing) == clock(missing, tenths=True) == "–"


def test_cli_and_dashboard_use_the_same_function() -> None:
    from analyzers import cli
    from service.dashboard import templating, timeline

    assert cli.clock is templating.clock is timeline.clock is clock
