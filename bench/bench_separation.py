"""Mono calls split into two parties, against the same calls analysed in stereo.

    PYTHONPATH=. .venv/bin/python bench/bench_separation.py [--long-minutes 5] [--engine none]

For every call of ``sample_audio.mono_set`` (real voices, mixed down to mono)
the whole analysis runs twice: on the stereo call with its agent channel given,
and on the mono mix. Printed per call: DER of the mono split against the
stereo call's per-channel voice activity (collar 0.25 s, overlap scored, the
agent label as chosen, i.e. a wrong agent guess shows as a large DER), the
agent's and customer's wpm and pitch spread on mono vs stereo, interruption
counts, the separation's confidence. Then a 5-minute call: the parties stage's
time as a share of the whole analysis, and the diarizer's peak memory
(tracemalloc: numpy buffers included).
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
from sample_audio.mono_set import MONO_SET, mono_set_call


def _speech(report: Report, party: str) -> list:
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


def compare(name: str, engine: str) -> None:
    stereo, mono, rate, truth = mono_set_call(name)
    options = {"language": "en", "engine": engine}
    ref = analyze(
        CallAudio(samples=stereo, sample_rate=rate),
        AnalysisOptions(agent_channel=truth.agent_channel, **options),
    )
    got = analyze(CallAudio(samples=mono[0], sample_rate=rate), AnalysisOptions(**options))
    der = diarization_error_rate(
        (_speech(ref, "agent"), _speech(ref, "customer")),
        (_speech(got, "agent"), _speech(got, "customer")),
    )
    row = [name, f"{der:.3f}"]
    for party in ("agent", "customer"):
        s, m = _party(ref, party), _party(got, party)
        row += [_rel(m.wpm, s.wpm), _diff(m.pitch_sd_semitones, s.pitch_sd_semitones)]
    row += [f"{len(got.interruptions)}/{len(ref.interruptions)}"]
    assert got.separation is not None
    row += [f"{got.separation.confidence:.2f}"]
    print("| " + " | ".join(row) + " |")


def cost(minutes: float) -> None:
    _, mono, rate, _ = mono_set_call("mono_mixed_101", target_s=60.0 * minutes)
    report = analyze(CallAudio(samples=mono[0], sample_rate=rate), AnalysisOptions(language="en"))
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
        f"\n{mono.shape[1] / rate / 60:.1f}-minute mono call: analysis {total:.1f} s, "
        f"parties stage {report.timings_s['parties']:.2f} s = {100 * share:.1f} % of it; "
        f"diarize_two alone {elapsed:.2f} s, peak memory {peak / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long-minutes", type=float, default=5.0)
    parser.add_argument("--engine", default="faster-whisper")
    args = parser.parse_args()
    print(
        "| call | DER | agent wpm | agent pitch SD st | customer wpm | customer pitch SD st "
        "| interruptions mono/stereo | confidence |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in MONO_SET:
        compare(name, args.engine)
    cost(args.long_minutes)


if __name__ == "__main__":
    main()
