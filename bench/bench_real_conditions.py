"""Metric error per line condition on real-voice calls, and the non-speech detectors' cost.

    PYTHONPATH=. .venv/bin/python bench/bench_real_conditions.py [--engine none]

The calls and conditions of tests/analyzers/test_real_conditions.py
(sample_audio.real_conditions): a call with 40 s of real music on hold, a call with two
interruptions, a 5.5 s silence with four DTMF presses; clean, G.711, GSM 06.10, AMR-NB,
Opus 8/16 kbit/s, 3 % packet loss, 15 dB SNR. Errors against the truth (pitch spread
and loudness flags against the clean analysis); marked * where beyond the tolerance.
Cost: the nonspeech stage's share of the whole analysis (sum of the stage timings,
Whisper tiny.en included), per analysis; wall time on a possibly shared machine.
"""

from __future__ import annotations

import argparse

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.report import Report
from sample_audio.real_conditions import (
    CONDITIONS,
    TOLERANCES,
    ConditionCall,
    condition_calls,
    metric_errors,
    through,
)

COLUMNS = {
    "rings": "rings",
    "agent_wpm_rel": "wpm",
    "agent_pitch_sd_st": "pitch st",
    "silence_edge_s": "silence edge s",
    "silence_count": "silences #",
    "loudness_flags": "loudness flags",
    "interruptions": "interruptions #",
    "agent_talk_s": "talk s",
    "agent_monologue_s": "monologue s",
}


def _cell(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    text = f"{100 * value:+.1f} %" if key == "agent_wpm_rel" else f"{value:+.2f}"
    return text + (" *" if abs(value) > TOLERANCES[key] + 1e-9 else "")


def _extras(call: ConditionCall, report: Report) -> str:
    parts = []
    if call.hold is not None:
        edges = [
            f"{h.start_s - call.hold[0]:+.2f}/{h.end_s - call.hold[1]:+.2f}" for h in report.holds
        ]
        said = [str(h.announced) for h in report.holds]
        parts.append(f"holds {len(report.holds)} ({', '.join(edges)}; announced {said})")
    if call.presses:
        dtmf = [t for t in report.tones if t.kind == "dtmf"]
        parts.append(f"DTMF {len(dtmf)}/{len(call.presses)}")
    return "; ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="faster-whisper", choices=["faster-whisper", "none"])
    args = ap.parse_args()
    header = ["call", "condition", *COLUMNS.values(), "holds / tones", "nonspeech share"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    shares: list[float] = []
    for call in condition_calls():
        options = AnalysisOptions(
            agent_channel=call.truth.agent_channel, language="en", engine=args.engine
        )
        reports = {}
        for condition in CONDITIONS:
            samples = through(call.audio, condition, call.speech_powers())
            audio = CallAudio(samples=samples, sample_rate=8000)
            reports[condition] = analyze(audio, options)
        for condition, report in reports.items():
            errors = metric_errors(report, call.truth, reports["clean"], call.hold)
            share = report.timings_s["nonspeech"] / sum(report.timings_s.values())
            shares.append(share)
            cells = [_cell(k, errors[k]) for k in COLUMNS]
            row = [call.name, condition, *cells, _extras(call, report), f"{100 * share:.1f} %"]
            print("| " + " | ".join(row) + " |")
    print(f"\nnonspeech stage: mean {100 * sum(shares) / len(shares):.1f} % of the analysis")


if __name__ == "__main__":
    main()
