"""Days in the pages' date pickers (YYYY-MM-DD, UTC) as datetime bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import HTTPException

# The pickers' range: room on both sides for the pages' week and day arithmetic.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def parse_day(text: str | None) -> date | None:
    """A date picker's value; 422 when it is not a date or outside the years 1900-2999."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(422, f"not a date (YYYY-MM-DD): {text!r}") from None
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise HTTPException(422, f"{text!r} is outside the years 1900 to 2999")
    return day


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def end_of(day: date) -> datetime:
    """The first moment after ``day``: "to" days are included."""
    return start_of(day + timedelta(days=1))
