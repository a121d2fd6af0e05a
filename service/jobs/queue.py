"""Handing a committed call row to the workers: the in-process threads or Celery."""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

from sqlalchemy import update

from service.config import Settings
from service.db.models import Call
from service.db.session import Database
from service.db.types import utcnow

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    def enqueue(self, call_id: uuid.UUID) -> None:
        """Notify workers; the row is already committed (it is the job)."""
        ...

    def ping(self) -> None:
        """Raise if the queue cannot accept work."""
        ...


class CeleryQueue:
    """Sends a task message per call; a failed send is left to the workers' sweeper."""

    def __init__(self, settings: Settings, db: Database) -> None:
        from service.jobs.celery_app import configure_celery

        self._app = configure_celery(settings)
        self._db = db
        self._queue = settings.celery_queue

    def enqueue(self, call_id: uuid.UUID) -> None:
        from service.jobs.celery_app import ANALYZE_TASK

        try:
            self._app.send_task(ANALYZE_TASK, args=[str(call_id)], queue=self._queue)
        except Exception:  # broker down: the call stays queued; a worker's sweeper sends it
            log.exception("could not send call %s to the broker", call_id)
            return
        with self._db.session() as session:
            session.execute(
                update(Call)
                .where(Call.id == call_id, Call.enqueued_at.is_(None))
                .values(enqueued_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    def ping(self) -> None:
        with self._app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)

    def queue_length(self) -> int:
        with self._app.connection_for_read() as connection:
            return int(connection.default_channel.client.llen(self._queue))
