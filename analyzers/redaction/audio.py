"""Blank the stretches of a recording where personal data was said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analyzers.spans import Span, merge_spans

AudioMode = Literal["tone", "silence"]


@dataclass(frozen=True)
class BlankSettings:
    # Whisper's word times run early (0.2-0.4 s) and loose: widen each span, more
    # after it than before.
    pad_before_s: float = 0.15
    pad_after_s: float = 0.4
    tone_hz: float = 1000.0
    tone_dbfs: float = -20.0
    fade_s: float = 0.01  # no click at the edges


DEFAULT_BLANK = BlankSettings()


def padded_spans(
    spans: Sequence[tuple[float, float]], duration_s: float, settings: BlankSettings = DEFAULT_BLANK
) -> list[Span]:
    """The spans widened by the padding, clipped to the recording, overlaps merged."""
    return merge_spans(
        (max(0.0, s - settings.pad_before_s), min(duration_s, e + settings.pad_after_s))
        for s, e in spans
    )


def blank_audio(
    samples: np.ndarray,
    sample_rate: int,
    spans: Sequence[tuple[float, float]],
    mode: AudioMode = "tone",
    settings: BlankSettings = DEFAULT_BLANK,
) -> np.ndarray:
    """A copy of ``samples`` ((channels, n) or (n,)) with every channel replaced by a
    tone or silence over the padded spans (all channels: one party's digits leak
    into the other's channel as echo)."""
    out = np.array(samples, dtype=np.float32, copy=True)
    view = out if out.ndim == 2 else out[np.newaxis, :]
    n = view.shape[1]
    for start_s, end_s in padded_spans(spans, n / sample_rate, settings):
        a, b = int(start_s * sample_rate), min(n, int(np.ceil(end_s * sample_rate)))
        view[:, a:b] = _fill(b - a, sample_rate, mode, settings)
    return out


def _fill(n: int, sample_rate: int, mode: AudioMode, settings: BlankSettings) -> np.ndarray:
    if mode == "silence" or n == 0:
        return np.zeros(n, dtype=np.float32)
    t = np.arange(n) / sample_rate
    tone = 10 ** (settings.tone_dbfs / 20) * np.sin(2 * np.pi * settings.tone_hz * t)
    ramp = min(n // 2, int(settings.fade_s * sample_rate))
    if ramp > 0:
        edge = np.linspace(0.0, 1.0, ramp)
        tone[:ramp] *= edge
        tone[n - ramp :] *= edge[::-1]
    return tone.astype(np.float32)
