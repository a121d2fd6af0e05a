"""Coaches' notes on calls: a comment at a time in the call, on one of its findings,
or both. Checked against the call (times inside the recording, findings that exist)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import Call, CallNote, CallReport

MAX_NOTE_CHARS = 2000


class NoteIn(BaseModel):
    """A new note: ``text`` and where it belongs (a time, a finding, both or neither)."""

    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)
    at_s: float | None = Field(None, ge=0, description="seconds from the recording's start")
    finding: int | None = Field(None, ge=0, description="index in the report's findings")


class NoteError(ValueError):
    """The note does not fit the call (the message says why, for a person)."""


def _findings_count(session: Session, call_id: uuid.UUID) -> int:
    row = session.get(CallReport, call_id)
    return len(row.report.get("findings", [])) if row is not None else 0


def add_note(session: Session, call: Call, note: NoteIn, author: str) -> CallNote:
    """Store ``note`` on ``call``; NoteError when its time or finding is not the call's."""
    text = note.text.strip()
    if not text:
        raise NoteError("the note is empty")
    if note.at_s is not None:
        if not math.isfinite(note.at_s):
            raise NoteError("the note's time must be a number of seconds")
        if call.duration_s is not None and note.at_s > call.duration_s + 0.5:
            raise NoteError(
                f"the note's time {note.at_s:g} s is after the end of the call "
                f"({call.duration_s:.0f} s)"
            )
    if note.finding is not None and note.finding >= _findings_count(session, call.id):
        raise NoteError(f"the call has no finding {note.finding + 1}")
    row = CallNote(call_id=call.id, at_s=note.at_s, finding=note.finding, text=text, author=author)
    session.add(row)
    session.flush()
    return row


def call_notes(session: Session, call_id: uuid.UUID) -> list[CallNote]:
    """A call's notes, oldest first."""
    return list(
        session.scalars(select(CallNote).where(CallNote.call_id == call_id).order_by(CallNote.id))
    )


def agent_notes(
    session: Session, team_id: int, agent_id: str, limit: int = 50
) -> Sequence[tuple[CallNote, Call]]:
    """The newest notes on an agent's calls, with their calls."""
    rows = session.execute(
        select(CallNote, Call)
        .join(Call, Call.id == CallNote.call_id)
        .where(Call.team_id == team_id, Call.agent_id == agent_id)
        .order_by(CallNote.created_at.desc(), CallNote.id.desc())
        .limit(limit)
    )
    return [(note, call) for note, call in rows]
