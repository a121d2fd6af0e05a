"""Decode stage: the recording kept as decoded, the samples at the analysis rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.audio import CallAudio, load_audio
from analyzers.options import AnalysisOptions
from analyzers.sample_store import file_mapping
from analyzers.stages.decode import ANALYSIS_MAX_RATE, SPILL, decode
from tests.analyzers.stages.calls import SAMPLES, truth
from tests.analyzers.test_sample_store import resident_mb


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


def long_stereo_call(path: Path, seconds: float) -> Path:
    """A stereo 8 kHz FLAC of ``seconds``: a tone on the left, noise on the right."""
    rate = 8000
    t = np.arange(int(seconds * rate)) / rate
    left = 0.1 * np.sin(2 * np.pi * 440.0 * t)
    right = 0.01 * np.random.default_rng(0).standard_normal(t.size)
    sf.write(path, np.stack([left, right], axis=1), rate, subtype="PCM_16")
    return path


def test_a_long_recording_is_read_from_a_file_one_channel_at_a_time(tmp_path: Path) -> None:
    """Over SPILL.after_s the samples are a read-only file mapping, not heap memory:
    nothing of it is resident after decoding, a channel read is, and fetching the next
    channel (or releasing the call) drops it. The values are those decoded to the heap."""
    path = long_stereo_call(tmp_path / "long.flac", SPILL.after_s + 30)
    call = decode(path, AnalysisOptions())
    assert call.file_backed and not call.samples.flags.writeable
    assert call.samples.dtype == np.float32
    channel_mb = call.samples.shape[1] * 4 / 2**20  # 20 MB
    assert resident_mb(call.samples) < 0.1 * channel_mb
    first = float(np.sum(call.channels[0], dtype=np.float64))
    assert resident_mb(call.samples) > 0.9 * channel_mb
    second = float(np.sum(call.channels[1][:100], dtype=np.float64))
    assert resident_mb(call.samples) < 0.1 * channel_mb
    call.channels[0].sum()
    call.release()
    assert resident_mb(call.samples) < 0.1 * channel_mb
    heap = load_audio(path)
    assert file_mapping(heap.samples) is None
    assert first == float(np.sum(heap.samples[0], dtype=np.float64))
    assert second == float(np.sum(heap.samples[1][:100], dtype=np.float64))


def test_a_short_recording_stays_on_the_heap() -> None:
    call = decode(SAMPLES / "good_call.wav", AnalysisOptions())
    assert not call.file_backed
    assert [len(x) for x in call.channels] == [call.samples.shape[1]] * 2


def test_derived_channels_follow_the_call(tmp_path: Path) -> None:
    """A view made from a file-backed call (a diarized mono call's voices) is in a file
    too, written a row at a time; from a heap call, on the heap."""
    long = decode(long_stereo_call(tmp_path / "long.flac", SPILL.after_s + 1), AnalysisOptions())
    short = decode(SAMPLES / "good_call.wav", AnalysisOptions())
    for call in (long, short):
        view = call.with_channels([-x[:1000], -x[1000:]] for x in call.channels)
        assert view.file_backed == call.file_backed
        assert not view.samples.flags.writeable
        np.testing.assert_array_equal(view.samples[1, :1000], -call.samples[1, :1000])
