"""A monologue past talk_ratio.max_monologue_s: raised at start + limit, cleared at its end."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import needs_corpora, of, real_call, streamed
from tests.analyzers.live.checks import assert_monologue

pytestmark = [needs_corpora, pytest.mark.slow]


def test_a_long_agent_turn_raises_monologue_once() -> None:
    assert_monologue(streamed("monologue", words=False), real_call("monologue")[1])


def test_ordinary_turns_raise_no_monologue() -> None:
    for name in ("dead_air", "interrupting", "shouting"):
        assert of(streamed(name, words=False), "talk_ratio") == [], name
