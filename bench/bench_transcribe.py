"""Transcription speed, memory and accuracy on generated stereo 8 kHz calls.

    PYTHONPATH=. .venv/bin/python bench/bench_transcribe.py [--seconds 300] [--no-openai]
    PYTHONPATH=. .venv/bin/python bench/bench_transcribe.py --real   # model choice, real voices

One table, every row measured in its own subprocess (clean peak RSS; model
load time shown apart from the transcription time):

- engine rows: faster-whisper (CTranslate2 int8) and openai-whisper (PyTorch,
  converted checkpoint) with the same model and decoding (beam 5, temperature
  0 with Whisper's fallback), on the voice-active stretches from
  analyzers.activity -> "pipeline", and the same model on each whole channel
  in one go (no VAD chunking, no guards) -> "direct", and faster-whisper's own
  pipeline on each whole channel (``vad_filter=True``, its Silero VAD) -> "vad".
- analysis rows: analyzers.pipeline.analyze on the same call as a WAV (decode,
  activity, pitch, loudness, transcription, rules): the whole analysis.
- --real: instead, the pipeline rows for each model on six calls of real
  recorded voices (sample_audio.realcalls), the evidence for default_model_for.

The call is sample_audio.callgen's benchmark_call (espeak-ng voices, line noise,
crosstalk). WER is against the generator's script, pooled over channels, words
normalised (lowercase, punctuation dropped); ins/del/sub are word counts.
RTF = call duration / wall time; "RTF/cpu" = call duration / CPU seconds, the
figure that does not depend on how busy the (shared) machine is.

Floors checked at the end: whole analysis >= 25x real time with tiny.en and
>= 10x with base, faster-whisper >= 3x faster than openai-whisper, pipeline
WER no worse than the direct run nor than faster-whisper's own vad_filter run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLOOR_RTF = {"tiny.en": 25.0, "base": 10.0}
FLOOR_ENGINE_SPEEDUP = 3.0
Words = dict[str, list[str]]  # "call/channel" -> words


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(job: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in this (fresh) process; return timings and words."""
    calls = []
    for path in job["calls"]:
        data = np.load(path)
        calls.append((Path(path).stem, data["samples"], int(data["sample_rate"])))
    if job["kind"] == "analysis":
        return _analysis_worker(job, calls)

    from analyzers.activity import detect_activity
    from analyzers.transcribe import get_engine
    from analyzers.transcribe.channel import prepare_audio, transcribe_channels

    w0 = time.perf_counter()
    engine = get_engine(job["engine"], job["model"])
    load_s = time.perf_counter() - w0
    speech = {name: detect_activity(samples, sr) for name, samples, sr in calls}
    words: Words = {}
    c0, w0 = time.process_time(), time.perf_counter()
    for name, samples, sr in calls:
        if job["mode"] == "pipeline":  # all channels' chunks batched together, as in analyze()
            channels = [
                (samples[ch], [(s.start_s, s.end_s) for s in speech[name][ch]])
                for ch in range(samples.shape[0])
            ]
            found = transcribe_channels(channels, sr, engine, "en", beam_size=5)
            for ch, channel_words in enumerate(found):
                words[f"{name}/{ch}"] = [w.word for w in channel_words]
            continue
        for ch in range(samples.shape[0]):
            audio = prepare_audio(samples[ch], sr)
            if job["mode"] == "vad":
                words[f"{name}/{ch}"] = _own_vad_words(engine, audio)
                continue
            result = engine.transcribe(audio, language="en", beam_size=5)
            words[f"{name}/{ch}"] = [w.word for w in result.words]
    return {
        "load_s": load_s,
        "wall_s": time.perf_counter() - w0,
        "cpu_s": time.process_time() - c0,
        "words": words,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _own_vad_words(engine: Any, audio_16k: np.ndarray) -> list[str]:
    """faster-whisper's own pipeline: its Silero VAD, same model, beam and decoding."""
    segments, _ = engine._model.transcribe(
        audio_16k, language="en", vad_filter=True, **engine.decoding_options(5)
    )
    return [w.word for s in segments for w in (s.words or [])]


def _analysis_worker(job: dict[str, Any], calls: list[tuple[str, np.ndarray, int]]) -> dict:
    from analyzers.options import AnalysisOptions
    from analyzers.pipeline import analyze

    words: Words = {}
    c0, w0 = time.process_time(), time.perf_counter()
    for (name, samples, _), wav in zip(calls, job["wavs"], strict=True):
        report = analyze(wav, AnalysisOptions(language="en", model=job["model"]))
        for ch in range(samples.shape[0]):
            party = "agent" if ch == (report.agent_channel or 0) else "customer"
            words[f"{name}/{ch}"] = [
                w.word for t in report.turns if t.party == party for w in t.words
            ]
    return {
        "wall_s": time.perf_counter() - w0,
        "cpu_s": time.process_time() - c0,
        "words": words,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _run_job(job: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(job)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _wer(references: dict[str, str], words: Words) -> tuple[float, int, int, int]:
    import jiwer

    from analyzers.transcribe.guards import normalize_text

    keys = sorted(references)
    refs = [normalize_text(references[k]) for k in keys]
    hyps = [normalize_text(" ".join(words.get(k, []))) or "<empty>" for k in keys]
    out = jiwer.process_words(refs, hyps)
    return out.wer, out.insertions, out.deletions, out.substitutions


def _synthetic_calls(seconds: float, tmp: Path) -> tuple[list[Path], list[Path], dict, float]:
    from sample_audio.callgen import benchmark_call, build_call, write_call

    spec = benchmark_call(seconds)
    samples, sr, truth = build_call(spec)
    path = tmp / f"{spec.name}.npz"
    np.savez(path, samples=samples, sample_rate=sr)
    wav, _ = write_call(spec, tmp, subtype="PCM_16")
    refs = {
        f"{path.stem}/{ch}": " ".join(u.text for u in truth.utterances if u.channel == ch)
        for ch in range(samples.shape[0])
    }
    print(
        f"call: {samples.shape[1] / sr:.1f} s stereo {sr} Hz, "
        f"{sum(u.word_count for u in truth.utterances)} words (espeak-ng, benchmark_call)"
    )
    return [path], [wav], refs, samples.shape[1] / sr


def _real_calls(tmp: Path) -> tuple[list[Path], list[Path], dict, float]:
    from sample_audio import realcalls

    if not realcalls.available():
        raise SystemExit(f"real-voice corpora missing: {realcalls.missing_corpora()}")
    specs = [realcalls.real_call_spec(name) for name in realcalls.REAL_CALL_RECIPES]
    specs += [realcalls.compose_call(f"composed_{seed}", seed) for seed in (1, 2, 3)]
    paths, refs, duration = [], {}, 0.0
    for spec in specs:
        samples, sr, truth = realcalls.build_real_call(spec)
        path = tmp / f"{spec.name}.npz"
        np.savez(path, samples=samples, sample_rate=sr)
        paths.append(path)
        duration += samples.shape[1] / sr
        for ch in range(samples.shape[0]):
            refs[f"{path.stem}/{ch}"] = " ".join(
                u.text for u in truth.utterances if u.channel == ch
            )
    print(f"calls: {len(paths)} with real recorded voices, {duration:.1f} s in all")
    return paths, [], refs, duration


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--no-openai", action="store_true", help="skip openai-whisper rows")
    parser.add_argument("--real", action="store_true", help="model choice on real voices")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker))))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="bench_transcribe_"))
    if args.real:
        calls, wavs, references, duration = _real_calls(tmp)
    else:
        calls, wavs, references, duration = _synthetic_calls(args.seconds, tmp)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    jobs: list[dict[str, Any]] = []
    for model in [m for m in args.models.split(",") if m]:
        engines = ["faster-whisper"] + ([] if args.no_openai or args.real else ["openai-whisper"])
        for engine in engines:
            jobs.append({"kind": "engine", "engine": engine, "model": model, "mode": "pipeline"})
        if args.real:
            jobs.append(
                {"kind": "engine", "engine": "faster-whisper", "model": model, "mode": "vad"}
            )
        else:
            for kind, mode in (("engine", "direct"), ("engine", "vad"), ("analysis", "whole")):
                jobs.append(
                    {"kind": kind, "engine": "faster-whisper", "model": model, "mode": mode}
                )

    header = (
        f"{'what':<9} {'engine':<15} {'model':<8} {'mode':<9} {'load s':>6} {'wall s':>7} "
        f"{'cpu s':>6} {'RTF':>6} {'RTF/cpu':>7} {'peak MB':>7} {'WER':>6} "
        f"{'ins':>4} {'del':>4} {'sub':>4}"
    )
    print(header)
    print("-" * len(header))
    results: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for job in jobs:
        res = _run_job({**job, "calls": [str(p) for p in calls], "wavs": [str(w) for w in wavs]})
        results.append((job, res))
        label = f"{job['kind']:<9} {job['engine']:<15} {job['model']:<8} {job['mode']:<9}"
        if "error" in res:
            print(f"{label} ERROR {res['error']}")
            continue
        wer, ins, dele, sub = _wer(references, res["words"])
        load = f"{res['load_s']:>6.1f}" if "load_s" in res else f"{'-':>6}"
        print(
            f"{label} {load} {res['wall_s']:>7.1f} {res['cpu_s']:>6.1f} "
            f"{duration / res['wall_s']:>6.1f} {duration / res['cpu_s']:>7.1f} "
            f"{res['peak_rss_mb']:>7.0f} {wer:>6.3f} {ins:>4} {dele:>4} {sub:>4}",
            flush=True,
        )
    _check_floors(results, references, duration)
    return 0


def _check_floors(
    results: list[tuple[dict[str, Any], dict[str, Any]]],
    references: dict[str, str],
    duration: float,
) -> None:
    def find(**match: str) -> dict[str, Any] | None:
        for job, res in results:
            if all(job[k] == v for k, v in match.items()) and "error" not in res:
                return res
        return None

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print("\nfloors:")
    for model, floor in FLOOR_RTF.items():
        whole = find(kind="analysis", model=model)
        if whole:
            rtf, cpu_rtf = duration / whole["wall_s"], duration / whole["cpu_s"]
            print(
                f"  whole analysis {model}: {rtf:.1f}x wall, {cpu_rtf:.1f}x per CPU-second; "
                f"floor {floor:.0f}x -> wall {verdict(rtf >= floor)}, "
                f"cpu {verdict(cpu_rtf >= floor)}"
            )
        fast = find(kind="engine", engine="faster-whisper", model=model, mode="pipeline")
        slow = find(kind="engine", engine="openai-whisper", model=model, mode="pipeline")
        if fast and slow:
            wall, cpu = slow["wall_s"] / fast["wall_s"], slow["cpu_s"] / fast["cpu_s"]
            print(
                f"  faster- vs openai-whisper {model}: {wall:.1f}x wall, {cpu:.1f}x CPU; "
                f"floor {FLOOR_ENGINE_SPEEDUP:.0f}x -> {verdict(min(wall, cpu) >= 3.0)}"
            )
        for mode, label in (("vad", "faster-whisper vad_filter"), ("direct", "direct")):
            other = find(kind="engine", model=model, mode=mode)
            if fast and other:
                pipe_wer = _wer(references, fast["words"])[0]
                other_wer = _wer(references, other["words"])[0]
                print(
                    f"  pipeline vs {label} WER {model}: {pipe_wer:.3f} vs {other_wer:.3f} -> "
                    f"{verdict(pipe_wer <= other_wer)}"
                )


if __name__ == "__main__":
    raise SystemExit(main())
