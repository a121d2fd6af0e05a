"""Activity stage: speech per channel, nothing before the heard answer."""

from __future__ import annotations

import numpy as np

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.report import Pickup
from analyzers.stages.activity import find_activity
from analyzers.stages.decode import decode
from tests.analyzers.stages.calls import PROFILE, early_stages, truth


def _covered(spans: list, start: float, end: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in spans) / (end - start)


def test_each_channel_carries_its_partys_utterances() -> None:
    _, pickup, activity, _ = early_stages("good_call")
    expected = truth("good_call")
    assert pickup.answered_at_s is not None
    for u in expected.utterances:
        assert _covered(activity.speech[u.channel], u.start_s, u.end_s) > 0.8, u.text
    # Before the answer there is only ringback.
    assert all(s.start_s >= pickup.answered_at_s for ch in activity.speech for s in ch)


def test_silence_has_no_speech() -> None:
    quiet = CallAudio(samples=np.zeros((2, 8000 * 5), dtype=np.float32), sample_rate=8000)
    activity = find_activity(decode(quiet, AnalysisOptions()), Pickup(source="none"), PROFILE)
    assert activity.speech == [[], []]
    assert not activity.any_speech()
