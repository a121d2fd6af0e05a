"""The committed sample calls run through the early stages once per session."""

from __future__ import annotations

import functools
from pathlib import Path

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.profile import default_profile
from analyzers.report import Pickup
from analyzers.stages.activity import Activity, find_activity
from analyzers.stages.decode import DecodedCall, decode
from analyzers.stages.parties import PartyChannels, assign_parties
from analyzers.stages.pickup import find_pickup
from sample_audio.committed import read_truth
from sample_audio.spec import CallTruth

SAMPLES = Path(__file__).resolve().parents[3] / "sample_audio"
PROFILE = default_profile()


def truth(name: str) -> CallTruth:
    return read_truth(name, SAMPLES)


@functools.cache
def decoded(name: str, mono: bool = False) -> DecodedCall:
    call = decode(SAMPLES / f"{name}.wav", AnalysisOptions())
    if not mono:
        return call
    mixed = CallAudio(samples=call.samples.mean(axis=0), sample_rate=call.sample_rate)
    return decode(mixed, AnalysisOptions())


@functools.cache
def early_stages(
    name: str, mono: bool = False
) -> tuple[DecodedCall, Pickup, Activity, PartyChannels]:
    """decode -> pickup -> activity -> parties of a committed sample call.

    The call and activity returned are what the later stages get: a mono call's
    per-voice view once the parties stage has split it.
    """
    call = decoded(name, mono)
    options = AnalysisOptions(agent_channel=truth(name).agent_channel)
    pickup = find_pickup(call, options, None)
    parties = assign_parties(call, find_activity(call, pickup, PROFILE), options)
    return parties.call, pickup, parties.activity, parties
