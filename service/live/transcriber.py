"""Words for live utterances, off the event loop, packed together when they queue up.

``live_transcribe_threads`` threads run the process's loaded Whisper engine
(``analyzers.transcribe.get_engine``: the same cached model the in-process worker uses,
loaded once). Each takes every utterance waiting (up to ``live_transcribe_batch``, with
the same language and prompt) and transcribes them together, packed into one window:
Whisper's encoder costs a whole 30 s window however short the utterance, so when many
calls speak at once the throughput rises instead of the queue. Greedy
decoding by default (``live_beam_size``): a live cue wants its words within a second
or two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analyzers.report import Word
from analyzers.spans import Span
from service.config import Settings
from service.jobs.warmup import lower_thread_priority

log = logging.getLogger(__name__)


@dataclass
class _Request:
    samples: np.ndarray
    sample_rate: int
    offset_s: float
    language: str
    prompt: str | None
    future: asyncio.Future[list[Word]]
    loop: asyncio.AbstractEventLoop

    def settle(self, words: list[Word] | None, error: BaseException | None = None) -> None:
        def set_result() -> None:
            if self.future.done():  # cancelled meanwhile: the call ended
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(words or [])

        with contextlib.suppress(RuntimeError):  # the app stopped, and its loop with it
            self.loop.call_soon_threadsafe(set_result)


class LiveTranscriber:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self.pending = 0  # utterances waiting or being transcribed (event loop only)

    @property
    def enabled(self) -> bool:
        return self._settings.default_engine != "none"

    def _engine(self, language: str):  # -> TranscriptionEngine
        from analyzers.transcribe import default_model_for, get_engine

        model = self._settings.default_model or default_model_for(language)
        return get_engine(self._settings.default_engine, model)

    def start(self, language: str) -> None:
        """Start the threads; the first loads the model (a first utterance then does not
        wait for it)."""
        if not self.enabled or self._threads:
            return
        for i in range(self._settings.live_transcribe_threads):
            thread = threading.Thread(
                target=self._run, args=(language if i == 0 else None,), daemon=True
            )
            thread.name = f"live-transcribe-{i}"
            thread.start()
            self._threads.append(thread)

    async def words(
        self,
        samples: np.ndarray,
        sample_rate: int,
        offset_s: float,
        language: str,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        """The utterance's words, times on the call (``offset_s`` added)."""
        if not self.enabled or len(samples) == 0:
            return []
        loop = asyncio.get_running_loop()
        prompt = ". ".join(v for v in vocabulary if v.strip()) or None
        request = _Request(
            np.asarray(samples, dtype=np.float32),
            sample_rate,
            offset_s,
            language,
            prompt,
            loop.create_future(),
            loop,
        )
        self.pending += 1
        self._queue.put(request)
        try:
            return await request.future
        finally:
            self.pending -= 1

    def _run(self, warm_language: str | None) -> None:
        # Below the event loop and the cue engine: under load, acoustic cues stay on time
        # and words wait (the inference threads the model starts inherit this).
        lower_thread_priority(self._settings.live_transcribe_nice)
        if warm_language is not None:
            try:
                self._engine(warm_language)
            except Exception:  # the utterances report it
                log.exception("live transcription: the model did not load")
        while (first := self._queue.get()) is not None:
            batch = self._batch(first)
            if batch:
                self._transcribe(batch)
        self._queue.put(None)  # the other threads stop too

    def _batch(self, first: _Request) -> list[_Request]:
        """``first`` and the waiting requests it can share a batch with."""
        batch: list[_Request] = [first]
        kept: list[_Request | None] = []
        while len(batch) < self._settings.live_transcribe_batch:
            try:
                other = self._queue.get_nowait()
            except queue.Empty:
                break
            if other is None:
                kept.append(other)
                break
            same = (other.language, other.prompt, other.sample_rate)
            if same == (first.language, first.prompt, first.sample_rate):
                batch.append(other)
            else:
                kept.append(other)
        for request in kept:
            self._queue.put(request)
        return [r for r in batch if not r.future.done()]

    def _transcribe(self, batch: list[_Request]) -> None:
        from analyzers.transcribe import transcribe_channel

        first = batch[0]
        audio, stretches = pack(batch)
        try:
            words = transcribe_channel(
                audio,
                first.sample_rate,
                stretches,
                self._engine(first.language),
                first.language,
                beam_size=self._settings.live_beam_size,
                initial_prompt=first.prompt,
            )
        except Exception as exc:
            for request in batch:
                request.settle(None, exc)
            return
        for request, own in zip(batch, unpack(words, stretches, batch), strict=True):
            request.settle(own)

    def close(self) -> None:
        if self._threads:
            self._queue.put(None)
            for thread in self._threads:
                thread.join(30)


# Between packed utterances: longer than the chunk planner's max_gap_s, so each stays a
# piece of its own (the planner puts its own half-second of silence between pieces).
PACK_GAP_S = 1.5


def pack(batch: Sequence[_Request]) -> tuple[np.ndarray, list[Span]]:
    """The utterances one after another on one synthetic channel, and where each is:
    Whisper's chunk planner packs them into as few 30 s windows as they fill, so a batch
    of short utterances costs one encoder pass instead of one each."""
    rate = batch[0].sample_rate
    gap = np.zeros(round(PACK_GAP_S * rate), dtype=np.float32)
    pieces: list[np.ndarray] = []
    stretches: list[Span] = []
    at = 0
    for request in batch:
        stretches.append(Span(at / rate, (at + len(request.samples)) / rate))
        pieces += [request.samples, gap]
        at += len(request.samples) + len(gap)
    return np.concatenate(pieces), stretches


def unpack(
    words: Sequence[Word], stretches: Sequence[Span], batch: Sequence[_Request]
) -> list[list[Word]]:
    """Each utterance's words (placed in its stretch by the transcriber), on the call."""
    own: list[list[Word]] = [[] for _ in batch]
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        i = min(range(len(stretches)), key=lambda k: _distance(middle, stretches[k]))
        shift = batch[i].offset_s - stretches[i].start_s
        own[i].append(
            word.model_copy(update={"start_s": word.start_s + shift, "end_s": word.end_s + shift})
        )
    return own


def _distance(t: float, stretch: Span) -> float:
    return max(stretch.start_s - t, 0.0, t - stretch.end_s)
