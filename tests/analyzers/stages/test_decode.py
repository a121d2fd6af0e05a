"""Decode stage: the recording kept as decoded, the samples at the analysis rate."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.stages.decode import ANALYSIS_MAX_RATE, decode
from tests.analyzers.stages.calls import SAMPLES, truth


def test_a_telephone_call_keeps_its_rate_and_channels() -> None:
    call = decode(SAMPLES / "good_call.wav", AnalysisOptions())
    assert call.sample_rate == call.recording.sample_rate == 8000
    assert call.n_channels == 2
    assert call.duration_s == pytest.approx(truth("good_call").duration_s, abs=0.01)


def test_a_wideband_recording_is_analysed_at_16_khz() -> None:
    sr = 48_000
    t = np.arange(sr) / sr
    tone = (0.1 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    call = decode(CallAudio(samples=tone, sample_rate=sr), AnalysisOptions())
    assert call.sample_rate == ANALYSIS_MAX_RATE
    assert call.recording.sample_rate == sr
    assert call.samples.shape == (1, ANALYSIS_MAX_RATE)
    assert call.duration_s == pytest.approx(1.0)
    # The tone survives resampling at its level (RMS of a 0.1 sine: 0.0707).
    assert float(np.sqrt(np.mean(call.samples[0, 1000:-1000] ** 2))) == pytest.approx(
        0.0707, abs=0.002
    )
