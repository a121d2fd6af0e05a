"""Key presses (DTMF) and call-progress tones (busy, congestion, SIT) on one channel.

One concern: one channel's samples in, the tone events out, in time order. Ringback
has its own detector (analyzers.ringback); its plans live in analyzers.ringback_plans.

DTMF (ITU-T Q.23/Q.24): per 25.6 ms frame (hop 10 ms) the DFT at the eight DTMF
frequencies (Goertzel, as one matrix product). A frame holds a key when one row and one
column frequency each stand well above the rest of their group, the two are within the
twist limits (Q.24: high group 8 dB below to 4 dB above the low group), and together they
carry nearly all of the frame's energy: speech and music spread theirs over many
frequencies, which is what keeps them from "talking off" a key. A press is such a run
of the same key lasting at least 40 ms; dropouts up to 20 ms inside it are bridged, and
up to 100 ms where packet loss concealment blurred the key (see ``_bridged``).
The digits are deliberately not returned: they may be card numbers or PINs.

Call-progress tones (ITU-T E.180 / Q.35): per 32 ms frame (hop 20 ms), the share of the energy at
the tone frequencies (350-500 Hz, 620 Hz, and the SIT frequencies near 950, 1400,
1800 Hz). Runs of tone frames become bursts; a SIT is three bursts in rising order
(950, 1400, 1800 Hz, 0.2-0.45 s each); busy and congestion are at least three bursts
of the same tone in a regular, fast cadence (period under 1.3 s; ringback's is 3 s or
more). Busy and congestion differ by cadence only: bursts of 0.3 s or more are busy,
shorter ones congestion. (Countries differ: Swedish busy 0.25/0.25 s reads as
congestion here; E.180 gives the plans.)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from analyzers.activity import true_runs
from analyzers.hold import mono_channel
from analyzers.report import ToneKind

DTMF_LOW_HZ = (697.0, 770.0, 852.0, 941.0)
DTMF_HIGH_HZ = (1209.0, 1336.0, 1477.0, 1633.0)
_DTMF_WIN_S = 0.0256
_HOP_S = 0.01
# Q.24: presses of 40 ms must be accepted, under about 23 ms rejected. A 40 ms key fills
# 3/4 of a 25.6 ms window in two or three 10 ms hops; a 20 ms one never in two.
_DTMF_MIN_FRAMES = 2
_DTMF_MAX_DROPOUT_S = 0.02
_DTMF_SHARE = 0.75  # the two tones' share of the frame energy
_DTMF_PROBES = (0.985, 1.0, 1.015)
_DTMF_PRECHECK = 0.3  # nominal share below which no probe can reach _DTMF_SHARE
_DTMF_GROUP_DOMINANCE_DB = 8.0  # a tone above the other frequencies of its group
# High-group level minus low-group level: Q.24 accepts -8..+4 dB; 1 dB more each way
# for the level a tone loses when it is off its nominal frequency.
_TWIST_MIN_DB, _TWIST_MAX_DB = -9.0, 5.0
_DTMF_MIN_TONE_DBOV = -45.0
# Packet loss concealment (see _bridged): a press's frames between two good ones may pass
# a looser test, over up to three lost 20 ms packets and the windows across them.
_CONCEALED_LEAD_DB = 4.5
_CONCEALED_SHARE = 0.3
_CONCEALED_MAX_S = 0.1
_BLOCK_FRAMES = 8192  # frames read at a time: bounds memory on hours-long calls

_PROGRESS_WIN_S = 0.032
_PROGRESS_HOP_S = 0.02
# Candidate frequencies: the 350-500 Hz group (busy/congestion in every plan here),
# 620 Hz (North American busy/reorder 480+620), the SIT tones and their E.180 variants.
_LOW_GROUP_HZ = (350.0, 400.0, 425.0, 440.0, 450.0, 480.0)
_SIT_HZ = {1: (914.0, 950.0, 985.0), 2: (1371.0, 1400.0, 1429.0), 3: (1777.0, 1800.0)}
_TONE_SHARE = 0.7  # the tone frequencies' share of a frame's energy
_MIN_TONE_DBOV = -50.0
_MIN_BURST_S = 0.1
_MAX_DROPOUT_S = 0.06  # a gap this short inside a burst is the codec, not the cadence
_SIT_BURST_S = (0.2, 0.45)
_SIT_MAX_GAP_S = 0.1
_CADENCE_MIN_BURSTS = 3
_CADENCE_MAX_PERIOD_S = 1.3
_CADENCE_TOLERANCE = 0.25  # bursts and pauses within 25 % of each other
_BUSY_MIN_ON_S = 0.3
_OFF_BELOW_DB = 10.0  # the pauses of a busy/congestion cadence are this far below its tone


@dataclass(frozen=True)
class ToneEvent:
    """A key press or a call-progress tone, seconds from the start of the recording."""

    kind: ToneKind
    start_s: float
    end_s: float


def _frames(
    x: np.ndarray, sample_rate: int, win_s: float, hop_s: float = _HOP_S
) -> tuple[np.ndarray, int]:
    win = round(win_s * sample_rate)
    hop = round(hop_s * sample_rate)
    if len(x) < win:
        return np.zeros((0, win), dtype=np.float32), hop
    return np.lib.stride_tricks.sliding_window_view(x, win)[::hop], hop


def _frame_power(frames: np.ndarray) -> np.ndarray:
    """Mean square of each frame: one pass over the strided view, no copies or running sum."""
    return np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / max(frames.shape[1], 1)


def _tone_power(frames: np.ndarray, sample_rate: int, freqs: tuple[float, ...]) -> np.ndarray:
    """Power of a sinusoid at each frequency per frame (Goertzel via one matrix product).

    A sinusoid of amplitude A reads A**2 / 2, the same scale as the frame's mean square.
    """
    n = frames.shape[1]
    phase = 2 * np.pi * np.outer(np.arange(n) / sample_rate, freqs)
    basis = np.concatenate((np.cos(phase), np.sin(phase)), axis=1).astype(np.float32)
    parts = np.ascontiguousarray(frames, dtype=np.float32) @ basis  # one real GEMM
    k = len(freqs)
    return 2.0 * (parts[:, :k] ** 2 + parts[:, k:] ** 2).astype(np.float64) / n**2


def _dtmf_keys(frames: np.ndarray, total: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per frame: the key index 0..15, or -1."""
    keys = np.empty(len(frames), dtype=np.int64)
    for lo in range(0, len(frames), _BLOCK_FRAMES):  # bounded memory on long calls
        hi = min(len(frames), lo + _BLOCK_FRAMES)
        keys[lo:hi] = _block_dtmf_keys(frames[lo:hi], total[lo:hi], sample_rate)
    return keys


def _block_dtmf_keys(frames: np.ndarray, total: np.ndarray, sample_rate: int) -> np.ndarray:
    """:func:`_dtmf_keys` of a block of frames whose mean squares are ``total``."""
    # Q.24 accepts +-1.5 % off nominal: each frequency is read at nominal and at both
    # limits, and the strongest counts (a 25.6 ms window alone would lose up to 3 dB).
    # Only frames where the nominal frequencies already carry a good part of the energy
    # can hold a key: the off-nominal probes are read for those alone.
    # Frames too quiet to hold two tones at the minimum level are not read at all.
    nominal = np.zeros((len(frames), 8))
    loud = total >= 2 * 10 ** (_DTMF_MIN_TONE_DBOV / 10)
    if np.any(loud):
        nominal[loud] = _tone_power(frames[loud], sample_rate, DTMF_LOW_HZ + DTMF_HIGH_HZ)
    maybe = loud & (
        nominal[:, :4].max(axis=1) + nominal[:, 4:].max(axis=1) >= _DTMF_PRECHECK * total
    )
    power = nominal
    if np.any(maybe):
        power = nominal.copy()
        power[maybe] = _probed_power(frames[maybe], sample_rate)
    return _keys(power, total, _DTMF_GROUP_DOMINANCE_DB, _DTMF_SHARE)


def _probed_power(frames: np.ndarray, sample_rate: int) -> np.ndarray:
    probes = tuple(f * k for f in DTMF_LOW_HZ + DTMF_HIGH_HZ for k in _DTMF_PROBES)
    probed = _tone_power(frames, sample_rate, probes)
    return probed.reshape(-1, 8, len(_DTMF_PROBES)).max(axis=2)


def _keys(power: np.ndarray, total: np.ndarray, lead_db: float, share: float) -> np.ndarray:
    """Per frame the key whose tones lead their groups by ``lead_db`` and carry ``share``
    of the energy within the twist limits, or -1."""
    low, high = power[:, :4], power[:, 4:]
    row, col = np.argmax(low, axis=1), np.argmax(high, axis=1)
    idx = np.arange(len(power))
    row_p, col_p = low[idx, row], high[idx, col]

    def dominant(group: np.ndarray, best: np.ndarray) -> np.ndarray:
        others = group.copy()
        others[idx, np.argmax(group, axis=1)] = 0.0
        return best >= others.max(axis=1) * 10 ** (lead_db / 10)

    twist = 10 * np.log10(np.maximum(col_p, 1e-20) / np.maximum(row_p, 1e-20))
    floor = 10 ** (_DTMF_MIN_TONE_DBOV / 10)
    ok = (
        dominant(low, row_p)
        & dominant(high, col_p)
        & (twist >= _TWIST_MIN_DB)
        & (twist <= _TWIST_MAX_DB)
        & (row_p + col_p >= share * total)
        & (np.minimum(row_p, col_p) >= floor)
    )
    return np.where(ok, row * 4 + col, -1)


def _bridged(keys: np.ndarray, frames: np.ndarray, total: np.ndarray, rate: int) -> np.ndarray:
    """``keys`` with the gaps inside one press filled with its key.

    A gap of up to _DTMF_MAX_DROPOUT_S between frames of the same key is a dropout. A
    longer one (up to _CONCEALED_MAX_S) is a press that lost packets when every frame
    of it still passes the looser concealment test for that key: a concealing receiver
    repeats the last packet, fading, and the phase jumps at the repeats spread a good
    part of the energy away from the two tones. A real pause between two presses of
    the same key is quiet, so it never passes.
    """
    bridge = round(_DTMF_MAX_DROPOUT_S / _HOP_S)
    concealed = round(_CONCEALED_MAX_S / _HOP_S)
    filled = keys.copy()
    for a, b in true_runs(keys < 0):
        if not (a > 0 and b < len(keys) and keys[a - 1] == keys[b] and b - a <= concealed):
            continue
        if b - a > bridge:
            loose = _keys(
                _probed_power(frames[a:b], rate), total[a:b], _CONCEALED_LEAD_DB, _CONCEALED_SHARE
            )
            if not np.all(loose == keys[b]):
                continue
        filled[a:b] = keys[b]
    return filled


def detect_dtmf(samples: np.ndarray, sample_rate: int) -> list[ToneEvent]:
    """Each DTMF key press on one channel (1-D ``samples``), in time order."""
    x = mono_channel(samples, sample_rate)
    frames, _ = _frames(x, sample_rate, _DTMF_WIN_S)
    if len(frames) == 0:
        return []
    total = _frame_power(frames)
    filled = _bridged(_dtmf_keys(frames, total, sample_rate), frames, total, sample_rate)
    if not np.any(filled >= 0):
        return []
    events: list[ToneEvent] = []
    change = np.flatnonzero(np.diff(filled) != 0) + 1
    starts = np.concatenate(([0], change))
    stops = np.concatenate((change, [len(filled)]))
    # A frame qualifies once the tone fills about _DTMF_SHARE of it (silence adds no
    # energy), so a run's frames overhang the tone by (1 - _DTMF_SHARE) of a window.
    overhang = (1.0 - _DTMF_SHARE) * _DTMF_WIN_S
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        if filled[a] < 0:
            continue
        start_s = a * _HOP_S + overhang
        end_s = (b - 1) * _HOP_S + _DTMF_WIN_S - overhang
        if b - a >= _DTMF_MIN_FRAMES:
            events.append(ToneEvent("dtmf", round(start_s, 3), round(end_s, 3)))
    return events


@dataclass(frozen=True)
class _Burst:
    label: str  # "low", "low+620", "sit1", "sit2", "sit3"
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


_LABELS = ("low", "low+620", "sit1", "sit2", "sit3")


def _progress_labels(x: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the index of its tone in ``_LABELS`` (or -1), and its level in dBov."""
    frames, _ = _frames(x, sample_rate, _PROGRESS_WIN_S, _PROGRESS_HOP_S)
    if len(frames) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    total = _frame_power(frames)
    labels = np.empty(len(frames), dtype=np.int64)
    for lo in range(0, len(frames), _BLOCK_FRAMES):  # bounded memory on long calls
        hi = min(len(frames), lo + _BLOCK_FRAMES)
        labels[lo:hi] = _block_progress_labels(frames[lo:hi], total[lo:hi], sample_rate)
    return labels, 10 * np.log10(np.maximum(total, 1e-12))


def _block_progress_labels(frames: np.ndarray, total: np.ndarray, sample_rate: int) -> np.ndarray:
    """:func:`_progress_labels`' labels of a block of frames whose mean squares are ``total``."""
    groups = (_LOW_GROUP_HZ, (620.0,), _SIT_HZ[1], _SIT_HZ[2], _SIT_HZ[3])
    freqs = tuple(f for g in groups for f in g)
    power = np.zeros((len(frames), len(freqs)))
    loud = total >= 10 ** (_MIN_TONE_DBOV / 10)  # quieter frames cannot hold a tone
    if np.any(loud):
        power[loud] = _tone_power(frames[loud], sample_rate, freqs)
    # Neighbouring candidates see the same tone: a group counts its strongest once.
    edges = np.cumsum([0, *(len(g) for g in groups)])
    best = np.stack([power[:, a:b].max(axis=1) for a, b in itertools.pairwise(edges)], 1)
    low, p620 = best[:, 0], best[:, 1]
    floor = 10 ** (_MIN_TONE_DBOV / 10)
    single = np.argmax(best, axis=1)
    single_ok = (best.max(axis=1) >= np.maximum(floor, _TONE_SHARE * total)) & (single != 1)
    labels = np.where(single_ok, np.array([0, -1, 2, 3, 4])[single], -1)
    pair = (low + p620 >= _TONE_SHARE * total) & (
        np.minimum(low, p620) >= np.maximum(floor, 0.1 * np.maximum(low, p620))
    )
    return np.where(pair, 1, labels)


def _bursts(labels: np.ndarray) -> list[_Burst]:
    bursts: list[_Burst] = []
    if len(labels) == 0:
        return bursts
    change = np.flatnonzero(np.diff(labels) != 0) + 1
    starts = np.concatenate(([0], change)).tolist()
    stops = np.concatenate((change, [len(labels)])).tolist()
    for a, b in zip(starts, stops, strict=True):
        if labels[a] < 0:
            continue
        start_s, end_s = a * _PROGRESS_HOP_S, (b - 1) * _PROGRESS_HOP_S + _PROGRESS_WIN_S
        burst = _Burst(_LABELS[labels[a]], start_s, end_s)
        last = bursts[-1] if bursts else None
        if last and last.label == burst.label and burst.start_s - last.end_s <= _MAX_DROPOUT_S:
            bursts[-1] = _Burst(last.label, last.start_s, burst.end_s)  # a codec dropout
        else:
            bursts.append(burst)
    return [b for b in bursts if b.duration_s >= _MIN_BURST_S]


def _sits(bursts: list[_Burst]) -> list[ToneEvent]:
    lo, hi = _SIT_BURST_S
    found = []
    for a, b, c in zip(bursts, bursts[1:], bursts[2:], strict=False):
        if (a.label, b.label, c.label) != ("sit1", "sit2", "sit3"):
            continue
        if not all(lo - _PROGRESS_WIN_S <= t.duration_s <= hi + _PROGRESS_WIN_S for t in (a, b, c)):
            continue
        if b.start_s - a.end_s <= _SIT_MAX_GAP_S and c.start_s - b.end_s <= _SIT_MAX_GAP_S:
            found.append(ToneEvent("sit", round(a.start_s, 3), round(c.end_s, 3)))
    return found


def _similar(values: list[float]) -> bool:
    return max(values) <= min(values) * (1 + _CADENCE_TOLERANCE) / (1 - _CADENCE_TOLERANCE)


def _cadenced(bursts: list[_Burst], level_db: np.ndarray) -> list[ToneEvent]:
    """Busy and congestion: runs of same-tone bursts in a regular, fast cadence.

    The pauses must be quiet: music repeating a note at 425-480 Hz keeps sounding
    between the notes, a busy tone stops.
    """
    found: list[ToneEvent] = []
    run: list[_Burst] = []

    def close() -> None:
        if len(run) >= _CADENCE_MIN_BURSTS:
            on = float(np.median([b.duration_s for b in run]))
            kind: ToneKind = "busy" if on >= _BUSY_MIN_ON_S else "congestion"
            found.append(ToneEvent(kind, round(run[0].start_s, 3), round(run[-1].end_s, 3)))

    for burst in bursts:
        if run and _continues(run, burst) and _quiet_between(run[-1], burst, level_db):
            run.append(burst)
            continue
        close()
        run = [burst] if burst.label in ("low", "low+620") else []
    close()
    return found


def _continues(run: list[_Burst], burst: _Burst) -> bool:
    last = run[-1]
    if burst.label != last.label or burst.start_s - last.start_s > _CADENCE_MAX_PERIOD_S:
        return False
    ons = [b.duration_s for b in run] + [burst.duration_s]
    offs = [b.start_s - a.end_s for a, b in zip(run, [*run[1:], burst], strict=False)]
    return _similar(ons) and _similar(offs)


def _level(level_db: np.ndarray, start_s: float, end_s: float) -> float | None:
    """Median level of the frames lying wholly within [start_s, end_s]."""
    a = int(np.ceil(start_s / _PROGRESS_HOP_S))
    b = int(np.floor((end_s - _PROGRESS_WIN_S) / _PROGRESS_HOP_S)) + 1
    inside = level_db[max(a, 0) : min(b, len(level_db))]
    return float(np.median(inside)) if inside.size else None


def _quiet_between(a: _Burst, b: _Burst, level_db: np.ndarray) -> bool:
    gap = _level(level_db, a.end_s, b.start_s)
    tones = [
        x
        for x in (_level(level_db, a.start_s, a.end_s), _level(level_db, b.start_s, b.end_s))
        if x is not None
    ]
    return gap is None or not tones or gap <= min(tones) - _OFF_BELOW_DB


def detect_progress_tones(samples: np.ndarray, sample_rate: int) -> list[ToneEvent]:
    """Busy, congestion and SIT tones on one channel (1-D ``samples``), in time order."""
    x = mono_channel(samples, sample_rate)
    labels, level_db = _progress_labels(x, sample_rate)
    bursts = _bursts(labels)
    return sorted(_sits(bursts) + _cadenced(bursts, level_db), key=lambda e: e.start_s)


def detect_tones(samples: np.ndarray, sample_rate: int) -> list[ToneEvent]:
    """Key presses and call-progress tones on one channel, in time order."""
    return sorted(
        detect_dtmf(samples, sample_rate) + detect_progress_tones(samples, sample_rate),
        key=lambda e: e.start_s,
    )
