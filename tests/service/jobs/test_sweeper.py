"""The Celery-mode sweeper re-sends lost jobs exactly once per loss."""

from __future__ import annotations

import uuid

import pytest

from service.db.session import Database
from service.jobs import claims
from service.jobs.sweeper import sweep
from tests.service.conftest import add_call
from tests.service.jobs.clock import ManualClock

pytestmark = pytest.mark.services


def test_sweeper_resends_unsent_and_abandoned_jobs_once(db: Database) -> None:
    unsent = add_call(db)
    abandoned = add_call(db)
    running = add_call(db)
    clock = ManualClock()
    assert claims.claim(db, abandoned, "dead", lease_s=30, max_attempts=3, clock=clock)
    assert claims.claim(db, running, "alive", lease_s=3600, max_attempts=3, clock=clock)
    sent: list[uuid.UUID] = []
    # All too fresh: the API may still be sending the new row, the lease is alive.
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=15, clock=clock) == 0
    clock.advance(31)
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=15, clock=clock) == 2
    assert sorted(sent) == sorted([unsent, abandoned])
    # A second sweeper pass (or another worker's) does not send them again.
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=15, clock=clock) == 0
    clock.advance(599)
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=15, clock=clock) == 0
    # ...until they are stale again; the running job's lease is still held.
    clock.advance(2)
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=15, clock=clock) == 2
    assert running not in sent
