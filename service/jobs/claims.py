"""Job state transitions on the calls table: the row is the source of truth.

Every transition is a compare-and-set ``UPDATE ... WHERE status = ... AND lease_owner
= ...``: a claim succeeds for exactly one worker, and a worker whose lease was taken
over (it stalled, or was presumed dead) cannot write a result. A broker message is
only a hint to look at a row; delivering it twice does no harm.

Every function reads the time from ``clock`` (default: the wall clock in UTC), so tests
move time forward instead of sleeping through leases and backoffs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from analyzers.report import Report
from service.callbacks.outbox import add_deliveries
from service.calls.results import add_score_rows
from service.db.models import (
    DONE,
    FAILED,
    PROCESSING,
    QUEUED,
    Call,
    CallReport,
)
from service.db.session import Database, changed_rows
from service.db.types import utcnow
from service.search.index import index_call
from service.storage import StoredBlob
from service.voices import record_voice_print

MAX_ERROR_MESSAGE = 2000

# The current time in UTC; tests pass a clock they advance by hand.
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ClaimedJob:
    call_id: uuid.UUID
    lease_owner: str
    attempts: int
    team_id: int
    source: str
    source_url: str | None
    source_account: str | None
    audio_key: str | None
    options: dict[str, Any]
    call_metadata: dict[str, Any]
    agent_id: str | None = None


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Call.status == QUEUED, Call.available_at <= now),
        and_(Call.status == PROCESSING, Call.lease_expires_at < now),
    )


def claim(
    db: Database,
    call_id: uuid.UUID,
    worker_id: str,
    lease_s: float,
    max_attempts: int,
    *,
    clock: Clock = utcnow,
) -> ClaimedJob | None:
    """Take the job if it is queued and due, or processing with an expired lease.

    A job whose lease expired ``max_attempts`` times (its worker died each time: a
    recording that crashes workers) is failed instead of being tried again.
    """
    now = clock()
    owner = f"{worker_id}/{uuid.uuid4().hex[:12]}"
    with db.session() as session:
        claimed = changed_rows(
            session,
            update(Call)
            .where(Call.id == call_id, _claimable(now), Call.attempts < max_attempts)
            .values(
                status=PROCESSING,
                lease_owner=owner,
                lease_expires_at=now + timedelta(seconds=lease_s),
                attempts=Call.attempts + 1,
                started_at=now,
            )
            .execution_options(synchronize_session=False),
        )
        if claimed != 1:
            _fail_exhausted(session, call_id, now, max_attempts)
            return None
        row = session.get_one(Call, call_id)
        return ClaimedJob(
            call_id=row.id,
            lease_owner=owner,
            attempts=row.attempts,
            team_id=row.team_id,
            source=row.source,
            source_url=row.source_url,
            source_account=row.source_account,
            audio_key=row.audio_key,
            options=dict(row.options or {}),
            call_metadata=dict(row.call_metadata or {}),
            agent_id=row.agent_id,
        )


def _fail_exhausted(session: Session, call_id: uuid.UUID, now: datetime, max_attempts: int) -> None:
    failed = changed_rows(
        session,
        update(Call)
        .where(
            Call.id == call_id,
            Call.status == PROCESSING,
            Call.lease_expires_at < now,
            Call.attempts >= max_attempts,
        )
        .values(
            status=FAILED,
            error_code="worker_lost",
            error_message=f"the analysis was interrupted {max_attempts} times "
            "(its worker stopped or was killed each time)",
            finished_at=now,
            lease_owner=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False),
    )
    if failed == 1:
        add_deliveries(session, session.get_one(Call, call_id), "call.failed")


def due_job_ids(db: Database, limit: int = 20, *, clock: Clock = utcnow) -> list[uuid.UUID]:
    """Jobs a worker could claim now, oldest first."""
    now = clock()
    with db.session() as session:
        return list(
            session.scalars(
                select(Call.id).where(_claimable(now)).order_by(Call.available_at).limit(limit)
            )
        )


def claim_next(
    db: Database, worker_id: str, lease_s: float, max_attempts: int, *, clock: Clock = utcnow
) -> ClaimedJob | None:
    for call_id in due_job_ids(db, clock=clock):
        job = claim(db, call_id, worker_id, lease_s, max_attempts, clock=clock)
        if job is not None:
            return job
    return None


def _owned(job: ClaimedJob) -> ColumnElement[bool]:
    return and_(
        Call.id == job.call_id, Call.status == PROCESSING, Call.lease_owner == job.lease_owner
    )


def _update_owned(session: Session, job: ClaimedJob, **values: object) -> bool:
    """Update the call this worker holds; False when it no longer holds it."""
    statement = (
        update(Call)
        .where(_owned(job))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(session, statement) == 1


# A finished job (done or failed) gives its lease back.
_RELEASED = {"lease_owner": None, "lease_expires_at": None}


def heartbeat(db: Database, job: ClaimedJob, lease_s: float, *, clock: Clock = utcnow) -> bool:
    """Extend the lease; False when it was lost (taken over, or the call deleted)."""
    with db.session() as session:
        return _update_owned(session, job, lease_expires_at=clock() + timedelta(seconds=lease_s))


def set_audio(db: Database, job: ClaimedJob, blob: StoredBlob, content_type: str | None) -> bool:
    with db.session() as session:
        return _update_owned(
            session,
            job,
            audio_key=blob.key,
            audio_bytes=blob.size,
            audio_sha256=blob.sha256,
            audio_content_type=content_type,
        )


def complete(
    db: Database,
    job: ClaimedJob,
    report: Report,
    analysis_s: float,
    *,
    clock: Clock = utcnow,
    enrol_voice: bool = False,
) -> bool:
    """Store the report and mark the call done, only if this worker still holds it
    (``enrol_voice``: and keep the agent's voice print, service/voices.py)."""
    now = clock()
    with db.session() as session:
        updated = _update_owned(
            session,
            job,
            status=DONE,
            finished_at=now,
            duration_s=report.duration_s,
            analysis_s=analysis_s,
            findings_count=len(report.findings),
            error_code=None,
            error_message=None,
            **_RELEASED,
        )
        if not updated:
            session.rollback()
            return False
        session.add(
            CallReport(
                call_id=job.call_id,
                schema_version=report.schema_version,
                report=report.model_dump(mode="json"),
            )
        )
        add_score_rows(session, job.call_id, report)
        index_call(session, job.call_id)  # the report just added (flushed first)
        call = session.get_one(Call, job.call_id)
        add_deliveries(session, call, "call.done")
        if enrol_voice:
            record_voice_print(session, call, report)
        return True


def fail(db: Database, job: ClaimedJob, code: str, message: str, *, clock: Clock = utcnow) -> bool:
    with db.session() as session:
        updated = _update_owned(
            session,
            job,
            status=FAILED,
            error_code=code,
            error_message=message[:MAX_ERROR_MESSAGE],
            finished_at=clock(),
            **_RELEASED,
        )
        if not updated:
            return False
        add_deliveries(session, session.get_one(Call, job.call_id), "call.failed")
        return True


def release_for_retry(
    db: Database,
    job: ClaimedJob,
    delay_s: float,
    code: str,
    message: str,
    *,
    enqueued: bool,
    clock: Clock = utcnow,
) -> bool:
    """Back to queued, due after ``delay_s`` (the last error stays visible meanwhile)."""
    now = clock()
    with db.session() as session:
        return (
            changed_rows(
                session,
                update(Call)
                .where(_owned(job))
                .values(
                    status=QUEUED,
                    available_at=now + timedelta(seconds=delay_s),
                    enqueued_at=now if enqueued else None,
                    error_code=code,
                    error_message=message[:MAX_ERROR_MESSAGE],
                    lease_owner=None,
                    lease_expires_at=None,
                )
                .execution_options(synchronize_session=False),
            )
            == 1
        )
