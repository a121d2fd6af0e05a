"""The two engines agree: openai-whisper on the converted checkpoint vs faster-whisper."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from analyzers.transcribe import TranscriptionEngine, get_engine, transcribe_channel
from analyzers.transcribe.channel import prepare_audio
from analyzers.transcribe.engine import (
    DEFAULT_DECODING,
    FASTER_WHISPER,
    OPENAI_WHISPER,
    EngineSegment,
)
from analyzers.transcribe.faster_engine import FasterWhisperEngine
from tests.analyzers.transcribe.calls import short_english_call, wer

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

MAX_WER_BETWEEN_ENGINES = 0.05
# Both engines run float32 on the same (dequantised) weights, so they compute the same
# thing up to float summation order: measured 0.000 s on every word of the call (Intel
# Xeon, AVX-512/AMX). Whisper times words in 20 ms frames; two frames of slack cover a
# near-tie in the alignment falling the other way under another CPU's float kernels.
# int8 is not comparable across engines or CPUs: its activation quantisation moves
# whole frames (measured 0.20 s here, 0.22 s on an AMD EPYC, on one word).
MAX_START_DIFFERENCE_S = 0.04
MAX_END_DIFFERENCE_S = 0.04


def test_engines_are_cached_per_process(tiny_engine: TranscriptionEngine) -> None:
    assert get_engine(FASTER_WHISPER, "tiny.en") is tiny_engine
    assert get_engine(FASTER_WHISPER, None) is tiny_engine
    assert tiny_engine.name == FASTER_WHISPER and tiny_engine.model_name == "tiny.en"
    assert not tiny_engine.multilingual


def test_openai_whisper_gives_the_same_words() -> None:
    """faster-whisper and openai-whisper agree on words and times where both are exact:
    float32 on the same weights (the int8 product engine differs by CPU; see above)."""
    pytest.importorskip(
        "whisper", reason="openai-whisper not installed (pip install 'callcoach[openai]')"
    )
    reference = get_engine(OPENAI_WHISPER, "tiny.en")  # converts the bundled model once
    assert reference.name == OPENAI_WHISPER and not reference.multilingual
    float32_engine = get_engine(FASTER_WHISPER, "tiny.en", compute_type="float32")
    samples, sr, truth = short_english_call()
    agent = [(u.start_s, u.end_s) for u in truth.utterances if u.channel == 0]
    fast = transcribe_channel(samples[0], sr, agent, float32_engine, "en")
    slow = transcribe_channel(samples[0], sr, agent, reference, "en")
    fast_text = " ".join(w.word for w in fast)
    slow_text = " ".join(w.word for w in slow)
    assert wer(fast_text, slow_text) <= MAX_WER_BETWEEN_ENGINES, (fast_text, slow_text)
    same = [(a, b) for a, b in zip(fast, slow, strict=False) if a.word == b.word]
    assert len(same) >= 0.9 * len(fast)
    for a, b in same:
        assert abs(a.start_s - b.start_s) <= MAX_START_DIFFERENCE_S, (a, b)
        assert abs(a.end_s - b.end_s) <= MAX_END_DIFFERENCE_S, (a, b)


def _utterance_chunks(count: int) -> tuple[list[np.ndarray], list[str]]:
    """``count`` single-utterance chunks at 16 kHz and the words built into each."""
    samples, sr, truth = short_english_call()
    chunks, texts = [], []
    for u in truth.utterances[:count]:
        piece = samples[u.channel, round(u.start_s * sr) : round(u.end_s * sr)]
        chunks.append(prepare_audio(np.pad(piece, (sr // 5, sr // 5)), sr))
        texts.append(u.text)
    return chunks, texts


def test_batched_chunks_come_back_in_order_on_their_own_clocks(
    tiny_engine: TranscriptionEngine,
) -> None:
    """Three chunks in batches of two: each result holds its own chunk's words
    (the script built into it), timed from that chunk's start."""
    assert isinstance(tiny_engine, FasterWhisperEngine)
    chunks, texts = _utterance_chunks(3)
    pairs = FasterWhisperEngine(
        tiny_engine._model,
        tiny_engine.model_name,
        decoding=replace(tiny_engine.decoding, batch_size=2),
    )
    batched = pairs.transcribe_chunks(chunks, language="en", beam_size=5)
    assert len(batched) == len(chunks)
    for chunk, text, together in zip(chunks, texts, batched, strict=True):
        said = " ".join(w.word for w in together.words)
        assert wer(text, said) <= 0.25, (text, said)
        duration = len(chunk) / 16_000
        assert all(-0.01 <= w.start_s <= w.end_s <= duration + 0.01 for w in together.words)


def test_chunks_longer_than_a_whisper_window_are_refused(
    tiny_engine: TranscriptionEngine,
) -> None:
    too_long = np.zeros(31 * 16_000, dtype=np.float32)
    with pytest.raises(ValueError, match="over 30 s"):
        tiny_engine.transcribe_chunks([too_long], language="en", beam_size=5)
    assert tiny_engine.transcribe_chunks([], language="en", beam_size=5) == []


@pytest.mark.parametrize(
    ("compression_ratio", "avg_logprob", "no_speech_prob", "again"),
    [
        (1.4, -0.3, 0.1, False),  # fluent speech
        (3.0, -0.2, 0.1, True),  # a loop compresses too well
        (1.4, -1.4, 0.1, True),  # improbable text
        (1.4, -1.4, 0.9, False),  # improbable, but the model hears no speech: silence
    ],
)
def test_whisper_temperature_fallback_rule(
    compression_ratio: float, avg_logprob: float, no_speech_prob: float, again: bool
) -> None:
    segment = EngineSegment(0.0, 1.0, "x", (), avg_logprob, compression_ratio, no_speech_prob)
    assert DEFAULT_DECODING.needs_fallback(segment) is again
