"""Speed and accuracy of analyzers.activity (and analyzers.turns) on generated calls.

    PYTHONPATH=. .venv/bin/python bench/bench_activity.py [--seconds 300] [--repeat 5] [--silero]

- Time of detect_activity and of the turn functions on a stereo 8 kHz call of
  --seconds (sample_audio.callgen.benchmark_call), CPU next to wall time since the
  machine may be shared.
- Boundary accuracy against the generator's truth on every SAMPLE_CALL, built with
  line noise -55 dBov and crosstalk -25 dB: |start error| and |end error| of each
  party's placed speech, speech missed, and stray segments (speech found where none
  was placed: echo, noise, ringback).
- --silero: the same accuracy and time for faster-whisper's bundled Silero VAD
  (onnx, 16 kHz), which has no notion of crosstalk.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

from analyzers import turns
from analyzers.activity import detect_activity
from analyzers.spans import Span
from sample_audio.callgen import SAMPLE_CALLS, CallTruth, benchmark_call, build_call

Detector = Callable[[np.ndarray, int], list[list[Span]]]


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (CPU seconds, wall seconds) over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def silero(samples: np.ndarray, sample_rate: int) -> list[list[Span]]:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import soxr
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_speech_duration_ms=250, min_silence_duration_ms=300, speech_pad_ms=30)
    out = []
    for channel in samples:
        y = soxr.resample(channel, sample_rate, 16000).astype(np.float32)
        stamps = get_speech_timestamps(y, options)
        out.append([Span(s["start"] / 16000, s["end"] / 16000) for s in stamps])
    return out


def placed(truth: CallTruth, party: str) -> list[tuple[float, float]]:
    spans: list[list[float]] = []
    for u in sorted((u for u in truth.utterances if u.party == party), key=lambda u: u.start_s):
        if spans and u.start_s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], u.end_s)
        else:
            spans.append([u.start_s, u.end_s])
    return [(a, b) for a, b in spans]


def accuracy(detector: Detector) -> dict[str, float]:
    starts, ends, missed, stray, seconds = [], [], 0, 0, 0.0
    for spec in SAMPLE_CALLS.values():
        audio, sr, truth = build_call(
            spec.model_copy(update={"noise_dbov": -55.0, "crosstalk_db": -25.0})
        )
        t0 = time.perf_counter()
        found = detector(audio, sr)
        seconds += time.perf_counter() - t0
        for party, ch in (("agent", truth.agent_channel), ("customer", truth.customer_channel)):
            spans = placed(truth, party)
            for a, b in spans:
                cover = [s for s in found[ch] if s.start_s < b and s.end_s > a]
                if not cover:
                    missed += 1
                    continue
                starts.append(abs(cover[0].start_s - a))
                ends.append(abs(cover[-1].end_s - b))
            stray += sum(
                1
                for s in found[ch]
                if not any(s.start_s < b + 0.2 and s.end_s > a - 0.2 for a, b in spans)
            )
    return {
        "spans": len(starts) + missed,
        "missed": missed,
        "stray": stray,
        "start_p50": float(np.median(starts)),
        "start_p90": float(np.percentile(starts, 90)),
        "start_max": float(np.max(starts)),
        "end_p50": float(np.median(ends)),
        "end_p90": float(np.percentile(ends, 90)),
        "end_max": float(np.max(ends)),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--silero", action="store_true")
    args = parser.parse_args()

    audio, sr, truth = build_call(benchmark_call(args.seconds))
    print(f"call: {audio.shape[1] / sr:.1f} s, {audio.shape[0]} channels, {sr} Hz")
    cpu, wall = timed(lambda: detect_activity(audio, sr), args.repeat)
    print(f"detect_activity: cpu {cpu:.3f} s, wall {wall:.3f} s")
    found = detect_activity(audio, sr)
    agent, customer = found[truth.agent_channel], found[truth.customer_channel]

    def all_turn_functions() -> None:
        turns.turns_from_activity(agent, customer)
        turns.find_interruptions(agent, customer, 1.0)
        turns.find_silences(agent, customer, truth.answered_at_s, truth.duration_s, 1.0)
        turns.longest_monologue(agent, customer)
        turns.talk_share(agent, customer)

    cpu, wall = timed(all_turn_functions, args.repeat)
    print(f"turn functions: cpu {cpu * 1000:.2f} ms, wall {wall * 1000:.2f} ms")

    detectors: dict[str, Detector] = {"energy (default)": detect_activity}
    if args.silero:
        detectors["silero (faster-whisper)"] = silero
    for name, detector in detectors.items():
        r = accuracy(detector)
        print(
            f"{name}: {r['spans']} spans, missed {r['missed']}, stray segments {r['stray']}; "
            f"|start err| p50/p90/max {r['start_p50']:.3f}/{r['start_p90']:.3f}/"
            f"{r['start_max']:.3f} s; |end err| {r['end_p50']:.3f}/{r['end_p90']:.3f}/"
            f"{r['end_max']:.3f} s; {r['seconds']:.2f} s for all calls"
        )


if __name__ == "__main__":
    main()
