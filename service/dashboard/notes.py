"""Notes as the call page shows them: on the timeline, in the transcript and under
their finding; and the note form's time field ("1:05" or "65")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.dashboard.timeline import Timeline
from service.dashboard.transcript import EventView, Item
from service.db.models import CallNote

_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)\s*$")
_SECONDS = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def parse_time(text: str) -> float | None:
    """Seconds from "1:05", "1:02:03" or "65.5"; None for an empty field."""
    if not text.strip():
        return None
    if _SECONDS.match(text):
        return float(text)
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"“{text}” is not a time in the call (write it as 1:05 or 65)")
    hours, minutes, seconds = match.groups()
    if float(seconds) >= 60:
        raise ValueError(f"“{text}” has more than 59 seconds")
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


@dataclass(frozen=True)
class NoteMark:
    """A note with a time, placed on the timeline."""

    x: float
    note: CallNote


def timeline_marks(timeline: Timeline, notes: list[CallNote]) -> list[NoteMark]:
    span = timeline.plot_right - timeline.plot_left
    duration = max(timeline.duration_s, 0.1)
    return [
        NoteMark(round(timeline.plot_left + span * min(n.at_s, duration) / duration, 2), n)
        for n in notes
        if n.at_s is not None
    ]


def with_notes(items: list[Item], notes: list[CallNote]) -> list[Item]:
    """The transcript with each timed note as a row at its time."""
    rows: list[Item] = [
        EventView("note", n.at_s, None, n.text) for n in notes if n.at_s is not None
    ]
    # Stable: a note follows the turn that starts at the same moment.
    return sorted([*items, *rows], key=lambda item: item.start_s)
