"""transcribe_call plumbing that needs no model: inputs, engine "none", language sample."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.errors import ModelUnavailableError
from analyzers.options import AnalysisOptions
from analyzers.spans import Span
from analyzers.transcribe import transcribe_call
from analyzers.transcribe.call import as_stretch
from analyzers.transcribe.language import speech_sample

SR = 8000


def test_engine_none_transcribes_nothing() -> None:
    samples = np.zeros((2, SR * 4), np.float32)
    speech = [[Span(0.5, 1.5)], []]
    result = transcribe_call(samples, SR, speech, AnalysisOptions(engine="none", language="sv"))
    assert result.words == {0: [], 1: []}
    assert result.language == "sv" and result.engine == "none" and result.model is None
    auto = transcribe_call(samples, SR, speech, AnalysisOptions(engine="none"))
    assert auto.language is None


def test_one_speech_list_per_channel() -> None:
    with pytest.raises(ValueError, match="speech lists"):
        transcribe_call(np.zeros((2, SR), np.float32), SR, [[]], AnalysisOptions(engine="none"))


def test_stretches_from_activity_segments_or_pairs() -> None:
    assert as_stretch(Span(1.0, 2.5)) == (1.0, 2.5)
    assert as_stretch((3, 4)) == (3.0, 4.0)


def test_language_sample_is_the_agents_speech_without_silences() -> None:
    samples = np.zeros((2, SR * 60), np.float32)
    samples[0, SR * 2 : SR * 22] = 0.1  # agent: 2-22 s and 40-55 s
    samples[0, SR * 40 : SR * 55] = 0.1
    samples[1, SR * 25 : SR * 35] = 0.2  # customer: 25-35 s
    speech = [[(2.0, 22.0), (40.0, 55.0)], [(25.0, 35.0)]]
    sample = speech_sample(samples, SR, speech, preferred_channel=0, seconds=30.0)
    assert len(sample) == pytest.approx(30 * 16000, abs=16)  # 20 s + the first 10 s of the next
    assert np.median(np.abs(sample)) == pytest.approx(0.1, abs=0.01)
    # an agent who never speaks: the channel with the most speech is used instead
    silent_agent = [[], [(25.0, 35.0)]]
    fallback = speech_sample(samples, SR, silent_agent, preferred_channel=0)
    assert len(fallback) == pytest.approx(10 * 16000, abs=16)
    assert np.median(np.abs(fallback)) == pytest.approx(0.2, abs=0.02)
    assert speech_sample(samples, SR, [[], []], preferred_channel=0).size == 0


def test_an_english_only_model_for_another_language_is_a_clear_error() -> None:
    samples = np.zeros((2, SR * 2), np.float32)
    options = AnalysisOptions(language="sv", model="tiny.en")
    with pytest.raises(ModelUnavailableError, match="English-only"):
        transcribe_call(samples, SR, [[(0.5, 1.5)], []], options)
