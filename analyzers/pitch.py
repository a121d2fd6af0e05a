"""Fundamental frequency (F0) and pitch monotony.

The tracker follows Boersma's (1993) autocorrelation method, the one behind
Praat's ``To Pitch (ac)``: per frame, the Hanning-windowed autocorrelation
divided by the window's own autocorrelation gives candidate periods and their
strengths; a voiceless candidate is scored from the frame's peak relative to
the loudest speech; a Viterbi path with octave-jump and voicing-change costs
picks one candidate per frame, which removes most octave errors. A second path
search penalises candidates outside the speaker's own range, which removes the
stretches of harmonic errors that telephone audio without its fundamental invites
(Praat makes them too). That range is estimated robustly from the first pass
(quartiles around its most populated octave), so it holds even when the first
pass put many frames on a harmonic. Everything is vectorised over frames; the
path search loops over the frames of one voiced stretch at a time, all stretches
in parallel.

Monotony is the spread of F0 in semitones (sex-independent): the standard
deviation of ``12 * log2(f0 / median)`` over voiced frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzers.errors import CorruptAudioError, EmptyAudioError, UnsupportedAudioError
from analyzers.spans import Span

# Pitch lives far below 4 kHz: analysing at 8 kHz keeps the FFTs small for any input rate.
ANALYSIS_RATE = 8000
MIN_SAMPLE_RATE = 4000

# Praat's window: 3 periods of its 75 Hz floor (40 ms). Lags are searched down to fmin;
# the window-corrected autocorrelation still works with 2.4 periods (60 Hz) in it.
_WINDOW_S = 0.04
_MIN_PERIODS_PER_WINDOW = 2.4
# Boersma's published defaults (Praat's "To Pitch (ac)"). Costs are per 10 ms frame step.
_SILENCE_THRESHOLD = 0.03
_VOICING_THRESHOLD = 0.45
_OCTAVE_COST = 0.01
_OCTAVE_JUMP_COST = 0.35
_VOICED_UNVOICED_COST = 0.14
_VOICED_CANDIDATES = 6
# Speaker-range prior of the second pass: free from the first quartile / 2.4 up to 1.5 x
# the third quartile, then this much path score per octave beyond (a candidate scores
# <= ~1). The ceiling is Hirst's per-speaker pitch ceiling: a band that lost the
# fundamental leaves harmonics, so its errors lie above. Below, the only errors are
# subharmonics an octave or more down, and real voices fall far at phrase ends, so the
# floor is looser than Hirst's 0.75 x first quartile. Quartiles are taken over the
# first-pass frames within _CORE_OCTAVES of the speaker's centre.
_RANGE_BELOW_OCTAVES = 1.25
_RANGE_ABOVE_OCTAVES = 0.585  # log2(1.5)
_RANGE_PRIOR_COST = 0.3
_CORE_OCTAVES = 0.75
_PRIOR_MIN_FRAMES = 50
_FRAMES_PER_CHUNK = 4096  # bounds memory: chunk x window samples per FFT batch
_VITERBI_ROWS = 4096  # stretches searched side by side: bounds the per-step temporaries


@dataclass(frozen=True, eq=False)
class PitchTrack:
    """F0 per frame on a regular grid over the whole signal.

    ``times_s[i]`` is the centre of frame i; ``f0_hz[i]`` is NaN where the frame
    is unvoiced or was not analysed (outside the ``active`` stretches).
    """

    times_s: np.ndarray
    f0_hz: np.ndarray

    @property
    def hop_s(self) -> float:
        return float(self.times_s[1] - self.times_s[0]) if self.times_s.size > 1 else 0.0


def f0_track(
    x: np.ndarray,
    sample_rate: int,
    *,
    fmin: float = 60.0,
    fmax: float = 400.0,
    hop_s: float = 0.01,
    active: list[Span] | None = None,
) -> PitchTrack:
    """Track F0 of the mono signal ``x``; only inside ``active`` stretches when given."""
    if not 0 < fmin < fmax:
        raise ValueError(f"need 0 < fmin < fmax, got fmin={fmin}, fmax={fmax}")
    if hop_s <= 0:
        raise ValueError(f"hop_s must be positive, got {hop_s}")
    x = _checked_mono(x, sample_rate)
    duration_s = x.size / sample_rate
    n_frames = int(duration_s / hop_s)
    times_s = (np.arange(n_frames) + 0.5) * hop_s
    f0_hz = np.full(n_frames, np.nan)
    analysed = _frames_inside(times_s, active)
    if not analysed.any():
        return PitchTrack(times_s, f0_hz)

    signal, fs = _at_analysis_rate(x, sample_rate)
    fmax = min(fmax, 0.45 * fs)
    frame_idx = np.flatnonzero(analysed)
    freqs, local_score, intensity = _candidates(signal, fs, times_s[frame_idx], fmin, fmax)
    unvoiced_score = _VOICING_THRESHOLD + np.maximum(
        0.0, 2.0 - intensity / (_SILENCE_THRESHOLD / (1.0 + _VOICING_THRESHOLD))
    )
    step_scale = 0.01 / hop_s
    costs = {
        "octave_jump_cost": _OCTAVE_JUMP_COST * step_scale,
        "voicing_cost": _VOICED_UNVOICED_COST * step_scale,
    }
    state = _viterbi(freqs, local_score, unvoiced_score, frame_idx, **costs)
    # Second pass within the speaker's own range: a telephone band that lost the
    # fundamental invites whole stretches on the 3rd-5th harmonic (+19 to +28 st) or an
    # octave up that frame-to-frame costs cannot rule out once they start.
    first_pass = freqs[state >= 0, state[state >= 0]]
    if first_pass.size >= _PRIOR_MIN_FRAMES:
        low, high = _speaker_range(np.log2(first_pass))
        scores = _range_penalized(local_score, freqs, low, high)
        state = _viterbi(freqs, scores, unvoiced_score, frame_idx, **costs)
    chosen = state >= 0
    f0_hz[frame_idx[chosen]] = freqs[np.flatnonzero(chosen), state[chosen]]
    return PitchTrack(times_s, f0_hz)


def semitone_spread(
    f0_hz: np.ndarray, *, hop_s: float = 0.01, min_voiced_s: float = 1.0
) -> float | None:
    """SD of F0 in semitones around its median; None with under ``min_voiced_s`` of voicing."""
    voiced = _voiced(f0_hz)
    if voiced.size == 0 or voiced.size * hop_s < min_voiced_s:
        return None
    semitones = 12.0 * np.log2(voiced / np.median(voiced))
    return float(np.std(semitones))


def pitch_median_hz(
    f0_hz: np.ndarray, *, hop_s: float = 0.01, min_voiced_s: float = 1.0
) -> float | None:
    """Median F0 over voiced frames; None with under ``min_voiced_s`` of voicing."""
    voiced = _voiced(f0_hz)
    if voiced.size == 0 or voiced.size * hop_s < min_voiced_s:
        return None
    return float(np.median(voiced))


def windowed_spread(
    track: PitchTrack, window_s: float = 30.0, min_voiced_s: float = 2.0
) -> list[tuple[float, float, float | None]]:
    """Semitone spread per consecutive window over the call: (start_s, end_s, sd or None).

    The last window ends with the track; a window with under ``min_voiced_s``
    of voicing has no value.
    """
    if window_s <= 0:
        raise ValueError(f"window_s must be positive, got {window_s}")
    n = track.times_s.size
    if n == 0:
        return []
    hop_s = track.hop_s or window_s
    end_of_track = float(track.times_s[-1] + 0.5 * hop_s)
    windows: list[tuple[float, float, float | None]] = []
    start = 0.0
    while start < end_of_track - 1e-9:
        end = min(start + window_s, end_of_track)
        inside = (track.times_s >= start) & (track.times_s < end)
        sd = semitone_spread(track.f0_hz[inside], hop_s=hop_s, min_voiced_s=min_voiced_s)
        windows.append((round(start, 6), round(end, 6), sd))
        start += window_s
    return windows


def _speaker_range(log_f0: np.ndarray) -> tuple[float, float]:
    """Free range (log2 Hz) of the second pass, from a first pass with harmonic errors.

    Centre: the median of the most populated octave, which errors an octave and more
    away do not reach. Range: from the quartiles of the frames near the centre (the
    ceiling is Hirst's 1.5 x third quartile, used to set Praat's ceiling per speaker).
    A 5th-95th percentile range would take the errors in as soon as they pass 5 % of
    the frames, and then keep them.
    """
    v = np.sort(log_f0)
    ends = np.searchsorted(v, v + 1.0, side="right")
    i = int(np.argmax(ends - np.arange(v.size)))
    centre = float(np.median(v[i : ends[i]]))
    core = v[np.abs(v - centre) <= _CORE_OCTAVES]
    q1, q3 = np.percentile(core, [25.0, 75.0])
    return float(q1) - _RANGE_BELOW_OCTAVES, float(q3) + _RANGE_ABOVE_OCTAVES


def _voiced(f0_hz: np.ndarray) -> np.ndarray:
    f0 = np.asarray(f0_hz, dtype=np.float64)
    return f0[np.isfinite(f0) & (f0 > 0)]


def _range_penalized(
    local_score: np.ndarray, freqs: np.ndarray, low: float, high: float
) -> np.ndarray:
    """``local_score`` less _RANGE_PRIOR_COST per octave of each candidate outside the
    speaker's [low, high] (log2 Hz); computed in place, one frame-by-candidate array
    at a time (they are large on an hours-long call)."""
    out = np.log2(np.where(freqs > 0, freqs, 1.0))  # log_f
    above = out - high
    np.subtract(low, out, out=out)
    np.maximum(out, above, out=out)  # octaves outside the range (negative inside)
    del above
    np.maximum(0.0, out, out=out)
    np.multiply(_RANGE_PRIOR_COST, out, out=out)
    return np.subtract(local_score, out, out=out)


def _checked_mono(x: np.ndarray, sample_rate: int) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1:
        raise UnsupportedAudioError(f"pitch needs one channel (1-D samples), got shape {x.shape}")
    if x.size == 0:
        raise EmptyAudioError("no samples to analyse")
    if sample_rate < MIN_SAMPLE_RATE:
        raise UnsupportedAudioError(f"sample rate {sample_rate} Hz is below {MIN_SAMPLE_RATE} Hz")
    if not np.issubdtype(x.dtype, np.floating):
        # Integer PCM has no agreed full scale here; levels in dBov need floats in [-1, 1].
        raise UnsupportedAudioError(f"expected float samples in [-1, 1], got {x.dtype}")
    # float32 stays float32: frames are cut and widened a batch at a time (a full-length
    # float64 copy of an hour's call costs more than the whole analysis may).
    x = x if x.dtype == np.float32 else x.astype(np.float64, copy=False)
    if not np.isfinite(np.sum(x, dtype=np.float64)):  # finite iff every sample is
        raise CorruptAudioError("samples contain NaN or infinity")
    return x


def _frames_inside(times_s: np.ndarray, active: list[Span] | None) -> np.ndarray:
    if active is None:
        return np.ones(times_s.size, dtype=bool)
    inside = np.zeros(times_s.size, dtype=bool)
    for start, end in active:
        lo, hi = np.searchsorted(times_s, [start, end])
        inside[lo:hi] = True
    return inside


def _at_analysis_rate(x: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
    if sample_rate <= ANALYSIS_RATE:
        return x, sample_rate
    from analyzers.audio import resample

    return resample(x, sample_rate, ANALYSIS_RATE), ANALYSIS_RATE


def _hann(n: int) -> np.ndarray:
    # Praat's Hanning: zero just outside both ends, so no sample is wasted.
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(1, n + 1) / (n + 1))


def _candidates(
    signal: np.ndarray, fs: int, centres_s: np.ndarray, fmin: float, fmax: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Voiced candidates per frame: frequencies, local path scores (-inf = none), intensity."""
    from scipy.fft import irfft, next_fast_len, rfft

    window_s = max(_WINDOW_S, _MIN_PERIODS_PER_WINDOW / fmin)
    window_len = 2 * (int(window_s * fs) // 2)
    min_lag = max(2, int(fs / fmax))
    max_lag = int(fs / fmin) + 1
    n_fft = next_fast_len(window_len + max_lag + 2, real=True)
    window = _hann(window_len)
    window32 = window.astype(np.float32)
    window_spec = rfft(window, n_fft)
    window_ac = irfft(window_spec.real**2 + window_spec.imag**2, n_fft)[: max_lag + 2]
    # Dividing by the window's own normalised autocorrelation undoes its taper.
    inverse_window_ac = (window_ac[0] / window_ac).astype(np.float32)
    half_period = int(fs / fmin) // 2 + 1
    mid = window_len // 2
    # Frame starts as if the signal were padded with a window of zeros at both ends.
    starts = np.round(centres_s * fs).astype(np.int64) - mid + window_len
    starts = np.clip(starts, 0, signal.size + window_len)

    n = centres_s.size
    freqs = np.zeros((n, _VOICED_CANDIDATES))
    scores = np.full((n, _VOICED_CANDIDATES), -np.inf)
    local_peak = np.zeros(n)
    for lo in range(0, n, _FRAMES_PER_CHUNK):
        hi = min(n, lo + _FRAMES_PER_CHUNK)
        frames = _padded_frames(signal, starts[lo:hi] - window_len, window_len)
        frames -= frames.mean(axis=1, keepdims=True)
        frames *= window32
        local_peak[lo:hi] = np.abs(frames[:, mid - half_period : mid + half_period]).max(axis=1)
        spec = rfft(frames, n_fft, axis=1)
        ac = irfft(spec.real**2 + spec.imag**2, n_fft, axis=1)[:, : max_lag + 2]
        energy = ac[:, :1]
        inverse_energy = np.divide(1.0, energy, out=np.zeros_like(energy), where=energy > 0)
        r = ac * inverse_energy * inverse_window_ac
        freqs[lo:hi], scores[lo:hi] = _best_peaks(r, min_lag, max_lag, fs, fmax)
    global_peak = float(local_peak.max())
    intensity = local_peak / global_peak if global_peak > 0 else np.zeros(n)
    return freqs, scores, np.minimum(intensity, 1.0)


def _padded_frames(signal: np.ndarray, starts: np.ndarray, window_len: int) -> np.ndarray:
    """(len(starts), window_len) float32 frames of ``signal``, zeros outside it."""
    frames = np.zeros((starts.size, window_len), dtype=np.float32)
    inside = (starts >= 0) & (starts + window_len <= signal.size)
    if inside.any():
        views = np.lib.stride_tricks.sliding_window_view(signal, window_len)
        frames[inside] = views[starts[inside]]
    for row in np.flatnonzero(~inside):  # at most a window's worth at each end
        lo, hi = max(0, starts[row]), min(signal.size, starts[row] + window_len)
        if hi > lo:
            frames[row, lo - starts[row] : hi - starts[row]] = signal[lo:hi]
    return frames


def _best_peaks(
    r: np.ndarray, min_lag: int, max_lag: int, fs: int, fmax: float
) -> tuple[np.ndarray, np.ndarray]:
    """The strongest autocorrelation maxima per frame, refined by parabolic interpolation."""
    n = r.shape[0]
    freqs = np.zeros((n, _VOICED_CANDIDATES))
    scores = np.full((n, _VOICED_CANDIDATES), -np.inf)
    centre = r[:, min_lag:max_lag]
    left, right = r[:, min_lag - 1 : max_lag - 1], r[:, min_lag + 1 : max_lag + 1]
    is_peak = (centre > 0.5 * _VOICING_THRESHOLD) & (centre > left) & (centre >= right)
    rows = np.flatnonzero(is_peak.any(axis=1))
    if rows.size == 0:
        return freqs, scores
    lags = np.arange(min_lag, max_lag)
    # Rank by strength with Praat's octave cost, which favours the shorter period.
    rank = np.where(is_peak[rows], centre[rows] - _OCTAVE_COST * np.log2(lags), -np.inf)
    k = min(_VOICED_CANDIDATES, lags.size)
    top = np.argpartition(-rank, k - 1, axis=1)[:, :k]
    at = (rows[:, None], top)
    valid = np.isfinite(np.take_along_axis(rank, top, axis=1))
    y0, y1, y2 = (a[at].astype(np.float64) for a in (left, centre, right))
    curvature = 2.0 * y1 - y0 - y2
    shift = np.divide(0.5 * (y2 - y0), curvature, out=np.zeros_like(y1), where=curvature > 0)
    shift = np.clip(shift, -0.5, 0.5)
    strength = y1 + 0.25 * (y2 - y0) * shift
    strength = np.where(strength > 1.0, 1.0 / np.maximum(strength, 1.0), strength)  # overshoot
    freq = fs / (lags[top] + shift)
    valid &= freq <= fmax
    freqs[rows, :k] = np.where(valid, freq, 0.0)
    octave_cost = _OCTAVE_COST * np.log2(fmax / np.where(valid, freq, fmax))
    scores[rows, :k] = np.where(valid, strength - octave_cost, -np.inf)
    return freqs, scores


def _viterbi(
    freqs: np.ndarray,
    voiced_score: np.ndarray,
    unvoiced_score: np.ndarray,
    frame_idx: np.ndarray,
    *,
    octave_jump_cost: float,
    voicing_cost: float,
) -> np.ndarray:
    """Best path through the candidates: per frame the voiced candidate index, or -1.

    A frame whose voiceless score beats every voiced candidate by more than two
    voicing changes is voiceless on every best path (switching it to voiceless
    costs at most two transitions and gains more), so it splits the search into
    independent stretches, which are searched side by side, _VITERBI_ROWS at a time.
    """
    n = voiced_score.shape[0]
    best_voiced = voiced_score.max(axis=1)
    breaks = unvoiced_score - best_voiced > 2.0 * voicing_cost  # certainly voiceless
    # Frames not adjacent on the track grid (outside the active stretches) also split.
    gap_before = np.ones(n, dtype=bool)
    gap_before[1:] = np.diff(frame_idx) != 1
    run_start = np.flatnonzero(~breaks & (gap_before | np.r_[True, breaks[:-1]]))
    state = np.full(n, -1)
    if run_start.size == 0:
        return state
    # A stretch ends (exclusive) at the next break or grid gap, or at the last frame.
    stop = np.append(np.flatnonzero(breaks | gap_before), n)
    lengths = stop[np.searchsorted(stop, run_start, side="right")] - run_start
    # Longest first, so the stretches still running at any step are a prefix of the rows.
    order = np.argsort(-lengths, kind="stable")
    run_start, lengths = run_start[order], lengths[order]

    paths = _Paths(freqs, voiced_score, unvoiced_score, octave_jump_cost, voicing_cost)
    for lo in range(0, run_start.size, _VITERBI_ROWS):  # each stretch is independent
        hi = lo + _VITERBI_ROWS
        paths.search(run_start[lo:hi], lengths[lo:hi], state)
    return state


@dataclass(frozen=True)
class _Paths:
    """The trellis of :func:`_viterbi`. States: 0 = voiceless, 1..k = voiced candidates;
    each frame's row is made when the search reaches it (the whole trellis of an
    hours-long call would take hundreds of megabytes)."""

    freqs: np.ndarray
    voiced_score: np.ndarray
    unvoiced_score: np.ndarray
    octave_jump_cost: float
    voicing_cost: float

    def _rows(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frames ``t``' state scores, log2 frequencies and which states are voiced."""
        scores = np.concatenate([self.unvoiced_score[t, None], self.voiced_score[t]], axis=1)
        voiced = np.isfinite(scores)
        voiced[:, 0] = False
        log_f = np.zeros(scores.shape)
        log_f[:, 1:] = np.log2(np.where(voiced[:, 1:], self.freqs[t], 1.0))
        return scores, log_f, voiced

    def search(self, run_start: np.ndarray, lengths: np.ndarray, state: np.ndarray) -> None:
        """Best states of the stretches starting at ``run_start`` (longest first) into
        ``state``."""
        entry_cost = np.where(np.arange(self.freqs.shape[1] + 1) == 0, 0.0, self.voicing_cost)
        longest = int(lengths[0])
        alive_counts = np.searchsorted(-lengths, -np.arange(longest), side="left")  # lengths > j
        scores, log_f, voiced = self._rows(run_start)
        delta = scores - entry_cost
        back: list[np.ndarray] = []  # back[j - 1][row, state] = best previous state at step j
        for j in range(1, longest):
            m = int(alive_counts[j])
            prev_f, prev_v = log_f[:m], voiced[:m]
            scores, log_f, voiced = self._rows(run_start[:m] + j)
            jump = np.abs(prev_f[:, :, None] - log_f[:, None, :]) * self.octave_jump_cost
            both = prev_v[:, :, None] & voiced[:, None, :]
            change = prev_v[:, :, None] != voiced[:, None, :]
            cost = np.where(both, jump, np.where(change, self.voicing_cost, 0.0))
            total = delta[:m, :, None] - cost
            arg = total.argmax(axis=1)
            delta[:m] = np.take_along_axis(total, arg[:, None, :], axis=1)[:, 0, :] + scores
            back.append(arg.astype(np.int8))

        # Leaving a stretch means entering a voiceless frame: same cost as entering one.
        current = (delta - entry_cost).argmax(axis=1)
        for j in range(longest - 1, -1, -1):
            m = int(alive_counts[j])  # stretches that reach step j; each starts at its own end
            state[run_start[:m] + j] = current[:m] - 1
            if j > 0:
                current[:m] = back[j - 1][np.arange(m), current[:m]]
