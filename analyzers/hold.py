"""Music on hold per channel: the stretches that are music, not speech and not silence.

One concern: one channel's samples in, the music stretches (hold music, jingles,
announcements over music) out, each with a confidence. Hold music played into a
channel passes the voice-activity detector as speech; subtracting these stretches
(:func:`remove_holds`) keeps it out of talk time, speaking rate, pitch and monologues,
and out of the silences too.

How a stretch becomes music (64 ms Hann window, 32 ms hop, telephone band 200-3400 Hz):

1. Spectral peaks that stand well above the frame's smoothed spectrum (prominent
   partials of a note or of a voiced vowel).
2. Peak persistence: the share of those peaks still at the same frequency (within a
   bin) 160 ms later. A held note keeps its partials; speech harmonics glide with the
   intonation and stop at every consonant, so far fewer of them survive.
3. Low-energy share: the share of 32 ms frames in the window more than 10 dB below
   the window's mean level. Speech drops between syllables and words (its ~4 Hz
   rhythm); music on hold is continuous.
4. A window that is one steady tone (dial tone, a long beep) has persistent peaks too,
   but its spectrum never changes: windows whose spectral change is below a floor
   are not music.
5. A low-rate speech codec (Opus 8 kbit/s) blurs the partials (persistence ~0.2): a
   window that never drops, keeps some of its peaks and stands well above the line's
   floor is music too (``_UNBROKEN_*``).

Each 2.5 s window (hop 0.25 s) scores both cues against their thresholds; the score is
smoothed over 1.5 s, stretches above zero shorter than ``min_duration_s`` go, and gaps
shorter than ``max_gap_s`` merge (a pause between two tracks is still the hold).
Confidence is the stretch's mean margin mapped to 0..1.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analyzers.activity import true_runs, validated_samples
from analyzers.errors import UnsupportedAudioError
from analyzers.spans import Span

BAND_HZ = (200.0, 3400.0)
_WIN_S = 0.064
_HOP_S = 0.032
_PEAK_PROMINENCE_DB = 8.0  # a peak stands this far above the frame's smoothed spectrum
_PEAK_RANGE_DB = 35.0  # and within this of the frame's strongest bin
_SMOOTH_BINS = 15  # width of the spectral smoothing that peaks are measured against
_PERSIST_LAG_S = 0.16
_LOW_ENERGY_BELOW_DB = 10.0
_MIN_LEVEL_DBOV = -60.0  # quieter frames carry no peaks (line noise, silence)

_WINDOW_S = 2.5
_STEP_S = 0.25
_SMOOTH_S = 1.5
# Decision thresholds (measured on Asterisk music on hold vs Asterisk prompts, LibriVox
# and espeak-ng speech, clean, mu-law, AMR-NB and 15 dB SNR; see tests/analyzers/test_hold.py).
_PERSISTENCE_MIN = 0.32
_LOW_ENERGY_MAX = 0.3
_CUE_SCALE = 0.3
_PERSISTENCE_FLOOR = 0.25
_LOW_ENERGY_CEILING = 0.45
# A low-rate speech codec (Opus at 8 kbit/s) re-synthesises music as a voice: the partials
# jitter and persistence falls to ~0.2, under the floor above. Such a window is still
# music when it never drops (speech does, between syllables: no speech window of the
# test corpora, clean, coded, Opus 8k or at 15 dB SNR, keeps 0.18 with under 5 %
# low-energy frames; see tests/analyzers/test_hold.py) and
# stands well above the line's quietest frames (steady noise with a hum is continuous
# and keeps its hum's peaks too, but it is the line's floor).
_UNBROKEN_PERSISTENCE = 0.18
_UNBROKEN_LOW_ENERGY = 0.05
_UNBROKEN_ABOVE_FLOOR_DB = 12.0
_LINE_FLOOR_PERCENTILE = 1.0  # of the frames above _MIN_LEVEL_DBOV
_PERSISTENCE_STRONG = 0.45  # this persistent is music even with pauses (a sparse intro)
# A steady tone (dial tone, a long beep) persists too, but puts nearly all of its energy
# into a few bins and keeps the same strongest bin: a window whose strongest _TOP_BINS
# bins hold _TONE_TOP_SHARE of the energy with the same strongest bin in
# _TONE_STEADY_SHARE of its frames is a tone.
_TOP_BINS = 10
_TONE_TOP_SHARE = 0.9
_TONE_STEADY_SHARE = 0.9
_MIN_ACTIVE_SHARE = 0.7  # share of the window's frames above _MIN_LEVEL_DBOV
# Growing music into sparse, quiet or fading passages next to it (see _grown).
_CONTINUE_PERSISTENCE = 0.2
_GROW_S = 10.0
_JOIN_GAP_S = 12.0
_MIN_SEED_S = 3.0  # music stretches this long grow and join
_CONFIDENCE_SLOPE = 2.0  # mean window margin -> confidence (logistic)
# Edges: a pause is _MIN_PAUSE_FRAMES frames this far below the stretch's median level,
# looked for up to _SNAP_REACH_S outside and half an analysis window inside the edge.
_PAUSE_BELOW_DB = 12.0
_FLOOR_MARGIN_DB = 6.0  # a frame this close to the channel's 5th-percentile level is the floor
_MIN_PAUSE_FRAMES = 4
_SNAP_REACH_S = 2.0
_WINDOW_LAG_S = 0.5
_BLOCK_FRAMES = 8192  # frames per spectrum block (4.4 min): bounds memory on long calls


@dataclass(frozen=True)
class MusicSegment:
    """A stretch of music on one channel, seconds from the start of the recording."""

    start_s: float
    end_s: float
    confidence: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class _Frames:
    level_db: np.ndarray  # band level per frame, dBov
    persistence: np.ndarray  # per frame: share of its peaks found again _PERSIST_LAG_S later
    peaks: np.ndarray  # per frame: number of prominent peaks
    top_share: np.ndarray  # per frame: share of the band energy in its strongest bins
    dominant: np.ndarray  # per frame: strongest bin


def _spectrogram(frames: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Band power spectrum of each frame (a row of ``frames``), and its band level in dBov."""
    from scipy import fft as scipy_fft

    win = frames.shape[1]
    window = np.hanning(win).astype(np.float32)
    freqs = np.fft.rfftfreq(win, 1.0 / sample_rate)
    band = (freqs >= BAND_HZ[0]) & (freqs <= min(BAND_HZ[1], 0.47 * sample_rate))
    spec = scipy_fft.rfft(frames * window, axis=1)[:, band]
    power = spec.real**2 + spec.imag**2
    scale = 2.0 / (win * float(np.sum(window.astype(np.float64) ** 2)))
    level = 10 * np.log10(np.maximum(power.sum(axis=1, dtype=np.float64) * scale, 1e-12))
    return power, level


def _frame_features(x: np.ndarray, sample_rate: int) -> _Frames:
    """Per-frame cues, a block of frames at a time: the spectra of an hours-long call
    would take gigabytes; each frame's cues depend on its own spectrum and, for
    persistence, on the peaks ``_PERSIST_LAG_S`` later (a block reads that far past its end).
    """
    win = round(_WIN_S * sample_rate)
    hop = round(_HOP_S * sample_rate)
    n = max(0, 1 + (len(x) - win) // hop)
    frames = np.lib.stride_tricks.sliding_window_view(x, win)[::hop][:n]
    lag = max(1, round(_PERSIST_LAG_S / _HOP_S))
    blocks = [
        _block_features(frames[lo : min(lo + _BLOCK_FRAMES + lag, n)], sample_rate, lag, hi - lo)
        for lo, hi in ((lo, min(lo + _BLOCK_FRAMES, n)) for lo in range(0, n, _BLOCK_FRAMES))
    ]
    if not blocks:
        empty = np.zeros(0)
        return _Frames(empty, empty, empty, empty, np.zeros(0, dtype=np.int64))
    return _Frames(*(np.concatenate(parts) for parts in zip(*blocks, strict=True)))


def _block_features(
    frames: np.ndarray, sample_rate: int, lag: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cues of the first ``m`` rows of ``frames`` (the rest: the frames up to ``lag``
    after them, for persistence), in :class:`_Frames`' order."""
    from scipy.ndimage import uniform_filter1d

    power, level = _spectrogram(frames, sample_rate)
    db = 10 * np.log10(power + np.float32(1e-12))
    smooth = uniform_filter1d(db, _SMOOTH_BINS, axis=1, mode="nearest")
    local_max = _max3(db)
    peaks = (
        (db >= local_max)
        & (db - smooth >= _PEAK_PROMINENCE_DB)
        & (db >= db.max(axis=1, keepdims=True) - _PEAK_RANGE_DB)
        & (level[:, None] >= _MIN_LEVEL_DBOV)
    )
    near = _max3(peaks)  # same bin +-1
    kept = np.zeros(m)
    later = max(0, min(m, len(frames) - lag))  # frames with a frame ``lag`` after them
    kept[:later] = (peaks[:later] & near[lag : lag + later]).sum(axis=1)
    count = peaks[:m].sum(axis=1).astype(np.float64)
    persistence = np.where(count > 0, kept / np.maximum(count, 1.0), 0.0)
    power = power[:m]
    k = min(_TOP_BINS, power.shape[1])
    top = np.partition(power, power.shape[1] - k, axis=1)[:, -k:].sum(axis=1)
    top_share = top / np.maximum(power.sum(axis=1), 1e-30)
    return level[:m], persistence, count, top_share, np.argmax(power, axis=1)


def _max3(a: np.ndarray) -> np.ndarray:
    """Maximum over each bin and its two neighbours (along axis 1)."""
    out = a.copy()
    np.maximum(out[:, 1:], a[:, :-1], out=out[:, 1:])
    np.maximum(out[:, :-1], a[:, 1:], out=out[:, :-1])
    return out


@dataclass(frozen=True)
class _WindowScores:
    centre_s: np.ndarray
    persistence: np.ndarray
    low_energy: np.ndarray
    top_share: np.ndarray
    active: np.ndarray
    level_db: np.ndarray  # mean level of the window, dBov
    tone: np.ndarray  # one steady tone (dial tone, ringback burst, a beep), not music
    score: np.ndarray  # > 0 where the window is music


def _window_scores(f: _Frames) -> _WindowScores:
    n = len(f.level_db)
    per = max(1, round(_WINDOW_S / _HOP_S))
    step = max(1, round(_STEP_S / _HOP_S))
    starts = np.arange(0, max(1, n - per + 1), step)
    cs_peaks = np.concatenate(([0.0], np.cumsum(f.peaks)))
    cs_kept = np.concatenate(([0.0], np.cumsum(f.persistence * f.peaks)))
    cs_top = np.concatenate(([0.0], np.cumsum(f.top_share)))
    active_frames = f.level_db >= _MIN_LEVEL_DBOV
    cs_active = np.concatenate(([0.0], np.cumsum(active_frames)))
    stops = np.minimum(starts + per, n)
    peaks = cs_peaks[stops] - cs_peaks[starts]
    persistence = (cs_kept[stops] - cs_kept[starts]) / np.maximum(peaks, 1.0)
    length = np.maximum(stops - starts, 1)
    top_share = (cs_top[stops] - cs_top[starts]) / length
    active = (cs_active[stops] - cs_active[starts]) / length
    # Windows as rows (the last, shorter window is padded with its own last frame).
    rows = np.minimum(starts[:, None] + np.arange(per)[None, :], n - 1)
    level = f.level_db[rows]
    mean_db = 10 * np.log10(np.maximum(np.mean(10 ** (level / 10), axis=1), 1e-12))
    low_energy = np.mean(level < mean_db[:, None] - _LOW_ENERGY_BELOW_DB, axis=1)
    dominant = f.dominant[rows]
    centre_bin = np.median(dominant, axis=1)
    steady = np.mean(np.abs(dominant - centre_bin[:, None]) <= 1, axis=1)
    margin = (persistence - _PERSISTENCE_MIN) / _CUE_SCALE + (
        _LOW_ENERGY_MAX - low_energy
    ) / _CUE_SCALE
    plausible = (persistence >= _PERSISTENCE_FLOOR) & (
        (low_energy <= _LOW_ENERGY_CEILING) | (persistence >= _PERSISTENCE_STRONG)
    )
    heard = f.level_db[active_frames]
    line_floor = float(np.percentile(heard, _LINE_FLOOR_PERCENTILE)) if heard.size else 0.0
    plausible |= (
        (persistence >= _UNBROKEN_PERSISTENCE)
        & (low_energy <= _UNBROKEN_LOW_ENERGY)
        & (mean_db >= line_floor + _UNBROKEN_ABOVE_FLOOR_DB)
    )
    tone = (top_share >= _TONE_TOP_SHARE) & (steady >= _TONE_STEADY_SHARE)
    music = plausible & ~tone & (active >= _MIN_ACTIVE_SHARE)
    margin = np.where(music, margin, -1.0)
    centre = (starts + stops) / 2 * _HOP_S
    return _WindowScores(centre, persistence, low_energy, top_share, active, mean_db, tone, margin)


def mono_channel(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """One channel's samples as float32, checked as detect_activity checks a call.

    Raises the errors of analyzers.errors (UnsupportedAudioError for a rate under 4 kHz
    or more than one channel, CorruptAudioError for NaN/inf, EmptyAudioError).
    """
    if np.ndim(samples) != 1:
        raise UnsupportedAudioError(
            f"wants one channel (1-D samples), got shape {np.shape(samples)}"
        )
    return validated_samples(samples, sample_rate)[0]


def detect_music(
    samples: np.ndarray,
    sample_rate: int,
    *,
    min_duration_s: float = 4.0,
    max_gap_s: float = 3.0,
) -> list[MusicSegment]:
    """The music stretches of one channel (1-D ``samples``), in time order.

    Stretches shorter than ``min_duration_s`` are dropped; music stretches closer than
    ``max_gap_s`` merge (a quiet passage or the pause between two tracks). Works at any
    rate from 8 kHz up (only the telephone band is used).
    """
    from scipy.ndimage import uniform_filter1d

    x = mono_channel(samples, sample_rate)
    duration_s = len(x) / sample_rate
    if duration_s < _WINDOW_S:
        return []
    frames = _frame_features(x, sample_rate)
    w = _window_scores(frames)
    smooth = uniform_filter1d(w.score, max(1, round(_SMOOTH_S / _STEP_S)), mode="nearest")
    spans: list[tuple[float, float, list[float]]] = []
    for a, b in true_runs(_grown(smooth > 0, w)):
        start = float(w.centre_s[a]) - _STEP_S / 2
        end = float(w.centre_s[b - 1]) + _STEP_S / 2
        if spans and start - spans[-1][1] < max_gap_s:
            prev_start, _, margins = spans.pop()
            spans.append((prev_start, end, [*margins, *w.score[a:b].tolist()]))
        else:
            spans.append((start, end, w.score[a:b].tolist()))
    out = []
    for start, end, margins in spans:
        start, end = _snapped_edges(frames.level_db, start, end)
        start, end = max(0.0, start), min(duration_s, end)
        if end - start >= min_duration_s:
            confidence = 1.0 / (1.0 + np.exp(-_CONFIDENCE_SLOPE * float(np.mean(margins))))
            out.append(MusicSegment(round(start, 3), round(end, 3), round(float(confidence), 3)))
    return out


def _grown(seeds: np.ndarray, w: _WindowScores) -> np.ndarray:
    """Music windows grown into the passages next to them that are quieter or sparser.

    Sparse or quiet passages, fade-ins and a short break inside a track miss the
    music thresholds but are not speech either: speech keeps few of its spectral peaks
    (persistence under ~0.17 on every voice measured), so a window with
    ``_CONTINUE_PERSISTENCE`` or more continues the music next to it (up to
    ``_GROW_S`` outward), and a gap of at most ``_JOIN_GAP_S`` between two music
    stretches joins them when each of its windows continues the music or is at the
    line's floor (a digital-silence break between tracks, line noise over it).
    """
    steps = max(1, round(_GROW_S / _STEP_S))
    floor = float(np.percentile(w.level_db, 5)) if w.level_db.size else 0.0
    at_floor = (w.active < _MIN_ACTIVE_SHARE) | (w.level_db <= floor + _FLOOR_MARGIN_DB)
    continues = (w.persistence >= _CONTINUE_PERSISTENCE) & (w.active >= _MIN_ACTIVE_SHARE) & ~w.tone
    # Only confident music grows: a lone music-like window (a ringback burst) does not.
    runs = [(a, b) for a, b in true_runs(seeds) if (b - a) * _STEP_S >= _MIN_SEED_S]
    grown = np.zeros_like(seeds)
    for a, b in runs:
        grown[a:b] = True
    for (_, b), (a2, _) in itertools.pairwise(runs):
        gap = slice(b, a2)
        if (a2 - b) * _STEP_S <= _JOIN_GAP_S and bool(np.all(continues[gap] | at_floor[gap])):
            grown[gap] = True
    for a, b in true_runs(grown):
        lo = a
        while lo > 0 and a - lo < steps and continues[lo - 1]:
            lo -= 1
        hi = b
        while hi < len(grown) and hi - b < steps and continues[hi]:
            hi += 1
        grown[lo:hi] = True
    return grown | seeds


def _snapped_edges(level_db: np.ndarray, start_s: float, end_s: float) -> tuple[float, float]:
    """Move a music stretch's edges to the pause that separates it from the speech.

    Window decisions lag the change from speech to music (a window is music only once
    most of it is). The hold starts after the pause shortly before the detected start
    (the agent stops, the line goes quiet, the music comes in) and ends at the pause
    shortly after the detected end. A pause at the line's floor (the switch to hold)
    is preferred, the latest before the start and the first after the end, so a
    fade-in or fade-out counts as music; else the longest pause well below the music's
    level; without either the lag is taken off instead.
    """
    a, b = round(start_s / _HOP_S), round(end_s / _HOP_S)
    inside = level_db[a:b]
    if inside.size == 0:
        return start_s, end_s
    quiet = level_db < float(np.median(inside)) - _PAUSE_BELOW_DB
    at_floor = level_db <= float(np.percentile(level_db, 5)) + _FLOOR_MARGIN_DB
    reach = round(_SNAP_REACH_S / _HOP_S)
    # Growing (analysis windows half over the music) may have crossed the pause.
    grown = round(_WINDOW_S / 2 / _HOP_S)
    floor_before = _pauses(at_floor, a - reach, a + grown)
    floor_after = _pauses(at_floor, b - grown, b + reach)
    before = floor_before or _pauses(quiet, a - reach, a + grown)
    after = floor_after or _pauses(quiet, b - grown, b + reach)
    if before:
        start = before[-1] if floor_before else max(before, key=_length)
        new_start = start[1] * _HOP_S + _WIN_S / 2
    else:
        new_start = start_s - _WINDOW_LAG_S
    if after:
        end = after[0] if floor_after else max(after, key=_length)
        new_end = end[0] * _HOP_S + _WIN_S / 2
    else:
        new_end = end_s + _WINDOW_LAG_S
    return new_start, new_end


def _length(run: tuple[int, int]) -> tuple[int, int]:
    return (run[1] - run[0], run[0])


def _pauses(quiet: np.ndarray, lo: int, hi: int) -> list[tuple[int, int]]:
    lo, hi = max(0, lo), min(len(quiet), hi)
    return [(lo + p, lo + q) for p, q in true_runs(quiet[lo:hi]) if q - p >= _MIN_PAUSE_FRAMES]


def remove_holds(
    segments: Sequence[Span],
    holds: Sequence[tuple[float, float]],
    *,
    min_speech_s: float = 0.25,
) -> list[Span]:
    """Voice-activity ``segments`` with the ``holds`` (start_s, end_s) cut out.

    What remains of a segment shorter than ``min_speech_s`` is dropped, so music
    counts as neither speech nor (since the caller knows the holds) silence.
    """
    spans = sorted((a, b) for a, b in holds if b > a)
    out: list[Span] = []
    for seg in segments:
        pieces = [(seg.start_s, seg.end_s)]
        for a, b in spans:
            pieces = [
                piece
                for s, e in pieces
                for piece in ((s, min(e, a)), (max(s, b), e))
                if piece[1] > piece[0]
            ]
        out.extend(Span(s, e) for s, e in pieces if e - s >= min_speech_s)
    return out


def merge_holds(
    music_by_channel: Sequence[Sequence[MusicSegment]],
    speech_by_channel: Sequence[Sequence[Span]],
) -> list[MusicSegment]:
    """One call's holds: music on any channel, joined across gaps where nobody speaks.

    A track change or a silent bar inside the music leaves a gap with no speech in it;
    the hold goes on. A gap with speech on any channel (the agent coming back, the
    customer asking "hello?") ends it. ``speech_by_channel`` is the voice activity
    before the music is removed (music passes it as speech); only speech outside all
    music counts. Confidence of a joined hold is the duration-weighted mean.
    """
    music = sorted((m for channel in music_by_channel for m in channel), key=lambda m: m.start_s)
    spans = [(m.start_s, m.end_s) for m in music]
    speech = sorted(
        (s.start_s, s.end_s)
        for segments in speech_by_channel
        for s in remove_holds(segments, spans)
    )
    merged: list[list[MusicSegment]] = []
    for m in music:
        if merged:
            last_end = max(x.end_s for x in merged[-1])
            spoken = any(a < m.start_s and b > last_end for a, b in speech)
            if m.start_s <= last_end or not spoken:
                merged[-1].append(m)
                continue
        merged.append([m])
    out = []
    for group in merged:
        start, end = group[0].start_s, max(x.end_s for x in group)
        weight = sum(x.duration_s for x in group)
        confidence = sum(x.confidence * x.duration_s for x in group) / max(weight, 1e-9)
        out.append(MusicSegment(start, end, round(confidence, 3)))
    return out
