"""The recent samples of one track: a bounded buffer addressed by stream position."""

from __future__ import annotations

import numpy as np


class RollingAudio:
    """At least the last ``keep_s`` seconds of a stream (float32), read by absolute sample
    index. Memory stays bounded on hours-long calls: one array of twice ``keep_s``; the
    oldest samples are dropped in blocks when it is full.
    """

    def __init__(self, sample_rate: int, keep_s: float) -> None:
        self.sample_rate = sample_rate
        self._keep = max(1, round(keep_s * sample_rate))
        self._data = np.zeros(2 * self._keep, dtype=np.float32)
        self._first = 0  # stream index of _data[0]
        self._size = 0  # valid samples in _data

    @property
    def end(self) -> int:
        """Samples received so far (stream index one past the newest)."""
        return self._first + self._size

    @property
    def start(self) -> int:
        """The oldest stream index still held."""
        return self._first

    def append(self, samples: np.ndarray) -> None:
        n = len(samples)
        if n >= self._keep:
            self._first += self._size + n - self._keep
            self._data[: self._keep] = samples[n - self._keep :]
            self._size = self._keep
            return
        if self._size + n > len(self._data):
            # Keep the newest _keep - n samples at the front, then append.
            keep = self._keep - n
            self._data[:keep] = self._data[self._size - keep : self._size]
            self._first += self._size - keep
            self._size = keep
        self._data[self._size : self._size + n] = samples
        self._size += n

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples [lo, hi) of the stream; the part no longer (or not yet) held is zeros."""
        lo, hi = int(lo), int(hi)
        out = np.zeros(max(0, hi - lo), dtype=np.float32)
        a, b = max(lo, self._first), min(hi, self.end)
        if b > a:
            out[a - lo : b - lo] = self._data[a - self._first : b - self._first]
        return out
