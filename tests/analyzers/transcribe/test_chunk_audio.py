"""Chunk audio for Whisper made when the engine asks for it, from the channel afresh."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import overload

import numpy as np

from analyzers.activity import detect_activity
from analyzers.audio import load_audio
from analyzers.transcribe.channel import ChunkAudio, _chunk_audio_from, plan_channel
from analyzers.transcribe.chunks import Stretch

SAMPLES = Path(__file__).resolve().parents[3] / "sample_audio"

Item = tuple[np.ndarray, Sequence[Stretch]]


class CountedChannels(Sequence[Item]):
    """(channel, speech) pairs that count how often a channel is fetched."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.fetched = 0

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        self.fetched += 1
        return self.items[index]


def test_each_chunk_is_made_from_its_channel_when_asked_for() -> None:
    """Nothing is resampled up front (an hour of speech at 16 kHz would be 230 MB per
    channel): each chunk is made when the engine takes it, fetching its channel again
    (a paged call drops the pages read before), the same audio as made at once."""
    audio = load_audio(SAMPLES / "good_call.wav")
    rate = audio.sample_rate
    activity = detect_activity(audio.samples, rate)
    channels = CountedChannels(
        [
            (x, [Stretch(s.start_s, s.end_s) for s in spans])
            for x, spans in zip(audio.samples, activity, strict=True)
        ]
    )
    plans = [plan_channel(x, rate, speech) for x, speech in channels]
    before = channels.fetched
    chunks = ChunkAudio(channels, rate, plans)
    planned = [(ch, c) for ch, plan in enumerate(plans) for c in plan.chunks]
    assert len(chunks) == len(planned) >= 2 and channels.fetched == before
    made = [chunks[i] for i in range(len(chunks))]
    assert channels.fetched == before + len(planned)
    for piece, (ch, chunk) in zip(made, planned, strict=True):
        np.testing.assert_array_equal(piece, _chunk_audio_from(audio.samples[ch], rate, chunk))
    batch = chunks[0:2]
    assert len(batch) == 2 and np.array_equal(batch[1], made[1])
