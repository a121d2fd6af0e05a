"""Signals stage: curves per party on the 0.1 s grid."""

from __future__ import annotations

import math

import numpy as np

from analyzers.pitch import PitchTrack
from analyzers.stages.pitch import track_pitch
from analyzers.stages.signals import SIGNAL_HOP_S, downsample_track, timeline_signals
from tests.analyzers.stages.calls import early_stages


def test_the_track_is_the_median_of_voiced_frames_per_hop() -> None:
    times = np.arange(0.005, 0.3, 0.01)
    f0 = np.full(times.size, np.nan)
    f0[:5] = [100, 110, 120, np.nan, 130]  # hop 0: median of 100, 110, 120, 130
    f0[12] = 200.0  # hop 1
    out = downsample_track(PitchTrack(times_s=times, f0_hz=f0), duration_s=0.3)
    assert out.shape == (3,)
    assert out[0] == 115.0 and out[1] == 200.0 and np.isnan(out[2])


def test_curves_per_party_cover_the_call() -> None:
    for mono, parties_expected in ((False, {"agent", "customer"}), (True, {"agent", "customer"})):
        call, _, activity, parties = early_stages("good_call", mono)
        signals = timeline_signals(call, activity, parties, track_pitch(call, activity, parties))
        n = math.ceil(call.duration_s / SIGNAL_HOP_S)
        assert set(signals.level_dbov) == set(signals.pitch_hz) == set(signals.speech)
        assert set(signals.speech) == parties_expected
        assert all(abs(len(curve) - n) <= 1 for curve in signals.level_dbov.values())
        assert all(len(curve) == n for curve in signals.pitch_hz.values())
