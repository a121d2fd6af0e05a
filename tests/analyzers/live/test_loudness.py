"""Raised voice and whisper: the agent's turn against the median of the earlier turns."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import needs_corpora, of, real_call, streamed
from tests.analyzers.live.checks import assert_loudness

pytestmark = [needs_corpora, pytest.mark.slow]


def test_shouted_and_whispered_turns_raise_loudness_while_they_last() -> None:
    assert_loudness(streamed("shouting", words=False), real_call("shouting")[1])


def test_turns_at_the_usual_level_raise_nothing() -> None:
    for name in ("dead_air", "interrupting", "fast"):
        assert of(streamed(name, words=False), "loudness") == [], name
