"""Voice-active stretches -> chunks for Whisper, with an exact time map back.

A chunk is up to ``max_chunk_s`` of audio made of one or more *pieces*: each
piece is a contiguous stretch of the call (speech plus ``pad_s`` either side,
short pauses kept). Long silences between pieces are left out, so Whisper
sees speech, not silence it could fill with hallucinated words, and a call
needs fewer 30 s decoder windows. Every time in a chunk maps back to the call
by the offset of the piece it falls in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from analyzers.spans import Span, merge_spans

# The one span type, under the name the transcribe package has used for it.
Stretch = Span
Quietest = Callable[[float, float], float]
"""quietest(a, b) -> the call time in [a, b] where a cut hurts least."""


@dataclass(frozen=True)
class ChunkingSettings:
    # Under Whisper's 30 s window with room for padding; measured against 25 s:
    # 12 instead of 14 windows on the benchmark call, real-voice WER 0.032 -> 0.024.
    max_chunk_s: float = 28.0
    pad_s: float = 0.2
    # Pauses up to this long stay inside a piece (context for Whisper);
    # longer silences are cut out, leaving 2 * pad_s between pieces.
    max_gap_s: float = 1.0
    # A piece that does not fit is split at a pause to fill the chunk when at
    # least this much room is left: every chunk costs a full 30 s encoder pass.
    min_fill_s: float = 3.0
    # Silence inserted between pieces: without it Whisper hears two utterances
    # run together and puts a short word before the cut into the next piece.
    piece_gap_s: float = 0.5
    # Times are snapped to this rate's sample grid so sample offsets are exact.
    sample_rate: int = 16_000

    def __post_init__(self) -> None:
        if self.max_chunk_s <= 2 * self.pad_s + 1.0:
            raise ValueError("max_chunk_s must leave room for speech beyond the padding")
        if self.pad_s < 0 or self.max_gap_s < 2 * self.pad_s:
            raise ValueError("need pad_s >= 0 and max_gap_s >= 2 * pad_s")


DEFAULT_CHUNKING = ChunkingSettings()


@dataclass(frozen=True)
class Piece:
    """A contiguous stretch of the call placed at ``chunk_start_s`` in its chunk."""

    call_start_s: float
    call_end_s: float
    chunk_start_s: float

    @property
    def duration_s(self) -> float:
        return self.call_end_s - self.call_start_s

    @property
    def chunk_end_s(self) -> float:
        return self.chunk_start_s + self.duration_s


@dataclass(frozen=True)
class Chunk:
    pieces: tuple[Piece, ...]

    @property
    def duration_s(self) -> float:
        return self.pieces[-1].chunk_end_s

    def piece_at(self, chunk_t: float) -> Piece:
        """The piece that chunk time ``chunk_t`` falls in, else the nearest one."""

        def distance(piece: Piece) -> float:
            return max(piece.chunk_start_s - chunk_t, chunk_t - piece.chunk_end_s, 0.0)

        return min(self.pieces, key=distance)

    def to_call_time(self, chunk_t: float, piece: Piece) -> float:
        """Map a chunk time through ``piece``'s offset, clamped into the piece."""
        t = chunk_t - piece.chunk_start_s + piece.call_start_s
        return min(max(t, piece.call_start_s), piece.call_end_s)


def normalize_stretches(speech: Sequence[Stretch], duration_s: float) -> list[Stretch]:
    """Clip to the recording, drop empty stretches, sort and merge overlaps."""
    return merge_spans((max(0.0, float(s)), min(float(duration_s), float(e))) for s, e in speech)


def plan_chunks(
    speech: Sequence[Stretch],
    duration_s: float,
    settings: ChunkingSettings = DEFAULT_CHUNKING,
    quietest: Quietest | None = None,
) -> list[Chunk]:
    """Group voice-active stretches into chunks of at most ``max_chunk_s``."""
    stretches = normalize_stretches(speech, duration_s)
    spans = _padded_spans(stretches, duration_s, settings)
    cut_at = quietest or _gap_cutter(stretches)
    pieces: list[Stretch] = []
    for span in spans:
        pieces.extend(_split_long(span, settings.max_chunk_s, cut_at, settings.sample_rate))
    return _pack(pieces, stretches, settings)


def _snap(t: float, sample_rate: int) -> float:
    return round(t * sample_rate) / sample_rate


def _padded_spans(
    stretches: list[Stretch], duration_s: float, settings: ChunkingSettings
) -> list[Stretch]:
    """Join stretches separated by short pauses, pad, never overlap neighbours."""
    runs: list[Stretch] = []
    for s, e in stretches:
        if runs and s - runs[-1][1] <= settings.max_gap_s:
            runs[-1] = Span(runs[-1][0], e)
        else:
            runs.append(Span(s, e))
    spans: list[Stretch] = []
    for s, e in runs:
        start = max(0.0, s - settings.pad_s, spans[-1][1] if spans else 0.0)
        end = min(float(duration_s), e + settings.pad_s)
        start, end = _snap(start, settings.sample_rate), _snap(end, settings.sample_rate)
        if end > start:
            spans.append(Span(start, end))
    return spans


def _split_long(
    span: Stretch, max_len_s: float, cut_at: Quietest, sample_rate: int
) -> list[Stretch]:
    """Cut a span longer than ``max_len_s`` at its quietest moments (no overlap)."""
    parts: list[Stretch] = []
    start, end = span
    while end - start > max_len_s:
        lo = start + max_len_s / 2
        hi = start + max_len_s
        cut = _snap(min(max(cut_at(lo, hi), lo), hi), sample_rate)
        parts.append(Span(start, cut))
        start = cut
    parts.append(Span(start, end))
    return parts


def _gap_cutter(stretches: list[Stretch]) -> Quietest:
    """Without audio: cut in the middle of the widest pause in [a, b], else at b."""

    def cut(a: float, b: float) -> float:
        best, best_width = b, 0.0
        for (_, e0), (s1, _) in pairwise(stretches):
            lo, hi = max(e0, a), min(s1, b)
            if hi - lo > best_width:
                best, best_width = (lo + hi) / 2, hi - lo
        return best

    return cut


def _pack(
    spans: list[Stretch], stretches: list[Stretch], settings: ChunkingSettings
) -> list[Chunk]:
    """Fill chunks in call order; split a piece at a pause to use the room left."""
    chunks: list[Chunk] = []
    current: list[Piece] = []
    offset = 0.0
    for span in spans:
        s, e = span
        room = settings.max_chunk_s - offset
        if current and e - s > room:
            cut = (
                _last_pause_before(s + room, span, stretches)
                if room >= settings.min_fill_s
                else None
            )
            if cut is not None:
                cut = _snap(cut, settings.sample_rate)
                current.append(Piece(s, cut, _snap(offset, settings.sample_rate)))
                s = cut
            chunks.append(Chunk(tuple(current)))
            current, offset = [], 0.0
        current.append(Piece(s, e, _snap(offset, settings.sample_rate)))
        offset = current[-1].chunk_end_s + settings.piece_gap_s
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks


def _last_pause_before(limit: float, span: Stretch, stretches: list[Stretch]) -> float | None:
    """Middle of the last pause between stretches inside ``span`` that lies before ``limit``."""
    best = None
    for (_, e0), (s1, _) in pairwise(stretches):
        middle = (e0 + s1) / 2
        if span[0] < e0 and s1 < span[1] and middle <= limit:
            best = middle
    return best
