"""Words for live utterances, off the event loop.

A bounded thread pool (``live_transcribe_threads``) runs the process's loaded Whisper
engine (``analyzers.transcribe.get_engine``: the same cached model the in-process
worker uses, loaded once) on each utterance as it ends. Greedy decoding by default
(``live_beam_size``): a live cue wants its words within a second or two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from analyzers.report import Word
from analyzers.spans import Span
from service.config import Settings

log = logging.getLogger(__name__)


class LiveTranscriber:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool = ThreadPoolExecutor(
            max_workers=settings.live_transcribe_threads, thread_name_prefix="live-transcribe"
        )
        self.pending = 0  # utterances submitted and not yet transcribed (event loop only)

    @property
    def enabled(self) -> bool:
        return self._settings.default_engine != "none"

    def _engine(self, language: str):  # -> TranscriptionEngine
        from analyzers.transcribe import default_model_for, get_engine

        model = self._settings.default_model or default_model_for(language)
        return get_engine(self._settings.default_engine, model)

    def warm_up(self, language: str) -> None:
        """Load the model in the pool (a first utterance then does not wait for it)."""
        if self.enabled:
            self._pool.submit(self._engine, language)

    def transcribe(
        self,
        samples: np.ndarray,
        sample_rate: int,
        offset_s: float,
        language: str,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        """Blocking: the utterance's words, times on the call (``offset_s`` added)."""
        from analyzers.transcribe import transcribe_channel

        if not self.enabled or len(samples) == 0:
            return []
        duration_s = len(samples) / sample_rate
        words = transcribe_channel(
            np.asarray(samples, dtype=np.float32),
            sample_rate,
            [Span(0.0, duration_s)],
            self._engine(language),
            language,
            beam_size=self._settings.live_beam_size,
            initial_prompt=". ".join(v for v in vocabulary if v.strip()) or None,
        )
        return [
            w.model_copy(update={"start_s": w.start_s + offset_s, "end_s": w.end_s + offset_s})
            for w in words
        ]

    async def words(
        self,
        samples: np.ndarray,
        sample_rate: int,
        offset_s: float,
        language: str,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        loop = asyncio.get_running_loop()
        self.pending += 1
        try:
            return await loop.run_in_executor(
                self._pool,
                self.transcribe,
                samples,
                sample_rate,
                offset_s,
                language,
                vocabulary,
            )
        finally:
            self.pending -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
