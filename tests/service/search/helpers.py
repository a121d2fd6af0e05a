"""Done calls with generated transcripts, stored the way a worker stores them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update

from analyzers.report import Finding, Parties, Pickup, Report, Turn
from service.db.models import Call
from service.db.session import Database
from service.jobs import claims
from tests.service.conftest import add_call

TurnSpec = tuple[str, float, float, str]  # party, start_s, end_s, text


def transcript_report(
    turns: list[TurnSpec], language: str | None = "en", rules: tuple[str, ...] = ()
) -> Report:
    return Report(
        duration_s=max((t[2] for t in turns), default=1.0) + 1.0,
        sample_rate=8000,
        channels=2,
        language=language,
        ranges_profile="default",
        pickup=Pickup(),
        parties=Parties(),
        turns=[Turn(party=p, start_s=s, end_s=e, text=t) for p, s, e, t in turns],  # type: ignore[arg-type]
        findings=[
            Finding(
                rule=rule,
                severity="warning",
                start_s=0.0,
                end_s=1.0,
                value=None,
                expected="",
                message="",
                advice="",
            )
            for rule in rules
        ],
    )


def store_done_call(
    db: Database,
    turns: list[TurnSpec],
    *,
    team: str = "acme",
    agent_id: str | None = "anna",
    recorded_at: datetime | None = None,
    language: str | None = "en",
    rules: tuple[str, ...] = (),
) -> uuid.UUID:
    """A call analysed into ``turns``: claimed and completed like a worker does."""
    call_id = add_call(db, team, agent_id=agent_id)
    if recorded_at is not None:
        with db.session() as session:
            session.execute(update(Call).where(Call.id == call_id).values(recorded_at=recorded_at))
    job = claims.claim(db, call_id, "test-worker", 60.0, 3)
    assert job is not None
    assert claims.complete(db, job, transcript_report(turns, language, rules), 1.0)
    return call_id
