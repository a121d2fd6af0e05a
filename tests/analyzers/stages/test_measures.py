"""Measures stage: each party's metrics against the truth of the calls."""

from __future__ import annotations

import pytest

from analyzers.report import Word
from analyzers.stages.conversation import measure_conversation
from analyzers.stages.loudness import measure_loudness
from analyzers.stages.measures import measure_parties
from analyzers.stages.pitch import track_pitch
from analyzers.stages.transcription import Transcript
from tests.analyzers.stages.calls import PROFILE, early_stages, truth


def _measure(name: str, transcript: Transcript, mono: bool = False):  # type: ignore[no-untyped-def]
    call, pickup, activity, parties = early_stages(name, mono)
    conversation = measure_conversation(activity, parties, pickup, PROFILE)
    tracks = track_pitch(call, activity, parties)
    loudness = measure_loudness(call, activity, parties, conversation.turns)
    metrics = measure_parties(
        activity, parties, conversation, tracks, loudness, transcript, PROFILE
    )
    return metrics, conversation


def test_talk_time_share_and_levels_follow_the_truth() -> None:
    metrics, _ = _measure("dead_air", Transcript(language=None))
    expected = truth("dead_air").parties
    for party in ("agent", "customer"):
        found = getattr(metrics, party)
        assert found.talk_time_s == pytest.approx(expected[party].talk_time_s, rel=0.1)
        assert found.level_dbov == pytest.approx(expected[party].median_level_dbov, abs=1.5)
        assert found.words is None and found.wpm is None and found.wpm_windows == []
    assert metrics.agent.talk_share + metrics.customer.talk_share == pytest.approx(1.0)
    assert metrics.agent.talk_share == pytest.approx(expected["agent"].talk_share, abs=0.05)


def test_speech_rate_counts_the_words_over_the_partys_turns() -> None:
    _, conversation = _measure("good_call", Transcript(language=None))
    agent_turns = [t for t in conversation.turns if t.party == "agent"]
    # Ten words in every agent turn: the rate is their count over the turns' time.
    words = [
        Word(word=f" w{i}", start_s=t.start_s + i * 0.1, end_s=t.start_s + i * 0.1 + 0.05)
        for t in agent_turns
        for i in range(10)
    ]
    metrics, _ = _measure("good_call", Transcript("en", words={"agent": words, "customer": []}))
    minutes = sum(t.end_s - t.start_s for t in agent_turns) / 60
    assert metrics.agent.words == len(words)
    assert metrics.agent.wpm == pytest.approx(len(words) / minutes, rel=1e-3)
    assert metrics.customer.words == 0


def test_mono_has_both_parties_metrics() -> None:
    metrics, _ = _measure("good_call", Transcript(language=None), mono=True)
    stereo, _ = _measure("good_call", Transcript(language=None))
    assert metrics.agent is not None and metrics.customer is not None
    assert stereo.agent is not None
    assert metrics.agent.talk_time_s == pytest.approx(stereo.agent.talk_time_s, abs=2.0)
