"""Parties stage: stereo channels to agent/customer; a mono call split into two
voices (its per-voice view), or one unknown party when there is nobody to split."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.stages.activity import Activity, find_activity
from analyzers.stages.decode import DecodedCall, decode
from analyzers.stages.parties import UNKNOWN, assign_parties
from analyzers.stages.pickup import find_pickup
from sample_audio import realcalls
from sample_audio.mono_set import MONO_SET, mono_set_call
from tests.analyzers.stages.calls import PROFILE

needs_corpora = pytest.mark.skipif(
    not realcalls.available(), reason=f"missing corpora: {realcalls.missing_corpora()}"
)


def _silent(channels: int) -> tuple[DecodedCall, Activity]:
    samples = np.zeros((channels, 800), dtype=np.float32)
    call = decode(CallAudio(samples=samples, sample_rate=8000), AnalysisOptions())
    return call, Activity(speech=[[] for _ in range(channels)])


def test_stereo_follows_the_agent_channel_option() -> None:
    call, activity = _silent(2)
    parties = assign_parties(call, activity, AnalysisOptions(agent_channel=1))
    assert parties.channels == {"agent": 1, "customer": 0}
    assert parties.separated and parties.call is call
    assert (parties.agent_channel, parties.customer_channel) == (1, 0)
    assert parties.separation is not None and parties.separation.method == "channels"
    assert "agent_channel option" in parties.separation.agent


def test_mono_without_speech_is_one_unknown_party() -> None:
    call, activity = _silent(1)
    parties = assign_parties(call, activity, AnalysisOptions(agent_channel=1))
    assert parties.channels == {UNKNOWN: 0}
    assert UNKNOWN == "unknown"
    assert not parties.separated
    assert parties.agent_channel is None and parties.customer_channel is None


def _mono_parties(name: str, options: AnalysisOptions):  # type: ignore[no-untyped-def]
    _, mono, rate, truth = mono_set_call(name)
    call = decode(CallAudio(samples=mono[0], sample_rate=rate), options)
    pickup = find_pickup(call, options, None)
    return assign_parties(call, find_activity(call, pickup, PROFILE), options), truth


@needs_corpora
def test_a_mono_call_becomes_a_per_voice_view_with_the_agent_first() -> None:
    parties, truth = _mono_parties("real_talked_over", AnalysisOptions())
    assert parties.separated and parties.channels == {"agent": 0, "customer": 1}
    assert parties.call.n_channels == 2 and parties.call.recording.n_channels == 1
    assert parties.separation is not None and parties.separation.method == "diarized"
    agent_speech = parties.activity.speech[0]
    # The agent opens the call: the first voice after the answer is the agent's.
    first_agent = min(u.start_s for u in truth.utterances if u.party == "agent")
    assert agent_speech[0].start_s == pytest.approx(first_agent, abs=0.3)
    # Outside its voice's speech a channel of the view is silent.
    rate = parties.call.sample_rate
    gap = int((agent_speech[0].end_s + 0.05) * rate)
    assert not np.any(parties.call.samples[0, gap : gap + rate // 100])


@needs_corpora
def test_the_caller_can_say_the_agent_is_the_second_voice() -> None:
    auto, _ = _mono_parties("real_hold", AnalysisOptions())
    swapped, _ = _mono_parties("real_hold", AnalysisOptions(agent_speaker="second"))
    assert swapped.activity.speech == auto.activity.speech[::-1]
    assert swapped.separation is not None and "agent_speaker option" in swapped.separation.agent


@needs_corpora
@pytest.mark.parametrize("name", MONO_SET)
def test_auto_finds_the_agents_channel_of_every_real_stereo_call(name: str) -> None:
    stereo, _, rate, truth = mono_set_call(name)
    options = AnalysisOptions(agent_channel="auto")
    call = decode(CallAudio(samples=stereo, sample_rate=rate), options)
    activity = find_activity(call, find_pickup(call, options, None), PROFILE)
    parties = assign_parties(call, activity, options)
    assert parties.agent_channel == truth.agent_channel
    assert parties.separation is not None and "heard first" in parties.separation.agent
