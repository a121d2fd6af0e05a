"""Time of analyzers.ringback.detect_ringback on 5-minute stereo calls.

    PYTHONPATH=. .venv/bin/python bench/bench_ringback.py [--minutes 5] [--repeat 20] [--no-espeak]

Cases: the callgen benchmark call (SE ringback, then a dialogue; needs espeak-ng),
and a worst case the scan cannot cut short: ringback, then no speech on either
channel (only line noise), so the full 90 s scan limit is read. Times are the
median over ``--repeat`` runs of both channels, after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from analyzers.audio import resample
from analyzers.ringback import detect_ringback
from analyzers.ringback_plans import RINGBACK_PLANS, synthesize_ringback


def silent_after_ringback(minutes: float, sample_rate: int) -> np.ndarray:
    """(2, n): UK ringback for 4 rings on channel 0, -60 dBov line noise everywhere."""
    n = round(minutes * 60 * sample_rate)
    rng = np.random.default_rng(0)
    audio = (10 ** (-60 / 20) * rng.standard_normal((2, n))).astype(np.float32)
    ringback, _ = synthesize_ringback(RINGBACK_PLANS["GB"], 4, sample_rate)
    audio[0, : len(ringback)] += ringback
    return audio


def time_stereo(audio: np.ndarray, sample_rate: int, repeat: int) -> float:
    for channel in audio:
        detect_ringback(channel, sample_rate)  # warm-up: imports, FFT plans
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for channel in audio:
            detect_ringback(channel, sample_rate)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-espeak", action="store_true", help="skip the callgen call")
    args = parser.parse_args()
    cases: dict[str, tuple[np.ndarray, int]] = {}
    if not args.no_espeak:
        from sample_audio.callgen import benchmark_call, build_call, espeak_available

        if espeak_available():
            audio, sr, truth = build_call(benchmark_call(args.minutes * 60))
            cases[f"callgen call ({truth.country}, {truth.rings} rings), 8 kHz"] = (audio, sr)
    worst = silent_after_ringback(args.minutes, 8000)
    cases["ringback then no speech (90 s scan), 8 kHz"] = (worst, 8000)
    cases["ringback then no speech (90 s scan), 48 kHz"] = (resample(worst, 8000, 48000), 48000)
    print(f"detect_ringback, {args.minutes:g} min stereo, both channels, median of {args.repeat}")
    for name, (audio, sr) in cases.items():
        print(f"  {name:<50} {time_stereo(audio, sr, args.repeat):7.1f} ms")


if __name__ == "__main__":
    main()
