"""Pace: the agent's words per minute over the last window of speech, from tiny.en's words."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import needs_corpora, of, real_call, streamed
from tests.analyzers.live.checks import assert_pace

pytestmark = [needs_corpora, pytest.mark.slow]


def test_fast_speech_raises_pace_once_half_a_window_is_spoken() -> None:
    assert_pace(streamed("fast"), real_call("fast")[1])


def test_speech_in_range_raises_no_pace() -> None:
    for name in ("opening", "monologue"):  # 142 and 148 wpm
        assert of(streamed(name), "speech_rate") == [], name


def test_without_words_there_is_no_pace() -> None:
    assert of(streamed("fast", words=False), "speech_rate") == []
