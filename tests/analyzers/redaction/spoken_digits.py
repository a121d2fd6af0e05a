"""Calls built from Asterisk's recorded English prompts and digits (a real voice,
recorded by someone outside this project), with the times each digit was placed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from analyzers.spans import Span

SOUNDS = Path("/usr/share/asterisk/sounds/en")
SAMPLE_RATE = 8000
_GAP_S = 0.12


@dataclass(frozen=True)
class DigitCall:
    audio: np.ndarray  # (2, n) float32: agent on channel 0, customer on channel 1
    sample_rate: int
    digit_spans: list[Span]  # where each read-out digit's voice is (customer channel)


def _clip(name: str) -> np.ndarray:
    data, sr = sf.read(SOUNDS / f"{name}.wav", dtype="float32")
    assert sr == SAMPLE_RATE
    voiced = np.flatnonzero(np.abs(data) > 0.01)  # trim the prompt's own leading/trailing hush
    return data[voiced[0] : voiced[-1] + 1]


def digit_call(number: str, before: tuple[str, ...] = ("your", "number")) -> DigitCall:
    """The agent asks (Asterisk prompts), the customer reads ``number`` digit by digit."""
    agent = np.concatenate([_clip(n) for n in before])
    pause = np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)
    start = len(agent) + len(pause) + SAMPLE_RATE // 2
    pieces, spans, t = [], [], start
    for digit in number:
        clip = _clip(f"digits/{digit}")
        spans.append(Span(t / SAMPLE_RATE, (t + len(clip)) / SAMPLE_RATE))
        gap = np.zeros(int(_GAP_S * SAMPLE_RATE), dtype=np.float32)
        pieces += [clip, gap]
        t += len(clip) + len(gap)
    tail = int(1.5 * SAMPLE_RATE)
    n = t + tail
    audio = np.zeros((2, n), dtype=np.float32)
    audio[0, SAMPLE_RATE // 2 : SAMPLE_RATE // 2 + len(agent)] = agent
    customer = np.concatenate(pieces)
    audio[1, start : start + len(customer)] = customer
    # A faint line noise floor, as on any phone call.
    audio += np.random.default_rng(0).normal(0, 1e-4, audio.shape).astype(np.float32)
    return DigitCall(audio, SAMPLE_RATE, spans)
