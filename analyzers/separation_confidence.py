"""How sure a two-speaker split of a mono call is, and where it is not.

One concern: the decoded speaker of each frame, the frames' voice features and
the mix's level in; a confidence 0..1 and the unsure stretches out. Three
things make a split unsure, each measured on the call itself:

1. **Voices alike.** The speech is cut into 1 s windows of one voice. Each
   voice's model is fitted on every other window and scores the windows it was
   not fitted on (two folds): a window's held-out margin is how much likelier
   its own voice's model finds it than the other's, in nats per frame. A
   model's margin on its own training frames is no evidence (a split of one
   voice learns its halves' sounds); held out, one voice split in two has a
   median about 1 nat, two voices 3-10 (the mono set: Allison, a LibriVox
   reader and Bruce VE9QRP in four pairings). The voices factor goes from 0 at
   a median of ``_ALIKE_NATS`` to 1 at ``_APART_NATS``; a window under
   ``_UNSURE_NATS`` is an unsure stretch.
2. **Both talking.** Overlapped frames have no clear speaker.
3. **Noise.** The median level of the speech over the median level between it
   (dB): below ``_SNR_FULL_DB`` noise bursts pass for speech and go to a voice;
   the noise factor goes from 1 there to 0 at ``_SNR_ZERO_DB``. Under one half,
   all the speech is unsure.

confidence = voices factor x noise factor x the share of the speech that is
one voice's and not unsure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzers.activity import HOP_S, true_runs
from analyzers.spans import Span, merge_spans
from analyzers.voice_model import fit_gmm, subsample

FIRST, SECOND, BOTH = 0, 1, 2
_WINDOW_FRAMES = 100
_MIN_WINDOW_FRAMES = 50
_MIN_FOLD_FRAMES = 60
_ALIKE_NATS = 1.0
_APART_NATS = 2.5
_UNSURE_NATS = 1.0
_MIN_UNSURE_S = 0.5
_SNR_ZERO_DB = 10.0
_SNR_FULL_DB = 18.0
_MUCH_OVERLAP = 0.15  # share of the speech: said as a doubt from here on


@dataclass(frozen=True)
class SplitConfidence:
    confidence: float  # 0..1
    unsure: list[Span]
    held_out_nats: float | None  # median held-out margin of the windows (None: no windows)
    snr_db: float | None  # speech over the level between it (None: no pause heard)
    doubts: list[str]  # what lowered the confidence, for a person


def split_confidence(
    features: np.ndarray,
    states: np.ndarray,
    active: np.ndarray,
    frame_db: np.ndarray,
    rng: np.random.Generator,
) -> SplitConfidence:
    """The split's confidence from the decoded ``states`` (FIRST/SECOND/BOTH, -1 outside)."""
    windows = _windows(states)
    margins = _held_out_margins(features, windows, rng)
    speech = (states >= 0) & active
    snr_db = speech_to_noise_db(frame_db, speech)
    noise = 1.0 if snr_db is None else _ramp(snr_db, _SNR_ZERO_DB, _SNR_FULL_DB)
    held_out = float(np.median(margins)) if len(margins) else 0.0
    voices = _ramp(held_out, _ALIKE_NATS, _APART_NATS)
    unsure = [
        Span(a * HOP_S, b * HOP_S)
        for (a, b, _, _), m in zip(windows, margins, strict=True)
        if m < _UNSURE_NATS
    ]
    if noise < 0.5:
        unsure += [Span(a * HOP_S, b * HOP_S) for a, b in true_runs(speech)]
    unsure = [s for s in merge_spans(unsure) if s.duration_s >= _MIN_UNSURE_S]
    clear = speech & (states != BOTH)
    for a, b in unsure:
        clear[round(a / HOP_S) : round(b / HOP_S)] = False
    n_speech = max(1, int(speech.sum()))
    confidence = voices * noise * int(clear.sum()) / n_speech
    overlap_share = int((speech & (states == BOTH)).sum()) / n_speech
    return SplitConfidence(
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        unsure=[Span(round(a, 3), round(b, 3)) for a, b in unsure],
        held_out_nats=round(held_out, 2) if len(margins) else None,
        snr_db=None if snr_db is None else round(snr_db, 1),
        doubts=_doubts(voices < 1.0, held_out, noise < 1.0, snr_db, overlap_share),
    )


def _doubts(
    alike: bool, held_out: float, noisy: bool, snr_db: float | None, overlap_share: float
) -> list[str]:
    out = []
    if alike:
        out.append(f"the two voices sound alike (held-out margin {held_out:.1f} nats per frame)")
    if noisy and snr_db is not None:
        out.append(f"a noisy line (speech {snr_db:.0f} dB over the noise between it)")
    if overlap_share >= _MUCH_OVERLAP:
        out.append(f"both talk at once in {100 * overlap_share:.0f} % of the speech")
    return out


def _ramp(value: float, zero_at: float, one_at: float) -> float:
    return float(np.clip((value - zero_at) / (one_at - zero_at), 0.0, 1.0))


def speech_to_noise_db(frame_db: np.ndarray, speech: np.ndarray) -> float | None:
    """Median frame level in the speech minus the median between it (None without pauses)."""
    quiet = ~speech[: len(frame_db)]
    if not quiet.any() or not speech.any():
        return None
    return float(np.median(frame_db[speech[: len(frame_db)]]) - np.median(frame_db[quiet]))


Window = tuple[int, int, int, int]  # start, stop, voice, fold


def _windows(states: np.ndarray) -> list[Window]:
    """The 1 s windows inside single-voice runs, a whole run in one fold.

    A voice's runs alternate between the folds: windows of one run share its
    words, and a model fitted on some would know the others.
    """
    out = []
    for voice in (FIRST, SECOND):
        for k, (a, b) in enumerate(true_runs(states == voice)):
            for s in range(a, b - _MIN_WINDOW_FRAMES + 1, _WINDOW_FRAMES):
                out.append((s, min(b, s + _WINDOW_FRAMES), voice, k % 2))
    return sorted(out)


def _held_out_margins(
    features: np.ndarray, windows: list[Window], rng: np.random.Generator
) -> np.ndarray:
    """Per window: own voice's mean frame log-likelihood minus the other's, held out.

    Zero for every window when a fold lacks one voice (nothing to compare).
    """
    margins = np.zeros(len(windows))
    for fold in (0, 1):
        loglik = []
        for voice in (FIRST, SECOND):
            fitted_on = [np.arange(a, b) for a, b, v, f in windows if v == voice and f != fold]
            frames = np.concatenate(fitted_on) if fitted_on else np.zeros(0, dtype=int)
            if len(frames) < _MIN_FOLD_FRAMES:
                return np.zeros(len(windows))
            loglik.append(fit_gmm(features[subsample(frames, rng)], rng).loglik(features))
        for i, (a, b, voice, f) in enumerate(windows):
            if f == fold:
                margins[i] = loglik[voice][a:b].mean() - loglik[1 - voice][a:b].mean()
    return margins
