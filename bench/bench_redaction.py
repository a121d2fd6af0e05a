"""Recall and precision of PII redaction per kind on the generated en/sv/nb/el set.

    PYTHONPATH=. .venv/bin/python bench/bench_redaction.py [--per-kind 60] [--seed 14]

Recall: share of labelled values whose every word was redacted (any tag); "as own
kind": ... and tagged with its own kind. Precision: share of redactions that lie
within labelled personal data. Negatives (dates, times, amounts, short numbers,
"at"/"dot" in speech) count only against precision. Also the time per case.
"""

from __future__ import annotations

import argparse
import time

from analyzers.redaction.scoring import score
from sample_audio.pii_transcripts import labelled_cases

KINDS = ("CARD", "NATIONAL_ID", "PHONE", "IBAN", "EMAIL", "NUMBER")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    cases = labelled_cases(args.per_kind, args.seed)
    started = time.perf_counter()
    result = score(cases)
    seconds = time.perf_counter() - started
    print(f"{len(cases)} cases, {1000 * seconds / len(cases):.2f} ms per case")
    print("| kind | values | recall | as own kind | redactions | precision |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS:
        recall, precision = result.recall(kind), result.precision(kind)
        own = result.labelled[kind] / result.truths[kind] if result.truths[kind] else None
        print(
            f"| {kind} | {result.truths[kind]} | {_pct(recall)} | {_pct(own)} "
            f"| {result.predicted[kind]} | {_pct(precision)} |"
        )
    print(f"false redactions: {result.false_words}")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


if __name__ == "__main__":
    main()
