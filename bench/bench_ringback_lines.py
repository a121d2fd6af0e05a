"""Ring-count accuracy on real lines and the answer moment's error.

    PYTHONPATH=. .venv/bin/python bench/bench_ringback_lines.py [--rings 1 3 5] [--no-calls]

Table 1: every line condition of sample_audio.ringback_lines (recorded US ringback
from baresip-core, and every plan's generated ringback; noise, hum, DC, level
changes, E.180 cadence deviations, real codecs) x sources x ring counts: exact
ring counts, and the answer error (the greeting starts at the answer).
Table 2: calls answered at 5 %, 50 % and 95 % of the last ring's pause (callgen
espeak voices and realcalls recorded voices), first word 0.15 or 1.2 s later,
through the whole analysis: the answer error and whether it ever lands after
the first word.
"""

from __future__ import annotations

import argparse

import numpy as np

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.ringback import answer_moment, detect_ringback
from sample_audio import realcalls
from sample_audio.callgen import SAMPLE_CALLS, answered_in_pause, build_call
from sample_audio.ringback_lines import (
    LINE_CONDITIONS,
    SR,
    on_the_line,
    recorded_greeting,
    ringback,
)
from sample_audio.spec import CallSpec

SOURCES = ["recorded_US", "US", "GB", "SE", "NO", "FR", "ES"]


def line_table(rings_list: list[int]) -> None:
    greeting = recorded_greeting()
    print("| condition | calls | rings exact | answer max err s | answer p95 err s |")
    print("|---|---|---|---|---|")
    all_errors: list[float] = []
    total = exact_total = 0
    for name, condition in LINE_CONDITIONS.items():
        errors: list[float] = []
        exact = n = 0
        for source in SOURCES:
            for rings in rings_list:
                code = None if source == "recorded_US" else source
                tones, _ = ringback(code, rings, condition)
                x = np.concatenate([tones, greeting, np.zeros(2 * SR, np.float32)])
                x = on_the_line(x, condition, seed=rings, answer_s=len(tones) / SR)
                result = detect_ringback(x, SR)
                n += 1
                exact += result.rings == rings
                answer = answer_moment(x[None, :], SR, result)
                errors.append(np.inf if answer is None else abs(answer - len(tones) / SR))
        all_errors += errors
        total, exact_total = total + n, exact_total + exact
        print(
            f"| {name} | {n} | {exact}/{n} | {max(errors):.2f} | {np.percentile(errors, 95):.2f} |"
        )
    print(
        f"| **all** | {total} | {exact_total}/{total} | {max(all_errors):.2f} | "
        f"{np.percentile(all_errors, 95):.2f} |"
    )


def call_table() -> None:
    cases: list[tuple[str, CallSpec, object]] = []
    base = SAMPLE_CALLS["good_call"]
    for code in ("US", "GB", "SE", "NO", "FR", "ES"):
        spec = base.model_copy(update={"country": code, "utterances": base.utterances[:3]})
        cases.append((f"espeak {code}", spec, build_call))
    if realcalls.available():
        for name in realcalls.REAL_CALL_RECIPES:
            cases.append((name, realcalls.real_call_spec(name), realcalls.build_real_call))
    print("| calls | n | rings exact | answer max err s | answer p95 err s | after first word |")
    print("|---|---|---|---|---|---|")
    errors: list[float] = []
    exact = late = 0
    for _, spec, builder in cases:
        for fraction in (0.05, 0.5, 0.95):
            for gap_s in (0.15, 1.2):
                samples, sr, truth = builder(answered_in_pause(spec, fraction, gap_s))  # type: ignore[operator]
                pickup = analyze(
                    CallAudio(samples=samples, sample_rate=sr),
                    AnalysisOptions(agent_channel=truth.agent_channel, engine="none"),
                ).pickup
                exact += pickup.rings == truth.rings
                answer = pickup.answered_at_s
                errors.append(np.inf if answer is None else abs(answer - truth.answered_at_s))
                first_word = min(u.start_s for u in truth.utterances)
                late += answer is None or answer > first_word
    n = len(errors)
    print(
        f"| espeak + real voices | {n} | {exact}/{n} | {max(errors):.2f} | "
        f"{np.percentile(errors, 95):.2f} | {late} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rings", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--no-calls", action="store_true", help="only the line table")
    args = parser.parse_args()
    line_table(args.rings)
    if not args.no_calls:
        print()
        call_table()


if __name__ == "__main__":
    main()
