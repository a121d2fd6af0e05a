"""Voice features with no learned weights: who sounds like whom.

One concern: mono samples in, per-frame voice features and fixed-length voice
embeddings out. Used by the diarizer (``analyzers.diarize``) to tell a mono
call's two speakers apart, and reusable to compare a voice with an enrolled one
(``voice_embedding`` of a party's speech on past stereo calls).

Features: mel filterbank power of the telephone band (100-3800 Hz, 24 bands)
per 10 ms frame, and its cepstrum (coefficients 1..16, c0 left out so the
level does not count). A mono call mixed from two telephone lines carries
each line's own channel colouring as well as each voice's timbre; both show
in the cepstrum's means, which is why plain cepstral statistics separate two
parties well. Mel power is kept because it adds across simultaneous talkers,
which lets the diarizer model overlapped speech from single-speaker frames.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from analyzers.activity import HOP_S, _frame_blocks, true_runs
from analyzers.spans import Span

N_MELS = 24
N_CEPSTRA = 16
EMBEDDING_SIZE = 2 * N_CEPSTRA  # means, then SDs
BAND_HZ = (100.0, 3800.0)
_WIN_S = 0.032
_TINY = 1e-10


@functools.cache
def _mel_matrix(sample_rate: int, n_fft: int) -> np.ndarray:
    import librosa

    fmax = min(BAND_HZ[1], 0.48 * sample_rate)
    return librosa.filters.mel(
        sr=sample_rate, n_fft=n_fft, n_mels=N_MELS, fmin=BAND_HZ[0], fmax=fmax, htk=True
    ).astype(np.float32)


def mel_power(
    x: np.ndarray, sample_rate: int, start: int = 0, stop: int | None = None
) -> np.ndarray:
    """(frames, N_MELS) mel band power; frame ``i`` stands for time ``i * HOP_S``.

    ``start``/``stop``: only frames [start, stop) (row 0 is frame ``start``).
    """
    from scipy import fft as scipy_fft

    x = np.asarray(x, dtype=np.float32)
    hop = _hop(sample_rate)
    win = max(hop, round(_WIN_S * sample_rate))
    window = np.hanning(win + 2)[1:-1].astype(np.float32)
    mel = _mel_matrix(sample_rate, win)
    n_frames = -(-len(x) // hop)
    stop = n_frames if stop is None else min(stop, n_frames)
    out = np.empty((max(0, stop - start), N_MELS), dtype=np.float32)
    for first, frames in _frame_blocks(x, hop, win, start, stop):
        spec = scipy_fft.rfft(frames * window, axis=1)
        power = (spec.real**2 + spec.imag**2).astype(np.float32)
        out[first - start : first - start + len(frames)] = power @ mel.T
    return out


def cepstra(power: np.ndarray) -> np.ndarray:
    """(frames, N_CEPSTRA) cepstrum of mel power, c0 (level) left out."""
    from scipy import fft as scipy_fft

    log_power = np.log(np.maximum(power, _TINY))
    return scipy_fft.dct(log_power, type=2, norm="ortho", axis=1)[:, 1 : N_CEPSTRA + 1]


def embed_frames(features: np.ndarray) -> np.ndarray:
    """A fixed-length embedding of some frames' features: their means and SDs."""
    if len(features) == 0:
        return np.zeros(2 * features.shape[1], dtype=np.float64)
    return np.concatenate([features.mean(axis=0), features.std(axis=0)])


def voice_embedding(
    x: np.ndarray, sample_rate: int, speech: Sequence[Span], features: np.ndarray | None = None
) -> np.ndarray:
    """The embedding of a voice over its speech (e.g. one party's channel).

    ``features``: the cepstra of ``x`` when already at hand.
    """
    n_frames = len(features) if features is not None else -(-len(x) // _hop(sample_rate))
    keep = np.zeros(n_frames, dtype=bool)
    for a, b in speech:
        keep[int(a / HOP_S) : int(np.ceil(b / HOP_S))] = True
    if features is not None:
        return embed_frames(features[keep])
    # Only the speech's frames: on an hours-long channel of little speech the whole
    # channel's features would be most of the analysis's peak memory.
    runs = [cepstra(mel_power(x, sample_rate, a, b)) for a, b in true_runs(keep)]
    return embed_frames(np.concatenate(runs) if runs else np.empty((0, N_CEPSTRA)))


def _hop(sample_rate: int) -> int:
    return max(1, round(HOP_S * sample_rate))


def voice_distance(a: np.ndarray, b: np.ndarray) -> float:
    """How far apart two voices' embeddings are: the RMS over the cepstral
    coefficients of their means' difference in units of their pooled SD."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    pooled = np.sqrt((a[N_CEPSTRA:] ** 2 + b[N_CEPSTRA:] ** 2) / 2) + 1e-9
    return float(np.sqrt(np.mean(((a[:N_CEPSTRA] - b[:N_CEPSTRA]) / pooled) ** 2)))


# An enrolled voice decides only when one voice is this near it (its own calls:
# 0.03-0.10; another person: 0.19 and more, on the mono set) and clearly nearer
# than the other voice.
_SAME_VOICE_DISTANCE = 0.15
_DECISIVE_MARGIN = 0.25


def match_enrolled(enrolled: np.ndarray, voices: Sequence[np.ndarray]) -> tuple[int, str] | None:
    """(index of the enrolled voice among two, how near) or None when neither clearly is."""
    index, margin = closer_voice(enrolled, voices)
    distances = [voice_distance(enrolled, v) for v in voices[:2]]
    if distances[index] > _SAME_VOICE_DISTANCE or margin < _DECISIVE_MARGIN:
        return None
    return index, f"distance {distances[index]:.2f} vs {distances[1 - index]:.2f}"


def closer_voice(enrolled: np.ndarray, voices: Sequence[np.ndarray]) -> tuple[int, float]:
    """(index of the voice nearer ``enrolled``, margin 0..1: 0 = as near as the other).

    margin = (farther - nearer) / (farther + nearer) of the two distances.
    """
    near, far = sorted((voice_distance(enrolled, v), k) for k, v in enumerate(voices[:2]))
    margin = (far[0] - near[0]) / (far[0] + near[0]) if far[0] + near[0] > 0 else 0.0
    return near[1], float(margin)
