"""The two engines agree: openai-whisper on the converted checkpoint vs faster-whisper."""

from __future__ import annotations

import pytest

from analyzers.transcribe import TranscriptionEngine, get_engine, transcribe_channel
from analyzers.transcribe.engine import FASTER_WHISPER, OPENAI_WHISPER
from tests.analyzers.transcribe.calls import short_english_call, wer

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

MAX_WER_BETWEEN_ENGINES = 0.05
MAX_START_DIFFERENCE_S = 0.2
# A sentence's last word ends where each implementation's word-length heuristics put it.
MAX_END_DIFFERENCE_S = 0.5


def test_engines_are_cached_per_process(tiny_engine: TranscriptionEngine) -> None:
    assert get_engine(FASTER_WHISPER, "tiny.en") is tiny_engine
    assert get_engine(FASTER_WHISPER, None) is tiny_engine
    assert tiny_engine.name == FASTER_WHISPER and tiny_engine.model_name == "tiny.en"
    assert not tiny_engine.multilingual


def test_openai_whisper_gives_the_same_words(tiny_engine: TranscriptionEngine) -> None:
    pytest.importorskip(
        "whisper", reason="openai-whisper not installed (pip install 'callcoach[openai]')"
    )
    reference = get_engine(OPENAI_WHISPER, "tiny.en")  # converts the bundled model once
    assert reference.name == OPENAI_WHISPER and not reference.multilingual
    samples, sr, truth = short_english_call()
    agent = [(u.start_s, u.end_s) for u in truth.utterances if u.channel == 0]
    fast = transcribe_channel(samples[0], sr, agent, tiny_engine, "en")
    slow = transcribe_channel(samples[0], sr, agent, reference, "en")
    fast_text = " ".join(w.word for w in fast)
    slow_text = " ".join(w.word for w in slow)
    assert wer(fast_text, slow_text) <= MAX_WER_BETWEEN_ENGINES, (fast_text, slow_text)
    same = [(a, b) for a, b in zip(fast, slow, strict=False) if a.word == b.word]
    assert len(same) >= 0.9 * len(fast)
    for a, b in same:
        assert abs(a.start_s - b.start_s) <= MAX_START_DIFFERENCE_S, (a, b)
        assert abs(a.end_s - b.end_s) <= MAX_END_DIFFERENCE_S, (a, b)
