"""Mono calls split into two parties, against the same calls analysed in stereo.

    PYTHONPATH=. .venv/bin/python bench/bench_separation.py [--long-minutes 5] [--engine none]

For every call of ``sample_audio.mono_set`` (real voices, mixed down to mono)
the whole analysis runs three times: on the stereo call with its agent channel
given (the reference), on the stereo call with ``agent_channel=auto``, and on
the mono mix. Printed per call: DER of the mono split against the stereo
call's per-channel voice activity (collar 0.25 s, overlap scored, labels mapped
the better way), whether the mono analysis took the right voice for the agent
and ``auto`` the right stereo channel, the agent's and customer's wpm (relative)
and pitch spread (semitones) on mono vs stereo, interruption counts, and the
split's confidence. Then the hard cases (confidence only), and a long call:
the parties stage's time as a share of the whole analysis, and the diarizer's
peak memory (tracemalloc: numpy buffers included).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from analyzers import AnalysisOptions, analyze
from analyzers.activity import detect_activity
from analyzers.audio import CallAudio
from analyzers.diarization_error import diarization_error_rate
from analyzers.diarize import diarize_two
from analyzers.report import PartyMetrics, Report
from analyzers.spans import Span
from sample_audio.mono_set import HARD_CASES, MONO_SET, missing_for, mono_set_call

HEADER = (
    "| call | DER | agent voice | auto channel | agent wpm | agent pitch SD st "
    "| customer wpm | customer pitch SD st | interruptions mono/stereo | confidence |"
)


def _speech(report: Report, party: str) -> list[Span]:
    assert report.signals is not None
    return list(report.signals.speech.get(party, []))


def _rel(mono: float | None, stereo: float | None) -> str:
    if mono is None or stereo is None or stereo == 0:
        return "n/a"
    return f"{100 * (mono - stereo) / stereo:+.1f}%"


def _diff(mono: float | None, stereo: float | None) -> str:
    if mono is None or stereo is None:
        return "n/a"
    return f"{mono - stereo:+.2f}"


def _party(report: Report, party: str) -> PartyMetrics:
    metrics = getattr(report.parties, party)
    assert metrics is not None, f"no {party} metrics"
    return metrics


def _agent_found(ref: Report, got: Report) -> bool:
    """The mono agent's speech is the stereo agent's (not the customer's)."""
    pair = (_speech(ref, "agent"), _speech(ref, "customer"))
    as_chosen = diarization_error_rate(pair, (_speech(got, "agent"), _speech(got, "customer")))
    swapped = diarization_error_rate(pair, (_speech(got, "customer"), _speech(got, "agent")))
    return as_chosen <= swapped


def compare(name: str, engine: str) -> None:
    stereo, mono, rate, truth = mono_set_call(name)
    options = {"language": "en", "engine": engine}
    given = AnalysisOptions(agent_channel=truth.agent_channel, **options)
    ref = analyze(CallAudio(samples=stereo, sample_rate=rate), given)
    stereo_auto = AnalysisOptions(agent_channel="auto", **options)
    auto = analyze(CallAudio(samples=stereo, sample_rate=rate), stereo_auto)
    got = analyze(CallAudio(samples=mono[0], sample_rate=rate), AnalysisOptions(**options))
    der = diarization_error_rate(
        (_speech(ref, "agent"), _speech(ref, "customer")),
        (_speech(got, "agent"), _speech(got, "customer")),
    )
    row = [name, f"{100 * der:.1f} %", "right" if _agent_found(ref, got) else "WRONG"]
    row += ["right" if auto.agent_channel == truth.agent_channel else "WRONG"]
    for party in ("agent", "customer"):
        s, m = _party(ref, party), _party(got, party)
        row += [_rel(m.wpm, s.wpm), _diff(m.pitch_sd_semitones, s.pitch_sd_semitones)]
    row += [f"{len(got.interruptions)}/{len(ref.interruptions)}"]
    assert got.separation is not None
    row += [f"{got.separation.confidence:.2f}"]
    print("| " + " | ".join(row) + " |", flush=True)


def hard_case(name: str) -> None:
    stereo, mono, rate, truth = mono_set_call(name)
    reference = detect_activity(stereo, rate)
    agent = truth.agent_channel
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    der = diarization_error_rate((reference[agent], reference[1 - agent]), found.speakers)
    doubts = "; ".join(found.doubts) or "-"
    print(f"| {name} | {100 * der:.1f} % | {found.confidence:.2f} | {doubts} |", flush=True)


def cost(minutes: float, engine: str) -> None:
    _, mono, rate, _ = mono_set_call("mono_mixed_101", target_s=60.0 * minutes)
    report = analyze(
        CallAudio(samples=mono[0], sample_rate=rate),
        AnalysisOptions(language="en", engine=engine),
    )
    total = sum(report.timings_s.values())
    share = report.timings_s["parties"] / total
    speech = detect_activity(mono, rate)[0]
    start = time.perf_counter()
    diarize_two(mono[0], rate, speech)
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # separately: tracing slows numpy's allocations
    diarize_two(mono[0], rate, speech)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\n{mono.shape[1] / rate / 60:.1f}-minute mono call ({engine}): analysis {total:.1f} s, "
        f"parties stage {report.timings_s['parties']:.2f} s = {100 * share:.1f} % of it; "
        f"diarize_two alone {elapsed:.2f} s, peak memory {peak / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long-minutes", type=float, default=5.0)
    parser.add_argument("--engine", default="faster-whisper")
    args = parser.parse_args()
    print(HEADER)
    print("|---" * (HEADER.count("|") - 1) + "|")
    for name in MONO_SET:
        if missing_for(name):
            print(f"| {name} | skipped: install {missing_for(name)} |")
            continue
        compare(name, args.engine)
    print("\n| hard case | DER | confidence | doubts |\n|---|---|---|---|")
    for name in HARD_CASES:
        hard_case(name)
    cost(args.long_minutes, args.engine)


if __name__ == "__main__":
    main()
