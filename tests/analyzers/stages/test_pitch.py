"""Pitch stage: one F0 track per party, voiced only inside that party's speech."""

from __future__ import annotations

import numpy as np

from analyzers.stages.pitch import track_pitch
from tests.analyzers.stages.calls import early_stages


def test_each_party_has_a_track_over_its_own_speech() -> None:
    call, _, activity, parties = early_stages("good_call")
    tracks = track_pitch(call, activity, parties)
    assert set(tracks) == {"agent", "customer"}
    for party, ch in parties.channels.items():
        track = tracks[party]
        voiced = track.times_s[np.isfinite(track.f0_hz)]
        assert voiced.size > 100
        inside = [any(a - 0.05 <= t <= b + 0.05 for a, b in activity.speech[ch]) for t in voiced]
        assert all(inside)
        # Telephone voices: F0 between 60 and 400 Hz.
        assert 60.0 < float(np.nanmedian(track.f0_hz)) < 400.0


def test_mono_has_a_track_per_diarized_party() -> None:
    call, _, activity, parties = early_stages("good_call", mono=True)
    tracks = track_pitch(call, activity, parties)
    assert set(tracks) == {"agent", "customer"}
    # espeak's female agent (f3) speaks higher than its male customer (m3).
    agent, customer = (float(np.nanmedian(tracks[p].f0_hz)) for p in ("agent", "customer"))
    assert agent > customer + 30.0
