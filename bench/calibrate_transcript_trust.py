"""Calibrate the transcript-trust floor: word confidence vs word error rate.

    PYTHONPATH=. .venv/bin/python bench/calibrate_transcript_trust.py

Analyses (tiny.en, the default engine) calls whose script is known: real recorded
voices (sample_audio.realcalls: Asterisk prompts + LibriVox) and espeak-ng calls
(sample_audio.callgen). For every agent utterance: its words in the report (by
time), their WER against the script, mean word probability and share of words
below ``low_word_probability``. Prints the utterances grouped by WER (<= 0.1 /
0.1-0.3 / > 0.3) with the confidence figures, and for each window a phrase rule
reads (opening, closing) whether the floor of the default profile calls it
unreliable, next to its WER.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import jiwer
import soundfile as sf

from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.profile import default_profile
from analyzers.report import Report, Word
from analyzers.transcribe.guards import normalize_text
from analyzers.transcript_trust import is_unreliable, word_confidence
from sample_audio import realcalls
from sample_audio.callgen import SAMPLE_CALLS, build_call
from sample_audio.spec import CallTruth

ESPEAK_CALLS = ("good_call", "early_pickup", "dead_air", "shouting", "interrupting", "late_pickup")
REAL_SEEDS = (101, 102, 103)


def _calls() -> list[tuple[str, str, object, int, CallTruth]]:
    calls = []
    for name in realcalls.REAL_CALL_RECIPES:
        audio, sr, truth = realcalls.build_real_call(realcalls.real_call_spec(name))
        calls.append(("real", name, audio, sr, truth))
    for seed in REAL_SEEDS:
        spec = realcalls.compose_call(f"real_seed{seed}", seed, unexplained_silence_s=6.0)
        audio, sr, truth = realcalls.build_real_call(spec)
        calls.append(("real", spec.name, audio, sr, truth))
    for name in ESPEAK_CALLS:
        audio, sr, truth = build_call(SAMPLE_CALLS[name])
        calls.append(("espeak", name, audio, sr, truth))
    return calls


def _agent_words(report: Report) -> list[Word]:
    return [w for t in report.turns if t.party == "agent" for w in t.words]


def _words_in(words: list[Word], start_s: float, end_s: float) -> list[Word]:
    return [w for w in words if start_s <= (w.start_s + w.end_s) / 2 <= end_s]


def _wer(reference: str, words: list[Word]) -> float:
    hyp = normalize_text(" ".join(w.word for w in words)) or "<empty>"
    return float(jiwer.wer(normalize_text(reference), hyp))


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    profile = default_profile()
    trust = profile.transcript_trust
    rows = []  # (voice, call, wer, mean, low share, n words)
    windows = []  # (voice, call, rule, wer, mean, low, unreliable)
    with tempfile.TemporaryDirectory() as tmp:
        for voice, name, audio, sr, truth in _calls():
            wav = Path(tmp) / f"{name}.wav"
            sf.write(wav, audio.T, sr, subtype="PCM_16")
            report = analyze(wav, AnalysisOptions(language="en", agent_channel=truth.agent_channel))
            words = _agent_words(report)
            agent_utts = [u for u in truth.utterances if u.party == "agent"]
            for u in agent_utts:
                mine = _words_in(words, u.start_s - 0.4, u.end_s + 0.4)
                conf = word_confidence(mine, trust.low_word_probability)
                if conf.mean_probability is None or conf.low_share is None:
                    continue
                rows.append(
                    (voice, name, _wer(u.text, mine), conf.mean_probability, conf.low_share)
                )
            first, last = agent_utts[0].start_s, agent_utts[-1].end_s
            for rule, utts in (
                ("opening", [u for u in agent_utts if u.start_s < first + 15.0]),
                ("closing", [u for u in agent_utts if u.end_s > last - 30.0]),
            ):
                lo, hi = utts[0].start_s, utts[-1].end_s
                mine = _words_in(words, lo - 0.4, hi + 0.4)
                conf = word_confidence(mine, trust.low_word_probability)
                ref = " ".join(u.text for u in utts)
                windows.append(
                    (
                        voice,
                        name,
                        rule,
                        _wer(ref, mine),
                        conf.mean_probability or 0.0,
                        conf.low_share or 0.0,
                        is_unreliable(mine, trust),
                    )
                )
    _print_utterances(rows, trust.low_word_probability)
    _print_windows(windows)


def _print_utterances(rows: list[tuple[str, str, float, float, float]], low: float) -> None:
    print(f"agent utterances (low word = probability < {low:g})")
    print("| voice | WER band | n | mean prob: min / median | low share: median / max |")
    print("|---|---|---|---|---|")
    bands = (("<= 0.10", 0.0, 0.1), ("0.10-0.30", 0.1, 0.3), ("> 0.30", 0.3, 9.0))
    for voice in ("real", "espeak"):
        for label, lo, hi in bands:
            sel = [
                r for r in rows if r[0] == voice and (lo < r[2] <= hi or (lo == 0 and r[2] == 0))
            ]
            if not sel:
                continue
            means = [r[3] for r in sel]
            shares = [r[4] for r in sel]
            print(
                f"| {voice} | {label} | {len(sel)} | {min(means):.2f} / "
                f"{statistics.median(means):.2f} | {statistics.median(shares):.2f} / "
                f"{max(shares):.2f} |"
            )


def _print_windows(windows: list[tuple[str, str, str, float, float, float, bool]]) -> None:
    print("\nrule windows (agent's opening / closing utterances)")
    print("| voice | call | window | WER | mean prob | low share | unreliable |")
    print("|---|---|---|---|---|---|---|")
    for voice, name, rule, wer, mean, low, bad in windows:
        print(f"| {voice} | {name} | {rule} | {wer:.2f} | {mean:.2f} | {low:.2f} | {bad} |")


if __name__ == "__main__":
    main()
