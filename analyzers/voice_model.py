"""A voice model: a diagonal-covariance Gaussian mixture over voice feature frames.

One concern: fitting one by EM on some frames and scoring frames with it. The
diarizer (``analyzers.diarize``) models each speaker and overlapped speech with
one; ``analyzers.separation_confidence`` scores held-out speech with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_GMM_COMPONENTS = 8
_GMM_ITERATIONS = 12
_MAX_TRAIN_FRAMES = 6000  # per model: bounds the cost on long calls
_BLOCK_FRAMES = 8192


@dataclass(frozen=True)
class DiagonalGmm:
    log_weights: np.ndarray  # (k,)
    means: np.ndarray  # (k, d)
    variances: np.ndarray  # (k, d)

    def component_loglik(self, x: np.ndarray) -> np.ndarray:
        """(frames, k) log weight + log density of each component.

        Broadcast in blocks rather than as matrix products: tiny products like
        these are slower through a multi-threaded BLAS on a busy machine.
        """
        inv = (1.0 / self.variances).astype(np.float32)
        means = self.means.astype(np.float32)
        const = self.log_weights - 0.5 * np.sum(np.log(2 * np.pi * self.variances), axis=1)
        out = np.empty((len(x), len(means)))
        for a in range(0, len(x), _BLOCK_FRAMES):
            block = x[a : a + _BLOCK_FRAMES, None, :].astype(np.float32)
            out[a : a + _BLOCK_FRAMES] = const - 0.5 * np.sum((block - means) ** 2 * inv, axis=2)
        return out

    def loglik(self, x: np.ndarray) -> np.ndarray:
        return _logsumexp(self.component_loglik(x))


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=1)
    return top + np.log(np.sum(np.exp(a - top[:, None]), axis=1))


def fit_gmm(x: np.ndarray, rng: np.random.Generator, k: int = _GMM_COMPONENTS) -> DiagonalGmm:
    """A diagonal-covariance GMM fitted by EM (few components: a voice model)."""
    k = max(1, min(k, len(x) // 20))
    floor = 1e-3 * x.var(axis=0) + 1e-6
    gmm = DiagonalGmm(
        np.full(k, -np.log(k)),
        x[rng.choice(len(x), k, replace=False)],
        np.tile(x.var(axis=0), (k, 1)),
    )
    for _ in range(_GMM_ITERATIONS):
        resp = gmm.component_loglik(x)
        resp = np.exp(resp - _logsumexp(resp)[:, None])
        mass = resp.sum(axis=0) + 1e-9
        means = np.einsum("nk,nd->kd", resp, x) / mass[:, None]
        second = np.einsum("nk,nd->kd", resp, x**2) / mass[:, None]
        variances = np.maximum(second - means**2, floor)
        gmm = DiagonalGmm(np.log(mass / mass.sum()), means, variances)
    return gmm


def subsample(idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if len(idx) <= _MAX_TRAIN_FRAMES:
        return idx
    return np.sort(rng.choice(idx, _MAX_TRAIN_FRAMES, replace=False))
