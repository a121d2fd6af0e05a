"""Time per analysis stage, real-time factor and peak memory on a long call.

    PYTHONPATH=. .venv/bin/python bench/bench_analysis.py [--minutes 5] [--repeat 3]
        [--engine none|faster-whisper] [--language en] [--model tiny.en|base] [--warm]

Builds a stereo 8 kHz call with sample_audio.callgen (or takes --call FILE),
analyses it in a fresh child process per run (so peak RSS is the analysis's
own) and prints a table: seconds per stage (best of --repeat), how many
times faster than real time, and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
opts = AnalysisOptions.model_validate_json(sys.argv[2])
if sys.argv[3] == "warm":  # a worker's steady state: model loaded, one call done
    analyze(sys.argv[1], opts)
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
report = analyze(sys.argv[1], opts)
total = time.perf_counter() - start
print(json.dumps({"total": total, "stages": report.timings_s, "duration": report.duration_s,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "base_rss_mb": base_rss / 1024}))
"""


def _build_call(minutes: float, out_dir: Path) -> Path:
    from sample_audio.callgen import benchmark_call, write_call

    wav, _ = write_call(benchmark_call(duration_s=60.0 * minutes), out_dir)
    return wav


def _run(call: Path, options_json: str, warm: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(call), options_json, "warm" if warm else "cold"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--call", type=Path)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engine", default="none")
    ap.add_argument("--language", default="en")
    ap.add_argument("--model", default=None)
    ap.add_argument(
        "--warm",
        action="store_true",
        help="time a second analysis in each process (model loaded, as in a running worker)",
    )
    args = ap.parse_args()

    from analyzers.options import AnalysisOptions

    options = AnalysisOptions(engine=args.engine, language=args.language, model=args.model)
    with tempfile.TemporaryDirectory() as tmp:
        call = args.call or _build_call(args.minutes, Path(tmp))
        runs = [_run(call, options.model_dump_json(), args.warm) for _ in range(args.repeat)]
    duration = runs[0]["duration"]
    stages = sorted({k for r in runs for k in r["stages"]}, key=list(runs[0]["stages"]).index)
    print(
        f"call: {duration:.1f} s stereo, engine={args.engine}, model={args.model or 'default'},"
        f" best of {args.repeat} runs, each in a fresh process"
        + (" after one untimed analysis (warm worker)" if args.warm else " (model load included)")
    )
    print(f"{'stage':<12}{'seconds':>10}{'x real time':>14}")
    acoustic = 0.0
    for stage in stages:
        best = min(r["stages"].get(stage, 0.0) for r in runs)
        if stage != "transcribe":
            acoustic += best
        rtf = f"{duration / best:,.0f}" if best > 0 else "—"
        print(f"{stage:<12}{best:>10.3f}{rtf:>14}")
    total = min(r["total"] for r in runs)
    print(f"{'acoustic':<12}{acoustic:>10.3f}{duration / acoustic:>14,.0f}")
    print(f"{'total':<12}{total:>10.3f}{duration / total:>14,.0f}")
    peak = max(r["peak_rss_mb"] for r in runs)
    base = max(r["base_rss_mb"] for r in runs)
    print(f"peak RSS {peak:.0f} MB (interpreter + imports before analysis: {base:.0f} MB)")


if __name__ == "__main__":
    main()
