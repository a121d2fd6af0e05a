"""Parties stage: stereo channels to agent/customer; a mono call split into two
voices (its per-voice view), or one unknown party when there is nobody to split."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.activity import detect_activity
from analyzers.audio import CallAudio
from analyzers.diarization_error import diarization_error_rate
from analyzers.options import AnalysisOptions
from analyzers.speaker_embedding import voice_embedding
from analyzers.stages.activity import Activity, find_activity
from analyzers.stages.decode import DecodedCall, decode
from analyzers.stages.parties import UNKNOWN, PartyChannels, assign_parties
from analyzers.stages.pickup import find_pickup
from sample_audio import realcalls
from sample_audio.mono_set import MONO_SET, customer_first_call, missing_for, mono_set_call
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
    if missing_for(name):
        pytest.skip(f"missing corpora: {missing_for(name)}")
    stereo, _, rate, truth = mono_set_call(name)
    options = AnalysisOptions(agent_channel="auto")
    call = decode(CallAudio(samples=stereo, sample_rate=rate), options)
    activity = find_activity(call, find_pickup(call, options, None), PROFILE)
    parties = assign_parties(call, activity, options)
    assert parties.agent_channel == truth.agent_channel
    assert parties.separation is not None and "heard first" in parties.separation.agent


def _enrolled_allison() -> list[float]:
    """Allison's voice as the service enrols it: her channel of three other stereo calls."""
    prints = []
    for name in ("real_hold", "real_interrupting", "mono_mixed_102"):
        stereo, _, rate, truth = mono_set_call(name)
        channel = truth.agent_channel
        speech = detect_activity(stereo, rate)[channel]
        prints.append(voice_embedding(stereo[channel], rate, speech))
    return [float(v) for v in np.mean(prints, axis=0)]


def _agent_error(parties: PartyChannels, stereo: np.ndarray, rate: int, agent: int) -> float:
    """DER with the labels as chosen: a swapped agent scores about 1."""
    reference = detect_activity(stereo, rate)
    return diarization_error_rate(
        (reference[agent], reference[1 - agent]),
        (parties.activity.speech[0], parties.activity.speech[1]),
        map_labels=False,
    )


@needs_corpora
def test_an_enrolled_voice_finds_an_agent_who_speaks_second_and_never_greets() -> None:
    stereo, mono, rate, truth = customer_first_call("mono_mixed_101")
    assert min(truth.utterances, key=lambda u: u.start_s).party == "customer"
    assert not any(u.source == "asterisk:hello" for u in truth.utterances)
    call = decode(CallAudio(samples=mono[0], sample_rate=rate), AnalysisOptions())
    activity = find_activity(call, find_pickup(call, AnalysisOptions(), None), PROFILE)
    guessed = assign_parties(call, activity, AnalysisOptions())
    enrolled = assign_parties(call, activity, AnalysisOptions(agent_voice=_enrolled_allison()))
    # Without the enrolment the first voice (the customer's) is taken for the agent.
    assert guessed.separation is not None and guessed.separation.agent_basis == "first_voice"
    assert _agent_error(guessed, stereo, rate, truth.agent_channel) > 0.5
    assert enrolled.separation is not None and enrolled.separation.agent_basis == "enrolled_voice"
    assert "by enrolled voice" in enrolled.separation.agent
    assert _agent_error(enrolled, stereo, rate, truth.agent_channel) <= 0.10


@needs_corpora
def test_an_enrolled_voice_finds_the_agents_stereo_channel_when_the_customer_speaks_first() -> None:
    stereo, _, rate, truth = customer_first_call("mono_mixed_101")
    picked = {}
    for label, voice in (("guessed", None), ("enrolled", _enrolled_allison())):
        options = AnalysisOptions(agent_channel="auto", agent_voice=voice)
        call = decode(CallAudio(samples=stereo, sample_rate=rate), options)
        activity = find_activity(call, find_pickup(call, options, None), PROFILE)
        picked[label] = assign_parties(call, activity, options)
    assert picked["guessed"].agent_channel == 1 - truth.agent_channel
    enrolled = picked["enrolled"]
    assert enrolled.agent_channel == truth.agent_channel
    assert enrolled.separation is not None and "by enrolled voice" in enrolled.separation.agent


@needs_corpora
def test_an_enrolled_voice_not_in_the_call_decides_nothing() -> None:
    """Bruce enrolled; a call of Allison and the LibriVox reader: the first voice stands."""
    if missing_for("mono_bruce_agent"):
        pytest.skip(f"missing corpora: {missing_for('mono_bruce_agent')}")
    stereo, _, rate, truth = mono_set_call("mono_bruce_agent")
    bruce = voice_embedding(
        stereo[truth.agent_channel], rate, detect_activity(stereo, rate)[truth.agent_channel]
    )
    parties, _ = _mono_parties("real_hold", AnalysisOptions(agent_voice=bruce.tolist()))
    assert parties.separation is not None and parties.separation.agent_basis == "first_voice"
