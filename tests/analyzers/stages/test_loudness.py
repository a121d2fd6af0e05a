"""Loudness stage: party and turn levels, checked against a known gain."""

from __future__ import annotations

import math

import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.stages.conversation import measure_conversation
from analyzers.stages.decode import decode
from analyzers.stages.loudness import measure_loudness
from tests.analyzers.stages.calls import PROFILE, early_stages


def test_halving_the_agent_lowers_only_the_agents_levels_by_6_db() -> None:
    call, pickup, activity, parties = early_stages("good_call")
    turns = measure_conversation(activity, parties, pickup, PROFILE).turns
    before = measure_loudness(call, activity, parties, turns)

    samples = call.samples.copy()
    samples[parties.channels["agent"]] *= 0.5
    quieter = decode(CallAudio(samples=samples, sample_rate=call.sample_rate), AnalysisOptions())
    after = measure_loudness(quieter, activity, parties, turns)

    drop = 20 * math.log10(2)
    assert after.party_dbov["agent"] == pytest.approx(before.party_dbov["agent"] - drop, abs=0.05)
    assert after.party_dbov["customer"] == pytest.approx(before.party_dbov["customer"], abs=1e-6)
    assert len(before.turn_dbov) == len(turns)
    for turn, a, b in zip(turns, before.turn_dbov, after.turn_dbov, strict=True):
        assert a is not None and b is not None
        expected = a - drop if turn.party == "agent" else a
        assert b == pytest.approx(expected, abs=0.05)
