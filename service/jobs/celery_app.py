"""Celery on Redis for `callcoach worker`.

Reliability settings: messages are acknowledged after the task returns
(``acks_late``), a worker process that dies mid-task gets its message re-queued
(``reject_on_worker_lost``), each worker process reserves one message at a time
(prefetch 1). A worker killed outright (kill -9) cannot reject anything: its
unacknowledged message comes back after the broker's visibility timeout, and
sooner through the sweeper, which re-sends jobs whose lease expired. The claim
on the row makes every duplicate a no-op, so a call is analysed once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from celery import Celery, Task, signals

from service.config import Settings
from service.db.session import Database
from service.jobs.runner import JobRunner, Outcome, new_worker_id
from service.jobs.warmup import ModelWarmup

log = logging.getLogger(__name__)

ANALYZE_TASK = "callcoach.analyze_call"
WORKER_KEY_PREFIX = "callcoach:worker:"
_ANNOUNCE_TTL_S = 30

celery_app = Celery("callcoach")


def configure_celery(settings: Settings) -> Celery:
    celery_app.conf.update(
        broker_url=settings.redis_url,
        broker_connection_retry_on_startup=True,
        # Longer than any analysis, so a slow job is not re-delivered while it runs; a
        # dead worker's job is re-sent by the sweeper long before this passes.
        broker_transport_options={"visibility_timeout": 4 * 3600},
        task_default_queue=settings.celery_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    celery_app.conf.callcoach_settings = settings
    return celery_app


@dataclass
class WorkerContext:
    settings: Settings
    db: Database
    runner: JobRunner
    warmup: ModelWarmup


_context: WorkerContext | None = None
_context_lock = threading.Lock()


def worker_context() -> WorkerContext:
    """This process's database, storage and runner (built on first use)."""
    global _context
    with _context_lock:
        if _context is None:
            from service.storage import LocalDiskStorage

            settings: Settings = celery_app.conf.callcoach_settings
            db = Database(settings.effective_database_url)
            storage = LocalDiskStorage(settings.effective_storage_dir)
            runner = JobRunner(settings, db, storage, new_worker_id("celery"), broker_retries=True)
            _context = WorkerContext(settings, db, runner, ModelWarmup(settings))
        return _context


@celery_app.task(
    name=ANALYZE_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # the row's attempts counter bounds retries
)
def analyze_call(self: Task, call_id: str) -> str:
    result = worker_context().runner.run(uuid.UUID(call_id))
    if result.outcome in (Outcome.RETRY, Outcome.NOT_YET):
        raise self.retry(countdown=result.retry_in_s)
    return result.outcome.value


def send(call_id: uuid.UUID) -> None:
    settings: Settings = celery_app.conf.callcoach_settings
    celery_app.send_task(ANALYZE_TASK, args=[str(call_id)], queue=settings.celery_queue)


class WorkerHousekeeping:
    """In each worker: sweep lost jobs, send callbacks, announce liveness in Redis."""

    def __init__(self, context: WorkerContext) -> None:
        self._context = context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="housekeeping", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from service.callbacks.dispatcher import deliver_due
        from service.jobs.sweeper import sweep

        ctx = self._context
        period = max(1.0, ctx.settings.job_poll_s)
        while not self._stop.is_set():
            try:
                sweep(ctx.db, send, ctx.settings.job_requeue_after_s, ctx.settings.job_send_grace_s)
                deliver_due(ctx.db, ctx.settings, ctx.runner.worker_id)
                self._announce()
                if ctx.settings.worker_alive_file is not None:
                    ctx.settings.worker_alive_file.touch()
            except Exception:
                log.exception("worker housekeeping pass failed")
            self._stop.wait(period)

    def _announce(self) -> None:
        ctx = self._context
        state: dict[str, Any] = {
            "worker_id": ctx.runner.worker_id,
            "model": ctx.warmup.state(),
            "at": time.time(),
        }
        with celery_app.connection_for_write() as connection:
            connection.default_channel.client.setex(
                _worker_key(ctx.settings, ctx.runner.worker_id), _ANNOUNCE_TTL_S, json.dumps(state)
            )

    def withdraw(self) -> None:
        ctx = self._context
        with celery_app.connection_for_write() as connection:
            connection.default_channel.client.delete(
                _worker_key(ctx.settings, ctx.runner.worker_id)
            )


def _worker_key(settings: Settings, worker_id: str) -> str:
    return f"{WORKER_KEY_PREFIX}{settings.celery_queue}:{worker_id}"


def live_workers(settings: Settings) -> list[dict[str, Any]]:
    """Workers that announced themselves in the last few seconds."""
    app = configure_celery(settings)
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        keys = list(client.scan_iter(match=_worker_key(settings, "*"), count=100))
        values = client.mget(keys) if keys else []
    return [json.loads(v) for v in values if v]


_housekeeping: WorkerHousekeeping | None = None


@signals.worker_ready.connect
def _on_worker_ready(**_kwargs: Any) -> None:
    global _housekeeping
    context = worker_context()
    # solo/threads pools run tasks in this process; prefork children warm up their own.
    if context.settings.warm_up_model and celery_app.conf.get("callcoach_pool") != "prefork":
        context.warmup.start()
    _housekeeping = WorkerHousekeeping(context)
    _housekeeping.start()


@signals.worker_process_init.connect
def _on_worker_process_init(**_kwargs: Any) -> None:
    # Prefork child: its own model and database pool (never share them across fork).
    global _context
    if _context is not None:
        _context.db.engine.dispose(close=False)  # the parent's connections stay the parent's
    _context = None
    if celery_app.conf.callcoach_settings.warm_up_model:
        worker_context().warmup.start()


@signals.worker_shutdown.connect
def _on_worker_shutdown(**_kwargs: Any) -> None:
    if _housekeeping is not None:
        _housekeeping.stop()
        try:
            _housekeeping.withdraw()
        except Exception:  # broker gone: the announcement expires by itself
            log.warning("could not withdraw the worker announcement")


def run_worker(settings: Settings, concurrency: int, pool: str, loglevel: str) -> None:
    """Blocking: run a Celery worker consuming the calls queue."""
    from service.db.migrate import upgrade_to_head

    configure_celery(settings)
    if settings.worker_nice > 0 and hasattr(os, "nice"):
        os.nice(settings.worker_nice)  # analyses yield the CPU to an API on the same host
    celery_app.conf.callcoach_pool = pool
    context = worker_context()
    upgrade_to_head(context.db.engine)
    context.db.engine.dispose()  # no open connections across the pool's fork
    celery_app.worker_main(
        [
            "worker",
            f"--queues={settings.celery_queue}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--loglevel={loglevel}",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=callcoach-{os.getpid()}@%h",
        ]
    )
