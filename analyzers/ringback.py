"""Ringback detection: which plan rang, how many rings, when the call was answered.

The caller hears the ringback (analyzers.ringback_plans.RINGBACK_PLANS) until the callee
answers. The detector works in three passes over the start of the recording:

1. Frames (32 ms Hann, 10 ms hop, at 8 kHz): energy in the ringback band
   (330-550 Hz, all plan tones) against the 250-3400 Hz total (above DC and
   mains hum's strong harmonics). A frame is "tone" when the band holds most of
   the energy; "voice" when it is loud but not tone. Loud means above the line
   noise of the 6 s before the frame (recorded ringback often carries louder line
   noise than the answered line). Scanning stops at the first sustained voice
   (ringback never follows speech) or at 90 s, so a long call costs no more than
   a short one.
2. Tone frames join into bursts. Each burst gets a long-window spectrum (0.5 Hz
   bins), which tells 425 from 440 Hz and a steady generator tone from a sung or
   hummed vowel: a plan matches only if nearly all the energy sits within a few
   Hz of the plan's frequencies, with no harmonics.
3. Burst durations, gaps and ring periods are matched against every plan's
   cadence (tolerance 15 %; the tests run cadences 10 % off). The plan with the most
   rings wins, then the one whose cadence fits best; the country hint only picks
   among plans the audio cannot tell apart (NO/GR share 425 Hz 1.0/4.0, and a
   single ring cannot tell SE 1.0/5.0 from NO 1.0/4.0).

In this signal the answer is the first voice after the last ring, but no later
than the end of that ring's cycle (had nobody answered by then, the next ring
would have sounded); without voice it is the end of the last ring's cycle (the
period measured over the rings; one ring's cadence scaled like its tone). A last
ring cut short by the answer counts when at least 0.3 s of it sounded, and the
cut is the answer. ``answer_moment`` then looks at every channel for an earlier
sign of the answered line: a level change against the line between the rings
(speech, the line opening, its noise changing) or a click.

Limits: the ringback must stand about 10 dB above the line noise (250-3400 Hz);
only the first 90 s are read, so a ringback still going there has no answer time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from analyzers.errors import (
    BadMetadataError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedAudioError,
)
from analyzers.ringback_plans import (
    PLAN_ALIASES,
    RINGBACK_PLANS,
    RingbackPlan,
    iso_country,
    plan_countries,
)
from analyzers.spans import Span

if TYPE_CHECKING:
    from analyzers.audio import ChannelSamples

ANALYSIS_RATE = 8000
MIN_SAMPLE_RATE = 4000
SCAN_LIMIT_S = 90.0
HOP_S = 0.01
WIN_S = 0.032  # 256 samples at 8 kHz
TONE_BAND_HZ = (330.0, 550.0)  # every plan tone plus the 32 ms window's main lobe
TOTAL_BAND_HZ = (250.0, 3400.0)  # telephone band above mains hum's strong harmonics

_SILENCE_DB = -120.0
_MIN_LEVEL_DB = -60.0  # quieter frames are line noise, whatever the floor
_FLOOR_PERCENTILE = 10.0
_FLOOR_WINDOW_S = 6.0  # at least one ring cycle's pause on either side of a frame
_TONE_ABOVE_FLOOR_DB = 10.0
_VOICE_ABOVE_FLOOR_DB = 12.0
_FRAME_PURITY = 0.6  # share of a frame's energy in the ringback band
_EDGE_DROP_DB = 3.0  # a Hann frame centred on a tone edge holds half its energy
_TONE_GAP_FRAMES = 3  # dropouts bridged inside a burst
_MIN_BURST_S = 0.1
_VOICE_GAP_FRAMES = 10
_MIN_VOICE_S = 0.2  # longer than a speech codec's tail after a tone stops (GSM ~0.1 s)
_SUSTAINED_VOICE_S = 0.5
_BLOCK_S = 10.0  # frames are computed in blocks so scanning can stop at speech

_CADENCE_TOLERANCE = 0.15
_MIN_TOLERANCE_S = 0.08
_PERIOD_SLACK_S = 0.15
_FIT_MARGIN = 0.005  # cadence fits this close are a tie (one ring: only its tone is known)
_QUIET_LINE_DB = -90.0  # digital silence and dither count as one "quiet line" level
_LINE_CHANGE_DB = 10.0  # the answered line: speech, the line opening, its noise changing
_LINE_CHANGE_S = 0.1
_CLICK_DB = 25.0  # a cycle end known from the cadence is this uncertain
_MIN_PARTIAL_RING_S = 0.3  # a ring cut by the answer counts from this much tone
_RECORDING_EDGE_S = 0.1  # a burst this close to an end of the scan was cut by it

_SPECTRUM_TRIM_S = 0.02  # burst edges carry the 32 ms frames' smear
_SPECTRUM_NFFT = 16384  # 0.49 Hz bins at 8 kHz
_FREQ_TOLERANCE = 0.015  # generators are within ~1 % of nominal
_MIN_TONE_SHARE = 0.9  # share of the bursts' 100-3400 Hz energy in the tone peaks
_MIN_COMPONENT_SHARE = 0.2  # each tone of a two-tone plan carries at least this share
_MAX_HARMONIC_RATIO = 0.01  # 2f and 3f energy vs f: a voice has harmonics, a generator none


@dataclass(frozen=True)
class RingbackResult:
    """What the ringback says about the pickup; ``rings is None`` when none was found.

    ``confidence`` (0..1) grows with the number of complete rings matched (3 or more:
    1.0) and drops when the answer was not heard in this signal or when another
    plan fits the audio as well (one 425 Hz 1.0 s ring: SE or NO).
    """

    rings: int | None
    answered_at_s: float | None
    country: str | None
    ring_times: list[Span] = field(default_factory=list)
    confidence: float = 0.0


NO_RINGBACK = RingbackResult(rings=None, answered_at_s=None, country=None)


@dataclass(frozen=True)
class _Frames:
    band_db: np.ndarray  # ringback-band level per frame, dBov
    total_db: np.ndarray  # 100-3400 Hz level per frame, dBov
    tone: np.ndarray  # bool
    voice: np.ndarray  # bool


@dataclass(frozen=True)
class _Match:
    plan: RingbackPlan
    ring_times: list[Span]
    full_rings: int
    answered_at_s: float | None
    answer_heard: bool  # voice (or the cut of a ring) marks the answer
    cadence_error: float  # mean relative deviation of the chain's tones and pauses


def detect_ringback(
    x: np.ndarray, sample_rate: int, country_hint: str | None = None
) -> RingbackResult:
    """Find the ringback at the start of one channel (or the mix) of a call.

    ``x`` is mono audio (float in [-1, 1] or integer PCM). ``country_hint`` only
    chooses among plans the audio cannot tell apart; the audio always wins.
    Raises UnsupportedAudioError / EmptyAudioError / CorruptAudioError on bad input.
    """
    signal = _analysis_signal(x, sample_rate)
    n_win = round(WIN_S * ANALYSIS_RATE)
    if len(signal) < 10 * n_win:
        return NO_RINGBACK
    frames = _frame_features(signal)
    voice_runs = _runs_s(frames.voice, _VOICE_GAP_FRAMES, _MIN_VOICE_S)
    scan_end_s = next(
        (a for a, b in voice_runs if b - a >= _SUSTAINED_VOICE_S), len(signal) / ANALYSIS_RATE
    )
    bursts = [
        b
        for b in _refined_bursts(frames)
        if b.start_s < scan_end_s and b.duration_s >= _MIN_BURST_S
    ]
    if not bursts:
        return NO_RINGBACK
    spectra = SegmentSpectra(signal, bursts)
    signal_end_s = len(signal) / ANALYSIS_RATE
    # Past the scan limit the recording goes on: a cycle ending there may ring again.
    truncated = len(x) / sample_rate > SCAN_LIMIT_S + 1e-9
    matches = [
        m
        for plan in _distinct_plans()
        if (m := _match_plan(plan, bursts, spectra, voice_runs, signal_end_s, truncated))
        is not None
    ]
    if not matches:
        return NO_RINGBACK
    return _choose(matches, country_hint)


def pickup_from_metadata(
    ringing_at: datetime | None,
    answered_at: datetime | None,
    recording_started_at: datetime | None,
    plan: RingbackPlan,
) -> tuple[int | None, float | None]:
    """(rings, answered_at_s) from the telephony system's timestamps.

    ``rings`` is the ring during which the answer came: a ring that has started
    counts (an answer exactly at the end of ring 2's cycle is ring 2; 0.1 s later
    ring 3 has begun). ``answered_at_s`` is relative to the recording start
    (negative if the recording started after the answer). Unknown parts are None.
    Raises BadMetadataError when the answer precedes the ringing or the
    timestamps mix naive and timezone-aware datetimes.
    """
    rings: int | None = None
    answered_at_s: float | None = None
    try:
        if ringing_at is not None and answered_at is not None:
            elapsed = ringing_seconds(ringing_at, answered_at)
            # 1 ms slack: an answer at the exact end of a cycle belongs to that ring.
            rings = max(1, math.ceil((elapsed - 1e-3) / plan.period_s))
        if answered_at is not None and recording_started_at is not None:
            answered_at_s = (answered_at - recording_started_at).total_seconds()
    except TypeError as exc:  # naive vs aware datetimes
        raise BadMetadataError(f"call timestamps cannot be compared: {exc}") from None
    return rings, answered_at_s


def answer_moment(
    channels: ChannelSamples, sample_rate: int, result: RingbackResult
) -> float | None:
    """The answer moment: the first sign of the answered line on any channel.

    ``result`` is the ringback found on one channel (or the mix); its answer time is
    the latest the answer can be (a voice in that signal, or the end of the last
    ring's cycle). Earlier signs on any channel of ``channels`` (shape (channels, n), or
    a sequence of 1-D channels) after the last ring: a level change against the line as
    it was between the rings (speech onset, the line opening or its noise changing) or a
    click.
    """
    latest = result.answered_at_s
    if latest is None or not result.ring_times:
        return latest
    last_ring = result.ring_times[-1]
    signs = [
        _first_line_change(_analysis_signal(x, sample_rate), result.ring_times, latest)
        for x in (np.atleast_2d(channels) if isinstance(channels, np.ndarray) else channels)
    ]
    earliest = min((t for t in signs if t is not None), default=latest)
    return round(max(min(earliest, latest), last_ring[1]), 3)


def _first_line_change(signal: np.ndarray, ring_times: list[Span], latest_s: float) -> float | None:
    """First frame after the last ring whose level leaves the between-rings level."""
    frames = _frame_features(signal)
    times = _frame_time(0) + HOP_S * np.arange(len(frames.total_db))
    level = np.maximum(frames.total_db, _QUIET_LINE_DB)
    pauses = [(a + _MIN_VOICE_S, b - _RECORDING_EDGE_S) for (_, a), (b, _) in pairwise(ring_times)]
    first_start, last_end = ring_times[0][0], ring_times[-1][1]
    if first_start > 2 * _MIN_VOICE_S:
        pauses.append((0.0, first_start - _RECORDING_EDGE_S))
    in_pause = np.zeros(len(times), dtype=bool)
    for a, b in pauses:
        in_pause |= (times >= a) & (times < b)
    if not in_pause.any():  # one ring at the very start: the line under it (other
        # channels), else just after it
        under_ring = (times >= first_start) & (times < last_end) & ~frames.tone
        after_ring = (times >= last_end + _MIN_VOICE_S) & (times < last_end + 2.5 * _MIN_VOICE_S)
        in_pause = under_ring if under_ring.sum() * HOP_S >= 0.5 else after_ring
    if not in_pause.any():
        return None
    reference = float(np.median(level[in_pause]))
    window = (times >= last_end + _MIN_VOICE_S) & (times <= latest_s) & ~frames.tone
    changed = window & (np.abs(level - reference) >= _LINE_CHANGE_DB)
    click = window & (level - reference >= _CLICK_DB)
    sustained = _runs(changed, 1)
    onsets = [a for a, b in sustained if (b - a) * HOP_S >= _LINE_CHANGE_S]
    onsets += [int(i) for i in np.flatnonzero(click)[:1]]
    return float(times[min(onsets)]) if onsets else None


def ringing_seconds(ringing_at: datetime, answered_at: datetime) -> float:
    """Seconds from the ringing to the answer in the telephony system's timestamps.

    Raises BadMetadataError when the answer precedes the ringing or the timestamps
    mix naive and timezone-aware datetimes.
    """
    try:
        elapsed = (answered_at - ringing_at).total_seconds()
    except TypeError as exc:  # naive vs aware datetimes
        raise BadMetadataError(f"call timestamps cannot be compared: {exc}") from None
    if elapsed < 0:
        raise BadMetadataError(
            f"answered_at ({answered_at.isoformat()}) is before "
            f"ringing_at ({ringing_at.isoformat()})"
        )
    return elapsed


def pickup_seconds(ring_times: list[Span], answered_at_s: float | None) -> float | None:
    """Seconds from the first ring's onset to the answer, to 0.1 s (None if unknown)."""
    if answered_at_s is None or not ring_times:
        return None
    return round(answered_at_s - ring_times[0][0], 1)


# -- input and frames ----------------------------------------------------------------


def _analysis_signal(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """The first SCAN_LIMIT_S of ``x`` as float32 at 8 kHz."""
    if not isinstance(sample_rate, int | np.integer) or sample_rate < MIN_SAMPLE_RATE:
        raise UnsupportedAudioError(
            f"sample rate must be an integer >= {MIN_SAMPLE_RATE} Hz, got {sample_rate!r}"
        )
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise UnsupportedAudioError(f"ringback detection wants mono audio, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise UnsupportedAudioError(f"samples must be real numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        raise EmptyAudioError("the recording has no samples")
    arr = arr[: round(SCAN_LIMIT_S * sample_rate)]
    if np.issubdtype(arr.dtype, np.integer):
        scale = float(2 ** (8 * arr.dtype.itemsize - 1))
        arr = arr.astype(np.float32) / scale
    else:
        arr = arr.astype(np.float32, copy=False)
    if not np.all(np.isfinite(arr)):
        raise CorruptAudioError("the recording contains NaN or infinite samples")
    if sample_rate != ANALYSIS_RATE:
        from analyzers.audio import resample

        arr = resample(arr, int(sample_rate), ANALYSIS_RATE).astype(np.float32, copy=False)
    return arr


def _frame_features(signal: np.ndarray) -> _Frames:
    """Frame levels and tone/voice flags, block by block until sustained voice appears."""
    import scipy.fft  # float32 FFTs, several times faster than numpy.fft here

    hop = round(HOP_S * ANALYSIS_RATE)
    win = round(WIN_S * ANALYSIS_RATE)
    window = np.hanning(win + 2)[1:-1].astype(np.float32)
    freqs = scipy.fft.rfftfreq(win, 1.0 / ANALYSIS_RATE)
    band_bins = _bin_range(freqs, TONE_BAND_HZ)
    total_bins = _bin_range(freqs, TOTAL_BAND_HZ)
    # Band power -> mean square of the frame (Parseval, one-sided, window-compensated).
    scale = 2.0 / (win * float(np.sum(window.astype(np.float64) ** 2)))
    tiny = 10 ** (_SILENCE_DB / 10)
    view = np.lib.stride_tricks.sliding_window_view(signal, win)[::hop]
    band_parts: list[np.ndarray] = []
    total_parts: list[np.ndarray] = []
    block = round(_BLOCK_S / HOP_S)
    for first in range(0, len(view), block):
        power = np.abs(scipy.fft.rfft(view[first : first + block] * window, axis=1)) ** 2
        band_parts.append(power[:, band_bins].sum(axis=1) * scale)
        total_parts.append(power[:, total_bins].sum(axis=1) * scale)
        band, total = np.concatenate(band_parts), np.concatenate(total_parts)
        frames = _classify(band, total, tiny)
        if any(b - a >= _SUSTAINED_VOICE_S for a, b in _runs_s(frames.voice, _VOICE_GAP_FRAMES, 0)):
            break  # ringback never follows speech
    return frames


def _bin_range(freqs: np.ndarray, band_hz: tuple[float, float]) -> slice:
    inside = np.flatnonzero((freqs >= band_hz[0]) & (freqs <= band_hz[1]))
    return slice(int(inside[0]), int(inside[-1]) + 1)


def _classify(band: np.ndarray, total: np.ndarray, tiny: float) -> _Frames:
    from scipy.ndimage import percentile_filter

    band_db = 10 * np.log10(np.maximum(band, tiny))
    total_db = 10 * np.log10(np.maximum(total, tiny))
    # The floor is the line noise before each frame, not the whole scan's: recorded
    # ringback often has louder line noise than the (digitally quiet) answered line.
    # Early frames see a mirrored window, i.e. the frames after them.
    window = min(len(total_db), round(_FLOOR_WINDOW_S / HOP_S))
    floor_db = percentile_filter(
        total_db, _FLOOR_PERCENTILE, size=window, mode="reflect", origin=(window - 1) // 2
    )
    pure = band >= _FRAME_PURITY * total
    tone = pure & (band_db >= np.maximum(floor_db + _TONE_ABOVE_FLOOR_DB, _MIN_LEVEL_DB))
    voice = ~pure & (total_db >= np.maximum(floor_db + _VOICE_ABOVE_FLOOR_DB, _MIN_LEVEL_DB))
    return _Frames(band_db, total_db, tone, voice)


def _frame_time(i: int) -> float:
    return i * HOP_S + WIN_S / 2


def _runs(mask: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    """[start, stop) frame runs of True, bridging gaps of up to ``max_gap`` frames."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    runs: list[tuple[int, int]] = []
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if runs and a - runs[-1][1] <= max_gap:
            runs[-1] = (runs[-1][0], int(b))
        else:
            runs.append((int(a), int(b)))
    return runs


def _runs_s(mask: np.ndarray, max_gap: int, min_s: float) -> list[Span]:
    return [
        Span(_frame_time(a), _frame_time(b))
        for a, b in _runs(mask, max_gap)
        if (b - a) * HOP_S >= min_s
    ]


def _refined_bursts(frames: _Frames) -> list[Span]:
    """Tone runs with edges where the band level is 3 dB below the burst's own level."""
    bursts: list[Span] = []
    for a, b in _runs(frames.tone, _TONE_GAP_FRAMES):
        level = frames.band_db[a:b]
        strong = np.flatnonzero(level >= np.median(level) - _EDGE_DROP_DB)
        first, last = a + int(strong[0]), a + int(strong[-1])
        bursts.append(Span(_frame_time(first), _frame_time(last) + HOP_S))
    return bursts


# -- burst spectra ---------------------------------------------------------------------


class SegmentSpectra:
    """Long-window power spectra of the bursts, computed on first use."""

    def __init__(self, signal: np.ndarray, bursts: list[Span]) -> None:
        self._signal = signal
        self._bursts = bursts
        self._cache: dict[int, tuple[np.ndarray, float]] = {}
        self.freqs = np.fft.rfftfreq(_SPECTRUM_NFFT, 1.0 / ANALYSIS_RATE)

    def _spectrum(self, index: int) -> tuple[np.ndarray, float]:
        """(power spectrum, seconds analysed) of one burst without its edges."""
        if index not in self._cache:
            import scipy.fft

            burst = self._bursts[index]
            a = round((burst.start_s + _SPECTRUM_TRIM_S) * ANALYSIS_RATE)
            b = round((burst.end_s - _SPECTRUM_TRIM_S) * ANALYSIS_RATE)
            segment = self._signal[a : max(b, a + 16)][:_SPECTRUM_NFFT]
            window = np.hanning(len(segment)).astype(np.float32)
            spec = scipy.fft.rfft(segment * window, n=_SPECTRUM_NFFT)
            self._cache[index] = (np.abs(spec) ** 2, len(segment) / ANALYSIS_RATE)
        return self._cache[index]

    def matches(self, plan: RingbackPlan, indices: list[int]) -> bool:
        """Nearly all the energy of these bursts sits in sharp peaks at the plan's tones.

        Each tone may be off nominal by 1.5 %, but its energy must stay within one
        main lobe of its peak: a generator holds its frequency, a sung vowel wanders
        (an espeak "ooo" at 425 Hz keeps ~76 % there, a generator tone ~99 %).
        """
        powers, durations = zip(*(self._spectrum(i) for i in indices), strict=True)
        power = np.sum(powers, axis=0)
        # Main lobe of a Hann window over the shortest segment, plus one bin.
        lobe_hz = 2.5 / min(durations) + ANALYSIS_RATE / _SPECTRUM_NFFT
        total = power[(self.freqs >= TOTAL_BAND_HZ[0]) & (self.freqs <= TOTAL_BAND_HZ[1])].sum()
        if total <= 0:
            return False

        def energy_near(hz: float, half_width_hz: float) -> float:
            return float(power[np.abs(self.freqs - hz) <= half_width_hz].sum())

        tones: list[float] = []
        harmonics = 0.0
        for nominal in plan.freqs_hz:
            search = np.flatnonzero(
                np.abs(self.freqs - nominal) <= _FREQ_TOLERANCE * nominal + lobe_hz
            )
            peak_hz = float(self.freqs[search[np.argmax(power[search])]])
            tones.append(energy_near(peak_hz, lobe_hz))
            harmonics += sum(energy_near(k * peak_hz, k * lobe_hz) for k in (2, 3))
        tone_sum = sum(tones)
        return (
            tone_sum >= _MIN_TONE_SHARE * total
            and min(tones) >= _MIN_COMPONENT_SHARE * tone_sum
            and harmonics <= _MAX_HARMONIC_RATIO * tone_sum
        )


# -- cadence matching ----------------------------------------------------------------


def _tolerance(duration_s: float) -> float:
    return max(_CADENCE_TOLERANCE * duration_s, _MIN_TOLERANCE_S)


def _close(measured: float, nominal: float) -> bool:
    return abs(measured - nominal) <= _tolerance(nominal)


def _distinct_plans() -> list[RingbackPlan]:
    """One plan per distinct (tones, cadence); the first country names the group."""
    seen: dict[tuple[tuple[float, ...], tuple[float, ...]], RingbackPlan] = {}
    for plan in RINGBACK_PLANS.values():
        seen.setdefault((plan.freqs_hz, plan.cadence_s), plan)
    return list(seen.values())


def _is_full_ring(plan: RingbackPlan, bursts: list[Span], i: int) -> bool:
    ons, offs = plan.cadence_s[0::2], plan.cadence_s[1::2]
    if i + len(ons) > len(bursts):
        return False
    for j, on in enumerate(ons):
        if not _close(bursts[i + j].duration_s, on):
            return False
        if j + 1 < len(ons) and not _close(
            bursts[i + j + 1].start_s - bursts[i + j].end_s, offs[j]
        ):
            return False
    return True


def _longest_chain(plan: RingbackPlan, bursts: list[Span], full: list[bool]) -> list[int]:
    """First-burst indices of the longest run of consecutive full rings (latest on ties)."""
    k = len(plan.cadence_s) // 2
    chain_from: dict[int, list[int]] = {}
    best: list[int] = []
    for i in range(len(bursts) - 1, -1, -1):
        if not full[i]:
            continue
        chain = [i]
        nxt = i + k
        if nxt in chain_from and _close(bursts[nxt].start_s - bursts[i].start_s, plan.period_s):
            chain += chain_from[nxt]
        chain_from[i] = chain
        if len(chain) > len(best):
            best = chain
    return best


def _match_plan(
    plan: RingbackPlan,
    bursts: list[Span],
    spectra: SegmentSpectra,
    voice_runs: list[Span],
    signal_end_s: float,
    truncated: bool,
) -> _Match | None:
    k = len(plan.cadence_s) // 2
    full = [_is_full_ring(plan, bursts, i) for i in range(len(bursts))]
    chain = _longest_chain(plan, bursts, full)
    # Chains are only as good as their tones; drop rings whose spectrum is wrong.
    while chain and not spectra.matches(plan, [i + j for i in chain for j in range(k)]):
        for i in chain:
            full[i] = False
        chain = _longest_chain(plan, bursts, full)
    if not chain:
        return None
    rings = [Span(bursts[i].start_s, bursts[i + k - 1].end_s) for i in chain]
    fit = _cadence_error(plan, bursts, chain)

    leading = _leading_partial(plan, bursts, spectra, chain[0])
    if leading is not None:
        rings.insert(0, leading)
    trailing = _trailing_partial(plan, bursts, spectra, chain[-1] + k, rings[-1][0])
    if trailing is not None:
        rings.append(trailing)
        if trailing[1] >= signal_end_s - _RECORDING_EDGE_S:
            return _Match(plan, rings, len(chain), None, False, fit)  # still ringing at the end
        return _Match(plan, rings, len(chain), trailing[1], True, fit)  # the answer cut the tone

    # The next ring would have started at the cycle end, so the answer came before
    # it: at the first voice if that is earlier, else (at the latest) the cycle end.
    cycle_end, slack = _cycle_end(plan, bursts, chain)
    onset = _first_voice(
        voice_runs, rings[-1][1] - _RECORDING_EDGE_S, cycle_end + _tolerance(plan.period_s)
    )
    if onset is not None:
        answer = min(max(onset, rings[-1][1]), cycle_end + slack)
        return _Match(plan, rings, len(chain), answer, True, fit)
    # Without voice, the answer is known only if the audio shows no ring at the cycle end.
    seen_past_s = _MIN_PARTIAL_RING_S if truncated else -_RECORDING_EDGE_S
    answered = cycle_end if signal_end_s >= cycle_end + seen_past_s else None
    return _Match(plan, rings, len(chain), answered, False, fit)


def _cadence_error(plan: RingbackPlan, bursts: list[Span], chain: list[int]) -> float:
    """Mean relative deviation of the chain's bursts and pauses from the plan's cadence."""
    k = len(plan.cadence_s) // 2
    errors: list[float] = []
    for i in chain:
        for j, nominal in enumerate(plan.cadence_s):
            first = i + j // 2
            if j % 2 == 0:
                measured = bursts[first].duration_s
            elif first + 1 < len(bursts) and (j + 1 < len(plan.cadence_s) or i + k in chain):
                measured = bursts[first + 1].start_s - bursts[first].end_s
            else:
                continue  # the last pause before the answer is not a full pause
            errors.append(abs(measured - nominal) / nominal)
    return float(np.mean(errors))


def _cycle_end(plan: RingbackPlan, bursts: list[Span], chain: list[int]) -> tuple[float, float]:
    """(end of the last full ring's cycle, how much later the answer may still be).

    Several rings measure the period; a single ring's cadence is scaled like its
    tone (E.180 lets a network run its whole cadence up to ~10 % slow or fast).
    """
    k = len(plan.cadence_s) // 2
    last_start = bursts[chain[-1]].start_s
    if len(chain) > 1:
        period = (last_start - bursts[chain[0]].start_s) / (len(chain) - 1)
        return last_start + period, _PERIOD_SLACK_S
    on_s = sum(b.duration_s for b in bursts[chain[0] : chain[0] + k])
    scale = min(max(on_s / plan.on_s, 1 - _CADENCE_TOLERANCE), 1 + _CADENCE_TOLERANCE)
    return last_start + plan.period_s * scale, _PERIOD_SLACK_S


def _leading_partial(
    plan: RingbackPlan, bursts: list[Span], spectra: SegmentSpectra, first: int
) -> Span | None:
    """A ring the recording started in the middle of: counts if >= 0.3 s of it is heard."""
    if first == 0 or bursts[0].start_s > _RECORDING_EDGE_S:
        return None
    before = list(range(first))
    heard = sum(bursts[i].duration_s for i in before)
    ring_start = bursts[first].start_s
    if (
        heard >= _MIN_PARTIAL_RING_S
        and len(before) <= len(plan.cadence_s) // 2
        and _close(ring_start - bursts[first - 1].end_s, plan.cadence_s[-1])
        and spectra.matches(plan, before)
    ):
        return Span(bursts[0].start_s, bursts[first - 1].end_s)
    return None


def _trailing_partial(
    plan: RingbackPlan,
    bursts: list[Span],
    spectra: SegmentSpectra,
    nxt: int,
    last_ring_start: float,
) -> Span | None:
    """The ring after the last full one, cut short by the answer (>= 0.3 s of tone)."""
    if nxt >= len(bursts) or not _close(bursts[nxt].start_s - last_ring_start, plan.period_s):
        return None
    ring_end = bursts[nxt].start_s + plan.period_s - plan.cadence_s[-1]
    members = [
        i
        for i in range(nxt, min(nxt + len(plan.cadence_s) // 2, len(bursts)))
        if bursts[i].start_s < ring_end
    ]
    heard = sum(bursts[i].duration_s for i in members)
    if heard < _MIN_PARTIAL_RING_S or not spectra.matches(plan, members):
        return None
    return Span(bursts[nxt].start_s, bursts[members[-1]].end_s)


def _first_voice(voice_runs: list[Span], after_s: float, before_s: float) -> float | None:
    return next((a for a, _ in voice_runs if after_s <= a <= before_s), None)


# -- choosing among plans ------------------------------------------------------------


def _resolve_hint(country_hint: str | None) -> str | None:
    if not country_hint:
        return None
    code = iso_country(country_hint)
    return PLAN_ALIASES.get(code, code)


def _choose(matches: list[_Match], country_hint: str | None) -> RingbackResult:
    """Most full rings, then an answer that was heard, then (likeliest) the shortest cycle.

    A uniformly timed answer is likelier inside a short cycle than a long one, so
    among equally good plans the shortest period wins unless the hint names another.
    """

    def strength(m: _Match) -> tuple[int, bool]:
        return (m.full_rings, m.answer_heard)

    top = max(strength(m) for m in matches)
    strongest = [m for m in matches if strength(m) == top]
    # Cadences within E.180's tolerances overlap (SE 1/5 run 10 % fast is near NO 1/4):
    # the plan the tones and pauses fit best wins; only equal fits are a tie.
    best_fit = min(m.cadence_error for m in strongest)
    tied = sorted(
        (m for m in strongest if m.cadence_error <= best_fit + _FIT_MARGIN),
        key=lambda m: m.plan.period_s,
    )
    hint = _resolve_hint(country_hint)
    chosen = next((m for m in tied if hint in plan_countries(m.plan)), tied[0])
    group = plan_countries(chosen.plan)
    country = hint if hint in group else group[0]
    ambiguous = len(tied) > 1 and hint not in plan_countries(chosen.plan)
    confidence = min(1.0, 0.55 + 0.15 * chosen.full_rings)
    confidence *= 1.0 if chosen.answer_heard else 0.85
    confidence *= 0.8 if ambiguous else 1.0
    return RingbackResult(
        rings=len(chosen.ring_times),
        answered_at_s=None if chosen.answered_at_s is None else round(chosen.answered_at_s, 3),
        country=country,
        ring_times=[Span(round(a, 3), round(b, 3)) for a, b in chosen.ring_times],
        confidence=round(confidence, 3),
    )
