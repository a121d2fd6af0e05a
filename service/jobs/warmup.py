"""Load the speech model once per worker process, before the first job needs it."""

from __future__ import annotations

import logging
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
