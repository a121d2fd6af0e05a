"""The opening checklist ticks off greeting, name and company as the words come."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]


def test_checklist_ticks_greeting_then_name_and_company() -> None:
    _, truth = real_call("opening")
    hello, intro = [u for u in truth.utterances if u.party == "agent"][:2]
    cues = of(streamed("opening"), "opening")
    assert [c.state for c in cues] == ["progress", "progress"]
    first, second = cues
    assert first.detail == {"greeting": True, "name": False, "company": False}
    assert second.detail == {"greeting": True, "name": True, "company": True}
    assert abs(first.at_s - hello.end_s) <= 0.3
    # The introduction's first sentence (name and company) is in its first utterance.
    assert intro.start_s < second.at_s < intro.start_s + PROFILE.opening.within_s
    for cue in cues:
        assert 0 <= cue.emitted_s - cue.at_s <= 2.0  # word-based latency


def test_an_opening_without_name_and_company_is_raised_when_the_window_closes() -> None:
    cues = of(streamed("fast"), "opening")
    assert [c.state for c in cues] == ["progress", "raised", "cleared"]
    assert cues[0].detail == {"greeting": True, "name": False, "company": False}
    raised = cues[1]
    assert raised.message == "Opening without your name, the company"
    assert raised.detail == cues[0].detail
    assert raised.advice == PROFILE.opening.advice
