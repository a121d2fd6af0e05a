"""Replay's chunking covers the tracks exactly; words land on the call's timeline."""

from __future__ import annotations

import itertools

import numpy as np

from analyzers.live import LiveSession, replay
from analyzers.live.replay import chunk_bounds
from analyzers.profile import default_profile
from analyzers.report import Word


def test_chunks_cover_every_sample_once() -> None:
    sizes = iter([3, 1, 7] * 10)
    bounds = chunk_bounds(25, lambda: next(sizes))
    assert bounds[0][0] == 0 and bounds[-1][1] == 25
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert chunk_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)]


def test_words_are_shifted_onto_the_call_timeline() -> None:
    sr = 8000
    rng = np.random.default_rng(0)
    agent = (rng.standard_normal(6 * sr) * 1e-3).astype(np.float32)
    t = np.arange(sr) / sr
    agent[2 * sr : 3 * sr] += (
        0.05 * np.sin(2 * np.pi * 200 * t) * (1 + np.sin(2 * np.pi * 4 * t))
    ).astype(np.float32)
    customer = (rng.standard_normal(6 * sr) * 1e-3).astype(np.float32)
    heard: list[tuple[int, int]] = []

    def transcribe(x: np.ndarray, rate: int) -> list[Word]:
        heard.append((len(x), rate))
        return [Word(word=" hello", start_s=0.1, end_s=0.5)]

    live = LiveSession(default_profile(), sr, enabled={"opening"})
    cues = replay(live, agent, customer, sr, 0.02, transcribe)
    assert len(heard) == 1 and heard[0][1] == sr
    (words,) = [live._call.agent_words]
    assert 2.0 <= words[0].start_s <= 2.2  # utterance start + 0.1
    assert cues[0].detail == {"greeting": True, "name": False, "company": False}
