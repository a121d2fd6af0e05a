"""Diarization error rate (DER) of two speakers' stretches against a reference.

NIST-style, on a 10 ms grid: missed + false alarm + confusion speaker time over
the reference speaker time; overlapped speech is scored (a frame where both
speak counts twice); a collar around every reference boundary is not scored.
The hypothesis' speakers are mapped onto the reference's the better of the
two ways.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analyzers.spans import Span

_STEP_S = 0.01


def _mask(spans: Sequence[Span], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for a, b in spans:
        mask[max(0, round(a / _STEP_S)) : round(b / _STEP_S)] = True
    return mask


def diarization_error_rate(
    reference: tuple[Sequence[Span], Sequence[Span]],
    hypothesis: tuple[Sequence[Span], Sequence[Span]],
    collar_s: float = 0.25,
    *,
    map_labels: bool = True,
) -> float:
    """DER (0 = perfect) of ``hypothesis`` against ``reference``, both (speaker, speaker).

    ``map_labels=False`` scores the hypothesis' labels as given (a swap is an error).
    """
    end = max((b for spans in (*reference, *hypothesis) for _, b in spans), default=0.0)
    n = round(end / _STEP_S) + 1
    ref = np.stack([_mask(s, n) for s in reference])
    scored = np.ones(n, dtype=bool)
    edge = round(collar_s / _STEP_S)
    for spans in reference:
        for a, b in spans:
            for t in (round(a / _STEP_S), round(b / _STEP_S)):
                scored[max(0, t - edge) : t + edge] = False
    best = np.inf
    for order in ((0, 1), (1, 0)) if map_labels else ((0, 1),):
        hyp = np.stack([_mask(hypothesis[k], n) for k in order])
        r, h = ref[:, scored], hyp[:, scored]
        n_ref, n_hyp = r.sum(axis=0), h.sum(axis=0)
        correct = (r & h).sum(axis=0)
        errors = np.maximum(n_ref, n_hyp) - correct
        best = min(best, float(errors.sum()) / max(1, int(n_ref.sum())))
    return best
