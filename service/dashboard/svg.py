"""Small helpers for server-drawn SVG charts: linear scales, nice ticks, paths."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Maps a domain [d0, d1] linearly onto a range [r0, r1] (pixels)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        span = self.d1 - self.d0
        t = 0.0 if span == 0 else (value - self.d0) / span
        return round(self.r0 + t * (self.r1 - self.r0), 2)

    def clamped(self, value: float) -> float:
        low, high = sorted((self.d0, self.d1))
        return self(min(max(value, low), high))


def nice_step(span: float, max_ticks: int, integer: bool = False) -> float:
    """A 1/2/5 x 10^k step giving at most ``max_ticks`` intervals over ``span``
    (at least 1 for counts)."""
    if span <= 0:
        return 1.0
    raw = span / max(1, max_ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(
        (f * magnitude for f in (1, 2, 5) if f * magnitude >= raw * (1 - 1e-9)), 10 * magnitude
    )
    return max(step, 1.0) if integer else step


def ticks(low: float, high: float, max_ticks: int = 5, integer: bool = False) -> list[float]:
    """Nice ticks from the last step at or below ``low`` to the first at or above
    ``high``: an axis drawn from the first to the last tick holds every value."""
    step = nice_step(high - low, max_ticks, integer)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(count + 1)]


def tick_label(value: float, values: Sequence[float]) -> str:
    """A tick's label with as many decimals as the step needs (0.05 -> 2) and no more."""
    step = min((b - a for a, b in itertools.pairwise(values)), default=1.0)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{value:.{decimals}f}"


# Steps for a time axis in seconds (labels read m:ss).
_TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def time_ticks(duration_s: float, max_ticks: int = 12) -> list[float]:
    step = next((s for s in _TIME_STEPS if duration_s / s <= max_ticks), _TIME_STEPS[-1])
    return [float(t) for t in range(0, int(duration_s) + 1, step)]


def bucket(values: Sequence[float | None], n_out: int, how: str = "max") -> list[float | None]:
    """Reduce a long series to at most ``n_out`` buckets (max or median of each, None-aware)."""
    if len(values) <= n_out:
        return list(values)
    out: list[float | None] = []
    size = len(values) / n_out
    for i in range(n_out):
        part = [v for v in values[int(i * size) : int((i + 1) * size)] if v is not None]
        if not part:
            out.append(None)
        elif how == "max":
            out.append(max(part))
        else:
            part.sort()
            out.append(part[len(part) // 2])
    return out


def polylines(points: Sequence[tuple[float, float | None]]) -> list[str]:
    """``points`` attributes of polylines, broken wherever y is None."""
    lines: list[str] = []
    current: list[str] = []
    for x, y in points:
        if y is None:
            if len(current) > 1:
                lines.append(" ".join(current))
            current = []
        else:
            current.append(f"{x:.1f},{y:.1f}")
    if len(current) > 1:
        lines.append(" ".join(current))
    return lines


def area_path(points: Sequence[tuple[float, float]], baseline: float) -> str:
    """A closed path filling between a curve and a horizontal baseline."""
    if not points:
        return ""
    body = " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f"M{points[0][0]:.1f},{baseline:.1f} L{body} L{points[-1][0]:.1f},{baseline:.1f} Z"
