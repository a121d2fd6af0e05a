"""Collect decoded blocks into one (channels, n) float32 array, resampled as they come.

Decoders hand over blocks of (frames, channels) samples at the file's rate; the sink
resamples each block at once (soxr's streaming resampler keeps its filter state between
blocks, so the result equals resampling the whole signal), checks it, and writes it into
a preallocated output. Peak memory is the output at the analysis rate plus one block:
a 48 kHz recording never exists in memory at 48 kHz.

The duration limit is enforced per block, so a container that does not state its
duration stops at the limit instead of after decoding all of it.
"""

from __future__ import annotations

import numpy as np

from analyzers.errors import CorruptAudioError, TooLongError
from analyzers.sample_store import ChannelFiles, SpillToDisk

# When the length is unknown: start with this much output and grow by half each time.
_UNKNOWN_LENGTH_START_S = 600.0
_GROWTH = 1.5


class LongerThanAssumedError(Exception):
    """The recording (of unknown length) lasts longer than the rate it is decoded at
    was chosen for: the caller decodes it again at a lower rate."""


class DecodeSink:
    """Receives decoded blocks; :meth:`finish` returns the (channels, n) output."""

    def __init__(
        self,
        *,
        in_rate: int,
        out_rate: int,
        channels: int,
        expected_frames: int | None = None,
        max_duration_s: float | None = None,
        spill: SpillToDisk | None = None,
        restart_after_s: float | None = None,
    ) -> None:
        self.in_rate = in_rate
        self.restart_after_s = restart_after_s
        self.out_rate = out_rate
        self.channels = channels
        self.max_duration_s = max_duration_s
        self.frames_in = 0  # decoded frames at the file's rate
        self._stream = None
        if out_rate != in_rate:
            import soxr

            self._stream = soxr.ResampleStream(in_rate, out_rate, channels, dtype="float32")
        expected_s = None if expected_frames is None else expected_frames / in_rate
        self._out: _HeapOutput | ChannelFiles
        if spill is not None and spill.applies(expected_s):
            self._out = ChannelFiles(channels, spill.directory)
            return
        capacity_in = (
            expected_frames
            if expected_frames is not None
            else int(_UNKNOWN_LENGTH_START_S * in_rate)
        )
        if max_duration_s is not None:
            capacity_in = min(capacity_in, int(max_duration_s * in_rate) + in_rate)
        self._out = _HeapOutput(channels, self._to_out(capacity_in))

    def _to_out(self, frames_in: int) -> int:
        return -(-frames_in * self.out_rate // self.in_rate)

    @property
    def decoded_s(self) -> float:
        return self.frames_in / self.in_rate

    def push(self, block: np.ndarray) -> None:
        """``block`` is (frames, channels) float32 at the file's rate."""
        if block.shape[0] == 0:
            return
        _require_finite(block, self.frames_in, self.in_rate)
        self.frames_in += block.shape[0]
        if self.max_duration_s is not None and self.decoded_s > self.max_duration_s:
            raise TooLongError(
                f"recording lasts more than {format_duration(self.max_duration_s)}; "
                f"the limit is {format_duration(self.max_duration_s)}"
            )
        if self.restart_after_s is not None and self.decoded_s > self.restart_after_s:
            raise LongerThanAssumedError(self.restart_after_s)
        self._out.append(block if self._stream is None else self._stream.resample_chunk(block))

    def finish(self) -> np.ndarray:
        """The (channels, n) float32 samples: on the heap, or mapped read-only from a
        temporary file when the sink spills (see :mod:`analyzers.sample_store`)."""
        if self._stream is not None:
            self._out.append(
                self._stream.resample_chunk(np.zeros((0, self.channels), np.float32), last=True)
            )
        return self._out.finish()


class _HeapOutput:
    """(channels, n) float32 on the heap, preallocated, grown by half when full."""

    def __init__(self, channels: int, capacity: int) -> None:
        self._buffer = np.empty((channels, capacity), dtype=np.float32)
        self.n = 0

    def append(self, block: np.ndarray) -> None:
        """``block`` is (frames, channels) float32."""
        n = block.shape[0]
        channels, capacity = self._buffer.shape
        if self.n + n > capacity:
            grown = np.empty((channels, max(self.n + n, int(capacity * _GROWTH))), np.float32)
            grown[:, : self.n] = self._buffer[:, : self.n]
            self._buffer = grown
        self._buffer[:, self.n : self.n + n] = block.T
        self.n += n

    def finish(self) -> np.ndarray:
        out = _compacted(self._buffer, self.n)
        self._buffer = np.empty((out.shape[0], 0), np.float32)
        return out


def _compacted(buffer: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` columns of ``buffer`` as a C-contiguous array, in place when close.

    The rows are moved left inside the buffer a slice at a time (no second full-size
    array); a buffer much larger than needed (a truncated file) is copied to shrink it.
    """
    channels, capacity = buffer.shape
    if n < 0.9 * capacity:
        return np.ascontiguousarray(buffer[:, :n])
    if n == capacity or channels == 1:
        return buffer[:, :n]
    flat = buffer.reshape(-1)
    step = 1 << 20
    for row in range(1, channels):
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            flat[row * n + lo : row * n + hi] = flat[row * capacity + lo : row * capacity + hi]
    return flat[: channels * n].reshape(channels, n)


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d} ({whole} s)"


def _require_finite(frames_by_channel: np.ndarray, offset: int, sample_rate: int) -> None:
    """``frames_by_channel`` is (n, channels); ``offset`` is its first frame's index."""
    finite = np.isfinite(frames_by_channel)
    if not finite.all():
        frame, channel = np.argwhere(~finite)[0]
        raise CorruptAudioError(
            "recording contains non-finite samples (NaN or infinity), first at "
            f"{(offset + frame) / sample_rate:.3f} s in channel {channel}"
        )
