"""Voice activity of one streamed track, decided causally within a few tenths of a second.

The same frame features and thresholds as ``analyzers.activity.detect_activity`` (10 ms
hop, 25 ms window, telephone-band energy, tone concentration; a noise floor at the 10th
percentile, hysteresis 6 / 16 dB above it, 3 strong frames, edges grown over the faint
onset and decay, gaps under ``min_gap_s`` bridged, stretches under ``min_speech_s``
dropped), computed as the samples arrive. What differs, because the future is unknown:

- the floor and the loud level are percentiles of the last ``_STATS_S`` of the track,
  refreshed every ``_STATS_EVERY`` frames, not of the whole call; the floor is also never
  above the floors of the last ``_FLOOR_MEMORY_S`` (minimum statistics), so a long
  stretch without pauses (music on hold, a monologue) does not lift it to its own level;
- a tone (narrow band, steady peak and level for 0.3 s) is known 0.3 s after it starts:
  speech that starts as such a run is held back until the run is either a tone (and the
  stretch is dropped) or not;
- no crosstalk model (it is estimated from the whole call): echo far below the floor
  (the usual -30 dB leak) stays below the thresholds anyway.

``decided_s`` says how far the classification is final: frames before it will not
change. Speech is known once it lasted ``min_speech_s``; its end once ``min_gap_s`` of
non-speech followed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from analyzers.activity import (
    _DEAD_DB,
    _EDGE_ABOVE_FLOOR_DB,
    _EDGE_MAX_S,
    _EDGE_SMOOTH_FRAMES,
    _FLOOR_PERCENTILE,
    _HIGH_ABOVE_FLOOR_DB,
    _HIGH_BELOW_SPEECH_DB,
    _LOW_ABOVE_FLOOR_DB,
    _MIN_BLIP_S,
    _MIN_HIGH_DBOV,
    _MIN_LOW_DBOV,
    _MIN_STRONG_FRAMES,
    _TONE_CONCENTRATION,
    _TONE_GUARD_FRAMES,
    _TONE_MAX_LEVEL_RANGE_DB,
    _TONE_MIN_S,
    HOP_S,
    WIN_S,
    _channel_features,
    _frame_geometry,
)
from analyzers.live.buffer import RollingAudio
from analyzers.spans import Span

_CLEAN_LINE_FLOOR_DB = -90.0
_STATS_S = 30.0  # the floor and loud level come from this much of the track's recent past
_STATS_EVERY = 25  # frames between refreshes of the floor and thresholds
_FLOOR_BLOCK = 1000  # frames per block whose floor is remembered
_FLOOR_MEMORY_S = 120.0
_KEEP_SEGMENTS = 4000  # finalised stretches kept (about an hour of speech)
_BATCH_FRAMES = 5  # frames classified together: 50 ms, well inside the latency budget


class _ToneTracker:
    """Frames inside a steady narrow-band run of ``_TONE_MIN_S``: a tone, not a voice.

    As ``analyzers.activity._tone_frames``, decided as the frames come: ``push`` says
    whether the frame is tonal, and the first frame of a tone the moment one is found.
    """

    def __init__(self) -> None:
        self._length = round(_TONE_MIN_S / HOP_S)
        self._power: deque[float] = deque(maxlen=5)  # 50 ms smoothing (two-tone beats)
        self._levels: deque[float] = deque(maxlen=self._length)
        self.run_start: int | None = None
        self.tonal = False

    def push(self, f: int, db: float, candidate: bool) -> tuple[bool, int | None]:
        self._power.append(10 ** (db / 10))
        if not candidate:
            self.run_start, self.tonal = None, False
            self._levels.clear()
            return False, None
        if self.run_start is None:
            self.run_start = f
        self._levels.append(10 * np.log10(max(sum(self._power) / len(self._power), 1e-30)))
        full = len(self._levels) == self._length
        steady = max(self._levels) - min(self._levels) <= _TONE_MAX_LEVEL_RANGE_DB
        was, self.tonal = self.tonal, full and steady
        if self.tonal and not was:
            return True, max(0, f - self._length - _TONE_GUARD_FRAMES)
        return self.tonal, None

    def undecided_since(self) -> int | None:
        """The start of a steady narrow-band run that may still turn out a tone."""
        if self.run_start is None or self.tonal or len(self._levels) == self._length:
            return None
        steady = max(self._levels) - min(self._levels) <= _TONE_MAX_LEVEL_RANGE_DB
        return self.run_start if steady else None


@dataclass
class _Run:
    """Frames above the low threshold, not yet ended."""

    start: int
    strong: int = 0
    confirmed: bool = False


class LiveActivity:
    """Speech stretches of one track, from its samples as they arrive."""

    def __init__(self, sample_rate: int, *, min_speech_s: float, min_gap_s: float) -> None:
        self.sample_rate = sample_rate
        self.hop, self.win = _frame_geometry(sample_rate, HOP_S, WIN_S)
        self._offset = self.hop // 2 - self.win // 2  # frame 0's window starts here
        self._lead = -(-max(0, -self._offset) // self.hop)  # frames padded at a block start
        self._blip = max(1, round(_MIN_BLIP_S / HOP_S))
        self._min_speech = round(min_speech_s / HOP_S)
        self._min_gap = max(1, round(min_gap_s / HOP_S))
        self._max_grow = round(_EDGE_MAX_S / HOP_S)
        self.frames = 0  # frames classified so far
        self._stats: deque[float] = deque(maxlen=round(_STATS_S / HOP_S))
        self._block_floors: deque[float] = deque(
            maxlen=round(_FLOOR_MEMORY_S / HOP_S / _FLOOR_BLOCK)
        )
        self._recent: deque[float] = deque(maxlen=_EDGE_SMOOTH_FRAMES)
        self._faint: deque[bool] = deque(maxlen=self._max_grow + 1)
        self._floor = _CLEAN_LINE_FLOOR_DB
        self._low = self._high = np.inf
        self._prev_peak = -10
        self._tones = _ToneTracker()
        self._first_speech_s: float | None = None
        self._run: _Run | None = None
        self._growing = False
        self._seg: list[int] | None = None  # open stretch [start, end) in frames
        self.segments: deque[Span] = deque(maxlen=_KEEP_SEGMENTS)
        self._finalised: list[Span] = []

    # ------------------------------------------------------------------ feeding

    def advance(self, audio: RollingAudio, min_frames: int = _BATCH_FRAMES) -> None:
        """Classify every frame whose window the buffer now holds, once there are at
        least ``min_frames`` of them (one feature pass per batch, not per tiny chunk)."""
        n = (audio.end - self._offset - self.win) // self.hop + 1
        if n - self.frames < max(1, min_frames):
            return
        first = self.frames - self._lead
        lo = first * self.hop
        hi = (n - 1) * self.hop + self._offset + self.win
        f = _channel_features(audio.read(lo, hi), self.sample_rate)
        take = slice(self._lead, self._lead + n - self.frames)
        for db, conc, peak in zip(
            f.band_db[take].tolist(),
            f.concentration[take].tolist(),
            f.peak_bin[take].tolist(),
            strict=True,
        ):
            self._step(db, conc, int(peak))

    def _step(self, db: float, concentration: float, peak: int) -> None:
        f = self.frames
        if f % _STATS_EVERY == 0:
            self._refresh_thresholds()
        narrow = concentration >= _TONE_CONCENTRATION and db > self._floor + _LOW_ABOVE_FLOOR_DB
        candidate = narrow and abs(peak - self._prev_peak) <= 1
        self._prev_peak = peak
        tone, tone_from = self._tones.push(f, db, candidate)
        if tone_from is not None:
            self._retract(tone_from)
        if db > _DEAD_DB and not tone:
            self._stats.append(db)
        self._recent.append(db)
        smooth = sum(self._recent) / len(self._recent)
        self._faint.append(not tone and smooth > self._floor + _EDGE_ABOVE_FLOOR_DB)
        if not tone and db > self._low:
            self._in_run(f, db > self._high)
        else:
            self._out_of_run(f)
        self.frames = f + 1

    def _refresh_thresholds(self) -> None:
        if not self._stats:
            return
        values = np.fromiter(self._stats, dtype=np.float64)
        floor, loud = np.percentile(values, [_FLOOR_PERCENTILE, 95.0]).tolist()
        if self.frames % _FLOOR_BLOCK == 0 and len(values) >= _FLOOR_BLOCK:
            self._block_floors.append(floor)
        self._floor = min([floor, *self._block_floors])
        self._low = max(self._floor + _LOW_ABOVE_FLOOR_DB, _MIN_LOW_DBOV)
        high = max(
            self._floor + _HIGH_ABOVE_FLOOR_DB, max(_MIN_HIGH_DBOV, loud - _HIGH_BELOW_SPEECH_DB)
        )
        self._high = max(high, self._low)

    def _in_run(self, f: int, strong: bool) -> None:
        self._growing = False
        if self._run is None:
            self._run = _Run(f)
        run = self._run
        run.strong += strong
        if (
            not run.confirmed
            and f + 1 - run.start >= self._blip
            and run.strong >= _MIN_STRONG_FRAMES
        ):
            run.confirmed = True
            self._piece_starts(self._grown_back(run.start, f))
        if run.confirmed and self._seg is not None:
            self._seg[1] = f + 1

    def _out_of_run(self, f: int) -> None:
        if self._run is not None:
            self._growing = self._run.confirmed
            self._run = None
        if self._growing and self._seg is not None:
            if self._faint[-1] and f - self._seg[1] < self._max_grow:
                self._seg[1] = f + 1
            else:
                self._growing = False
        seg = self._seg
        if seg is not None and not self._growing and f + 1 - seg[1] >= self._min_gap:
            self._finalise()

    def _retract(self, tone_from: int) -> None:
        """A tone was found from ``tone_from``: the speech it started is no speech."""
        if self._run is not None and self._run.start >= tone_from:
            self._run = None
        seg = self._seg
        if seg is not None and seg[0] >= tone_from:
            self._seg = None
        elif seg is not None:
            seg[1] = min(seg[1], tone_from)
        self._growing = False

    def _grown_back(self, start: int, f: int) -> int:
        """The run's start moved back over the faint onset before it (at most _EDGE_MAX_S)."""
        faint = list(self._faint)  # faint[-1] is frame f
        lo = start
        floor = self.segments[-1].end_s / HOP_S if self.segments else 0
        if self._seg is not None:
            floor = self._seg[1]
        while lo > floor and start - lo < self._max_grow:
            k = len(faint) - 1 - (f - (lo - 1))
            if k < 0 or not faint[k]:
                break
            lo -= 1
        return lo

    def _piece_starts(self, start: int) -> None:
        if self._seg is not None and start - self._seg[1] < self._min_gap:
            return  # bridges the short gap: the same stretch goes on
        if self._seg is not None:
            self._finalise()
        self._seg = [start, start]

    def _finalise(self) -> None:
        assert self._seg is not None
        a, b = self._seg
        self._seg = None
        if b - a >= self._min_speech:
            span = Span(round(a * HOP_S, 3), round(b * HOP_S, 3))
            if self._first_speech_s is None:
                self._first_speech_s = span.start_s
            self.segments.append(span)
            self._finalised.append(span)

    def finish(self, audio: RollingAudio) -> None:
        """The stream ended: the last frames are classified, the open stretch ends."""
        self.advance(audio, min_frames=1)
        self._run = None
        if self._seg is not None:
            self._finalise()

    # ------------------------------------------------------------------ reading

    @property
    def open_span(self) -> Span | None:
        """The stretch going on now, once it lasted ``min_speech_s`` (it will be kept)."""
        seg = self._seg
        if seg is None or not self._visible(seg):
            return None
        return Span(round(seg[0] * HOP_S, 3), round(seg[1] * HOP_S, 3))

    def _visible(self, seg: list[int]) -> bool:
        """Long enough to be kept, and not a run that may still turn out a tone."""
        if seg[1] - seg[0] < self._min_speech:
            return False
        maybe_tone = self._tones.undecided_since()
        return maybe_tone is None or maybe_tone > seg[0] + _TONE_GUARD_FRAMES

    @property
    def decided_s(self) -> float:
        """Frames before this time are classified for good."""
        seg = self._seg
        if seg is not None:
            frame = seg[1] if self._visible(seg) else seg[0]
        else:
            # A run (pending, or the next one) may still grow back over the faint frames
            # before it.
            start = self._run.start if self._run is not None else self.frames
            frame = self._grown_back(start, self.frames - 1)
        return round(frame * HOP_S, 3)

    def last_speech_end_s(self) -> float | None:
        span = self.open_span
        if span is not None:
            return span.end_s
        return self.segments[-1].end_s if self.segments else None

    def first_speech_s(self) -> float | None:
        if self._first_speech_s is not None:
            return self._first_speech_s
        span = self.open_span
        return span.start_s if span is not None else None

    def spans(self, since_s: float = 0.0) -> list[Span]:
        """Speech stretches ending after ``since_s`` (the open one included)."""
        out: list[Span] = []
        for span in reversed(self.segments):
            if span.end_s <= since_s:
                break
            out.append(span)
        out.reverse()
        current = self.open_span
        if current is not None:
            out.append(current)
        return out

    def take_finalised(self) -> list[Span]:
        """Stretches finalised since the last call."""
        out, self._finalised = self._finalised, []
        return out
