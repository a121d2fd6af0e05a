"""Decode stage: the recording in, samples at the analysis rate out."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, overload

import numpy as np

from analyzers.audio import CallAudio, LongMaxRate, load_audio, resample
from analyzers.options import AnalysisOptions
from analyzers.sample_store import SpillToDisk, file_mapping, release_pages, spill_rows

AudioSource = str | os.PathLike[str] | Path | bytes | BinaryIO | CallAudio

# Above this rate nothing in a telephone call is gained; analysing at most
# 16 kHz keeps every stage cheap.
ANALYSIS_MAX_RATE = 16_000
# Recordings longer than this are analysed at most at 8 kHz, the telephone band, so memory
# stays bounded: 4 h of 16 kHz stereo float32 alone is 1.84 GB. Decoded straight to 8 kHz
# when the header says so; a container without a duration (streamed WebM) is decoded at
# 16 kHz and, once it passes the hour, decoded again from the start at 8 kHz. Shorter
# wideband recordings keep 16 kHz (Whisper's own rate).
LONG_RECORDING = LongMaxRate(after_s=3600.0, rate=8_000)
# Recordings longer than this (or of unknown length) keep their samples in a temporary
# file, mapped read-only, not on the heap: a stage then holds only what it reads.
SPILL = SpillToDisk(after_s=600.0)


@dataclass(frozen=True, eq=False)
class DecodedCall:
    """The recording as decoded, and its samples at the rate every stage uses.

    Stages read the samples a channel at a time through :attr:`channels`. For a long
    recording ``samples`` maps a temporary file: each channel asked for drops the pages
    read before from the process (the data stays in the file), and while a stage runs
    the pipeline drops them every 20 ms (``sample_store.pages_dropped``), so a stage
    holds what it read a moment ago, not the call.
    """

    recording: CallAudio
    samples: np.ndarray  # (channels, n) float32, read-only
    sample_rate: int

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    @property
    def channels(self) -> Sequence[np.ndarray]:
        """The channels (1-D float32), each fetched afresh (see the class docs)."""
        return _Channels(self.samples)

    @property
    def file_backed(self) -> bool:
        return file_mapping(self.samples) is not None

    def release(self) -> None:
        """Drop the pages read so far from the process (a file-backed call only)."""
        release_pages(self.samples)

    def with_channels(self, rows: Iterable[Iterable[np.ndarray]]) -> DecodedCall:
        """The same recording with other channels (a diarized view), each row given as
        its consecutive pieces: written to a temporary file as they come when this call
        is file-backed, else joined on the heap."""
        if self.file_backed:
            samples = spill_rows(rows, SPILL.directory)
        else:
            samples = np.stack([np.concatenate(list(row)) for row in rows])
        samples.flags.writeable = False
        return DecodedCall(recording=self.recording, samples=samples, sample_rate=self.sample_rate)


class _Channels(Sequence[np.ndarray]):
    """A (channels, n) array's rows; each row fetched drops the pages read before."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = samples

    def __len__(self) -> int:
        return int(self._samples.shape[0])

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[np.ndarray]: ...
    def __getitem__(self, index: int | slice) -> np.ndarray | Sequence[np.ndarray]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        release_pages(self._samples)
        return self._samples[index]


def decode(source: AudioSource, options: AnalysisOptions) -> DecodedCall:
    """Decode ``source`` (bounded by ``options.max_duration_s``) and cap its rate
    (16 kHz; 8 kHz for a recording whose header says it lasts over an hour); a long
    recording's samples go to a temporary file (``SPILL``)."""
    audio = (
        source
        if isinstance(source, CallAudio)
        else load_audio(
            source,
            max_duration_s=options.max_duration_s,
            max_rate=ANALYSIS_MAX_RATE,
            long_max_rate=LONG_RECORDING,
            spill=SPILL,
        )
    )
    samples, rate = audio.samples, audio.sample_rate
    if rate > ANALYSIS_MAX_RATE:
        samples, rate = resample(samples, rate, ANALYSIS_MAX_RATE), ANALYSIS_MAX_RATE
    return DecodedCall(recording=audio, samples=samples, sample_rate=rate)
