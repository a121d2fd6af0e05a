"""The Celery-mode sweeper re-sends lost jobs exactly once per loss."""

from __future__ import annotations

import time
import uuid

import pytest

from service.db.session import Database
from service.jobs import claims
from service.jobs.sweeper import sweep
from tests.service.conftest import add_call

pytestmark = pytest.mark.services


def test_sweeper_resends_unsent_and_abandoned_jobs_once(db: Database) -> None:
    unsent = add_call(db)
    abandoned = add_call(db)
    running = add_call(db)
    assert claims.claim(db, abandoned, "dead", lease_s=0.2, max_attempts=3)
    assert claims.claim(db, running, "alive", lease_s=60, max_attempts=3)
    sent: list[uuid.UUID] = []
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=5) == 0  # all too fresh
    time.sleep(0.3)
    sweep(db, sent.append, requeue_after_s=600, send_grace_s=0.1)
    assert sorted(sent) == sorted([unsent, abandoned])
    # A second sweeper pass (or another worker's) does not send them again.
    assert sweep(db, sent.append, requeue_after_s=600, send_grace_s=0.1) == 0
    # ...until they are stale again.
    time.sleep(0.3)
    assert sweep(db, sent.append, requeue_after_s=0.2, send_grace_s=0.1) == 2
