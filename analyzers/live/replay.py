"""Stream two recorded tracks through a live session in chunks (tests, benches, the service).

Transcription is synchronous: each pending utterance is transcribed as soon as the
session hands it out, with ``transcribe(samples, sample_rate) -> list[Word]`` (word times
relative to the samples; shifted here onto the call's timeline).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from analyzers.live.cues import Cue
from analyzers.live.session import LiveSession
from analyzers.report import Word

Transcriber = Callable[[np.ndarray, int], list[Word]]


def chunk_bounds(n: int, chunk: int | Callable[[], int]) -> list[tuple[int, int]]:
    """[lo, hi) sample ranges covering ``n``: a fixed size, or sizes drawn from ``chunk()``."""
    bounds, lo = [], 0
    while lo < n:
        size = chunk() if callable(chunk) else chunk
        hi = min(n, lo + max(1, int(size)))
        bounds.append((lo, hi))
        lo = hi
    return bounds


def transcribe_pending(
    session: LiveSession, transcribe: Transcriber, sample_rate: int
) -> list[Cue]:
    cues: list[Cue] = []
    for utterance in session.pending_utterances():
        x = session.samples(utterance.track, utterance.start_s, utterance.end_s)
        words = [
            w.model_copy(
                update={
                    "start_s": round(w.start_s + utterance.start_s, 3),
                    "end_s": round(w.end_s + utterance.start_s, 3),
                }
            )
            for w in transcribe(x, sample_rate)
        ]
        cues += session.add_words(utterance, words)
    return cues


def replay(
    session: LiveSession,
    agent: np.ndarray,
    customer: np.ndarray,
    sample_rate: int,
    chunk_s: float | Callable[[], float] = 0.02,
    transcribe: Transcriber | None = None,
) -> list[Cue]:
    """Stream both tracks (agent chunk, then customer chunk) and finish; every cue emitted.

    ``chunk_s`` is a chunk length in seconds, or a function drawing one per chunk (random
    chunking). Tracks of different lengths are both streamed to their ends.
    """
    n = max(len(agent), len(customer))

    def size() -> int:
        seconds = chunk_s() if callable(chunk_s) else chunk_s
        return max(1, round(seconds * sample_rate))

    cues: list[Cue] = []
    for lo, hi in chunk_bounds(n, size):
        for track, x in (("agent", agent), ("customer", customer)):
            if lo < len(x):
                cues += session.feed(track, x[lo:hi])  # type: ignore[arg-type]
        if transcribe is not None:
            cues += transcribe_pending(session, transcribe, sample_rate)
    cues += session.finish()
    if transcribe is not None:
        cues += transcribe_pending(session, transcribe, sample_rate)
    return cues
