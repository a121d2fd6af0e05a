"""Nonspeech stage: real music on hold and key presses leave the voice activity.

Material: Asterisk prompts (the agent: "hello", "please hold while we try to connect
you", "thank you", "goodbye") around 40 s of Asterisk music on hold on the agent's
channel; DTMF key presses on the customer's channel during the hold.
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.report import Pickup
from analyzers.spans import Span
from analyzers.stages.activity import find_activity
from analyzers.stages.conversation import measure_conversation
from analyzers.stages.decode import decode
from analyzers.stages.nonspeech import find_nonspeech
from analyzers.stages.parties import assign_parties
from analyzers.turns import talk_time
from sample_audio.nonspeech import SAMPLE_RATE, hold_channel, key_presses, moh_tracks
from sample_audio.realcalls import available, missing_corpora
from tests.analyzers.stages.calls import PROFILE

pytestmark = pytest.mark.skipif(
    not (available() and moh_tracks()),
    reason="apt-get install asterisk-moh-opsound-wav " + " ".join(missing_corpora()),
)


def _call():  # type: ignore[no-untyped-def]
    agent = hold_channel(
        ["asterisk:hello", "asterisk:pls-hold-while-try"],
        "macroform-robot_dity",
        60.0,
        40.0,
        ["asterisk:auth-thankyou", "asterisk:goodbye"],
    )
    keys, presses = key_presses(seed=1, n=4)
    customer = np.zeros_like(agent.samples)
    at = round((agent.holds[0][0] + 10.0) * SAMPLE_RATE)
    customer[at : at + len(keys)] = keys
    offset = at / SAMPLE_RATE
    stereo = np.stack([agent.samples, customer])
    call = decode(CallAudio(samples=stereo, sample_rate=SAMPLE_RATE), AnalysisOptions())
    return call, agent, [(a + offset, b + offset) for a, b in presses]


def test_music_and_keys_are_not_speech_and_not_silence() -> None:
    call, agent, presses = _call()
    pickup = Pickup()
    parties = assign_parties(call, find_activity(call, pickup, PROFILE), AnalysisOptions())
    found = find_nonspeech(parties.call, parties.activity, parties, PROFILE)

    (hold,) = found.holds
    (truth,) = agent.holds
    assert hold.start_s == pytest.approx(truth[0], abs=0.5)
    assert hold.end_s == pytest.approx(truth[1], abs=0.5)
    spoken = sum(b - a for a, b in agent.speech)
    assert talk_time(found.activity.speech[0]) == pytest.approx(spoken, abs=1.0)
    assert not found.activity.speech[1]  # only key presses on the customer's line

    dtmf = [t for t in found.tones if t.kind == "dtmf"]
    assert len(dtmf) == len(presses)
    assert all(t.party == "customer" for t in dtmf)
    for t, (a, _) in zip(dtmf, presses, strict=True):
        assert t.start_s == pytest.approx(a, abs=0.03)

    conversation = measure_conversation(
        found.activity, parties, pickup, PROFILE, found.hold_spans()
    )
    hold_span = Span(hold.start_s, hold.end_s)
    assert not [
        s
        for s in conversation.silences
        if s.start_s < hold_span.end_s and s.end_s > hold_span.start_s
    ]
