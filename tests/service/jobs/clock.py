"""A clock the lease tests move by hand instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.db.types import utcnow


class ManualClock:
    """Starts at the wall clock (so rows written just before are due) and moves only
    when told."""

    def __init__(self) -> None:
        self.now: datetime = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
