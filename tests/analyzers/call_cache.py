"""Sample calls for the activity/turn tests, built once per test session.

``built_call("good_call", noise_dbov=-55.0)`` builds ``SAMPLE_CALLS[name]`` with
the spec fields overridden; the truth comes from the generator, so tests
compare against exactly what was placed in the audio.
"""

from __future__ import annotations

import functools

import numpy as np

from analyzers.spans import Span
from sample_audio.callgen import SAMPLE_CALLS, CallTruth, build_call
from sample_audio.spec import Party


@functools.lru_cache(maxsize=32)
def _built(
    name: str, overrides: tuple[tuple[str, object], ...]
) -> tuple[np.ndarray, int, CallTruth]:
    spec = SAMPLE_CALLS[name].model_copy(update=dict(overrides))
    audio, sr, truth = build_call(spec)
    audio.setflags(write=False)  # shared between tests
    return audio, sr, truth


def built_call(name: str, **overrides: object) -> tuple[np.ndarray, int, CallTruth]:
    """(audio (2, n) float32 read-only, sample rate, truth) of a sample call variant."""
    return _built(name, tuple(sorted(overrides.items())))


def truth_speech(truth: CallTruth, party: Party) -> list[Span]:
    """The party's placed utterances, overlapping ones merged."""
    spans: list[Span] = []
    for u in sorted((u for u in truth.utterances if u.party == party), key=lambda u: u.start_s):
        if spans and u.start_s <= spans[-1].end_s:
            spans[-1] = Span(spans[-1].start_s, max(spans[-1].end_s, u.end_s))
        else:
            spans.append(Span(u.start_s, u.end_s))
    return spans
