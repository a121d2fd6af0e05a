"""The embedded queue of `callcoach serve`: analysis threads that poll the calls table.

Nothing is kept in memory: a thread claims the oldest due row, so queued jobs and
jobs interrupted by a crash (processing, lease expired) resume after a restart.
"""

from __future__ import annotations

import logging
import threading
import uuid

from service.jobs import claims
from service.jobs.claims import ClaimedJob
from service.jobs.runner import JobRunner
from service.jobs.warmup import ModelWarmup, lower_thread_priority

log = logging.getLogger(__name__)


class InProcessWorker:
    def __init__(self, runner: JobRunner, warmup: ModelWarmup | None = None) -> None:
        settings = runner.settings
        self._settings = settings
        self._db = runner.db
        self._runner = runner
        self._warmup = warmup
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._running: dict[str, ClaimedJob] = {}  # thread name -> its job
        self._threads = [
            threading.Thread(target=self._loop, name=f"analysis-{i}", daemon=True)
            for i in range(settings.worker_concurrency)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def enqueue(self, call_id: uuid.UUID) -> None:
        """Wake an idle thread (the row is already committed; this is only a hint)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop claiming; a running analysis finishes unless ``timeout`` passes first.

        Jobs still running then are handed back to the queue at once (their late result
        is discarded), so the next start does not wait for their leases to expire.
        """
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        for job in list(self._running.values()):
            claims.release_for_retry(
                self._db,
                job,
                0.0,
                "interrupted",
                "the service stopped during the analysis",
                enqueued=False,
            )

    def ping(self) -> None:
        if not all(thread.is_alive() for thread in self._threads):
            raise RuntimeError("an analysis thread has stopped")

    def _loop(self) -> None:
        s = self._settings
        lower_thread_priority(s.worker_nice)
        if self._warmup is not None:
            self._warmup.finished.wait(timeout=600)  # do not race the warm-up for the model
        while not self._stop.is_set():
            try:
                job = claims.claim_next(
                    self._db, self._runner.worker_id, s.job_lease_s, s.job_max_attempts
                )
            except Exception:
                log.exception("claiming a job failed")
                job = None
            if job is None:
                self._wake.wait(s.job_poll_s)
                self._wake.clear()
                continue
            name = threading.current_thread().name
            self._running[name] = job
            try:
                self._runner.run_claimed(job)
            except Exception:  # a database error storing the result: the lease expires
                log.exception("job %s crashed the runner", job.call_id)
            finally:
                self._running.pop(name, None)
