"""Recall and precision of the redaction on a labelled set of word lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from analyzers.redaction.find import find_pii


class LabelledWords(Protocol):
    words: list[str]
    kind: str | None
    first: int
    last: int


@dataclass
class Score:
    truths: Counter[str] = field(default_factory=Counter)  # labelled values per kind
    caught: Counter[str] = field(default_factory=Counter)  # every word of it redacted
    labelled: Counter[str] = field(default_factory=Counter)  # ... and tagged its own kind
    predicted: Counter[str] = field(default_factory=Counter)  # spans tagged with a kind
    correct: Counter[str] = field(default_factory=Counter)  # ... that lie on personal data
    false_words: list[str] = field(default_factory=list)  # what was wrongly redacted

    def recall(self, kind: str) -> float | None:
        return self.caught[kind] / self.truths[kind] if self.truths[kind] else None

    def precision(self, kind: str) -> float | None:
        return self.correct[kind] / self.predicted[kind] if self.predicted[kind] else None


def score(cases: Iterable[LabelledWords]) -> Score:
    s = Score()
    for case in cases:
        spans = find_pii(case.words)
        redacted = {i for sp in spans for i in range(sp.first, sp.last + 1)}
        truth = set(range(case.first, case.last + 1)) if case.kind else set()
        if case.kind:
            s.truths[case.kind] += 1
            if truth <= redacted:
                s.caught[case.kind] += 1
                kinds = {sp.kind for sp in spans if sp.first in truth}
                s.labelled[case.kind] += kinds == {case.kind}
        for sp in spans:
            s.predicted[sp.kind] += 1
            if set(range(sp.first, sp.last + 1)) <= truth:
                s.correct[sp.kind] += 1
            else:
                s.false_words.append(" ".join(case.words[sp.first : sp.last + 1]))
    return s
