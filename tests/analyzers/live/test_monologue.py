"""A monologue past talk_ratio.max_monologue_s: raised at start + limit, cleared at its end."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]
LIMIT_S = PROFILE.talk_ratio.max_monologue_s


def test_a_long_agent_turn_raises_monologue_once() -> None:
    _, truth = real_call("monologue")
    assert truth.parties["agent"].longest_monologue_s > LIMIT_S
    start = truth.parties["agent"].longest_monologue_start_s
    assert start is not None
    end = start + truth.parties["agent"].longest_monologue_s
    cues = of(streamed("monologue", words=False), "talk_ratio")
    assert [c.state for c in cues] == ["raised", "cleared"]
    raised, cleared = cues
    assert abs(raised.at_s - (start + LIMIT_S)) <= 0.5
    assert 0 <= raised.emitted_s - (start + LIMIT_S) <= 1.0
    assert abs(cleared.at_s - end) <= 0.5
    assert cleared.emitted_s - end <= 2.0  # a pause ends it only once it is long enough
    assert raised.advice == PROFILE.talk_ratio.advice_monologue


def test_ordinary_turns_raise_no_monologue() -> None:
    for name in ("dead_air", "interrupting", "shouting"):
        assert of(streamed(name, words=False), "talk_ratio") == [], name
