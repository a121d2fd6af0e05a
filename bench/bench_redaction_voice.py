"""PII redaction on a real voice: Asterisk's recorded English digits read random valid
cards, national ids (personnummer, fødselsnummer, AMKA) and phone numbers; the full
analysis (bundled Whisper) runs on each call.

    PYTHONPATH=. .venv/bin/python bench/bench_redaction_voice.py [--per-kind 4] [--seed 3]

Per kind: values whose words were all tagged (recall), tagged with their own kind,
and values whose every placed digit is silent after blanking the reported spans
(audio recall: level below -90 dBFS over each digit's placed voice).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

import numpy as np

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.redaction.audio import blank_audio
from sample_audio.pii_transcripts import amka, card, fodselsnummer, personnummer, phone
from tests.analyzers.redaction.spoken_digits import digit_call


def _values(per_kind: int, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for i in range(per_kind):
        out.append(("CARD", card(rng)))
        out.append(("NATIONAL_ID", [personnummer, fodselsnummer, amka][i % 3](rng)))
        out.append(("PHONE", phone(rng.choice(["en", "sv", "nb", "el"]), rng)))
    return out


def _level_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-12))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=4)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    total, tagged, own, silent = Counter(), Counter(), Counter(), Counter()
    for kind, value in _values(args.per_kind, random.Random(args.seed)):
        call = digit_call(value)
        report = analyze(CallAudio(call.audio, call.sample_rate), AnalysisOptions(language="en"))
        customer = [t for t in report.turns if t.party == "customer"]
        words = [w.word.strip(" .,") for t in customer for w in t.words]
        total[kind] += 1
        tags = set(words)
        tagged[kind] += bool(words) and all(w.startswith("[") for w in words)
        own[kind] += tags == {f"[{kind}]"}
        spans = [(r.start_s, r.end_s) for r in report.redactions]
        blanked = blank_audio(call.audio, call.sample_rate, spans, "silence")
        sr = call.sample_rate
        silent[kind] += all(
            _level_db(blanked[:, int(a * sr) : int(b * sr)]) < -90 for a, b in call.digit_spans
        )
        print(f"{kind:12} {len(value):2} digits  tags {sorted(tags)}", flush=True)
    print("| kind | values | words tagged | as own kind | audio blanked |")
    print("|---|---|---|---|---|")
    for kind in total:
        print(f"| {kind} | {total[kind]} | {tagged[kind]} | {own[kind]} | {silent[kind]} |")


if __name__ == "__main__":
    main()
