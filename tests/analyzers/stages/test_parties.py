"""Parties stage: stereo channels to agent/customer; mono is one unknown party."""

from __future__ import annotations

import numpy as np

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.stages.decode import decode
from analyzers.stages.parties import UNKNOWN, assign_parties


def _call(channels: int) -> object:
    samples = np.zeros((channels, 800), dtype=np.float32)
    return decode(CallAudio(samples=samples, sample_rate=8000), AnalysisOptions())


def test_stereo_follows_the_agent_channel_option() -> None:
    parties = assign_parties(_call(2), AnalysisOptions(agent_channel=1))  # type: ignore[arg-type]
    assert parties.channels == {"agent": 1, "customer": 0}
    assert parties.separated
    assert (parties.agent_channel, parties.customer_channel) == (1, 0)


def test_mono_is_one_unknown_party() -> None:
    parties = assign_parties(_call(1), AnalysisOptions(agent_channel=1))  # type: ignore[arg-type]
    assert parties.channels == {UNKNOWN: 0}
    assert UNKNOWN == "unknown"
    assert not parties.separated
    assert parties.agent_channel is None and parties.customer_channel is None
