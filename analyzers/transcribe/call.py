"""Transcribe a whole call: pick the language and model, then every channel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from analyzers.errors import ModelUnavailableError
from analyzers.options import AnalysisOptions
from analyzers.report import Word
from analyzers.transcribe.channel import (
    DEFAULT_CHANNEL,
    ChannelSettings,
    ChunkProgress,
    transcribe_channels,
)
from analyzers.transcribe.chunks import Stretch, normalize_stretches
from analyzers.transcribe.language import EngineLoader, choose_language
from analyzers.transcribe.loaded import get_engine
from analyzers.transcribe.models import default_model_for

if TYPE_CHECKING:
    from analyzers.audio import ChannelSamples


@dataclass(frozen=True)
class CallTranscript:
    words: dict[int, list[Word]]
    language: str | None
    language_probability: float | None = None
    engine: str | None = None
    model: str | None = None
    language_probabilities: dict[str, float] = field(default_factory=dict)


def transcribe_call(
    samples: ChannelSamples,
    sample_rate: int,
    speech_per_channel: Sequence[Sequence[Any]],
    options: AnalysisOptions | None = None,
    *,
    vocabulary: Sequence[str] = (),
    countries: Sequence[str] = (),
    settings: ChannelSettings = DEFAULT_CHANNEL,
    load_engine: EngineLoader = get_engine,
    on_progress: ChunkProgress | None = None,
) -> CallTranscript:
    """Words per channel index, plus the language they were transcribed in.

    ``samples`` is (channels, n), or a sequence of 1-D channels (each fetched again
    for each chunk, so a paged call is never all in memory); ``speech_per_channel[c]``
    lists channel c's voice-active stretches as ``spans.Span`` (start_s, end_s
    attributes) or (start_s, end_s) tuples. Language "auto" is detected on the first ~30 s
    of the agent's speech with the multilingual model. ``vocabulary`` (names of
    the agent, the customer, the company) is given to Whisper as its prompt, so
    it spells them as the call's metadata does. ``countries`` the call is
    likely from (the team's hint, the ringback plan's) favour their languages
    when detecting.
    """
    options = options or AnalysisOptions()
    channels = as_channels(samples)
    if len(speech_per_channel) != len(channels):
        raise ValueError(f"{len(speech_per_channel)} speech lists for {len(channels)} channels")
    duration_s = len(channels[0]) / sample_rate
    speech = [
        normalize_stretches([as_stretch(s) for s in stretches], duration_s)
        for stretches in speech_per_channel
    ]
    if options.engine == "none":
        language = None if options.language == "auto" else options.language
        return CallTranscript({c: [] for c in range(len(speech))}, language, engine="none")

    guess = choose_language(channels, sample_rate, speech, options, load_engine, countries)
    model = options.model or default_model_for(guess.language)
    engine = load_engine(options.engine, model)
    if not engine.multilingual and guess.language != "en":
        raise ModelUnavailableError(
            f"model {engine.model_name!r} is English-only; cannot transcribe {guess.language!r}"
        )
    per_channel = transcribe_channels(
        _WithSpeech(channels, speech),
        sample_rate,
        engine,
        guess.language,
        beam_size=options.beam_size,
        initial_prompt=". ".join(v.strip() for v in vocabulary if v.strip()) or None,
        settings=settings,
        on_progress=on_progress,
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
    """A span from an ``analyzers.spans.Span`` or any (start_s, end_s) pair."""
    start, end = segment
    return Stretch(float(start), float(end))


def as_channels(samples: ChannelSamples) -> Sequence[np.ndarray]:
    """A (channels, n) array (1-D: one channel) as its rows; a sequence of 1-D channels
    as it is."""
    if isinstance(samples, np.ndarray):
        rows = np.atleast_2d(samples)
        if rows.ndim != 2:
            raise ValueError(f"samples must be (channels, n), got shape {samples.shape}")
        return list(rows)
    return samples


class _WithSpeech(Sequence[tuple[np.ndarray, Sequence[Stretch]]]):
    """(channel samples, its speech) per channel, the samples fetched on each access."""

    def __init__(self, channels: Sequence[np.ndarray], speech: Sequence[list[Stretch]]) -> None:
        self._channels = channels
        self._speech = speech

    def __len__(self) -> int:
        return len(self._channels)

    @overload
    def __getitem__(self, index: int) -> tuple[np.ndarray, Sequence[Stretch]]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[np.ndarray, Sequence[Stretch]]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[np.ndarray, Sequence[Stretch]] | Sequence[tuple[np.ndarray, Sequence[Stretch]]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        return self._channels[index], self._speech[index]
