"""Signals stage: downsampled curves per party for the dashboard timeline."""

from __future__ import annotations

import numpy as np

from analyzers.loudness import level_envelope_dbov
from analyzers.pitch import PitchTrack
from analyzers.report import Signals
from analyzers.spans import Span
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall
from analyzers.stages.parties import PartyChannels
from analyzers.stages.pitch import PitchTracks

SIGNAL_HOP_S = 0.1


def timeline_signals(
    call: DecodedCall, activity: Activity, parties: PartyChannels, tracks: PitchTracks
) -> Signals:
    channels = parties.channels.items()
    return Signals(
        hop_s=SIGNAL_HOP_S,
        level_dbov={
            party: _nullable(
                level_envelope_dbov(call.channels[ch], call.sample_rate, hop_s=SIGNAL_HOP_S)
            )
            for party, ch in channels
        },
        pitch_hz={
            party: _nullable(downsample_track(tracks[party], call.duration_s))
            for party, _ in channels
        },
        speech={
            party: [Span(round(a, 2), round(b, 2)) for a, b in activity.speech[ch]]
            for party, ch in channels
        },
    )


def _nullable(values: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 1) for v in values]


def downsample_track(track: PitchTrack, duration_s: float) -> np.ndarray:
    """The F0 contour on the signal grid (median of voiced frames per hop)."""
    times, f0 = np.asarray(track.times_s), np.asarray(track.f0_hz)
    n = int(np.ceil(duration_s / SIGNAL_HOP_S))
    out = np.full(n, np.nan)
    if times.size == 0:
        return out
    idx = np.minimum((times / SIGNAL_HOP_S).astype(int), n - 1)
    voiced = np.isfinite(f0)
    # The track's times rise, so each hop's voiced frames are one run of idx[voiced].
    hops, f0 = idx[voiced], f0[voiced]
    if hops.size == 0:
        return out
    starts = np.flatnonzero(np.diff(hops, prepend=-1))
    for a, b in zip(starts, np.append(starts[1:], hops.size), strict=True):
        out[hops[a]] = np.median(f0[a:b])
    return out
