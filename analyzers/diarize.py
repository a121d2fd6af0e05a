"""Two-speaker diarization of a mono call: who speaks when, and when both do.

One concern: a mono signal and its voice-active stretches in, each speaker's
stretches (overlapped speech in both), the stretches where the split is
unsure and a confidence out. No learned weights (``analyzers.speaker_embedding``).

1. Cepstral embeddings of 1.5 s windows (0.5 s hop) inside the speech; the
   windows split into two clusters (two-means on standardized embeddings).
2. A diagonal GMM per speaker on the frames of its clearly-assigned windows,
   and one for overlapped speech, trained on single-speaker frames of both
   added together in the mel power domain (power adds across talkers).
3. Viterbi over the speech frames with three states (first, second, both): a
   speaker change inside a stretch of speech costs ``_SWITCH_COST`` nats, one
   across a pause costs nothing. Overlap gets no prior cost; at a takeover it
   is widened over a short run of one voice that joins it to the other voice
   (the quieter voice drowned out, not stopped), and overlap under 0.4 s goes
   to the likelier voice (the switch cost counted again).
   A second pass re-fits each voice's model on its decoded frames away from
   overlap (the overlap model is kept) and decodes again; overlaps shaped
   like an interruption in the first pass (one voice, both, the other) stay.
   Then a blip of one voice inside the other's speech goes back to the other,
   overlap is widened over any short run that joins it to the other voice or to
   another overlap, and grown (up to 1.2 s) where the overlap model still
   beats the louder voice's (the quieter voice is still there).
4. The split's confidence and its unsure stretches from held-out voice margins,
   overlap and the mix's speech-to-noise ratio
   (``analyzers.separation_confidence``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from analyzers.activity import HOP_S, true_runs
from analyzers.separation_confidence import SplitConfidence, split_confidence
from analyzers.spans import Span, merge_spans
from analyzers.speaker_embedding import cepstra, embed_frames, mel_power
from analyzers.voice_model import DiagonalGmm, fit_gmm, subsample

_WINDOW_FRAMES = 150
_WINDOW_HOP_FRAMES = 50
_MIN_WINDOW_FRAMES = 30
_SWITCH_COST = 50.0  # nats: a change of speaker inside continuous speech
_OVERLAP_COST = 0.0  # nats per frame of overlap: no prior against it; the switch cost decides
_MIN_OVERLAP_FRAMES = 40
_OVERLAP_GUARD_FRAMES = 100  # frames this near an overlap do not re-fit a voice's model
_MAX_HIDDEN_FRAMES = 120  # a voice drowned out this long next to an overlap is still talking
_EVIDENCE_FRAMES = 50  # frames that average the evidence of a voice under the other
_EVIDENCE_PERCENTILE = 95  # of that evidence on one voice alone: above it, the other is there
_SEED = 0

FIRST, SECOND, BOTH = 0, 1, 2


@dataclass(frozen=True)
class Diarization:
    """Each speaker's speech (speaker 0 speaks first), overlap in both."""

    speakers: tuple[list[Span], list[Span]]
    overlap: list[Span]
    unsure: list[Span]
    confidence: float  # 0..1, share of the speech attributed with a clear margin
    held_out_nats: float | None = None  # how far apart the voices are (see split_confidence)
    snr_db: float | None = None  # the mix's speech over the level between it
    doubts: tuple[str, ...] = ()  # what made the split unsure, for a person
    # Each speaker's voice embedding over its speech clear of overlap (same order).
    voices: tuple[np.ndarray, np.ndarray] | None = None


def diarize_two(x: np.ndarray, sample_rate: int, speech: Sequence[Span]) -> Diarization:
    """Split mono ``x``'s ``speech`` between two speakers."""
    power = mel_power(x, sample_rate)
    n = len(power)
    active = _frame_mask(speech, n)
    features = cepstra(power)
    if active.sum() < 2 * _WINDOW_FRAMES:
        return _one_speaker(speech)
    rng = np.random.default_rng(_SEED)
    models = _fit_models(power, features, _cluster_windows(features, active), rng)
    loglik = np.stack([m.loglik(features) for m in models], axis=1)
    loglik[:, BOTH] -= _OVERLAP_COST
    states = _viterbi(loglik, active)
    # Second pass: each voice's model re-fitted on its decoded frames; the overlap
    # model kept (re-fitting it too loses interruptions).
    refit = _fit_models(power, features, _clear_of_overlap(states), rng)
    loglik[:, :BOTH] = np.stack([m.loglik(features) for m in refit[:BOTH]], axis=1)
    takeovers = _takeovers(states)
    states = _viterbi(loglik, active)
    states[takeovers] = BOTH
    # Short overlaps are gone now: any short run joining an overlap is widened, not
    # only at takeovers (in a pass, a bridge to a short false overlap would keep it).
    states = _grow_overlaps(_widen_overlaps(_drop_blips(states)), loglik)
    frame_db = 10 * np.log10(power.sum(axis=1) + 1e-10)
    return _result(states, split_confidence(features, states, active, frame_db, rng), features)


def _frame_mask(spans: Sequence[Span], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for a, b in spans:
        mask[max(0, round(a / HOP_S)) : round(b / HOP_S)] = True
    return mask


def _takeovers(states: np.ndarray) -> np.ndarray:
    """Frames of overlaps where one voice takes over from the other without a pause.

    The shape of an interruption: one voice, both, then the other voice. The
    re-fitted voice models explain the louder voice of such an overlap a little
    better than the overlap model does, so these survive the second pass.
    """
    keep = np.zeros(len(states), dtype=bool)
    for a, b in true_runs(states == BOTH):
        before = states[a - 1] if a > 0 else -1
        after = states[b] if b < len(states) else -1
        if {int(before), int(after)} == {FIRST, SECOND}:
            keep[a:b] = True
    return keep


def _clear_of_overlap(states: np.ndarray) -> np.ndarray:
    """The labels with overlap and the frames near it left out (-1)."""
    from scipy.ndimage import binary_dilation

    near = binary_dilation(states == BOTH, iterations=_OVERLAP_GUARD_FRAMES)
    return np.where(near, -1, states)


def _one_speaker(speech: Sequence[Span]) -> Diarization:
    return Diarization((merge_spans(speech), []), [], [], 0.0)


def _cluster_windows(features: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Frame labels (FIRST/SECOND, -1 outside or unclear) from clustered windows."""
    windows = []
    for a, b in true_runs(active):
        starts = range(a, max(a + 1, b - _WINDOW_FRAMES + 1), _WINDOW_HOP_FRAMES)
        windows += [(s, min(b, s + _WINDOW_FRAMES)) for s in starts]
    windows = [(a, b) for a, b in windows if b - a >= _MIN_WINDOW_FRAMES]
    embeddings = np.stack([embed_frames(features[a:b]) for a, b in windows])
    z = (embeddings - embeddings.mean(axis=0)) / (embeddings.std(axis=0) + 1e-9)
    assign, distance = _two_means(z)
    labels = np.full(len(features), -1)
    # Only windows clearly nearer one centre train that speaker's model.
    clear = np.abs(distance[:, 0] - distance[:, 1]) >= np.median(
        np.abs(distance[:, 0] - distance[:, 1])
    )
    for (a, b), k, ok in zip(windows, assign, clear, strict=True):
        if ok:
            labels[a:b] = np.where(labels[a:b] == 1 - k, -2, k)
    labels[labels == -2] = -1
    return labels


def _two_means(z: np.ndarray, iterations: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Two-means clustering, started from the split along the first principal axis
    (the two voices are the largest difference between windows; farthest points
    would be outliers)."""
    centred = z - z.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    assign = (centred @ axis > 0).astype(int)
    centres = np.stack(
        [z[assign == k].mean(axis=0) if np.any(assign == k) else z[0] for k in (0, 1)]
    )
    for _ in range(iterations):
        distance = np.linalg.norm(z[:, None, :] - centres[None], axis=2)
        assign = np.argmin(distance, axis=1)
        for k in (0, 1):
            if np.any(assign == k):
                centres[k] = z[assign == k].mean(axis=0)
    distance = np.linalg.norm(z[:, None, :] - centres[None], axis=2)
    return assign, distance


def _fit_models(
    power: np.ndarray, features: np.ndarray, labels: np.ndarray, rng: np.random.Generator
) -> list[DiagonalGmm]:
    """GMMs of the first speaker, the second, and both at once."""
    own = [np.flatnonzero(labels == k) for k in (FIRST, SECOND)]
    own = [subsample(idx, rng) for idx in own]
    if min(len(idx) for idx in own) < _MIN_WINDOW_FRAMES:
        # One voice only: both models from all labelled frames (the split stays unsure).
        both = subsample(np.flatnonzero(labels >= 0), rng)
        own = [both, both]
    pairs = min(len(own[0]), len(own[1]))
    mixed = power[rng.choice(own[0], pairs)] + power[rng.choice(own[1], pairs)]
    return [
        fit_gmm(features[own[0]], rng),
        fit_gmm(features[own[1]], rng),
        fit_gmm(cepstra(mixed), rng),
    ]


def _viterbi(loglik: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Best state per frame (-1 outside speech); switching is free across pauses."""
    states = np.full(len(loglik), -1)
    frames = np.flatnonzero(active)
    if frames.size == 0:
        return states
    ll = loglik[frames]
    # A pause between two voice-active frames lets the speaker change for free.
    free = np.concatenate(([True], np.diff(frames) > 1))
    n, s = ll.shape
    back = np.zeros((n, s), dtype=np.int8)
    score = ll[0].copy()
    switch = _SWITCH_COST * (1 - np.eye(s))
    no_cost = np.zeros((s, s))
    for t in range(1, n):
        cand = score[:, None] - (no_cost if free[t] else switch)
        back[t] = np.argmax(cand, axis=0)
        score = cand[back[t], np.arange(s)] + ll[t]
    path = np.empty(n, dtype=int)
    path[-1] = int(np.argmax(score))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    states[frames] = path
    return _drop_short_overlaps(_widen_at_takeovers(states), loglik)


def _widen_at_takeovers(states: np.ndarray) -> np.ndarray:
    """Overlap also where a short single-voice run joins it at a takeover.

    One voice, then (without a pause) the other alone for a moment, then both,
    then the other on: the first voice had not stopped, its quiet syllables only
    lost to the louder newcomer. Likewise at a takeover's end (one voice, both,
    the first alone a moment, then the other). Only at takeovers: a voice dipping
    in and out of the other's speech, or a run between two overlaps, stays.
    """
    out = states.copy()
    n = len(states)
    for lo, hi in _single_runs(states):
        if hi - lo > _MAX_HIDDEN_FRAMES or lo == 0 or hi == n:
            continue
        voice, before, after = states[lo], states[lo - 1], states[hi]
        if before == 1 - voice and after == BOTH:
            beyond = _voice_beyond(states, hi, 1)
        elif before == BOTH and after == 1 - voice:
            beyond = _voice_beyond(states, lo - 1, -1)
        else:
            continue
        if beyond != 1 - voice:
            out[lo:hi] = BOTH
    return out


def _single_runs(states: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of one voice alone."""
    edges = np.flatnonzero(np.diff(states)) + 1
    bounds = np.concatenate(([0], edges, [len(states)]))
    return [(int(a), int(b)) for a, b in pairwise(bounds) if states[a] in (FIRST, SECOND)]


def _voice_beyond(states: np.ndarray, i: int, step: int) -> int:
    """The single voice met from ``i`` on in direction ``step`` past overlap (-1 at a pause)."""
    while 0 <= i < len(states) and states[i] == BOTH:
        i += step
    return int(states[i]) if 0 <= i < len(states) else -1


def _grow_overlaps(states: np.ndarray, loglik: np.ndarray) -> np.ndarray:
    """Overlap grown into the louder voice's frames where the quieter voice is still heard.

    The evidence: the overlap model's score over the louder voice's, averaged over
    the next ``_EVIDENCE_FRAMES`` away from the overlap (one frame says little; a
    window reaching back into the overlap would only echo it), above its
    ``_EVIDENCE_PERCENTILE`` on the louder voice's own speech. At most
    ``_MAX_HIDDEN_FRAMES`` each side.
    """
    out = states.copy()
    n = len(states)
    frames = np.arange(n)
    for louder in (FIRST, SECOND):
        sums = np.concatenate(([0.0], np.cumsum(loglik[:, BOTH] - loglik[:, louder])))
        ends = np.minimum(frames + _EVIDENCE_FRAMES, n)
        ahead = (sums[ends] - sums[frames]) / (ends - frames)
        starts = np.maximum(frames - _EVIDENCE_FRAMES + 1, 0)
        behind = (sums[frames + 1] - sums[starts]) / (frames + 1 - starts)
        own = states == louder
        if not own.any():
            continue
        ceiling = np.percentile(ahead[own], _EVIDENCE_PERCENTILE)
        for a, b in true_runs(states == BOTH):
            if a == 0 or b == n or states[a - 1] < 0 or states[b] < 0:
                continue  # both start or stop at a pause: not one voice under the other
            for start, step, evidence in ((a - 1, -1, behind), (b, 1, ahead)):
                i = start
                while (
                    0 <= i < n
                    and states[i] == louder
                    and abs(i - start) < _MAX_HIDDEN_FRAMES
                    and evidence[i] > ceiling
                ):
                    out[i] = BOTH
                    i += step
    return out


def _drop_blips(states: np.ndarray) -> np.ndarray:
    """A moment of one voice inside the other's speech (no pause either side) is the other's.

    The other voice does not stop for under ``_MIN_OVERLAP_FRAMES`` without a pause:
    such a blip is a sound of the speaking voice that its model explained less well
    (on held-out calls it was, and it split the speaker's turn in two).
    """
    out = states.copy()
    for lo, hi in _single_runs(states):
        inside = lo > 0 and hi < len(states) and states[lo - 1] == states[hi] == 1 - states[lo]
        if inside and hi - lo < _MIN_OVERLAP_FRAMES:
            out[lo:hi] = states[hi]
    return out


def _widen_overlaps(states: np.ndarray) -> np.ndarray:
    """Overlap also where a short single-voice run joins it to the other voice.

    One voice, then (without a pause) the other alone for a moment, then both:
    the first voice had not stopped, its quiet syllables only lost to the
    louder newcomer. Likewise after an overlap, and between two overlaps.
    """
    out = states.copy()
    for a, b in true_runs(states == BOTH):
        for lo, hi, beyond in ((_run_start(states, a - 1), a, -1), (b, _run_end(states, b), 0)):
            if lo >= hi or hi - lo > _MAX_HIDDEN_FRAMES:
                continue
            outside = lo - 1 if beyond == -1 else hi
            if 0 <= outside < len(states) and states[outside] in (1 - states[lo], BOTH):
                out[lo:hi] = BOTH
    return out


def _run_start(states: np.ndarray, i: int) -> int:
    """First index of the single-voice run ending at ``i`` (``i + 1`` if none)."""
    if i < 0 or states[i] not in (FIRST, SECOND):
        return i + 1
    j = i
    while j > 0 and states[j - 1] == states[i]:
        j -= 1
    return j


def _run_end(states: np.ndarray, i: int) -> int:
    """End (exclusive) of the single-voice run starting at ``i`` (``i`` if none)."""
    if i >= len(states) or states[i] not in (FIRST, SECOND):
        return i
    j = i
    while j + 1 < len(states) and states[j + 1] == states[i]:
        j += 1
    return j + 1


def _drop_short_overlaps(states: np.ndarray, loglik: np.ndarray) -> np.ndarray:
    """Overlap shorter than ``_MIN_OVERLAP_FRAMES`` goes to one voice, decoded again.

    The likelier voice once a change of speaker without a pause costs its
    ``_SWITCH_COST`` again: a blip inside one voice's speech stays that voice's
    unless the other is clearly there.
    """
    for a, b in true_runs(states == BOTH):
        if b - a < _MIN_OVERLAP_FRAMES:
            single = loglik[a:b, :BOTH].sum(axis=0)
            for edge in (a - 1, b):
                if 0 <= edge < len(states) and states[edge] in (FIRST, SECOND):
                    single[1 - states[edge]] -= _SWITCH_COST
            states[a:b] = int(np.argmax(single))
    return states


def _result(states: np.ndarray, sure: SplitConfidence, features: np.ndarray) -> Diarization:
    single = states[(states == FIRST) | (states == SECOND)]
    first_speaker = SECOND if single.size and single[0] == SECOND else FIRST
    order = (first_speaker, 1 - first_speaker)
    speakers = tuple(_spans((states == k) | (states == BOTH)) for k in order)
    voices = tuple(embed_frames(features[states == k]) for k in order)
    return Diarization(
        speakers=(speakers[0], speakers[1]),
        overlap=_spans(states == BOTH),
        unsure=sure.unsure,
        confidence=sure.confidence,
        held_out_nats=sure.held_out_nats,
        snr_db=sure.snr_db,
        doubts=tuple(sure.doubts),
        voices=(voices[0], voices[1]),
    )


def _spans(mask: np.ndarray) -> list[Span]:
    return [Span(round(a * HOP_S, 3), round(b * HOP_S, 3)) for a, b in true_runs(mask)]
