"""Transcribe one channel: only its voice-active stretches, words on the call timeline.

Whisper places words 0.2-0.4 s early and invents words in silence, so the
speech stretches (from voice activity) are the authority on *when*: words
are mapped back exactly through the chunk's time map, a word whose middle is
outside every stretch is dropped, and the rest are clamped into their stretch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from analyzers.errors import CorruptAudioError
from analyzers.report import Word
from analyzers.transcribe.chunks import (
    DEFAULT_CHUNKING,
    Chunk,
    ChunkingSettings,
    Quietest,
    Stretch,
    normalize_stretches,
    plan_chunks,
)
from analyzers.transcribe.engine import (
    SAMPLE_RATE,
    EngineSegment,
    EngineWord,
    TranscriptionEngine,
)
from analyzers.transcribe.guards import (
    DEFAULT_GUARDS,
    GuardSettings,
    drop_hallucinated_sentences,
    drop_repetitions,
    is_failed_segment,
    is_looped_segment,
    normalize_word,
)
from analyzers.transcribe.spoken import energy_db, is_spoken_run, voiced_bursts


@dataclass(frozen=True)
class ChannelSettings:
    chunking: ChunkingSettings = DEFAULT_CHUNKING
    guards: GuardSettings = DEFAULT_GUARDS
    # A word is kept when its middle is within this much of a speech stretch:
    # Whisper's word times run early, VAD edges are soft.
    word_tolerance_s: float = 0.25


DEFAULT_CHANNEL = ChannelSettings()

# Called with (chunks transcribed, chunks planned) after each batch, all channels together.
ChunkProgress = Callable[[int, int], None]


_RESAMPLE_CONTEXT_S = 0.05


def prepare_audio(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono float32 at Whisper's 16 kHz: plain soxr (HQ) resampling, nothing else.

    Measured on 8 kHz espeak-ng calls (6 channels, 174 s): a 120 Hz high-pass
    first gave WER 0.207 vs 0.191 with tiny.en and 0.144 vs 0.149 with base, so
    no filtering: Whisper's log-mel normalisation already ignores level.
    """
    import soxr

    y = np.asarray(x, dtype=np.float32)
    if sample_rate != SAMPLE_RATE:
        y = soxr.resample(y, sample_rate, SAMPLE_RATE, quality="HQ")
    return np.ascontiguousarray(y, dtype=np.float32)


@dataclass(frozen=True)
class ChannelPlan:
    """One channel's chunks, the stretches words must fall in, and the channel's 10 ms
    frame levels (to check that repeated words were spoken)."""

    stretches: list[Stretch]
    chunks: list[Chunk]
    levels_db: np.ndarray


def plan_channel(
    x: np.ndarray,
    sample_rate: int,
    speech: Sequence[Stretch],
    settings: ChannelSettings = DEFAULT_CHANNEL,
) -> ChannelPlan:
    """Cut one channel's voice-active stretches into chunks for Whisper (their audio is
    made when the engine asks for it: :class:`ChunkAudio`)."""
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"a channel is 1-D samples, got shape {x.shape}")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    if not np.isfinite(np.sum(x, dtype=np.float64)):  # finite iff every sample is
        raise CorruptAudioError("channel contains NaN or infinite samples")
    duration_s = len(x) / sample_rate
    stretches = normalize_stretches(speech, duration_s)
    if not stretches:
        return ChannelPlan([], [], np.zeros(0))
    chunks = plan_chunks(stretches, duration_s, settings.chunking, _quietest_in(x, sample_rate))
    return ChannelPlan(stretches, chunks, energy_db(x, sample_rate))


class ChunkAudio(Sequence[np.ndarray]):
    """Every planned chunk's 16 kHz samples, channel after channel, each made from its
    channel when asked for: only the pieces a chunk holds are resampled, never the whole
    channel, and only the batch being decoded exists at a time (an hour of speech at
    16 kHz would be 230 MB per channel). A channel is fetched from ``channels`` afresh
    for each chunk, so a lazily paged call is read a chunk at a time too."""

    def __init__(
        self,
        channels: Sequence[tuple[np.ndarray, Sequence[Stretch]]],
        sample_rate: int,
        plans: Sequence[ChannelPlan],
    ) -> None:
        self._channels = channels
        self._sample_rate = sample_rate
        self._chunks = [(ch, chunk) for ch, plan in enumerate(plans) for chunk in plan.chunks]

    def __len__(self) -> int:
        return len(self._chunks)

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[np.ndarray]: ...
    def __getitem__(self, index: int | slice) -> np.ndarray | Sequence[np.ndarray]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        channel, chunk = self._chunks[index]
        x, _ = self._channels[channel]
        return _chunk_audio_from(x, self._sample_rate, chunk)


def transcribe_channels(
    channels: Sequence[tuple[np.ndarray, Sequence[Stretch]]],
    sample_rate: int,
    engine: TranscriptionEngine,
    language: str | None,
    *,
    beam_size: int = 5,
    initial_prompt: str | None = None,
    settings: ChannelSettings = DEFAULT_CHANNEL,
    on_progress: ChunkProgress | None = None,
) -> list[list[Word]]:
    """Words spoken on each channel, times in seconds from the start of the call.

    Each item of ``channels`` is one channel's samples (1-D) and its
    voice-active stretches as (start_s, end_s); items are fetched again for each
    chunk's audio (see :class:`ChunkAudio`). All channels' chunks go to the
    engine together, so they share batches. ``language`` is a product code or
    None (let the model detect it).
    """
    plans = [plan_channel(x, sample_rate, speech, settings) for x, speech in channels]
    pieces = ChunkAudio(channels, sample_rate, plans)
    if on_progress is not None:
        on_progress(0, len(pieces))
    results = (
        engine.transcribe_chunks(
            pieces,
            language=language,
            beam_size=beam_size,
            initial_prompt=initial_prompt,
            on_progress=None if on_progress is None else lambda n: on_progress(n, len(pieces)),
        )
        if len(pieces)
        else []
    )
    words_per_channel: list[list[Word]] = []
    at = 0
    for plan in plans:
        words: list[Word] = []
        for chunk, result in zip(plan.chunks, results[at : at + len(plan.chunks)], strict=True):
            for segment in result.segments:
                words.extend(_segment_words(segment, chunk, plan, settings))
        at += len(plan.chunks)
        words.sort(key=lambda w: (w.start_s, w.end_s))
        words_per_channel.append(drop_repetitions(words, settings.guards, _voiced_words(plan)))
    return words_per_channel


def transcribe_channel(
    x: np.ndarray,
    sample_rate: int,
    speech: Sequence[Stretch],
    engine: TranscriptionEngine,
    language: str | None,
    *,
    beam_size: int = 5,
    initial_prompt: str | None = None,
    settings: ChannelSettings = DEFAULT_CHANNEL,
) -> list[Word]:
    """Words spoken on one channel (see :func:`transcribe_channels`)."""
    return transcribe_channels(
        [(x, speech)],
        sample_rate,
        engine,
        language,
        beam_size=beam_size,
        initial_prompt=initial_prompt,
        settings=settings,
    )[0]


def _segment_words(
    segment: EngineSegment, chunk: Chunk, plan: ChannelPlan, settings: ChannelSettings
) -> list[Word]:
    """The segment's words on the call timeline; none when the guards reject it.

    A segment Whisper's loop signal flags keeps the copies the audio has a voiced
    burst for (a number read out digit by digit), when those are speech.
    """
    if is_failed_segment(segment, settings.guards, loop_check=False):
        return []
    placed = [
        _place_word(engine_word, chunk, plan.stretches, settings.word_tolerance_s)
        for engine_word in drop_hallucinated_sentences(segment.words, settings.guards.phrases)
    ]
    words = [w for w in placed if w is not None]
    if is_looped_segment(segment, settings.guards):
        # Keep as many copies as the audio has bursts for, and only if those are speech.
        words = drop_repetitions(words, settings.guards, _voiced_words(plan))
        if not is_spoken_run(words, plan.levels_db):
            return []
    return words


def _voiced_words(plan: ChannelPlan) -> Callable[[Sequence[Word]], int]:
    return functools.partial(voiced_bursts, levels_db=plan.levels_db)


def chunk_audio(audio_16k: np.ndarray, chunk: Chunk) -> np.ndarray:
    """The chunk's samples: its pieces cut from the channel, each at its chunk offset
    (the gaps between pieces stay silent)."""
    out = np.zeros(round(chunk.duration_s * SAMPLE_RATE), dtype=np.float32)
    for p in chunk.pieces:
        piece = audio_16k[round(p.call_start_s * SAMPLE_RATE) : round(p.call_end_s * SAMPLE_RATE)]
        at = round(p.chunk_start_s * SAMPLE_RATE)
        piece = piece[: max(0, out.size - at)]
        out[at : at + piece.size] = piece
    return out


def _chunk_audio_from(x: np.ndarray, sample_rate: int, chunk: Chunk) -> np.ndarray:
    """:func:`chunk_audio` of ``prepare_audio(x)``, resampling only the pieces' samples.

    Each piece is resampled with ``_RESAMPLE_CONTEXT_S`` of signal either side, so the
    filter sees the same neighbourhood as when the whole channel is resampled.
    """
    out = np.zeros(round(chunk.duration_s * SAMPLE_RATE), dtype=np.float32)
    for p in chunk.pieces:
        lo = max(0, int((p.call_start_s - _RESAMPLE_CONTEXT_S) * sample_rate))
        hi = min(len(x), int(np.ceil((p.call_end_s + _RESAMPLE_CONTEXT_S) * sample_rate)))
        if hi <= lo:
            continue
        around = prepare_audio(x[lo:hi], sample_rate)
        first = round(p.call_start_s * SAMPLE_RATE) - round(lo * SAMPLE_RATE / sample_rate)
        length = round(p.call_end_s * SAMPLE_RATE) - round(p.call_start_s * SAMPLE_RATE)
        piece = around[max(0, first) : max(0, first) + length]
        at = round(p.chunk_start_s * SAMPLE_RATE)
        piece = piece[: max(0, out.size - at)]
        out[at : at + piece.size] = piece
    return out


def _place_word(
    word: EngineWord, chunk: Chunk, stretches: list[Stretch], tolerance_s: float
) -> Word | None:
    """Map a word onto the call; None when it lies outside speech (or is empty)."""
    text = word.word.strip()
    if not normalize_word(text):  # punctuation only ("." on noise)
        return None
    piece = chunk.piece_at((word.start_s + word.end_s) / 2)
    start = chunk.to_call_time(word.start_s, piece)
    end = chunk.to_call_time(max(word.end_s, word.start_s), piece)
    stretch = _stretch_near((start + end) / 2, stretches, tolerance_s)
    if stretch is None:
        return None
    start = min(max(start, stretch[0]), stretch[1])
    end = min(max(end, start), stretch[1])
    return Word(
        word=text,
        start_s=round(start, 3),
        end_s=round(end, 3),
        probability=round(word.probability, 3),
    )


def _stretch_near(t: float, stretches: list[Stretch], tolerance_s: float) -> Stretch | None:
    """The stretch containing ``t``, or the nearest one within ``tolerance_s``."""
    best: Stretch | None = None
    best_distance = tolerance_s
    for s, e in stretches:
        distance = 0.0 if s <= t <= e else min(abs(t - s), abs(t - e))
        if distance <= best_distance:
            best, best_distance = Stretch(s, e), distance
            if distance == 0.0:
                break
    return best


def _quietest_in(x: np.ndarray, sample_rate: int) -> Quietest:
    """Where to cut long speech: the lowest 100 ms energy in the window."""
    frame = max(1, sample_rate // 100)  # 10 ms
    n = len(x) // frame
    energy = np.zeros(n)
    step = frame * 65536  # a slice at a time: no full-length temporaries
    for lo in range(0, n * frame, step):
        piece = x[lo : min(lo + step, n * frame)].astype(np.float32).reshape(-1, frame)
        energy[lo // frame : lo // frame + len(piece)] = np.mean(piece**2, axis=1)
    smoothed = np.convolve(energy, np.ones(10) / 10, mode="same") if n else energy

    def quietest(a: float, b: float) -> float:
        i0, i1 = int(a * 100), min(int(b * 100), len(smoothed))
        if i1 <= i0:
            return b
        return (i0 + int(np.argmin(smoothed[i0:i1])) + 0.5) / 100

    return quietest
