"""The agent talking over the customer: raised once when the overlap reaches the minimum;
a short overlap and the customer talking over the agent raise nothing."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]
MIN_OVERLAP_S = PROFILE.interruption.min_overlap_s


def test_agent_overlap_raises_one_interruption_as_it_happens() -> None:
    _, truth = real_call("interrupting")
    by_agent = [i for i in truth.interruptions if i.by == "agent" and i.duration_s >= MIN_OVERLAP_S]
    assert len(by_agent) == 1  # the 0.5 s overlap and the customer's are not
    overlap = by_agent[0]
    cues = of(streamed("interrupting", words=False), "interruption")
    assert [c.state for c in cues] == ["raised", "cleared"]
    raised, cleared = cues
    assert raised.party == "agent" and raised.key == "interruption:agent"
    became_true = overlap.start_s + MIN_OVERLAP_S
    assert abs(raised.at_s - became_true) <= 0.3
    assert 0 <= raised.emitted_s - became_true <= 1.0
    assert abs(cleared.at_s - overlap.end_s) <= 0.3
    assert cleared.emitted_s - overlap.end_s <= 1.0
