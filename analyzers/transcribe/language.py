"""Which language to transcribe a call in: given, or detected among the supported ones.

Detection runs the multilingual model on the first ~30 s of one party's speech.
Whisper confuses close neighbours on short phone audio (Norwegian, Danish,
Swedish), so the choice is restricted to the languages the product supports,
and where the call's country is known (the team's hint, or the ringback tone's
plan) its languages are favoured: a prior, not a rule, so a confident detection
of another language (an English call to a Swedish team) still wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.options import SUPPORTED_LANGUAGES, AnalysisOptions
from analyzers.transcribe.channel import prepare_audio
from analyzers.transcribe.chunks import Stretch
from analyzers.transcribe.engine import LanguageGuess, TranscriptionEngine
from analyzers.transcribe.models import ENGLISH_MODEL, MULTILINGUAL_MODEL

LANGUAGE_DETECTION_S = 30.0

# Country (ISO 3166 alpha-2, plus the ringback plans' "UK") -> the supported
# language its calls are most likely in.
COUNTRY_LANGUAGES: dict[str, str] = {
    "SE": "sv",
    "AX": "sv",
    "NO": "nb",
    "GR": "el",
    "CY": "el",
    "US": "en",
    "CA": "en",
    "UK": "en",
    "GB": "en",
    "IE": "en",
    "AU": "en",
    "NZ": "en",
}
# Share of the prior given to the country's languages; the rest is spread
# evenly, so the country's language weighs up to (1 + 3 * w) / (1 - w) = 7x.
COUNTRY_PRIOR_WEIGHT = 0.6

EngineLoader = Callable[[str, str | None], TranscriptionEngine]


def choose_language(
    samples: Sequence[np.ndarray],
    sample_rate: int,
    speech: list[list[Stretch]],
    options: AnalysisOptions,
    load_engine: EngineLoader,
    countries: Sequence[str] = (),
) -> LanguageGuess:
    """The given language, or the detected one; ``countries`` the call may come from."""
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
    agent = options.agent_channel if isinstance(options.agent_channel, int) else 0
    audio = speech_sample(samples, sample_rate, speech, agent)
    if audio.size == 0:
        return LanguageGuess("en")
    return pick_supported(detector.detect_language(audio), countries)


def speech_sample(
    samples: Sequence[np.ndarray],
    sample_rate: int,
    speech: list[list[Stretch]],
    preferred_channel: int,
    seconds: float = LANGUAGE_DETECTION_S,
) -> np.ndarray:
    """Up to ``seconds`` of one party's speech at 16 kHz, silences left out.

    ``samples`` is (channels, n) or a sequence of 1-D channels. The agent's channel
    when it has speech, else the channel with the most.
    """
    if not any(speech):
        return np.zeros(0, dtype=np.float32)
    channel = preferred_channel if preferred_channel < len(speech) else 0
    if not speech[channel]:
        channel = max(range(len(speech)), key=lambda c: sum(e - s for s, e in speech[c]))
    x = samples[channel]
    pieces: list[np.ndarray] = []
    remaining = seconds
    for start, end in speech[channel]:
        take = min(end - start, remaining)
        i0, i1 = round(start * sample_rate), round((start + take) * sample_rate)
        pieces.append(x[i0:i1])
        remaining -= take
        if remaining <= 0:
            break
    return prepare_audio(np.concatenate(pieces), sample_rate) if pieces else np.zeros(0)


def country_prior(countries: Sequence[str]) -> dict[str, float]:
    """Prior over the supported languages; uniform when no country names one of them."""
    uniform = 1.0 / len(SUPPORTED_LANGUAGES)
    favoured = {COUNTRY_LANGUAGES[c.upper()] for c in countries if c.upper() in COUNTRY_LANGUAGES}
    if not favoured:
        return dict.fromkeys(SUPPORTED_LANGUAGES, uniform)
    w = COUNTRY_PRIOR_WEIGHT
    return {
        code: (1 - w) * uniform + (w / len(favoured) if code in favoured else 0.0)
        for code in SUPPORTED_LANGUAGES
    }


def pick_supported(guess: LanguageGuess, countries: Sequence[str] = ()) -> LanguageGuess:
    """The most probable supported language (en, sv, nb, el) given the countries.

    Phrase lists and ranges exist only for these. The probability returned is
    the chosen language's share among them after the prior; the model's raw
    probabilities are kept.
    """
    if not guess.probabilities:
        return guess
    prior = country_prior(countries)
    weighted = {code: guess.probabilities.get(code, 0.0) * prior[code] for code in prior}
    total = sum(weighted.values())
    if total <= 0.0:
        return LanguageGuess(SUPPORTED_LANGUAGES[0], 0.0, guess.probabilities)
    best = max(weighted, key=weighted.__getitem__)
    return LanguageGuess(best, round(weighted[best] / total, 4), guess.probabilities)
