"""Ringback as it arrives from real lines: recorded tones, codecs, hum, DC, noise, cadences.

Used by tests/analyzers/test_ringback_lines.py and bench/bench_ringback_lines.py.
Truth is exact: each ring is placed at a known sample, so the rings and the answer
(the end of the ringback; speech follows) are known.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from analyzers.ringback_plans import RINGBACK_PLANS, RingbackPlan
from sample_audio.telephone_line import codec_round_trip, mains_hum, pink_noise

SR = 8000
# baresip's recorded US ringback (Debian baresip-core): 440+480 Hz, G.711 u-law,
# 2.01 s on, period 6.03 s (0.5 % long).
RECORDED_US_RINGBACK = Path("/usr/share/baresip/ringback.wav")
RECORDED_BURST_S = (0.28, 6.31)  # one cycle: burst onset to the next burst's onset
RECORDED_ON_S = 2.05  # the burst and its fade
# A recorded voice prompt (Debian asterisk-core-sounds-en-wav) that answers.
RECORDED_GREETING = Path("/usr/share/asterisk/sounds/en/hello-world.wav")


@dataclass(frozen=True)
class LineCondition:
    """What happens to the ringback (and the speech after it) on the way to the recording."""

    noise_dbov: float | None = None
    hum_hz: float | None = None
    hum_dbov: float = -35.0
    dc: float = 0.0
    codec: str | None = None
    level_steps_db: tuple[float, ...] = (0.0,)  # per ring, cycled: level changes
    on_scale: float = 1.0  # cadence within E.180's tolerances
    off_scale: float = 1.0
    # The answered line is a quiet digital path (DTX): the noise, hum and DC end there.
    quiet_after_answer: bool = False


LINE_CONDITIONS: dict[str, LineCondition] = {
    "clean": LineCondition(),
    "pink_noise_-45": LineCondition(noise_dbov=-45.0),
    "hum_50": LineCondition(hum_hz=50.0),
    "hum_60": LineCondition(hum_hz=60.0),
    "dc_offset": LineCondition(dc=0.05),
    "level_changes": LineCondition(level_steps_db=(0.0, -10.0, 4.0, -6.0)),
    "cadence_long": LineCondition(on_scale=1.1, off_scale=1.1),
    "cadence_short": LineCondition(on_scale=0.9, off_scale=0.9),
    "cadence_skewed": LineCondition(on_scale=1.1, off_scale=0.9),
    **{
        f"codec_{c}": LineCondition(codec=c)
        for c in (
            "ulaw",
            "alaw",
            "gsm",
            "amr_nb_12k2",
            "amr_nb_4k75",
            "opus_12k",
            "g723_1",
            "g726_32k",
        )
    },
    "quiet_answered_line": LineCondition(noise_dbov=-45.0, hum_hz=50.0, quiet_after_answer=True),
    "quiet_answered_line_gsm": LineCondition(
        noise_dbov=-45.0, hum_hz=60.0, codec="gsm", quiet_after_answer=True
    ),
    "hum_dc_noise_gsm": LineCondition(noise_dbov=-45.0, hum_hz=50.0, dc=0.03, codec="gsm"),
    "hum_noise_amr": LineCondition(
        noise_dbov=-45.0, hum_hz=60.0, codec="amr_nb_4k75", level_steps_db=(0.0, -8.0)
    ),
    "everything_opus": LineCondition(
        noise_dbov=-45.0,
        hum_hz=50.0,
        dc=0.03,
        codec="opus_12k",
        level_steps_db=(0.0, -6.0),
        on_scale=1.08,
        off_scale=0.93,
    ),
}


def ring_cycle(plan: RingbackPlan, condition: LineCondition, level_dbov: float) -> np.ndarray:
    """One generated ring cycle with the condition's cadence scaling."""
    amp = 10 ** (level_dbov / 20) * np.sqrt(2) / len(plan.freqs_hz)
    parts = []
    for i, duration in enumerate(plan.cadence_s):
        n = round(duration * (condition.on_scale if i % 2 == 0 else condition.off_scale) * SR)
        if i % 2 == 0:
            t = np.arange(n) / SR
            parts.append(amp * sum(np.sin(2 * np.pi * f * t) for f in plan.freqs_hz))
        else:
            parts.append(np.zeros(n))
    return np.concatenate(parts).astype(np.float32)


@functools.cache
def recorded_us_cycle() -> np.ndarray:
    """One cycle of the recorded US ringback (apt-get install baresip-core)."""
    x, sr = sf.read(RECORDED_US_RINGBACK, dtype="float32")
    if sr != SR:
        raise ValueError(f"{RECORDED_US_RINGBACK} is {sr} Hz, expected {SR}")
    a, b = (round(s * SR) for s in RECORDED_BURST_S)
    return x[a:b]


def ringback(
    code: str | None, rings: int, condition: LineCondition, level_dbov: float = -20.0
) -> tuple[np.ndarray, list[float]]:
    """``rings`` cycles (code None: the recorded US ringback) and each ring's onset."""
    pieces, onsets, t = [], [], 0
    for i in range(rings):
        gain_db = condition.level_steps_db[i % len(condition.level_steps_db)]
        if code is None:
            # The ringback's level changes, the line noise between its bursts does not.
            cycle = recorded_us_cycle() * 10 ** ((level_dbov + 20.0) / 20)
            cycle[: round(RECORDED_ON_S * SR)] *= 10 ** (gain_db / 20)
        else:
            cycle = ring_cycle(RINGBACK_PLANS[code], condition, level_dbov + gain_db)
        onsets.append(t / SR)
        pieces.append(cycle)
        t += len(cycle)
    return np.concatenate(pieces).astype(np.float32), onsets


def on_the_line(
    x: np.ndarray, condition: LineCondition, seed: int = 0, answer_s: float | None = None
) -> np.ndarray:
    """The condition's noise, hum and DC added (up to ``answer_s`` on a line that is quiet
    after the answer), then its codec."""
    y = x.astype(np.float32).copy()
    end = len(y)
    if condition.quiet_after_answer:
        if answer_s is None:
            raise ValueError("a line quiet after the answer needs answer_s")
        end = round(answer_s * SR)
    if condition.noise_dbov is not None:
        y[:end] += pink_noise(end, condition.noise_dbov, seed)
    if condition.hum_hz is not None:
        y[:end] += mains_hum(end, condition.hum_hz, condition.hum_dbov)
    y[:end] += np.float32(condition.dc)
    if condition.codec is not None:
        y = codec_round_trip(y, condition.codec)
    return np.clip(y, -1.0, 1.0).astype(np.float32)


@functools.cache
def recorded_greeting(level_dbov: float = -22.0) -> np.ndarray:
    """The recorded prompt from its first sound (the answer), at an RMS of ``level_dbov``."""
    x, sr = sf.read(RECORDED_GREETING, dtype="float32")
    if sr != SR:
        raise ValueError(f"{RECORDED_GREETING} is {sr} Hz, expected {SR}")
    x = x[int(np.flatnonzero(np.abs(x) > 0.01)[0]) :]
    return (x / np.sqrt(np.mean(x**2)) * 10 ** (level_dbov / 20)).astype(np.float32)
