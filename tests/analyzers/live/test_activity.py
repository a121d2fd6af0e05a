"""Live voice activity against analyzers.activity.detect_activity on the same calls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.activity import detect_activity
from analyzers.live.activity import LiveActivity
from analyzers.live.buffer import RollingAudio
from analyzers.ringback_plans import plan_for, synthesize_ringback
from analyzers.spans import Span

SAMPLES = Path(__file__).resolve().parents[3] / "sample_audio"


def _mask(spans: list[Span], n: int) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    for a, b in spans:
        m[round(a * 100) : round(b * 100)] = True
    return m


def streamed_activity(x: np.ndarray, sr: int, chunk: int = 160) -> LiveActivity:
    live = LiveActivity(sr, min_speech_s=0.25, min_gap_s=0.3)
    audio = RollingAudio(sr, 120.0)
    for lo in range(0, len(x), chunk):
        audio.append(x[lo : lo + chunk])
        live.advance(audio)
    live.finish(audio)
    return live


@pytest.mark.parametrize("name", ["good_call", "dead_air", "interrupting", "shouting"])
def test_live_activity_agrees_with_the_whole_call_detector(name: str) -> None:
    """Frame agreement with the offline detector (which sees the whole call and models
    crosstalk): >= 97 % on every channel of the committed real-voice calls."""
    x, sr = sf.read(SAMPLES / f"{name}.wav", dtype="float32", always_2d=True)
    x = np.ascontiguousarray(x.T)
    reference = detect_activity(x, sr)
    n = x.shape[1] * 100 // sr
    for channel in range(2):
        live = streamed_activity(x[channel], sr)
        agree = float(np.mean(_mask(reference[channel], n) == _mask(list(live.segments), n)))
        assert agree >= 0.97, (channel, agree)


def test_decisions_are_causal_and_prompt() -> None:
    """Speech is known within min_speech_s (+ a batch) of its start, its end within
    min_gap_s + the edge growth, and the decided time never goes back."""
    sr = 8000
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(10 * sr) * 1e-3).astype(np.float32)  # -60 dBov line
    t = np.arange(2 * sr) / sr
    x[3 * sr : 5 * sr] += (
        0.05 * np.sin(2 * np.pi * 180 * t) * (1 + np.sin(2 * np.pi * 4 * t))
    ).astype(np.float32)
    live = LiveActivity(sr, min_speech_s=0.25, min_gap_s=0.3)
    audio = RollingAudio(sr, 60.0)
    seen_open, decided = None, 0.0
    for lo in range(0, len(x), 80):
        audio.append(x[lo : lo + 80])
        live.advance(audio)
        assert live.decided_s >= decided - 1e-9 or live.open_span is not None
        decided = live.decided_s
        if seen_open is None and live.open_span is not None:
            seen_open = (lo + 80) / sr
    # min_speech_s, then at most a batch of frames (50 ms) and a window's lookahead.
    assert seen_open is not None and seen_open - 3.0 <= 0.25 + 0.1
    live.finish(audio)
    (segment,) = live.segments
    assert segment.start_s == pytest.approx(3.0, abs=0.05)
    assert segment.end_s == pytest.approx(5.0, abs=0.25)


@pytest.mark.parametrize("country", ["SE", "GB", "US", "FR"])
def test_a_ringback_tone_is_not_speech(country: str) -> None:
    sr = 8000
    tone, _ = synthesize_ringback(plan_for(country), 3, sr)
    noise = np.random.default_rng(1).standard_normal(len(tone)) * 1e-3
    live = streamed_activity((tone + noise).astype(np.float32), sr)
    assert list(live.segments) == []
