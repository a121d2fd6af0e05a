"""Voice activity per channel: who speaks when.

One concern: a (channels, n) float array in, the voice-active stretches of each
channel out. Speech bounds for every later rule come from here (Whisper's word
times are too loose), so the detector aims for tight boundaries.

How a frame becomes speech (10 ms hop, 25 ms Hann window):

1. Energy in the telephone speech band (200-3400 Hz) in dBov.
2. Stationary tones (ringback, dial tone) are masked: a tone puts nearly all of
   its band energy into a few neighbouring bins and holds its peak for a long
   time; speech does neither. ``exclude`` masks stretches the caller already
   knows are not speech.
3. A noise floor per channel (a low percentile of the band energy; digital
   silence, as on an agent line before the answer, left out) sets two
   hysteresis thresholds: a stretch above the low threshold is speech when it
   holds a few frames above the high threshold. Its edges then grow over the
   faint onset and decay just above the floor. On a noisy line (the floor within
   20-30 dB of the loud speech, as at 15 dB SNR) the margins above the floor
   shrink towards a few times the noise's own spread: steady hiss wanders ~1 dB,
   so the quieter half of the speech, only a few dB above it, is kept.
4. Crosstalk: the other party's voice leaks into a channel at a roughly fixed
   gain and delay. Both are estimated from the call (the gain from what the
   listener hears above its own noise floor); a frame whose energy is
   explained by the other channel's energy through that leak (plus a margin)
   is echo, not speech. A whole stretch that is much quieter than the other
   channel and follows its envelope is dropped too. Real double talk keeps its
   own envelope and level, so it survives.
5. Stretches closer than ``min_gap_s`` merge; shorter than ``min_speech_s`` go.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analyzers.errors import CorruptAudioError, EmptyAudioError, UnsupportedAudioError
from analyzers.spans import Span

if TYPE_CHECKING:
    from analyzers.audio import ChannelSamples

HOP_S = 0.01
WIN_S = 0.025
SPEECH_BAND_HZ = (200.0, 3400.0)
_FLOOR_DB = -120.0  # what digital silence reads as
_DEAD_DB = -90.0  # below this a frame is digital silence (line not yet open), not line noise
_DEAD_GAP_FRAMES = 10  # digital silence this long splits the line into stretches
_LONG_LINE_FRAMES = 500  # a live stretch this long shows its own noise floor
_CLEAN_LINE_FLOOR_DB = -90.0
_CHUNK_FRAMES = 6000  # frames per FFT block: bounds memory on hours-long calls

# Noise floor and thresholds (dB).
_FLOOR_PERCENTILE = 10.0
_LOW_ABOVE_FLOOR_DB = 6.0
_HIGH_ABOVE_FLOOR_DB = 16.0
_HIGH_BELOW_SPEECH_DB = 30.0  # high threshold is at least this close to the loud speech level
# Noisy lines: the margins above shrink where the floor comes within _NOISY_SPAN_DB of the
# loud speech (clean margins at the upper end, noisy ones at the lower), down to these
# multiples of the noise's spread (its floor minus its _SPREAD_PERCENTILE-th percentile:
# about 1 dB for steady hiss, whose frames then stay within ~2 dB of the floor).
_NOISY_SPAN_DB = (20.0, 30.0)
_SPREAD_PERCENTILE = 1.0
_LOW_SPREADS = 2.5
_HIGH_SPREADS = 7.0
_EDGE_SPREADS = 1.2
_CLEAN_LINE_SPREAD_DB = 10.0  # a clean-line floor (no noise measured) keeps the clean margins
_MIN_LOW_DBOV = -65.0  # nothing quieter is speech, however clean the line
_MIN_HIGH_DBOV = -55.0
_MIN_STRONG_FRAMES = 3  # a stretch needs this many frames above the high threshold
_MIN_BLIP_S = 0.06  # stretches shorter than this are clicks, dropped before merging
# Edges: a confirmed stretch grows while the smoothed energy stays this far above the floor
# (speech fades in and out below the low threshold), by at most _EDGE_MAX_S per side.
_EDGE_ABOVE_FLOOR_DB = 4.0
_EDGE_SMOOTH_FRAMES = 5
_EDGE_MAX_S = 0.2

# Tones: share of band energy within a few bins (~40 Hz each) of the peak, and how long
# it must hold.
_TONE_BINS = 7
_TONE_CONCENTRATION = 0.9
_TONE_MAX_LEVEL_RANGE_DB = 3.0
_TONE_MIN_S = 0.3
_TONE_GUARD_FRAMES = 2  # tone on/off ramps smear into neighbouring frames

# Crosstalk.
_ECHO_MAX_LAG_S = 0.3
_ECHO_LAG_SLACK_FRAMES = 2
_ECHO_COUPLING_PERCENTILE = 30.0
_ECHO_MAX_COUPLING_DB = -6.0  # a leak is always quieter than its source
_ECHO_MARGIN_DB = 6.0
_ECHO_MIN_FRAMES = 100  # frames of the other's speech needed to estimate the leak
_STEADY_SPREAD_DB = 1.5  # a noise floor this steady is taken off the level before the leak
_ECHO_SEGMENT_BELOW_DB = 15.0
_ECHO_SEGMENT_CORRELATION = 0.7
_ECHO_SEGMENT_EXCESS_DB = 10.0  # at most this far above the leak's predicted level
_ECHO_SEGMENT_COVERED = 0.8


@dataclass(frozen=True)
class _ChannelFeatures:
    band_db: np.ndarray  # speech-band energy per frame, dBov
    concentration: np.ndarray  # share of the band energy in the few bins around the peak
    peak_bin: np.ndarray  # strongest bin


def _frame_geometry(sample_rate: int, hop_s: float, win_s: float) -> tuple[int, int]:
    hop = max(1, round(hop_s * sample_rate))
    win = max(hop, round(win_s * sample_rate))
    return hop, win


def _frame_blocks(
    x: np.ndarray, hop: int, win: int, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first frame index, frames) blocks; frame i is centred on [i*hop, (i+1)*hop).

    Each block is a zero-padded copy of just its stretch of ``x``, so memory stays
    bounded on hours-long recordings. ``start``/``stop``: only frames [start, stop).
    """
    n_frames = -(-len(x) // hop)
    stop = n_frames if stop is None else min(stop, n_frames)
    offset = hop // 2 - win // 2  # first sample of frame 0's window (negative: before x)
    for first in range(start, stop, _CHUNK_FRAMES):
        last = min(stop, first + _CHUNK_FRAMES)
        a, b = first * hop + offset, (last - 1) * hop + offset + win
        chunk = np.zeros(b - a, dtype=np.float32)
        lo, hi = max(a, 0), min(b, len(x))
        if hi > lo:
            chunk[lo - a : hi - a] = x[lo:hi]
        yield first, np.lib.stride_tricks.sliding_window_view(chunk, win)[::hop]


def frame_energy_db(
    x: np.ndarray, sample_rate: int, hop_s: float = HOP_S, win_s: float = WIN_S
) -> np.ndarray:
    """Broadband RMS level per frame in dBov (RMS re 1.0; silence reads -120).

    Frame ``i`` is a ``win_s`` window centred on ``[i*hop_s, (i+1)*hop_s)``, so
    there are ``ceil(len(x) / hop)`` frames and frame ``i`` stands for time
    ``i * hop_s``.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 1:
        raise ValueError(f"frame_energy_db wants a mono signal, got shape {x.shape}")
    hop, win = _frame_geometry(sample_rate, hop_s, win_s)
    out = np.empty(-(-len(x) // hop), dtype=np.float64)
    for first, frames in _frame_blocks(x, hop, win):
        ms = np.mean(np.square(frames, dtype=np.float64), axis=1)
        out[first : first + len(ms)] = 10 * np.log10(np.maximum(ms, 10 ** (_FLOOR_DB / 10)))
    return out


def _channel_features(x: np.ndarray, sample_rate: int) -> _ChannelFeatures:
    """Speech-band energy and tone cues per frame, from one windowed FFT."""
    from scipy import fft as scipy_fft
    from scipy.ndimage import uniform_filter1d

    hop, win = _frame_geometry(sample_rate, HOP_S, WIN_S)
    n_fft = win
    window = np.hanning(win + 2)[1:-1].astype(np.float32)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    lo_hz, hi_hz = SPEECH_BAND_HZ
    band = np.flatnonzero((freqs >= lo_hz) & (freqs <= min(hi_hz, 0.47 * sample_rate)))
    # Band power -> mean square of the frame (Parseval, one-sided, window-compensated).
    scale = 2.0 / (n_fft * float(np.sum(window.astype(np.float64) ** 2)))
    n_frames = -(-len(x) // hop)
    band_db = np.empty(n_frames)
    concentration = np.empty(n_frames)
    peak_bin = np.empty(n_frames, dtype=np.int64)
    for first, frames in _frame_blocks(x, hop, win):
        spec = scipy_fft.rfft(frames * window, n=n_fft, axis=1)[:, band]  # complex64
        power = spec.real**2 + spec.imag**2
        total = power.sum(axis=1, dtype=np.float64)
        # Energy in the bins around each bin; the best such window vs the whole band.
        local = uniform_filter1d(power, _TONE_BINS, axis=1, mode="constant")
        last = first + len(frames)
        band_db[first:last] = 10 * np.log10(np.maximum(total * scale, 10 ** (_FLOOR_DB / 10)))
        concentration[first:last] = _TONE_BINS * local.max(axis=1) / np.maximum(total, 1e-30)
        peak_bin[first:last] = np.argmax(power, axis=1)
    return _ChannelFeatures(band_db, concentration, peak_bin)


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs in a bool array."""
    if mask.size == 0:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()
    return list(zip(starts, stops, strict=True))


def _tone_frames(f: _ChannelFeatures, floor_db: np.ndarray) -> np.ndarray:
    """Frames inside a long, steady, narrow-band stretch: a tone, not a voice.

    A hummed "mm" is narrow-band too, but a voice wavers in pitch and level; a
    tone holds both for the whole of ``_TONE_MIN_S``.
    """
    from scipy.ndimage import uniform_filter1d

    band_db = f.band_db
    narrow = (f.concentration >= _TONE_CONCENTRATION) & (band_db > floor_db + _LOW_ABOVE_FLOOR_DB)
    steady = np.zeros_like(narrow)
    steady[1:] = np.abs(np.diff(f.peak_bin)) <= 1
    candidate = narrow & steady
    tonal = np.zeros_like(narrow)
    length = round(_TONE_MIN_S / HOP_S)
    # Smooth over 50 ms first: two-frequency tones beat (US 440+480 Hz at 40 Hz).
    level = 10 * np.log10(uniform_filter1d(10 ** (band_db / 10), 5, mode="nearest"))
    for a, b in true_runs(candidate):
        if b - a < length:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(level[a:b], length)
        level_range = windows.max(axis=1) - windows.min(axis=1)
        for k in np.flatnonzero(level_range <= _TONE_MAX_LEVEL_RANGE_DB):
            lo, hi = a + k, a + k + length
            tonal[max(0, lo - 1 - _TONE_GUARD_FRAMES) : hi + _TONE_GUARD_FRAMES] = True
    return tonal


def _excluded_frames(exclude: Sequence[Span] | None, n_frames: int) -> np.ndarray:
    mask = np.zeros(n_frames, dtype=bool)
    for start_s, end_s in exclude or ():
        if not (np.isfinite(start_s) and np.isfinite(end_s)) or end_s < start_s:
            raise ValueError(f"exclude stretch ({start_s}, {end_s}) is not a valid time range")
        a = max(0, int(np.floor(start_s / HOP_S)))
        b = min(n_frames, int(np.ceil(end_s / HOP_S)))
        mask[a:b] = True
    return mask


@dataclass(frozen=True)
class _Thresholds:
    """Per-frame levels in dB: the noise floor and the two hysteresis thresholds."""

    floor_db: np.ndarray
    spread_db: np.ndarray
    low_db: np.ndarray
    high_db: np.ndarray
    edge_db: np.ndarray


def _noise_floor(band_db: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame noise floor and its spread: a low percentile of the band energy where the
    line is live, and how far the quietest frames lie below it.

    Digital silence says nothing about line noise and would drag a percentile to
    -120 dB, so it is left out. A line that is open for a long stretch (an agent
    line after the answer) has its floor from that stretch. Short live stretches
    between digital silence (a gated or synthetic line: the live frames are the
    speech itself) get a clean-line floor instead. The spread (floor minus the 1st
    percentile) is how much the noise's level wanders: under 1 dB for steady hiss.
    """
    n = len(band_db)
    live = band_db > _DEAD_DB
    floor = np.full(n, _CLEAN_LINE_FLOOR_DB)
    spread = np.full(n, _CLEAN_LINE_SPREAD_DB)
    gaps = [(a, b) for a, b in true_runs(~live) if b - a >= _DEAD_GAP_FRAMES]
    edges = [0, *[e for gap in gaps for e in gap], n]
    pieces = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    for a, b in pieces:
        values = band_db[a:b][live[a:b] & usable[a:b]]
        if values.size and (not gaps or b - a >= _LONG_LINE_FRAMES):
            low, floor_db = np.percentile(values, [_SPREAD_PERCENTILE, _FLOOR_PERCENTILE])
            floor[a:b], spread[a:b] = floor_db, floor_db - low
    return floor, spread


def _thresholds(
    band_db: np.ndarray, usable: np.ndarray, floor_db: np.ndarray, spread_db: np.ndarray
) -> _Thresholds:
    values = band_db[usable & (band_db > _DEAD_DB)]
    if values.size == 0:
        never = np.full(len(band_db), np.inf)
        return _Thresholds(floor_db, spread_db, never, never, never)
    loud = float(np.percentile(values, 95.0))
    # On a noisy line (the floor within _NOISY_SPAN_DB of the loud speech) the clean
    # margins would cut the speech's quieter half: they shrink towards a few times the
    # noise's own spread, which steady noise does not cross.
    clean = np.clip((loud - floor_db - _NOISY_SPAN_DB[0]) / np.diff(_NOISY_SPAN_DB), 0.0, 1.0)

    def margin(clean_db: float, spreads: float) -> np.ndarray:
        noisy = np.minimum(spreads * spread_db, clean_db)
        return noisy + clean * (clean_db - noisy)

    low = np.maximum(floor_db + margin(_LOW_ABOVE_FLOOR_DB, _LOW_SPREADS), _MIN_LOW_DBOV)
    high = np.maximum(
        floor_db + margin(_HIGH_ABOVE_FLOOR_DB, _HIGH_SPREADS),
        max(_MIN_HIGH_DBOV, loud - _HIGH_BELOW_SPEECH_DB),
    )
    edge = floor_db + margin(_EDGE_ABOVE_FLOOR_DB, _EDGE_SPREADS)
    return _Thresholds(floor_db, spread_db, low, np.maximum(high, low), edge)


def _shift(x: np.ndarray, lag: int, fill: float) -> np.ndarray:
    """x delayed by ``lag`` frames (out[t] = x[t - lag])."""
    if lag <= 0:
        return x.copy()
    out = np.full_like(x, fill)
    out[lag:] = x[:-lag]
    return out


def _echo_lag(
    listener: np.ndarray, source: np.ndarray, floor_l: np.ndarray, floor_s: np.ndarray
) -> int:
    """Frames by which ``source`` leaks into ``listener``: where their envelopes correlate best."""
    max_lag = round(_ECHO_MAX_LAG_S / HOP_S)
    env_l = np.clip(listener - floor_l, 0.0, 50.0)
    env_s = np.clip(source - floor_s, 0.0, 50.0)
    n = len(env_l)
    best_lag, best_r = 0, -np.inf
    for lag in range(0, min(max_lag, n - 2) + 1):
        a, b = env_l[lag:], env_s[: n - lag]
        if a.std() == 0 or b.std() == 0:
            continue
        r = float(np.corrcoef(a, b)[0, 1])
        if r > best_r:
            best_lag, best_r = lag, r
    return best_lag


@dataclass(frozen=True)
class _Leak:
    lag: int  # frames
    coupling_db: float  # listener level minus source level where only the leak is heard
    source_db: np.ndarray  # source band energy aligned to the listener (max over the lag slack)
    source_active: np.ndarray  # source speech aligned to the listener


def _estimate_leak(
    listener: np.ndarray,
    source: np.ndarray,
    source_speech: np.ndarray,
    th_l: _Thresholds,
    th_s: _Thresholds,
) -> _Leak | None:
    from scipy.ndimage import maximum_filter1d

    if int(source_speech.sum()) < _ECHO_MIN_FRAMES:
        return None
    lag = _echo_lag(listener, source, th_l.floor_db, th_s.floor_db)
    size = 2 * _ECHO_LAG_SLACK_FRAMES + 1
    aligned = maximum_filter1d(_shift(source, lag, _FLOOR_DB), size=size)
    aligned_speech = maximum_filter1d(_shift(source_speech, lag, False), size=size)
    exact = _shift(source, lag, _FLOOR_DB)
    strong = _shift(source_speech, lag, False) & (exact > _shift(th_s.high_db, lag, np.inf))
    if int(strong.sum()) < _ECHO_MIN_FRAMES:
        return None
    # The leak is what the listener hears above its own noise: on a noisy line the level
    # during the other's speech is mostly that noise, which is no leak. Only a steady
    # noise is known well enough to take off (a codec's gated, wandering noise is not).
    steady = th_l.spread_db[strong] <= _STEADY_SPREAD_DB
    heard = 10 ** (listener[strong] / 10) - steady * 10 ** (th_l.floor_db[strong] / 10)
    above_noise = 10 * np.log10(np.maximum(heard, 10 ** (_FLOOR_DB / 10)))
    coupling = float(np.percentile(above_noise - exact[strong], _ECHO_COUPLING_PERCENTILE))
    return _Leak(lag, min(coupling, _ECHO_MAX_COUPLING_DB), aligned, aligned_speech)


def _hysteresis_runs(
    band_db: np.ndarray, allowed: np.ndarray, th: _Thresholds, min_frames: int
) -> list[tuple[int, int]]:
    candidate = allowed & (band_db > th.low_db)
    strong = allowed & (band_db > th.high_db)
    strong_cum = np.concatenate(([0], np.cumsum(strong)))
    kept = [
        (a, b)
        for a, b in true_runs(candidate)
        if b - a >= min_frames and strong_cum[b] - strong_cum[a] >= _MIN_STRONG_FRAMES
    ]
    return _grow_edges(kept, band_db, allowed, th)


def _grow_edges(
    runs: list[tuple[int, int]], band_db: np.ndarray, allowed: np.ndarray, th: _Thresholds
) -> list[tuple[int, int]]:
    """Extend each stretch over the faint onset/decay just above the noise floor."""
    if not runs:
        return runs
    kernel = np.ones(_EDGE_SMOOTH_FRAMES) / _EDGE_SMOOTH_FRAMES
    smooth = np.convolve(band_db, kernel, mode="same")
    faint = allowed & (smooth > th.edge_db)
    max_grow = round(_EDGE_MAX_S / HOP_S)
    n = len(band_db)
    grown = []
    for a, b in runs:
        lo = a
        while lo > 0 and a - lo < max_grow and faint[lo - 1]:
            lo -= 1
        hi = b
        while hi < n and hi - b < max_grow and faint[hi]:
            hi += 1
        grown.append((lo, hi))
    return grown


def _merge_runs(runs: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < max_gap:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _is_echo_stretch(listener: np.ndarray, leak: _Leak, a: int, b: int) -> bool:
    """A stretch that the frame test let through but still looks like the other's echo.

    Echo gain drifts (codecs, level control), so some echo frames beat the frame
    test. Such a stretch sits mostly inside the other's speech, is much quieter than
    it, stays near the leak's level and follows the other's envelope. Real double
    talk fails at least one of these: its level is its own.
    """
    if float(np.mean(leak.source_active[a:b])) < _ECHO_SEGMENT_COVERED:
        return False
    mine, theirs = listener[a:b], leak.source_db[a:b]
    if float(np.mean(mine - theirs)) > -_ECHO_SEGMENT_BELOW_DB:
        return False
    if float(np.median(mine - (theirs + leak.coupling_db))) > _ECHO_SEGMENT_EXCESS_DB:
        return False
    if b - a < 3 or mine.std() == 0 or theirs.std() == 0:
        return True
    return float(np.corrcoef(mine, theirs)[0, 1]) >= _ECHO_SEGMENT_CORRELATION


def _own_speech_runs(
    band_db: np.ndarray, usable: np.ndarray, th: _Thresholds, leaks: list[_Leak], blip: int
) -> list[tuple[int, int]]:
    """Speech runs of one channel once the other channels' leaks are taken out."""
    allowed = usable.copy()
    for leak in leaks:
        # The frame is no louder than the leak would make it: nothing of its own.
        allowed &= ~(
            leak.source_active & (band_db < leak.source_db + leak.coupling_db + _ECHO_MARGIN_DB)
        )
    runs = _hysteresis_runs(band_db, allowed, th, blip)
    return [(a, b) for a, b in runs if not any(_is_echo_stretch(band_db, lk, a, b) for lk in leaks)]


def validated_samples(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    if not isinstance(sample_rate, int | np.integer) or sample_rate < 4000:
        raise UnsupportedAudioError(f"sample rate must be an integer >= 4000, got {sample_rate!r}")
    x = np.asarray(samples)
    if x.ndim == 1:
        x = x[np.newaxis, :]
    if x.ndim != 2 or x.shape[0] == 0:
        raise UnsupportedAudioError(f"samples must have shape (channels, n), got {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise UnsupportedAudioError(f"samples must be real numbers, got dtype {x.dtype}")
    if x.shape[1] == 0:
        raise EmptyAudioError("the recording has no samples")
    x = x.astype(np.float32, copy=False)
    if not np.isfinite(np.sum(x, dtype=np.float64)):  # finite iff every sample is
        raise CorruptAudioError("the recording contains NaN or infinite samples")
    return x


def detect_activity(
    samples: ChannelSamples,
    sample_rate: int,
    *,
    min_speech_s: float = 0.25,
    min_gap_s: float = 0.3,
    exclude: list[Span] | None = None,
) -> list[list[Span]]:
    """Voice-active stretches of each channel of ``samples`` (shape (channels, n), or a
    sequence of equal-length 1-D channels, each read once).

    ``exclude`` lists (start_s, end_s) stretches that are never speech on any
    channel (e.g. detected ringback). Gaps shorter than ``min_gap_s`` within a
    channel are bridged; stretches shorter than ``min_speech_s`` are dropped.
    A 1-D array is taken as one channel.
    """
    if min_speech_s < 0 or min_gap_s < 0:
        raise ValueError("min_speech_s and min_gap_s must be >= 0")
    levels, n_samples = _channel_levels(samples, sample_rate, exclude)
    blip = max(1, round(_MIN_BLIP_S / HOP_S))

    # First pass: each channel alone. Its speech is what may leak into the others.
    first_pass = []
    for band_db, usable, th in levels:
        speech = np.zeros(len(band_db), dtype=bool)
        for a, b in _hysteresis_runs(band_db, usable, th, blip):
            speech[a:b] = True
        first_pass.append(speech)

    min_gap = max(1, round(min_gap_s / HOP_S))
    min_frames = round(min_speech_s / HOP_S)
    duration_s = n_samples / sample_rate
    result: list[list[Span]] = []
    for i, (band_db, usable, th) in enumerate(levels):
        leaks = []
        for j, (other_db, _, other_th) in enumerate(levels):
            if j != i:
                leak = _estimate_leak(band_db, other_db, first_pass[j], th, other_th)
                if leak is not None:
                    leaks.append(leak)
        runs = _own_speech_runs(band_db, usable, th, leaks, blip)
        result.append(
            [
                Span(round(a * HOP_S, 3), round(min(b * HOP_S, duration_s), 3))
                for a, b in _merge_runs(runs, min_gap)
                if b - a >= min_frames
            ]
        )
    return result


def _channel_levels(
    samples: ChannelSamples, sample_rate: int, exclude: list[Span] | None
) -> tuple[list[tuple[np.ndarray, np.ndarray, _Thresholds]], int]:
    """Per channel: band level per frame, the frames that may be speech (tones and
    ``exclude`` masked), the thresholds; and the samples per channel.

    One channel at a time: its samples and tone cues are dropped before the next one is
    read (a paged call never holds two channels).
    """
    # An array is validated at once, a sequence channel by channel as it is read.
    whole = isinstance(samples, np.ndarray)
    channels = (
        validated_samples(samples, sample_rate) if isinstance(samples, np.ndarray) else samples
    )
    if len(channels) == 0:
        raise UnsupportedAudioError("samples must have at least one channel")
    levels = []
    n_samples = None
    for channel in channels:
        x = channel if whole else validated_samples(channel, sample_rate)[0]
        if n_samples is not None and len(x) != n_samples:
            raise UnsupportedAudioError(f"channels differ in length: {len(x)} and {n_samples}")
        n_samples = len(x)
        features = _channel_features(x, sample_rate)
        del x
        excluded = _excluded_frames(exclude, len(features.band_db))
        floor, spread = _noise_floor(features.band_db, ~excluded)
        usable = ~_tone_frames(features, floor) & ~excluded
        thresholds = _thresholds(features.band_db, usable, floor, spread)
        levels.append((features.band_db, usable, thresholds))
    assert n_samples is not None
    return levels, n_samples
