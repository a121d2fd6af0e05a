"""Pitch stage: the F0 track of each party over its own speech."""

from __future__ import annotations

from analyzers.pitch import PitchTrack, f0_track
from analyzers.report import Speaker
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall
from analyzers.stages.parties import PartyChannels

PitchTracks = dict[Speaker, PitchTrack]


def track_pitch(call: DecodedCall, activity: Activity, parties: PartyChannels) -> PitchTracks:
    rate = call.sample_rate
    return {
        party: f0_track(call.channels[ch], rate, active=parties.own_speech(activity, ch))
        for party, ch in parties.channels.items()
    }
