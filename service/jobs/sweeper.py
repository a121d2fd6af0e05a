"""Re-send jobs the broker lost track of (Celery mode).

Jobs a worker died on (processing, lease expired) and queued jobs that were never
sent (the API stopped between commit and send) or sent long ago are sent to the
broker again. Each row is re-sent by one sweeper only (compare-and-set on
``enqueued_at``); a duplicate message is harmless anyway: the claim decides.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from service.db.models import PROCESSING, QUEUED, Call
from service.db.session import Database, changed_rows
from service.db.types import utcnow
from service.jobs.claims import Clock


def sweep(
    db: Database,
    send: Callable[[uuid.UUID], None],
    requeue_after_s: float,
    send_grace_s: float,
    limit: int = 100,
    *,
    clock: Clock = utcnow,
) -> int:
    """Send lost jobs again; ``send_grace_s`` leaves a new row to the API sending it."""
    now = clock()
    stale = now - timedelta(seconds=requeue_after_s)
    fresh = now - timedelta(seconds=send_grace_s)
    with db.session() as session:
        rows = session.execute(
            select(Call.id, Call.enqueued_at)
            .where(
                or_(
                    and_(
                        Call.status == QUEUED,
                        Call.available_at <= now,
                        or_(
                            and_(Call.enqueued_at.is_(None), Call.created_at < fresh),
                            Call.enqueued_at < stale,
                        ),
                    ),
                    and_(
                        Call.status == PROCESSING,
                        Call.lease_expires_at < now,
                        or_(
                            Call.enqueued_at.is_(None),
                            Call.enqueued_at < Call.lease_expires_at,
                            Call.enqueued_at < stale,
                        ),
                    ),
                )
            )
            .order_by(Call.available_at)
            .limit(limit)
        ).all()
    sent = 0
    for call_id, enqueued_at in rows:
        unchanged = (
            Call.enqueued_at.is_(None) if enqueued_at is None else Call.enqueued_at == enqueued_at
        )
        with db.session() as session:
            won = changed_rows(
                session,
                update(Call)
                .where(Call.id == call_id, unchanged)
                .values(enqueued_at=now)
                .execution_options(synchronize_session=False),
            )
        if won == 1:
            send(call_id)
            sent += 1
    return sent
