"""Generated calls for the transcription tests (sample_audio.callgen: exact truth)."""

from __future__ import annotations

import functools

import numpy as np

from analyzers.transcribe.guards import normalize_text
from sample_audio.callgen import CallTruth, build_call
from sample_audio.spec import CallSpec, Utterance


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalize_text(reference), normalize_text(hypothesis) or "<empty>"))


@functools.cache
def short_english_call() -> tuple[np.ndarray, int, CallTruth]:
    """~20 s, two parties, 8 kHz telephone band, line noise and crosstalk."""
    spec = CallSpec(
        name="transcribe_short_en",
        country=None,
        utterances=[
            Utterance(
                party="agent",
                text="Hello and welcome to the support line, my name is Peter. "
                "What can I do for you?",
                voice="en-us+m3",
                wpm=150,
                gap_before_s=0.8,
            ),
            Utterance(
                party="customer",
                text="Hi, my internet has stopped working and I need it for my job.",
                voice="en-us+f2",
                wpm=150,
            ),
            Utterance(
                party="agent",
                text="I am sorry to hear that. When did the problem with your internet "
                "connection start?",
                voice="en-us+m3",
                wpm=150,
            ),
            Utterance(
                party="customer",
                text="It started yesterday evening.",
                voice="en-us+f2",
                wpm=150,
                gap_before_s=0.8,
            ),
        ],
    )
    samples, sr, truth = build_call(spec)
    samples.setflags(write=False)
    return samples, sr, truth


def channel_script(truth: CallTruth, channel: int) -> str:
    return " ".join(u.text for u in truth.utterances if u.channel == channel)


def channel_bounds(truth: CallTruth, channel: int) -> list[tuple[float, float]]:
    return [(u.start_s, u.end_s) for u in truth.utterances if u.channel == channel]
