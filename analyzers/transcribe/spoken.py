"""Whether a run of words is backed by as many voiced bursts in the audio.

Whisper's loops ("four one one one one one ...") and a read-out number
("four one one one, one one one one") look alike as text. The audio tells
them apart: a speaker saying N short words makes (at least) about N bursts of
energy, each a rise and a fall of several dB; a loop's extra words have no
bursts of their own (they run past the speech or pile up on one sound).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

FRAME_S = 0.01


class _Timed(Protocol):
    start_s: float
    end_s: float


@dataclass(frozen=True)
class BurstSettings:
    # A burst is a rise of rise_db over the preceding dip that later falls by
    # rise_db again (or ends the span); 6 dB separates words spoken without pauses
    # (stops and nasals between them) while the ripple within a vowel stays below it.
    rise_db: float = 6.0
    # Frames more than this below the span's loudest frame are silence, not a burst.
    floor_below_peak_db: float = 35.0
    # A burst's peak is a vowel: within this of the loudest frame of the stretch.
    nucleus_below_peak_db: float = 18.0
    smoothing_frames: int = 3
    # Share of a looped segment's words that must have a burst for it to be speech:
    # Whisper over-generates a read-out number (20 "one"s for 15 spoken, 16 bursts
    # for 21 words), a loop on noise or a short word has a few bursts for many words.
    min_bursts_per_word: float = 0.5
    # A loop laid over other speech has far more bursts than words (digits have at most
    # two syllables, "seven", "zero"; a burst per syllable at most).
    max_bursts_per_word: float = 2.5
    margin_s: float = 0.15  # Whisper's word times run early or late by this much
    context_s: float = 0.5


DEFAULT_BURSTS = BurstSettings()


def energy_db(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Frame energy (10 ms frames) in dB re full scale."""
    frame = max(1, round(sample_rate * FRAME_S))
    n = len(audio) // frame
    if n == 0:
        return np.zeros(0)
    mean_square = np.empty(n)
    step = frame * 65536  # a slice at a time: no full-length float64 temporaries
    for lo in range(0, n * frame, step):
        frames = np.asarray(audio[lo : min(lo + step, n * frame)], dtype=np.float64)
        mean_square[lo // frame : lo // frame + frames.size // frame] = np.mean(
            frames.reshape(-1, frame) ** 2, axis=1
        )
    return 10.0 * np.log10(mean_square + 1e-12)


def burst_peaks(levels_db: np.ndarray, settings: BurstSettings = DEFAULT_BURSTS) -> list[int]:
    """Frames where bursts of energy peak: a rise of ``rise_db`` over the preceding dip
    to a peak within ``nucleus_below_peak_db`` of the loudest frame (a syllable's
    vowel, not a consonant's tail), then a fall of ``rise_db``."""
    if levels_db.size == 0:
        return []
    k = settings.smoothing_frames
    smooth = (
        np.convolve(levels_db, np.ones(k) / k, mode="same") if levels_db.size >= k else levels_db
    )
    top = float(np.max(smooth))
    floor = top - settings.floor_below_peak_db
    nucleus = top - settings.nucleus_below_peak_db
    peaks: list[int] = []
    in_burst = False
    dip, peak, peak_at = max(float(smooth[0]), floor), floor, 0
    for i, value in enumerate(smooth):
        level = max(float(value), floor)
        if in_burst:
            if level > peak:
                peak, peak_at = level, i
            if level <= peak - settings.rise_db:
                if peak >= nucleus:
                    peaks.append(peak_at)
                in_burst, dip = False, level
        else:
            dip = min(dip, level)
            if level >= dip + settings.rise_db:
                in_burst, peak, peak_at = True, level, i
    if in_burst and peak >= nucleus:
        peaks.append(peak_at)
    return peaks


def count_bursts(levels_db: np.ndarray, settings: BurstSettings = DEFAULT_BURSTS) -> int:
    """Bursts of energy in a stretch of frame levels (see :func:`burst_peaks`)."""
    return len(burst_peaks(levels_db, settings))


def voiced_bursts(
    run: Sequence[_Timed], levels_db: np.ndarray, settings: BurstSettings = DEFAULT_BURSTS
) -> int:
    """Voiced bursts peaking within the stretch the words of ``run`` span (0 for no
    words). The bursts are found with ``context_s`` of audio either side, so a
    burst that starts before the first word's (early) start time still counts."""
    if not run:
        return 0
    lo = run[0].start_s - settings.margin_s
    hi = run[-1].end_s + settings.margin_s
    start = max(0, int((lo - settings.context_s) / FRAME_S))
    end = min(levels_db.size, int(np.ceil((hi + settings.context_s) / FRAME_S)))
    peaks = burst_peaks(levels_db[start:end], settings)
    return sum(1 for i in peaks if lo <= (start + i) * FRAME_S <= hi)


def is_spoken_run(
    run: Sequence[_Timed],
    levels_db: np.ndarray,
    settings: BurstSettings = DEFAULT_BURSTS,
) -> bool:
    """True when the words of ``run`` have (nearly) one voiced burst each, and the
    stretch they span does not hold far more bursts than words.

    ``levels_db`` is the channel's :func:`energy_db` on the call timeline.
    """
    if not run:
        return False
    bursts = voiced_bursts(run, levels_db, settings)
    return (
        settings.min_bursts_per_word * len(run) <= bursts <= settings.max_bursts_per_word * len(run)
    )
