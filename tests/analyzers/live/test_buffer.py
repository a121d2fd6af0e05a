"""The rolling buffer keeps the newest samples, addressed by stream position."""

from __future__ import annotations

import numpy as np

from analyzers.live.buffer import RollingAudio


def test_reads_by_stream_position_and_forgets_the_oldest() -> None:
    buffer = RollingAudio(10, keep_s=2.0)  # 20 samples
    stream = np.arange(100, dtype=np.float32)
    for lo in range(0, 100, 7):
        buffer.append(stream[lo : lo + 7])
    assert buffer.end == 100 and 80 >= buffer.start >= 60
    assert buffer.read(85, 100).tolist() == stream[85:100].tolist()
    assert buffer.read(0, 3).tolist() == [0.0, 0.0, 0.0]  # long gone
    assert buffer.read(98, 103).tolist() == [98.0, 99.0, 0.0, 0.0, 0.0]  # not yet


def test_a_block_longer_than_the_buffer_keeps_its_end() -> None:
    buffer = RollingAudio(10, keep_s=1.0)
    buffer.append(np.arange(5, dtype=np.float32))
    buffer.append(np.arange(5, 40, dtype=np.float32))
    assert (buffer.start, buffer.end) == (30, 40)
    assert buffer.read(30, 40).tolist() == list(range(30, 40))
