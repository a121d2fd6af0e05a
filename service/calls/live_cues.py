"""The cues a live call showed, stored with the call (table ``live_cues``): written by
the intake with the call row, read by the report endpoint and the call page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import LiveCue


def add_live_cues(session: Session, call_id: uuid.UUID, cues: Sequence[dict[str, Any]]) -> None:
    """``cues``: as sent (the engine's cue plus ``seq`` and ``shown_s``)."""
    session.add_all(
        LiveCue(
            call_id=call_id,
            seq=i,
            rule=str(cue["rule"]),
            state=str(cue["state"]),
            at_s=float(cue["at_s"]),
            shown_s=float(cue.get("shown_s", cue["at_s"])),
            cue=dict(cue),
        )
        for i, cue in enumerate(cues)
    )


def live_cues(session: Session, call_id: uuid.UUID) -> list[dict[str, Any]]:
    """The call's cues in the order they were sent (none for a call that was not live)."""
    rows = session.scalars(select(LiveCue).where(LiveCue.call_id == call_id).order_by(LiveCue.seq))
    return [dict(row.cue) for row in rows]
