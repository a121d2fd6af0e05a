"""The live recording: two tracks in any interleaving -> one stereo WAV, the agent on
the configured channel, the shorter track padded with silence, a runaway track refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from service.live.recording import RecordingWriter, TracksOutOfStepError
from service.storage import LocalDiskStorage


def pcm(values: list[int]) -> bytes:
    return np.asarray(values, dtype="<i2").tobytes()


@pytest.mark.parametrize("agent_channel", [0, 1])
def test_tracks_are_aligned_padded_and_placed(tmp_path: Path, agent_channel: int) -> None:
    writer = RecordingWriter(tmp_path / "work", "pcm16", 8000, agent_channel)
    writer.write("agent", pcm([1, 2, 3]))
    writer.write("customer", pcm([10]))
    writer.write("customer", pcm([20, 30, 40, 50]))
    writer.write("agent", pcm([4]))
    assert writer.duration_s == 5 / 8000
    storage = LocalDiskStorage(tmp_path / "store")
    blob = writer.store(storage, "live-call-0001")
    path = storage.local_path(blob.key)
    assert path is not None
    samples, _ = sf.read(str(path), dtype="int16")
    agent, customer = samples[:, agent_channel], samples[:, 1 - agent_channel]
    assert agent.tolist() == [1, 2, 3, 4, 0]  # padded at the end
    assert customer.tolist() == [10, 20, 30, 40, 50]
    assert list((tmp_path / "work").iterdir()) == []  # the temporary file is gone


def test_a_track_far_ahead_of_the_other_is_refused(tmp_path: Path) -> None:
    writer = RecordingWriter(tmp_path, "mulaw", 8000, 0, max_skew_s=1.0)
    writer.write("agent", b"\xff" * 8000)
    with pytest.raises(TracksOutOfStepError, match="agent track"):
        writer.write("agent", b"\xff" * 10)
    writer.close()
