"""Two-speaker diarization of mono calls against the truth of their stereo channels.

The test set: real-voice stereo calls (Asterisk's recorded prompts, LibriVox
readings) mixed down to mono; the reference is each channel's voice activity.
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.activity import detect_activity
from analyzers.diarization_error import diarization_error_rate
from analyzers.diarize import diarize_two
from analyzers.spans import Span
from sample_audio import realcalls
from sample_audio.mono_set import MONO_SET, mono_set_call

needs_corpora = pytest.mark.skipif(
    not realcalls.available(), reason=f"missing corpora: {realcalls.missing_corpora()}"
)


@needs_corpora
@pytest.mark.parametrize("name", MONO_SET)
def test_der_on_mixed_down_real_calls_is_at_most_ten_percent(name: str) -> None:
    stereo, mono, rate, truth = mono_set_call(name)
    reference = detect_activity(stereo, rate)
    agent = truth.agent_channel
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    # Speaker 0 is the first voice: the agent, who opens every call.
    der = diarization_error_rate((reference[agent], reference[1 - agent]), found.speakers)
    assert der <= 0.10
    assert found.confidence >= 0.8
    # Every interruption (>= 1.6 s of both talking) is heard as overlap, and only those.
    long_overlaps = [o for o in found.overlap if o.duration_s >= 1.0]
    assert len(long_overlaps) == len(truth.interruptions)
    for overlap, placed in zip(long_overlaps, truth.interruptions, strict=True):
        assert overlap.start_s == pytest.approx(placed.start_s, abs=0.5)


def test_der_scores_miss_false_alarm_confusion_and_overlap() -> None:
    ref = ([Span(0.0, 10.0)], [Span(10.0, 20.0)])
    assert diarization_error_rate(ref, ref) == 0.0
    assert diarization_error_rate(ref, ref[::-1]) == 0.0  # labels are mapped
    # Half of the second speaker given to the first: 5 s confused of 20 s (collar off).
    half = ([Span(0.0, 15.0)], [Span(15.0, 20.0)])
    assert diarization_error_rate(ref, half, collar_s=0.0) == pytest.approx(0.25, abs=0.01)
    # A missed 2 s overlap: both speak 8-10 s in the reference.
    overlapped = ([Span(0.0, 10.0)], [Span(8.0, 20.0)])
    assert diarization_error_rate(overlapped, ref, collar_s=0.0) == pytest.approx(2 / 22, abs=0.01)


def test_too_little_speech_stays_one_voice() -> None:
    rng = np.random.default_rng(0)
    x = (0.01 * rng.standard_normal(8000)).astype(np.float32)
    found = diarize_two(x, 8000, [Span(0.2, 0.8)])
    assert found.speakers == ([Span(0.2, 0.8)], []) and found.confidence == 0.0
