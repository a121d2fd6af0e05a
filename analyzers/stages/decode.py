"""Decode stage: the recording in, samples at the analysis rate out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from analyzers.audio import CallAudio, load_audio, resample
from analyzers.options import AnalysisOptions

AudioSource = str | os.PathLike[str] | Path | bytes | BinaryIO | CallAudio

# Above this rate nothing in a telephone call is gained; analysing at most
# 16 kHz keeps every stage cheap.
ANALYSIS_MAX_RATE = 16_000


@dataclass(frozen=True, eq=False)
class DecodedCall:
    """The recording as decoded, and its samples at the rate every stage uses."""

    recording: CallAudio
    samples: np.ndarray  # (channels, n) float32
    sample_rate: int

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate


def decode(source: AudioSource, options: AnalysisOptions) -> DecodedCall:
    """Decode ``source`` (bounded by ``options.max_duration_s``) and cap its rate."""
    audio = (
        source
        if isinstance(source, CallAudio)
        else load_audio(source, max_duration_s=options.max_duration_s, max_rate=ANALYSIS_MAX_RATE)
    )
    samples, rate = audio.samples, audio.sample_rate
    if rate > ANALYSIS_MAX_RATE:
        samples, rate = resample(samples, rate, ANALYSIS_MAX_RATE), ANALYSIS_MAX_RATE
    return DecodedCall(recording=audio, samples=samples, sample_rate=rate)
