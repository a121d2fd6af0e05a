"""A party's sentiment at the start of the call against the end: the mean score of the
first third of its scored turns against the last third."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_TURNS = 2  # with one scored turn there is no start and end to compare


@dataclass(frozen=True)
class Trend:
    turns: int
    start: float | None
    end: float | None

    @property
    def change(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return round(self.end - self.start, 3)


def party_trend(scores: Sequence[float]) -> Trend:
    """``scores``: one party's turn scores in time order."""
    n = len(scores)
    if n < MIN_TURNS:
        return Trend(n, None, None)
    third = max(1, round(n / 3))
    start = statistics.fmean(scores[:third])
    end = statistics.fmean(scores[-third:])
    return Trend(n, round(start, 3), round(end, 3))
