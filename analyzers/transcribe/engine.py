"""What a Whisper engine does for us (``loaded.get_engine`` keeps one per process).

An engine transcribes a 16 kHz mono float32 array and returns segments with
word times relative to that array. Two implementations: ``faster_engine``
(CTranslate2, the default) and ``openai_engine`` (PyTorch, optional extra).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from analyzers.errors import ModelUnavailableError

SAMPLE_RATE = 16_000
WINDOW_S = 30  # Whisper's input window: one encoder pass each
FASTER_WHISPER = "faster-whisper"
OPENAI_WHISPER = "openai-whisper"

# Whisper says "no" for Norwegian; the product (options.Language) says "nb".
_TO_WHISPER_LANGUAGE = {"nb": "no"}
_FROM_WHISPER_LANGUAGE = {"no": "nb", "nn": "nb"}


@dataclass(frozen=True)
class EngineWord:
    word: str
    start_s: float
    end_s: float
    probability: float


@dataclass(frozen=True)
class EngineSegment:
    """One decoded segment with the scores the hallucination guards look at."""

    start_s: float
    end_s: float
    text: str
    words: tuple[EngineWord, ...]
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float


@dataclass(frozen=True)
class EngineResult:
    segments: tuple[EngineSegment, ...]
    language: str
    language_probability: float | None

    @property
    def words(self) -> list[EngineWord]:
        return [w for s in self.segments for w in s.words]


@dataclass(frozen=True)
class LanguageGuess:
    """A language and how sure the model is (None: not detected, e.g. given by the caller)."""

    language: str
    probability: float | None = None
    probabilities: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DecodingSettings:
    """Decoding shared by both engines, so their outputs are comparable.

    Whisper's own defaults for fallback: retry at rising temperature when a
    segment looks like a loop (compression ratio) or is improbable (log prob).
    Previous text is not fed back: across our chunks it mostly spreads errors.
    """

    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    condition_on_previous_text: bool = False
    # Our chunks fit one 30 s window each, so no timestamp tokens: with them
    # Whisper ends a window at its last timestamp and decodes the rest again
    # (21 encoder passes for 14 chunks on the benchmark call). Word times come
    # from cross-attention alignment either way, clamped to voice activity.
    timestamps: bool = False
    # Chunks decoded together (beam search over the batch). The batch, not the call, sets
    # transcription's peak memory: each 30 s window's encoder attention is 6 heads x
    # 1500^2 floats. 2 takes the CPU time of 4 on 2 cores (7.8 vs 7.9 s for 12 chunks
    # of 27 s; one at a time: 8.5 s) at +210 MB over the loaded model instead of +380 MB.
    batch_size: int = 2

    def needs_fallback(self, segment: EngineSegment) -> bool:
        """Whisper's rule for decoding again at a higher temperature: a loop or
        improbable text, unless the model also thinks there is no speech."""
        if segment.compression_ratio > self.compression_ratio_threshold:
            return True
        improbable = segment.avg_logprob < self.log_prob_threshold
        return improbable and segment.no_speech_prob <= self.no_speech_threshold


DEFAULT_DECODING = DecodingSettings()


# Called with the number of chunks transcribed so far, after each batch.
ChunksDone = Callable[[int], None]


@runtime_checkable
class TranscriptionEngine(Protocol):
    name: str
    model_name: str
    multilingual: bool

    def transcribe(
        self,
        audio_16k: np.ndarray,
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
    ) -> EngineResult:
        """Transcribe; ``language`` is a product code (en, sv, nb, el) or None to detect."""
        ...

    def transcribe_chunks(
        self,
        chunks: Sequence[np.ndarray],
        *,
        language: str | None,
        beam_size: int,
        initial_prompt: str | None = None,
        on_progress: ChunksDone | None = None,
    ) -> list[EngineResult]:
        """One result per chunk of at most 30 s, times relative to that chunk;
        batched where the engine can; ``on_progress`` after each batch."""
        ...

    def detect_language(self, audio_16k: np.ndarray) -> LanguageGuess:
        """Most likely language of (the first 30 s of) the audio, as a product code."""
        ...


def to_whisper_language(language: str | None) -> str | None:
    if language in (None, "", "auto"):
        return None
    return _TO_WHISPER_LANGUAGE.get(language, language)


def language_for_model(model_name: str, multilingual: bool, language: str | None) -> str | None:
    """Whisper's code for ``language``; an English-only model refuses other languages."""
    whisper_language = to_whisper_language(language)
    if not multilingual and whisper_language not in (None, "en"):
        raise ModelUnavailableError(
            f"model {model_name!r} is English-only; cannot transcribe {language!r}"
        )
    return whisper_language


def from_whisper_language(language: str) -> str:
    return _FROM_WHISPER_LANGUAGE.get(language, language)


def default_cpu_threads() -> int:
    """Threads for inference: the cores this process may use, capped at 4.

    CALLCOACH_CPU_THREADS overrides (e.g. 1 per worker when running several).
    """
    explicit = os.environ.get("CALLCOACH_CPU_THREADS")
    if explicit and explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))
