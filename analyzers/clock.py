"""Positions in a recording as people read them: 0:07, 1:05:09 (and 0:07.4 with tenths).

Truncated, not rounded, like a media player's position: 59.9 s is still 0:59, so a
label never names a second the moment has not reached.
"""

from __future__ import annotations

import math

NO_TIME = "–"


def clock(seconds: float | None, tenths: bool = False) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour on); ``tenths`` adds ``.d``; "–" for no time."""
    if seconds is None or not math.isfinite(seconds):
        return NO_TIME
    # Tenths counted as integers (5.3 s is 53, not 52.999...), then truncated.
    deciseconds = int(max(0.0, seconds) * 10 + 1e-6)
    whole, tenth = divmod(deciseconds, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{tenth}" if tenths else text
