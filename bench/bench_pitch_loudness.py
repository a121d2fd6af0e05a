"""Speed and accuracy of analyzers.pitch and analyzers.loudness on a generated call.

    PYTHONPATH=. .venv/bin/python bench/bench_pitch_loudness.py [--seconds 300] [--repeat 3]

Builds a stereo 8 kHz call with sample_audio.callgen (espeak-ng), then reports:
- CPU and wall time of f0_track (per channel, inside the party's speech as the pipeline
  passes it, and over every frame) and of the loudness functions, and the real-time factor;
- librosa.yin (whole call) and librosa.pyin (first --pyin-s seconds, extrapolated) for scale;
- the agent's F0 spread from ours, Praat (parselmouth, defaults), yin and pyin.
CPU time is reported next to wall time because the machine may be shared.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from analyzers import loudness, pitch
from sample_audio.callgen import benchmark_call, build_call


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (CPU seconds, wall seconds) over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def spread_of(f0: np.ndarray) -> float | None:
    return pitch.semitone_spread(np.where(np.isfinite(f0) & (f0 > 0), f0, np.nan))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyin-s", type=float, default=20.0)
    args = parser.parse_args()

    audio, sr, truth = build_call(benchmark_call(args.seconds))
    duration = audio.shape[1] / sr
    channels = [audio[ch].astype(np.float64) for ch in range(audio.shape[0])]
    spans = {
        ch: [(u.start_s, u.end_s) for u in truth.utterances if u.channel == ch]
        for ch in range(len(channels))
    }
    speech_share = [sum(b - a for a, b in spans[ch]) / duration for ch in spans]
    print(
        f"call: {duration:.1f} s, {len(channels)} channels at {sr} Hz, "
        f"speech share per channel {', '.join(f'{s:.0%}' for s in speech_share)}"
    )

    rows: list[tuple[str, float, float]] = []

    def stage(name: str, function: Callable[[], object]) -> None:
        cpu, wall = timed(function, args.repeat)
        rows.append((name, cpu, wall))

    stage(
        "pitch, speech spans, both channels",
        lambda: [pitch.f0_track(x, sr, active=spans[ch]) for ch, x in enumerate(channels)],
    )
    stage("pitch, every frame, both channels", lambda: [pitch.f0_track(x, sr) for x in channels])
    turns = [(u.channel, (u.start_s, u.end_s)) for u in truth.utterances]
    stage(
        "loudness: call level + turn levels + envelope, both channels",
        lambda: [
            (
                loudness.active_speech_level_dbov(x, sr),
                loudness.turn_levels(x, sr, [s for c, s in turns if c == ch]),
                loudness.level_envelope_dbov(x, sr, hop_s=0.1),
            )
            for ch, x in enumerate(channels)
        ],
    )

    import librosa

    stage(
        "librosa.yin (60-400 Hz, 10 ms hop), both channels",
        lambda: [
            librosa.yin(x, fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=80)
            for x in channels
        ],
    )
    pyin_part = channels[truth.agent_channel][: int(args.pyin_s * sr)]
    librosa.pyin(pyin_part[:sr], fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=80)  # JIT
    pyin_cpu, pyin_wall = timed(
        lambda: librosa.pyin(pyin_part, fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=80),
        1,
    )
    scale = 2 * duration / args.pyin_s
    rows.append(
        (
            f"librosa.pyin, both channels (from {args.pyin_s:g} s, extrapolated)",
            pyin_cpu * scale,
            pyin_wall * scale,
        )
    )

    print(f"\n{'stage':62s} {'CPU s':>8s} {'wall s':>8s} {'x real time (CPU)':>18s}")
    for name, cpu, wall in rows:
        print(f"{name:62s} {cpu:8.3f} {wall:8.3f} {duration / max(cpu, 1e-9):18.0f}")

    # Accuracy on the agent's speech: F0 spread in semitones.
    agent = truth.agent_channel
    agent_spans = spans[agent]
    x = channels[agent]
    ours = pitch.semitone_spread(pitch.f0_track(x, sr, active=agent_spans).f0_hz)
    spliced = np.concatenate([x[int(a * sr) : int(b * sr)] for a, b in agent_spans])
    import parselmouth

    praat = parselmouth.Sound(spliced, sr).to_pitch()
    praat_f0 = praat.selected_array["frequency"]
    yin_f0 = librosa.yin(spliced, fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=80)
    pyin_f0, _, _ = librosa.pyin(
        spliced[: int(args.pyin_s * sr)], fmin=60, fmax=400, sr=sr, frame_length=512, hop_length=80
    )
    ours_part = pitch.semitone_spread(pitch.f0_track(spliced[: int(args.pyin_s * sr)], sr).f0_hz)
    praat_part = parselmouth.Sound(spliced[: int(args.pyin_s * sr)], sr).to_pitch()
    print("\nagent F0 spread (semitone SD):")
    print(
        f"  whole call:  ours {ours:.2f}   Praat {spread_of(praat_f0):.2f}   "
        f"librosa.yin (no voicing decision) {spread_of(yin_f0):.2f}"
    )
    print(
        f"  first {args.pyin_s:g} s: ours {ours_part:.2f}   "
        f"Praat {spread_of(praat_part.selected_array['frequency']):.2f}   "
        f"librosa.pyin {spread_of(pyin_f0):.2f}"
    )


if __name__ == "__main__":
    main()
