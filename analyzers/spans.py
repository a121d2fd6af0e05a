"""The one time-span type: a stretch of the recording, seconds from its start.

A ``NamedTuple`` so a span is also the plain ``(start_s, end_s)`` pair the
report's JSON carries (``Pickup.ring_times``, ``Signals.speech``) and unpacks
as ``a, b = span``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    """A stretch of the recording (voice activity, a ring, a silence, a window)."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[Span]:
    """The spans sorted, overlapping or touching ones merged, empty ones dropped."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1].end_s:
            merged[-1] = Span(merged[-1].start_s, max(merged[-1].end_s, end))
        else:
            merged.append(Span(start, end))
    return merged


def subtract_spans(
    spans: Iterable[tuple[float, float]], cut: Iterable[tuple[float, float]]
) -> list[Span]:
    """The parts of ``spans`` outside every span of ``cut`` (both merged first)."""
    out: list[Span] = []
    holes = merge_spans(cut)
    for start, end in merge_spans(spans):
        for a, b in holes:
            if b <= start or a >= end:
                continue
            if a > start:
                out.append(Span(start, a))
            start = max(start, b)
        if end > start:
            out.append(Span(start, end))
    return out
