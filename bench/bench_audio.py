"""Time and peak memory of analyzers.audio on a 5-minute stereo call, per format.

    .venv/bin/python bench/bench_audio.py [--minutes 5] [--rate 8000] [--repeat 5]

Peak memory is Python-traced allocations (numpy reports its buffers to tracemalloc)
during one load_audio call, next to the size of the decoded float32 array.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import soundfile as sf

from analyzers.audio import load_audio, probe_audio


def call_like_signal(rate: int, seconds: float) -> np.ndarray:
    """(2, n) float32: amplitude-modulated noise, a different rhythm per party."""
    rng = np.random.default_rng(0)
    t = np.arange(int(rate * seconds)) / rate
    noise = rng.standard_normal((2, t.size)) * 0.1
    envelope = np.stack([np.sin(2 * np.pi * 0.2 * t) > 0, np.sin(2 * np.pi * 0.2 * t) <= 0])
    return (noise * envelope).astype(np.float32)


def write_m4a(path: Path, signal: np.ndarray, rate: int) -> None:
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=rate, layout="stereo")
        for start in range(0, signal.shape[1], rate):
            chunk = np.ascontiguousarray(signal[:, start : start + rate])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def measure(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    signal = call_like_signal(args.rate, args.minutes * 60)
    decoded_mb = signal.nbytes / 1e6
    print(f"{args.minutes:g} min stereo {args.rate} Hz; decoded float32 = {decoded_mb:.1f} MB")
    print(f"{'format':<12}{'file MB':>9}{'probe ms':>10}{'load ms':>9}{'peak MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        writers: dict[str, Callable[[Path], None]] = {
            "wav pcm16": lambda p: sf.write(p, signal.T, args.rate, "PCM_16", format="WAV"),
            "wav mu-law": lambda p: sf.write(p, signal.T, args.rate, "ULAW", format="WAV"),
            "flac": lambda p: sf.write(p, signal.T, args.rate, format="FLAC"),
            "ogg opus": lambda p: sf.write(p, signal.T, args.rate, "OPUS", format="OGG"),
            "mp3": lambda p: sf.write(p, signal.T, args.rate, "MPEG_LAYER_III", format="MP3"),
            "m4a (av)": lambda p: write_m4a(p, signal, args.rate),
        }
        for name, write in writers.items():
            path = Path(tmp) / f"call.{name.split()[0]}"
            write(path)
            probe_ms = measure(lambda path=path: probe_audio(path), args.repeat) * 1000
            load_ms = measure(lambda path=path: load_audio(path), args.repeat) * 1000
            tracemalloc.start()
            load_audio(path)
            peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            file_mb = path.stat().st_size / 1e6
            print(f"{name:<12}{file_mb:>9.2f}{probe_ms:>10.2f}{load_ms:>9.1f}{peak_mb:>9.1f}")


if __name__ == "__main__":
    main()
