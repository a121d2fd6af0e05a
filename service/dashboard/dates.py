"""Days in the pages' date pickers (YYYY-MM-DD, UTC) as datetime bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import HTTPException


def parse_day(text: str | None) -> date | None:
    """A date picker's value; 422 when it is not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(422, f"not a date (YYYY-MM-DD): {text!r}") from None


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def end_of(day: date) -> datetime:
    """The first moment after ``day``: "to" days are included."""
    return start_of(day + timedelta(days=1))
