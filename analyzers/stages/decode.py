"""Decode stage: the recording in, samples at the analysis rate out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from analyzers.audio import CallAudio, LongMaxRate, load_audio, resample
from analyzers.options import AnalysisOptions

AudioSource = str | os.PathLike[str] | Path | bytes | BinaryIO | CallAudio

# Above this rate nothing in a telephone call is gained; analysing at most
# 16 kHz keeps every stage cheap.
ANALYSIS_MAX_RATE = 16_000
# Recordings whose header says they last longer than this are decoded straight to at
# most 8 kHz, the telephone band, so memory stays bounded: 4 h of 16 kHz stereo float32
# alone is 1.84 GB. Shorter wideband recordings keep 16 kHz (Whisper's own rate); a
# container without a duration (streamed WebM) is decoded at 16 kHz, as it cannot be
# told long before it is decoded.
LONG_RECORDING = LongMaxRate(after_s=3600.0, rate=8_000)


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
    """Decode ``source`` (bounded by ``options.max_duration_s``) and cap its rate
    (16 kHz; 8 kHz for a recording whose header says it lasts over an hour)."""
    audio = (
        source
        if isinstance(source, CallAudio)
        else load_audio(
            source,
            max_duration_s=options.max_duration_s,
            max_rate=ANALYSIS_MAX_RATE,
            long_max_rate=LONG_RECORDING,
        )
    )
    samples, rate = audio.samples, audio.sample_rate
    if rate > ANALYSIS_MAX_RATE:
        samples, rate = resample(samples, rate, ANALYSIS_MAX_RATE), ANALYSIS_MAX_RATE
    return DecodedCall(recording=audio, samples=samples, sample_rate=rate)
