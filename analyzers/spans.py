"""The one time-span type: a stretch of the recording, seconds from its start.

A ``NamedTuple`` so a span is also the plain ``(start_s, end_s)`` pair the
report's JSON carries (``Pickup.ring_times``, ``Signals.speech``) and unpacks
as ``a, b = span``.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A stretch of the recording (voice activity, a ring, a silence, a window)."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s
