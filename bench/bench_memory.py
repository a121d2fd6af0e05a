"""Peak memory (RSS) and time of a whole analysis, per duration x rate x channels.

    .venv/bin/python bench/bench_memory.py [--engine faster-whisper|none] [--cases 60:8000:2,...]

Each case is a real-voice call (sample_audio/good_call.wav, 81 s) padded with silence to
the duration, converted by sox to FLAC at the rate and channel count, then analysed by
``analyzers.analyze`` in a fresh subprocess that prints its own peak RSS, per stage
and overall (from the kernel's VmHWM, which counts CTranslate2's and numpy's C
allocations too), so one case's allocations never hide another's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "sample_audio" / "good_call.wav"
DEFAULT_CASES = "60:8000:1,60:8000:2,30:48000:2,240:48000:2"

# Each stage's own peak: the kernel's high-water mark (VmHWM) is reset as a stage starts
# (/proc/self/clear_refs "5", which also resets ru_maxrss) and read as it ends; the
# whole analysis' peak is the largest of them and of the imports before.
_CHILD = """
import json, sys, time
from analyzers import analyze, AnalysisOptions

def high_water_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0

peaks = {"imports": high_water_mb()}
started = []

def on_stage(name, done):
    if started and started[-1] == name:
        peaks[name] = max(peaks.get(name, 0.0), high_water_mb())
        started.pop()
        return
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    started.append(name)

start = time.perf_counter()
report = analyze(sys.argv[1], AnalysisOptions(engine=sys.argv[2], language="en"), progress=on_stage)
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "peak_mb": max(peaks.values()),
    "stage_peaks_mb": peaks,
    "turns": len(report.turns),
    "timings": report.timings_s,
}))
"""


def make_call(path: Path, minutes: float, rate: int, channels: int) -> None:
    """good_call.wav padded with silence to ``minutes``, as FLAC (sox)."""
    pad_s = max(0.0, minutes * 60 - 80.86)
    subprocess.run(
        [
            "sox",
            str(SPEECH),
            "-r",
            str(rate),
            "-c",
            str(channels),
            str(path),
            "pad",
            "0",
            f"{pad_s}",
        ],
        check=True,
    )


def run_case(path: Path, engine: str) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), engine],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {
            "error": done.stderr.strip().splitlines()[-1:],
            "wall": time.perf_counter() - started,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="faster-whisper")
    parser.add_argument("--cases", default=DEFAULT_CASES, help="minutes:rate:channels,...")
    args = parser.parse_args()
    print(f"engine {args.engine}")
    print("| duration | rate | ch | FLAC size | peak RSS | time | slowest stages ", end="")
    print("| largest stage peaks (MB) |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            minutes_s, rate_s, channels_s = case.split(":")
            minutes, rate, channels = float(minutes_s), int(rate_s), int(channels_s)
            path = Path(tmp) / f"call_{case.replace(':', '_')}.flac"
            make_call(path, minutes, rate, channels)
            result = run_case(path, args.engine)
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            if "error" in result:
                failed = result["error"]
                print(f"| {minutes:g} min | {rate} | {channels} | {size} | failed: {failed} | | |")
                continue
            timings = result["timings"]
            assert isinstance(timings, dict)
            slow = ", ".join(
                f"{k} {v:.1f}s" for k, v in sorted(timings.items(), key=lambda kv: -kv[1])[:3]
            )
            stage_peaks = result["stage_peaks_mb"]
            assert isinstance(stage_peaks, dict)
            largest = ", ".join(
                f"{k} {v:.0f}" for k, v in sorted(stage_peaks.items(), key=lambda kv: -kv[1])[:3]
            )
            print(
                f"| {minutes:g} min | {rate} | {channels} | {size} | {result['peak_mb']:.0f} MB "
                f"| {result['seconds']:.1f} s | {slow} | {largest} |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
