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

from collections.abc import Sequence
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


def active_speech_level_dbov(
    x: np.ndarray, sample_rate: int, *, no_speech_below_dbov: float = NO_SPEECH_BELOW_DBOV
) -> float | None:
    """P.56 (method B) active speech level of mono ``x`` in dBov; None when there is no speech."""
    x = _checked_mono(x, sample_rate)
    if x.size == 0:
        return None
    from scipy.ndimage import maximum_filter1d

    # The envelope is smooth (30 ms), so one value per 1 ms block loses nothing and saves
    # most of the work below.
    block = max(1, sample_rate // 1000)
    block_envelope, energy = _block_envelope(x, sample_rate, block)
    n_blocks = block_envelope.size
    block_samples = np.full(n_blocks, block)
    block_samples[-1] = x.size - (n_blocks - 1) * block
    hangover = round(HANGOVER_S * sample_rate / block)
    # Active at threshold c <=> the envelope reached c within the last `hangover`.
    recent_max = maximum_filter1d(
        block_envelope, size=hangover + 1, origin=hangover // 2, mode="constant", cval=0.0
    )
    peak_db = 20.0 * np.log10(max(float(recent_max.max()), _TINY))
    if energy <= 0.0 or peak_db <= _LOWEST_THRESHOLD_DBOV:
        return None

    n_steps = int(np.ceil((peak_db - _LOWEST_THRESHOLD_DBOV) / _THRESHOLD_STEP_DB)) + 1
    thresholds_db = _LOWEST_THRESHOLD_DBOV + _THRESHOLD_STEP_DB * np.arange(n_steps)
    recent_db = 20.0 * np.log10(np.maximum(recent_max, _TINY))
    bins = np.floor((recent_db - _LOWEST_THRESHOLD_DBOV) / _THRESHOLD_STEP_DB).astype(np.int64)
    keep = bins >= 0
    counts = np.bincount(bins[keep], weights=block_samples[keep], minlength=n_steps)[:n_steps]
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


def _block_envelope(x: np.ndarray, sample_rate: int, block: int) -> tuple[np.ndarray, float]:
    """Every ``block``-th sample of P.56's envelope of ``x``, and the energy of ``x``.

    Filtered a slice at a time with the filter state carried over (the same result as
    one pass), so the float64 temporaries stay small for an hour of speech.
    """
    from scipy.signal import lfilter

    g = np.exp(-1.0 / (sample_rate * ENVELOPE_TIME_CONSTANT_S))
    # Two cascaded one-pole smoothers of |x| (P.56's p and q), as one second-order filter.
    b, a = [(1.0 - g) ** 2], [1.0, -2.0 * g, g * g]
    state = np.zeros(2)
    step = block * _SLICE_BLOCKS  # a multiple of the block keeps the decimation in phase
    parts, energy = [], 0.0
    for lo in range(0, x.size, step):
        piece = x[lo : lo + step].astype(np.float64)
        energy += float(np.dot(piece, piece))
        envelope, state = lfilter(b, a, np.abs(piece), zi=state)
        parts.append(envelope[::block])
    return np.concatenate(parts), energy


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
