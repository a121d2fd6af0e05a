"""Two-speaker diarization of mono calls against the truth of their stereo channels.

The test set: real-voice stereo calls (Asterisk's recorded prompts, LibriVox
readings, Bruce VE9QRP of codec2-examples) mixed down to mono; the reference is
each channel's voice activity. (The split's confidence on hard cases:
test_separation_confidence.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.activity import detect_activity
from analyzers.diarization_error import diarization_error_rate
from analyzers.diarize import _drop_blips, _widen_at_takeovers, diarize_two
from analyzers.spans import Span
from sample_audio.mono_set import MONO_SET, missing_for, mono_set_call


def _built(name: str):  # type: ignore[no-untyped-def]
    missing = missing_for(name)
    if missing:
        pytest.skip(f"missing corpora: {missing}")
    return mono_set_call(name)


@pytest.mark.parametrize("name", MONO_SET)
def test_der_on_mixed_down_real_calls_is_at_most_ten_percent(name: str) -> None:
    stereo, mono, rate, truth = _built(name)
    reference = detect_activity(stereo, rate)
    agent = truth.agent_channel
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    # Speaker 0 is the first voice: the agent, who opens every call.
    der = diarization_error_rate((reference[agent], reference[1 - agent]), found.speakers)
    assert der <= 0.10
    assert found.confidence >= 0.85, found.doubts
    assert found.held_out_nats is not None and found.held_out_nats >= 2.5


@pytest.mark.parametrize("name", MONO_SET)
def test_every_interruption_is_heard_as_overlap_and_only_those(name: str) -> None:
    _, mono, rate, truth = _built(name)
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    # Interruptions overlap by >= 1.6 s; an onset may be heard up to 1 s off (a voice
    # starting under the other's).
    long_overlaps = [o for o in found.overlap if o.duration_s >= 1.0]
    assert len(long_overlaps) == len(truth.interruptions)
    for overlap, placed in zip(long_overlaps, truth.interruptions, strict=True):
        assert overlap.start_s == pytest.approx(placed.start_s, abs=1.0)


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


def _states(*runs: tuple[int, int]) -> np.ndarray:
    """Frame states from (state, frames) runs: 0/1 a voice, 2 both, -1 a pause."""
    return np.concatenate([np.full(n, s) for s, n in runs])


def test_overlap_is_widened_over_a_drowned_voice_at_a_takeover_while_decoding() -> None:
    # The second voice alone 0.8 s, then both, then the second on: the first had not
    # stopped (a takeover), so the 0.8 s are overlap.
    takeover = _states((0, 200), (1, 80), (2, 60), (1, 200))
    assert (_widen_at_takeovers(takeover) == _states((0, 200), (2, 140), (1, 200))).all()
    # The first voice on after both: the second only cut in (no takeover), kept as is.
    cut_in = _states((0, 200), (1, 80), (2, 60), (0, 200))
    assert (_widen_at_takeovers(cut_in) == cut_in).all()
    # Over 1.2 s alone is a voice of its own, not one drowned out.
    long_run = _states((0, 200), (1, 130), (2, 60), (1, 200))
    assert (_widen_at_takeovers(long_run) == long_run).all()


def test_a_blip_of_one_voice_inside_the_others_speech_goes_back_to_it() -> None:
    blip = _states((0, 200), (1, 30), (0, 200))
    assert (_drop_blips(blip) == _states((0, 430))).all()
    # After a pause it is a reply, not a blip.
    reply = _states((0, 200), (-1, 20), (1, 30), (0, 200))
    assert (_drop_blips(reply) == reply).all()
