"""Loudness: active speech level (ITU-T P.56 method B) per turn and per party.

dBov: 0 dBov is the RMS of a full-scale square wave (amplitude 1.0), so a
full-scale sine reads -3.01 dBov. Telephone speech is nominally about -26 dBov.

P.56 measures the level over active speech only, so pauses do not pull it
down: the rectified signal is smoothed twice with a 30 ms time constant; for a
threshold c a sample is active while the envelope is at or above c or was
within the last 200 ms (hangover); the level is the mean square over active
samples at the threshold where level - c equals a 15.9 dB margin. Here every
threshold on a 0.05 dB grid is evaluated at once from one running maximum of
the envelope, instead of the reference implementation's 15 octave-spaced
thresholds with interpolation between them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np

from analyzers.errors import CorruptAudioError, UnsupportedAudioError
from analyzers.spans import Span

LevelFlag = Literal["raised", "whisper", "too_loud", "too_quiet"] | None

ENVELOPE_TIME_CONSTANT_S = 0.03
HANGOVER_S = 0.2
MARGIN_DB = 15.9
# Below this an "active level" is line noise or dither, not speech.
NO_SPEECH_BELOW_DBOV = -70.0
_THRESHOLD_STEP_DB = 0.05
_LOWEST_THRESHOLD_DBOV = -120.0
_TINY = 1e-12
_SLICE_BLOCKS = 1 << 16  # blocks per filtered slice in _block_envelope
_COUNT_BLOCKS = 1 << 16  # blocks per stretch in _threshold_counts


def active_speech_level_dbov(
    x: np.ndarray | Sequence[np.ndarray],
    sample_rate: int,
    *,
    no_speech_below_dbov: float = NO_SPEECH_BELOW_DBOV,
) -> float | None:
    """P.56 (method B) active speech level of mono ``x`` in dBov; None when there is no speech.

    ``x`` may also be a sequence of 1-D pieces (a party's speech stretches), measured as
    if joined end to end without joining them.
    """
    pieces = [
        _checked_mono(piece, sample_rate) for piece in ([x] if isinstance(x, np.ndarray) else x)
    ]
    n_samples = sum(piece.size for piece in pieces)
    if n_samples == 0:
        return None
    # The envelope is smooth (30 ms), so one value per 1 ms block loses nothing and saves
    # most of the work below.
    block = max(1, sample_rate // 1000)
    block_envelope, energy = _block_envelope(pieces, sample_rate, block)
    hangover = round(HANGOVER_S * sample_rate / block)
    last_block = n_samples - (block_envelope.size - 1) * block
    counts, peak = _threshold_counts(block_envelope, block, last_block, hangover)
    peak_db = 20.0 * np.log10(max(peak, _TINY))
    if energy <= 0.0 or peak_db <= _LOWEST_THRESHOLD_DBOV:
        return None

    n_steps = int(np.ceil((peak_db - _LOWEST_THRESHOLD_DBOV) / _THRESHOLD_STEP_DB)) + 1
    thresholds_db = _LOWEST_THRESHOLD_DBOV + _THRESHOLD_STEP_DB * np.arange(n_steps)
    counts = np.pad(counts, (0, max(0, n_steps - counts.size)))[:n_steps]
    active = np.cumsum(counts[::-1])[::-1]  # samples with recent_max >= threshold
    with np.errstate(divide="ignore"):
        level_db = 10.0 * np.log10(energy / active)
    excess = level_db - thresholds_db  # falls as the threshold rises
    below = np.flatnonzero(excess <= MARGIN_DB)
    if below.size == 0 or below[0] == 0:
        return None
    j = int(below[0])
    e0, e1 = excess[j - 1], excess[j]
    frac = (e0 - MARGIN_DB) / (e0 - e1) if e0 != e1 else 0.0
    level = float(thresholds_db[j - 1] + frac * _THRESHOLD_STEP_DB + MARGIN_DB)
    return level if level >= no_speech_below_dbov else None


def _threshold_counts(
    block_envelope: np.ndarray, block: int, last_block: int, hangover: int
) -> tuple[np.ndarray, float]:
    """Samples per threshold bin (of the block's recent maximum), and the peak of it.

    Active at threshold c <=> the envelope reached c within the last ``hangover`` blocks.
    A stretch of blocks at a time (each reads ``hangover`` blocks back): the same
    counts as over the whole envelope at once, without its full-length temporaries.
    """
    from scipy.ndimage import maximum_filter1d

    n = block_envelope.size
    counts = np.zeros(0)
    peak = 0.0
    for lo in range(0, n, _COUNT_BLOCKS):
        hi = min(n, lo + _COUNT_BLOCKS)
        back = max(0, lo - hangover - 1)
        recent_max = maximum_filter1d(
            block_envelope[back:hi], size=hangover + 1, origin=hangover // 2, mode="constant"
        )[lo - back :]
        peak = max(peak, float(recent_max.max()))
        recent_db = 20.0 * np.log10(np.maximum(recent_max, _TINY))
        bins = np.floor((recent_db - _LOWEST_THRESHOLD_DBOV) / _THRESHOLD_STEP_DB).astype(np.int64)
        weights = np.full(hi - lo, float(block))
        if hi == n:
            weights[-1] = last_block
        keep = bins >= 0
        found = np.bincount(bins[keep], weights=weights[keep])
        if found.size > counts.size:
            counts = np.pad(counts, (0, found.size - counts.size))
        counts[: found.size] += found  # whole numbers of samples: exact in any order
    return counts, peak


def _block_envelope(
    pieces: Sequence[np.ndarray], sample_rate: int, block: int
) -> tuple[np.ndarray, float]:
    """Every ``block``-th sample of P.56's envelope of the pieces joined, and their energy.

    Filtered a slice at a time with the filter state carried over (the same result as
    one pass), so the float64 temporaries stay small for an hour of speech.
    """
    from scipy.signal import lfilter

    g = np.exp(-1.0 / (sample_rate * ENVELOPE_TIME_CONSTANT_S))
    # Two cascaded one-pole smoothers of |x| (P.56's p and q), as one second-order filter.
    b, a = [(1.0 - g) ** 2], [1.0, -2.0 * g, g * g]
    state = np.zeros(2)
    step = block * _SLICE_BLOCKS  # a multiple of the block keeps the decimation in phase
    out = np.empty(-(-sum(piece.size for piece in pieces) // block))
    at, energy = 0, 0.0
    for piece in _joined_slices(pieces, step):
        energy += float(np.dot(piece, piece))
        envelope, state = lfilter(b, a, np.abs(piece), zi=state)
        decimated = envelope[::block]
        out[at : at + decimated.size] = decimated
        at += decimated.size
    return out, energy


def _joined_slices(pieces: Sequence[np.ndarray], step: int) -> Iterator[np.ndarray]:
    """The pieces joined end to end, as float64 slices of ``step`` samples (the last may be
    shorter); each slice is valid until the next one is asked for."""
    buffer = np.empty(step)
    filled = 0
    for piece in pieces:
        at = 0
        while at < piece.size:
            take = min(step - filled, piece.size - at)
            buffer[filled : filled + take] = piece[at : at + take]
            filled, at = filled + take, at + take
            if filled == step:
                yield buffer
                filled = 0
    if filled:
        yield buffer[:filled]


def turn_levels(x: np.ndarray, sample_rate: int, spans: list[Span]) -> list[float | None]:
    """Active speech level of each (start_s, end_s) span of ``x``; None where it has no speech."""
    x = _checked_mono(x, sample_rate)
    levels: list[float | None] = []
    for start_s, end_s in spans:
        lo = max(0, round(start_s * sample_rate))
        hi = min(x.size, round(end_s * sample_rate))
        levels.append(active_speech_level_dbov(x[lo:hi], sample_rate) if hi > lo else None)
    return levels


def level_envelope_dbov(
    x: np.ndarray, sample_rate: int, hop_s: float = 0.1, *, floor_dbov: float = -90.0
) -> np.ndarray:
    """RMS level per ``hop_s`` block in dBov (the last block may be partial), floored."""
    if hop_s <= 0:
        raise ValueError(f"hop_s must be positive, got {hop_s}")
    x = _checked_mono(x, sample_rate)
    hop = max(1, round(hop_s * sample_rate))
    n_blocks = -(-x.size // hop)
    if n_blocks == 0:
        return np.zeros(0)
    whole = x.size // hop
    sums = np.empty(n_blocks)
    step = hop * _SLICE_BLOCKS // 16
    for lo in range(0, whole * hop, step):  # a slice at a time: no full-length temporaries
        piece = x[lo : min(lo + step, whole * hop)].astype(np.float64)
        sums[lo // hop : lo // hop + piece.size // hop] = (piece * piece).reshape(-1, hop).sum(1)
    lengths = np.full(n_blocks, hop)
    if whole < n_blocks:
        tail = x[whole * hop :].astype(np.float64)
        sums[-1], lengths[-1] = float(np.dot(tail, tail)), tail.size
    mean_square = sums / lengths
    return np.maximum(10.0 * np.log10(np.maximum(mean_square, _TINY)), floor_dbov)


def classify_turn_levels(
    levels: Sequence[float | None],
    *,
    raised_db_above_median: float,
    whisper_db_below_median: float,
    min_dbov: float,
    max_dbov: float,
    median_dbov: float | None = None,
) -> list[LevelFlag]:
    """Flag each turn level against the speaker's median and the absolute range.

    One flag per turn, most specific first: "raised" (>= median + raised),
    "too_loud" (> max), "whisper" (<= median - whisper), "too_quiet" (< min);
    None for an unremarkable or unmeasured turn. The median is that of ``levels``
    unless ``median_dbov`` gives it (a live call's earlier turns).
    """
    measured = [v for v in levels if v is not None]
    if not measured:
        return [None] * len(levels)
    median = float(np.median(measured)) if median_dbov is None else median_dbov
    flags: list[LevelFlag] = []
    for level in levels:
        flag: LevelFlag = None
        if level is None:
            pass
        elif level >= median + raised_db_above_median:
            flag = "raised"
        elif level > max_dbov:
            flag = "too_loud"
        elif level <= median - whisper_db_below_median:
            flag = "whisper"
        elif level < min_dbov:
            flag = "too_quiet"
        flags.append(flag)
    return flags


def _checked_mono(x: np.ndarray, sample_rate: int) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1:
        raise UnsupportedAudioError(f"loudness needs one channel (1-D samples), got {x.shape}")
    if sample_rate <= 0:
        raise UnsupportedAudioError(f"invalid sample rate {sample_rate}")
    if not np.issubdtype(x.dtype, np.floating):
        # Integer PCM has no agreed full scale here; levels in dBov need floats in [-1, 1].
        raise UnsupportedAudioError(f"expected float samples in [-1, 1], got {x.dtype}")
    # float32 stays float32: the measures widen a slice at a time.
    if not np.isfinite(np.sum(x, dtype=np.float64)):  # finite iff every sample is
        raise CorruptAudioError("samples contain NaN or infinity")
    return x
