"""Sentiment accuracy per language and data set, and its cost as a share of an analysis.

    PYTHONPATH=. .venv/bin/python bench/bench_sentiment.py [--vader-dir DIR] [--no-cost]

English is measured on the VADER paper's human-rated ground truth (tweets, Amazon,
movie and NYT snippets), read from the vaderSentiment-swedish sdist on PyPI (fetched
with ``pip download`` into ~/.cache/callcoach unless ``--vader-dir`` names the unpacked
``hutto_ICWSM_2014`` folder). All four languages are also scored on the developer-written
call utterances (tests/analyzers/sentiment/data), which are not an independent test.
``--write-sample PATH`` writes the seeded sample the tests use.

Cost: the sentiment stage's seconds against the whole analysis of the committed
45 s real-voice call with the bundled tiny.en model, and the scoring time per turn.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from analyzers.sentiment import lexicon_for, score_text
from tests.analyzers.sentiment.labelled import (
    LANGUAGES,
    Accuracy,
    Item,
    call_utterances,
    label_of_rating,
    measure,
)

SDIST = "vaderSentiment-swedish==1.0.3"
CACHE = Path.home() / ".cache" / "callcoach" / "vader-ground-truth"
SETS = ("tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")
SAMPLE_PER_SET = 250
SAMPLE_SEED = 14


def ground_truth_dir(given: str | None) -> Path:
    """The unpacked hutto_ICWSM_2014 folder, fetched from PyPI once when not given."""
    if given:
        return Path(given)
    target = CACHE / "hutto_ICWSM_2014"
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "-q", "-d", str(CACHE), SDIST],
        check=True,
    )  # fmt: skip
    sdist = next(CACHE.glob("vaderSentiment-swedish-*.tar.gz"))
    with tarfile.open(sdist) as outer:
        inner = outer.extractfile(
            next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        )
        assert inner is not None
        with tarfile.open(fileobj=inner) as data:
            data.extractall(CACHE, filter="data")
    return target


def read_set(folder: Path, name: str) -> list[Item]:
    items = []
    with (folder / f"{name}_GroundTruth.txt").open(encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2].strip():
                rating = float(parts[1])
                items.append(Item(parts[2].strip(), label_of_rating(rating), name, rating))
    return items


def write_sample(folder: Path, path: Path) -> None:
    rng = random.Random(SAMPLE_SEED)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        out.writerow(["source", "rating", "text"])
        for name in SETS:
            for item in rng.sample(read_set(folder, name), SAMPLE_PER_SET):
                text = item.text.replace("\t", " ").replace("\\", "/")
                out.writerow([name, f"{item.rating:.3f}", text])


def row(name: str, language: str, acc: Accuracy) -> str:
    return (
        f"| {name} | {language} | {acc.items} | {acc.polar} | {100 * acc.polar_accuracy:.1f}% "
        f"| {100 * acc.three_class_accuracy:.1f}% | {100 * acc.coverage:.1f}% |"
    )


def accuracy_table(folder: Path | None) -> None:
    print("| set | lang | items | polar | polar accuracy | 3-class accuracy | coverage |")
    print("|---|---|---|---|---|---|---|")
    if folder is not None:
        for name in SETS:
            acc = measure(read_set(folder, name), lambda t: score_text(t, "en"))
            print(row(f"VADER {name} (human-rated)", "en", acc))
    for language in LANGUAGES:
        acc = measure(call_utterances(language), lambda t, lang=language: score_text(t, lang))
        print(row("call utterances (own, not independent)", language, acc))


def cost_table() -> None:
    from analyzers.options import AnalysisOptions
    from analyzers.pipeline import analyze
    from sample_audio.committed import SAMPLE_DIR

    lexicon_for.cache_clear()  # time the first read of each list, as in a new worker
    for language in LANGUAGES:
        started = time.perf_counter()
        lexicon_for(language)
        print(f"{language}: word list read in {1000 * (time.perf_counter() - started):.0f} ms")
    report = analyze(SAMPLE_DIR / "good_call.wav", AnalysisOptions())
    total = sum(report.timings_s.values())
    turns = [t for t in report.turns if t.text]
    stage = report.timings_s.get("sentiment", 0.0)
    print(
        f"analysis {total:.2f} s, sentiment stage {1000 * stage:.2f} ms "
        f"({100 * stage / total:.3f}% of it) for {len(turns)} worded turns"
    )
    texts = [t.text or "" for t in turns] * 50
    started = time.perf_counter()
    for text in texts:
        score_text(text, "en")
    per_turn = (time.perf_counter() - started) / max(1, len(texts))
    print(f"scoring: {1e6 * per_turn:.0f} µs per turn; a 5-minute call (~80 turns): "
          f"{80 * 1000 * per_turn:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vader-dir", help="the unpacked hutto_ICWSM_2014 folder")
    parser.add_argument("--no-english-set", action="store_true", help="skip the PyPI fetch")
    parser.add_argument("--no-cost", action="store_true")
    parser.add_argument("--write-sample", type=Path)
    args = parser.parse_args()
    folder = None if args.no_english_set else ground_truth_dir(args.vader_dir)
    if args.write_sample:
        assert folder is not None
        write_sample(folder, args.write_sample)
        print(f"wrote {len(SETS) * SAMPLE_PER_SET} items to {args.write_sample}")
        return
    accuracy_table(folder)
    if not args.no_cost:
        cost_table()


if __name__ == "__main__":
    main()
