"""Transcribe a whole call: pick the language and model, then every channel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.options import AnalysisOptions, Language
from analyzers.report import Word
from analyzers.transcribe.channel import (
    DEFAULT_CHANNEL,
    ChannelSettings,
    prepare_audio,
    transcribe_channels,
)
from analyzers.transcribe.chunks import Stretch, normalize_stretches
from analyzers.transcribe.engine import LanguageGuess, TranscriptionEngine, get_engine
from analyzers.transcribe.models import ENGLISH_MODEL, MULTILINGUAL_MODEL, default_model_for

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(code for code in get_args(Language) if code != "auto")
LANGUAGE_DETECTION_S = 30.0

EngineLoader = Callable[[str, str | None], TranscriptionEngine]


@dataclass(frozen=True)
class CallTranscript:
    words: dict[int, list[Word]]
    language: str | None
    language_probability: float | None = None
    engine: str | None = None
    model: str | None = None
    language_probabilities: dict[str, float] = field(default_factory=dict)


def transcribe_call(
    samples: np.ndarray,
    sample_rate: int,
    speech_per_channel: Sequence[Sequence[Any]],
    options: AnalysisOptions | None = None,
    *,
    vocabulary: Sequence[str] = (),
    settings: ChannelSettings = DEFAULT_CHANNEL,
    load_engine: EngineLoader = get_engine,
) -> CallTranscript:
    """Words per channel index, plus the language they were transcribed in.

    ``samples`` is (channels, n); ``speech_per_channel[c]`` lists channel c's
    voice-active stretches as ``activity.Segment`` (start_s, end_s attributes)
    or (start_s, end_s) tuples. Language "auto" is detected on the first ~30 s
    of the agent's speech with the multilingual model. ``vocabulary`` (names of
    the agent, the customer, the company) is given to Whisper as its prompt, so
    it spells them as the call's metadata does.
    """
    options = options or AnalysisOptions()
    samples = np.atleast_2d(np.asarray(samples))
    if samples.ndim != 2:
        raise ValueError(f"samples must be (channels, n), got shape {samples.shape}")
    if len(speech_per_channel) != samples.shape[0]:
        raise ValueError(f"{len(speech_per_channel)} speech lists for {samples.shape[0]} channels")
    speech = [
        normalize_stretches([as_stretch(s) for s in stretches], samples.shape[1] / sample_rate)
        for stretches in speech_per_channel
    ]
    if options.engine == "none":
        language = None if options.language == "auto" else options.language
        return CallTranscript({c: [] for c in range(len(speech))}, language, engine="none")

    guess = _choose_language(samples, sample_rate, speech, options, load_engine)
    model = options.model or default_model_for(guess.language)
    engine = load_engine(options.engine, model)
    if not engine.multilingual and guess.language != "en":
        raise ModelUnavailableError(
            f"model {engine.model_name!r} is English-only; cannot transcribe {guess.language!r}"
        )
    per_channel = transcribe_channels(
        [(samples[channel], speech[channel]) for channel in range(samples.shape[0])],
        sample_rate,
        engine,
        guess.language,
        beam_size=options.beam_size,
        initial_prompt=". ".join(v.strip() for v in vocabulary if v.strip()) or None,
        settings=settings,
    )
    words = dict(enumerate(per_channel))
    return CallTranscript(
        words=words,
        language=guess.language,
        language_probability=guess.probability,
        engine=engine.name,
        model=engine.model_name,
        language_probabilities=guess.probabilities,
    )


def as_stretch(segment: Any) -> Stretch:
    """(start_s, end_s) from an activity.Segment or a pair."""
    if hasattr(segment, "start_s"):
        return float(segment.start_s), float(segment.end_s)
    start, end = segment
    return float(start), float(end)


def _choose_language(
    samples: np.ndarray,
    sample_rate: int,
    speech: list[list[Stretch]],
    options: AnalysisOptions,
    load_engine: EngineLoader,
) -> LanguageGuess:
    if options.language != "auto":
        return LanguageGuess(options.language)
    if options.model == ENGLISH_MODEL:
        return LanguageGuess("en")  # an English-only model cannot tell
    try:
        detector = load_engine(options.engine, options.model or MULTILINGUAL_MODEL)
    except ModelUnavailableError:
        if options.model is not None:
            raise
        # Without the multilingual extra only English can be transcribed.
        return LanguageGuess("en")
    if not detector.multilingual:
        return LanguageGuess("en")
    audio = speech_sample(samples, sample_rate, speech, options.agent_channel)
    if audio.size == 0:
        return LanguageGuess("en")
    return pick_supported(detector.detect_language(audio))


def speech_sample(
    samples: np.ndarray,
    sample_rate: int,
    speech: list[list[Stretch]],
    preferred_channel: int,
    seconds: float = LANGUAGE_DETECTION_S,
) -> np.ndarray:
    """Up to ``seconds`` of one party's speech at 16 kHz, silences left out.

    The agent's channel when it has speech, else the channel with the most.
    """
    if not any(speech):
        return np.zeros(0, dtype=np.float32)
    channel = preferred_channel if preferred_channel < len(speech) else 0
    if not speech[channel]:
        channel = max(range(len(speech)), key=lambda c: sum(e - s for s, e in speech[c]))
    pieces: list[np.ndarray] = []
    remaining = seconds
    for start, end in speech[channel]:
        take = min(end - start, remaining)
        i0, i1 = round(start * sample_rate), round((start + take) * sample_rate)
        pieces.append(samples[channel, i0:i1])
        remaining -= take
        if remaining <= 0:
            break
    return prepare_audio(np.concatenate(pieces), sample_rate) if pieces else np.zeros(0)


def pick_supported(guess: LanguageGuess) -> LanguageGuess:
    """The most probable language the product supports (en, sv, nb, el).

    Phrase lists and ranges exist only for these, and Whisper confuses close
    neighbours on short phone audio (Norwegian <-> Danish, Swedish <-> Norwegian),
    so the choice is restricted to them; the raw probabilities are kept.
    """
    if not guess.probabilities:
        return guess
    best = max(SUPPORTED_LANGUAGES, key=lambda code: guess.probabilities.get(code, 0.0))
    return LanguageGuess(best, guess.probabilities.get(best, 0.0), guess.probabilities)
