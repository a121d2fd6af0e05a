"""Peak memory (RSS) and time of a whole analysis, per duration x rate x channels.

    .venv/bin/python bench/bench_memory.py [--engine faster-whisper|none]
        [--cases 60:8000:2,240:48000:2:speech:none,...] [--api]

A case is minutes:rate:channels[:content[:engine]]. Content "silence" (the default) is
a real-voice call (sample_audio/good_call.wav, 45 s) padded with silence to the
duration; "speech" is that call repeated for the whole duration. sox converts it to
FLAC at the rate and channel count.

CLI path: ``analyzers.analyze`` runs in a fresh subprocess that prints its own peak
RSS, per stage and overall (from the kernel's VmHWM, which counts CTranslate2's and
numpy's C allocations and the mapped pages of a long call's samples too), and its RSS
once the analysis has returned, so one case's allocations never hide another's.

API path (--api): ``callcoach serve`` (SQLite, in-process worker, model loaded) as a
subprocess; each case is uploaded to /v1/calls and analysed by the worker thread. The
server's VmHWM is reset before each upload and read when the call is done, with its RSS
then (what stays after a job) and before the upload (idle, model loaded).

Measured (2 shared cores, tiny.en int8; peak RSS before -> after the paged samples,
block-wise analysers and Whisper batches of 2; CLI / API):

    60 min  8 kHz mono    silence   1031 -> 536 MB  /  -> 602 MB
    60 min  8 kHz stereo  silence    807 -> 430 MB  /  -> 596 MB
    60 min  8 kHz stereo  speech    1048 -> 487 MB  /  1252 -> 686 MB
    10 min  8 kHz stereo  speech     668 -> 510 MB  /   766 -> 722 MB
    240 min 48 kHz stereo silence   2934 -> 463 MB  /  3348 -> 655 MB
    240 min 48 kHz stereo speech (engine none)  2937 -> 417 MB  /  -> 520 MB
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "sample_audio" / "good_call.wav"
DEFAULT_CASES = "60:8000:1,60:8000:2,240:48000:2,240:48000:2:speech:none"
_UPLOAD_LIMIT_MB = 500 * 1.048576  # the service's default max_upload_bytes (500 MiB)

# Each stage's own peak: the kernel's high-water mark (VmHWM) is reset as a stage starts
# (/proc/self/clear_refs "5", which also resets ru_maxrss) and read as it ends; the
# whole analysis' peak is the largest of them and of the imports before.
_CHILD = """
import json, sys, time
from analyzers import analyze, AnalysisOptions

def status_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return 0.0

peaks = {"imports": status_mb("VmHWM:")}
started = []

def on_stage(name, done):
    if " " in name or name == "done":  # progress inside a stage ("transcribe 3/8 chunks")
        return
    if started and started[-1] == name:
        peaks[name] = max(peaks.get(name, 0.0), status_mb("VmHWM:"))
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
    "after_mb": status_mb("VmRSS:"),
    "stage_peaks_mb": peaks,
    "timings": report.timings_s,
}))
"""


@dataclass(frozen=True)
class Case:
    minutes: float
    rate: int
    channels: int
    content: str  # "silence" (speech then silence) or "speech" (speech all along)
    engine: str

    @property
    def name(self) -> str:
        return f"call_{self.minutes:g}_{self.rate}_{self.channels}_{self.content}.flac"


def parse_cases(spec: str, engine: str) -> list[Case]:
    cases = []
    for item in spec.split(","):
        minutes, rate, channels, *rest = item.split(":")
        content = rest[0] if rest else "silence"
        if content not in ("silence", "speech"):
            raise SystemExit(f"content must be silence or speech, got {content!r}")
        cases.append(
            Case(float(minutes), int(rate), int(channels), content, rest[1] if rest[1:] else engine)
        )
    return cases


def make_call(path: Path, case: Case) -> None:
    """good_call.wav padded with silence, or repeated, to the case's duration (sox FLAC)."""
    seconds = case.minutes * 60
    speech_s = sf.info(str(SPEECH)).duration
    if case.content == "speech":
        effect = ["repeat", str(int(seconds // speech_s)), "trim", "0", f"{seconds}"]
    else:
        effect = ["pad", "0", f"{max(0.0, seconds - speech_s)}"]
    convert = ["-r", str(case.rate), "-c", str(case.channels)]
    subprocess.run(["sox", str(SPEECH), *convert, str(path), *effect], check=True)


def run_cli(path: Path, engine: str) -> dict[str, object]:
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


class ApiServer:
    """``callcoach serve`` (SQLite, one in-process worker, the engine's model loaded)."""

    def __init__(self, engine: str, work_dir: Path) -> None:
        import bench_api  # this directory, when run as a script

        args = argparse.Namespace(backend="sqlite", engine=engine)
        self.stack = bench_api.start_stack(args, 1, work_dir)
        self.headers = {"Authorization": f"Bearer {bench_api.create_key(self.stack)}"}
        self.status = Path(f"/proc/{self.stack.api.pid}/status")

    def status_mb(self, key: str) -> float:
        for line in self.status.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
        return 0.0

    def analyse(self, path: Path, timeout_s: float = 3 * 3600) -> dict[str, object]:
        import httpx

        idle_mb = self.status_mb("VmRSS:")
        Path(f"/proc/{self.stack.api.pid}/clear_refs").write_text("5")  # reset VmHWM
        started = time.perf_counter()
        base = self.stack.base_url
        with path.open("rb") as audio:
            files = {"audio": (path.name, audio, "audio/flac")}
            answer = httpx.post(f"{base}/v1/calls", headers=self.headers, files=files, timeout=600)
        if answer.status_code != 202:
            return {"error": f"upload {answer.status_code}: {answer.text[:200]}"}
        url = f"{base}/v1/calls/{answer.json()['id']}"
        while time.perf_counter() - started < timeout_s:
            body = httpx.get(url, headers=self.headers, timeout=30).json()
            if body.get("status") in ("done", "failed"):
                break
            time.sleep(1.0)
        if body.get("status") != "done":
            return {"error": f"call {body.get('status')}: {body.get('error')}"}
        time.sleep(2.0)  # the worker thread returns to polling
        return {
            "seconds": time.perf_counter() - started,
            "peak_mb": self.status_mb("VmHWM:"),
            "after_mb": self.status_mb("VmRSS:"),
            "note": f"server idle before: {idle_mb:.0f} MB",
        }

    def stop(self) -> None:
        self.stack.stop()


def _largest(mapping: object, unit: str, n: int = 3) -> str:
    assert isinstance(mapping, dict)
    ranked = sorted(mapping.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v:.0f}{unit}" if unit else f"{k} {v:.0f}" for k, v in ranked)


def table_row(case: Case, path: str, size_mb: float, result: dict[str, object]) -> str:
    head = (
        f"| {case.minutes:g} min | {case.rate} | {case.channels} | {case.content} "
        f"| {case.engine} | {path} | {size_mb:.1f} MB "
    )
    if "error" in result:
        return head + f"| failed: {result['error']} | | | | |"
    peaks = result.get("stage_peaks_mb")
    timings = result.get("timings")
    return head + (
        f"| {result['peak_mb']:.0f} MB | {result['after_mb']:.0f} MB "
        f"| {result['seconds']:.1f} s "
        f"| {_largest(timings, 's') if timings else ''} "
        f"| {_largest(peaks, '') if peaks else result.get('note', '')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="faster-whisper")
    parser.add_argument("--cases", default=DEFAULT_CASES, help="minutes:rate:channels[:...],...")
    parser.add_argument("--api", action="store_true", help="also through callcoach serve")
    args = parser.parse_args()
    cases = parse_cases(args.cases, args.engine)
    print(
        "| duration | rate | ch | content | engine | path | FLAC | peak RSS | RSS after "
        "| time | slowest stages | largest stage peaks (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    servers: dict[str, ApiServer] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for case in cases:
                path = Path(tmp) / case.name
                make_call(path, case)
                size_mb = path.stat().st_size / 1e6
                print(table_row(case, "CLI", size_mb, run_cli(path, case.engine)), flush=True)
                if args.api and size_mb > _UPLOAD_LIMIT_MB:
                    note = {"error": f"over the upload limit ({_UPLOAD_LIMIT_MB} MB)"}
                    print(table_row(case, "API", size_mb, note), flush=True)
                elif args.api:
                    if case.engine not in servers:
                        servers[case.engine] = ApiServer(case.engine, Path(tmp))
                    result = servers[case.engine].analyse(path)
                    print(table_row(case, "API", size_mb, result), flush=True)
                path.unlink()
        finally:
            for server in servers.values():
                server.stop()


if __name__ == "__main__":
    main()
