"""The labelled sentiment sets and how a scorer is measured on them (tests and bench).

Two sets (provenance in data/README.md):
- ``vader_en_sample.tsv``: English snippets rated by independent human raters (the
  VADER paper's ground truth, shipped in the vaderSentiment-swedish sdist on PyPI, MIT).
- ``call_utterances.tsv``: 60 call utterances in en, sv, nb and el, written and
  labelled by the developer. Not an independent test: it says whether the word lists
  cover everyday call language, and is no accuracy claim.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "sv", "nb", "el")
NEUTRAL_BAND = 0.05  # VADER's: |score| below this is neutral
POLAR_RATING = 0.5  # a human mean rating (-4..4) at least this far from 0 is polar


@dataclass(frozen=True)
class Item:
    text: str
    label: str  # positive | negative | neutral
    source: str = ""
    rating: float | None = None  # the raters' mean, -4..4 (VADER set only)


@dataclass(frozen=True)
class Accuracy:
    items: int
    polar: int  # positive or negative items
    polar_correct: int  # ... scored with the right sign (a 0 is wrong)
    three_class_correct: int  # positive / negative / neutral, all items
    covered: int  # polar items where at least one word carried sentiment

    @property
    def polar_accuracy(self) -> float:
        return self.polar_correct / self.polar if self.polar else 0.0

    @property
    def three_class_accuracy(self) -> float:
        return self.three_class_correct / self.items if self.items else 0.0

    @property
    def coverage(self) -> float:
        return self.covered / self.polar if self.polar else 0.0


def label_of_score(score: float) -> str:
    if score >= NEUTRAL_BAND:
        return "positive"
    return "negative" if score <= -NEUTRAL_BAND else "neutral"


def label_of_rating(rating: float) -> str:
    if rating >= POLAR_RATING:
        return "positive"
    return "negative" if rating <= -POLAR_RATING else "neutral"


def call_utterances(language: str) -> list[Item]:
    with (DATA / "call_utterances.tsv").open(encoding="utf-8") as f:
        return [
            Item(row[language], row["label"], "calls") for row in csv.DictReader(f, delimiter="\t")
        ]


def vader_en_sample() -> list[Item]:
    with (DATA / "vader_en_sample.tsv").open(encoding="utf-8") as f:
        return [
            Item(
                row["text"],
                label_of_rating(float(row["rating"])),
                row["source"],
                float(row["rating"]),
            )
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


Scorer = Callable[[str], tuple[float, int]]  # text -> (score, words that carried sentiment)


def measure(items: Iterable[Item], scorer: Scorer) -> Accuracy:
    n = polar = polar_ok = three_ok = covered = 0
    for item in items:
        score, hits = scorer(item.text)
        predicted = label_of_score(score)
        n += 1
        three_ok += predicted == item.label
        if item.label != "neutral":
            polar += 1
            polar_ok += predicted == item.label
            covered += hits > 0
    return Accuracy(n, polar, polar_ok, three_ok, covered)
