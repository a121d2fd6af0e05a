"""Load the speech model once per worker process, before the first job needs it."""

from __future__ import annotations

import logging
import os
import threading
import time

from service.config import Settings

log = logging.getLogger(__name__)


class ModelWarmup:
    """Loads the default engine in a thread; ``loaded`` tells readiness checks."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.loaded = threading.Event()
        self.finished = threading.Event()  # loaded or failed
        self.error: str | None = None
        self.seconds: float | None = None

    def run(self) -> None:
        # The inference threads the model starts inherit this thread's priority.
        lower_thread_priority(self._settings.worker_nice)
        try:
            self._load()
        finally:
            self.finished.set()

    def _load(self) -> None:
        settings = self._settings
        if settings.default_engine == "none":
            self.loaded.set()
            return
        started = time.perf_counter()
        try:
            from analyzers.transcribe import default_model_for, get_engine

            model = settings.default_model or default_model_for(settings.default_language)
            get_engine(settings.default_engine, model)
        except Exception as exc:  # the job that needs it reports the typed error
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("model warm-up failed: %s", self.error)
            return
        self.seconds = time.perf_counter() - started
        log.info("model %s loaded in %.1f s", settings.default_engine, self.seconds)
        self.loaded.set()

    def state(self) -> str:
        """loaded | loading | error | lazy (warm-up off: loads with the first call)."""
        if self.loaded.is_set():
            return "loaded"
        if self.error:
            return "error"
        if not self._settings.warm_up_model:
            return "lazy"
        return "loading"

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="model-warmup", daemon=True)
        thread.start()
        return thread


def lower_thread_priority(nice: int) -> None:
    """Give the calling thread (and threads it starts) a lower CPU priority (Linux).

    On Linux a thread is a task with its own nice value, so analysis threads inside
    `callcoach serve` can yield to the threads answering HTTP requests.
    """
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), nice))
    except OSError:  # not permitted here: run at the normal priority
        log.debug("could not lower the analysis thread priority")
