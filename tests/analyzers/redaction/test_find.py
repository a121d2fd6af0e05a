"""Recognisers on generated transcripts in en, sv, nb and el (sample_audio.pii_transcripts)."""

from __future__ import annotations

import pytest

from analyzers.redaction.find import find_pii
from analyzers.redaction.numbers import digit_runs
from analyzers.redaction.scoring import Score, score
from sample_audio.pii_transcripts import NEGATIVES, labelled_cases


def _found(text: str) -> list[tuple[str, str]]:
    words = text.split()
    return [(s.kind, " ".join(words[s.first : s.last + 1])) for s in find_pii(words)]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four one one one double one twenty four", "41111124"),
        ("fyra ett ett ett tjugofyra noll sju", "41112407"),
        ("fire en en en førtito null", "4111420"),
        ("τέσσερα ένα ένα ένα είκοσι τρία δεκαεπτά", "41112317"),
        ("oh seven oh, one two", "07012"),
        ("4111-1111 1111", "411111111111"),
    ],
)
def test_spoken_numbers_become_digits(text: str, digits: str) -> None:
    (run,) = digit_runs(text.split())
    assert run.digits == digits


def test_each_digit_keeps_the_word_it_came_from() -> None:
    (run,) = digit_runs(["is", "double", "four", "twenty", "one"])
    assert run.digits == "4421"
    assert run.word_of_digit == (2, 2, 3, 4)
    assert (run.first_word, run.last_word) == (1, 4)  # "double" belongs to the number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my card is 4539 1488 0343 6467 thanks", [("CARD", "4539 1488 0343 6467")]),
        ("personnummer 811218-9876 tack", [("NATIONAL_ID", "811218-9876")]),
        ("fødselsnummer null en null en null sju fem null en seks null",
         [("NATIONAL_ID", "null en null en null sju fem null en seks null")]),
        ("ΑΜΚΑ 01018012342", [("NATIONAL_ID", "01018012342")]),
        ("ring +46 70 123 45 67 tack", [("PHONE", "+46 70 123 45 67")]),
        ("kontot SE45 5000 0000 0583 9825 7466", [("IBAN", "SE45 5000 0000 0583 9825 7466")]),
        ("mejl anna punkt berg snabel-a telia punkt se",
         [("EMAIL", "anna punkt berg snabel-a telia punkt se")]),
        ("email john@example.com ok", [("EMAIL", "john@example.com")]),
        # "to", "ett" before a number are words, not digits, when that makes it a value.
        ("send it to 0701234567 please", [("PHONE", "0701234567")]),
        ("jag har ett 4539 1488 0343 6467", [("CARD", "4539 1488 0343 6467")]),
        # A 16-digit number failing Luhn (a misheard card): redacted, as [NUMBER].
        ("number 4539 1488 0343 6468 ok", [("NUMBER", "4539 1488 0343 6468")]),
        # A card and its expiry read as one run: the card inside it, the rest [NUMBER].
        ("4539 1488 0343 6467 1225", [("CARD", "4539 1488 0343 6467"), ("NUMBER", "1225")]),
    ],
)  # fmt: skip
def test_recognised(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("text", [s for sentences in NEGATIVES.values() for s in sentences])
def test_dates_times_amounts_and_short_numbers_stay(text: str) -> None:
    assert _found(text) == []


# Recall (every word of the value redacted) and precision (a redaction lies on personal
# data) per kind on the generated set; the table is bench/bench_redaction.py's.
@pytest.mark.parametrize("kind", ["CARD", "NATIONAL_ID", "PHONE", "IBAN", "EMAIL", "NUMBER"])
def test_recall_and_precision_per_kind(kind: str) -> None:
    result = _score()
    assert result.recall(kind) >= (0.98 if kind in ("CARD", "NATIONAL_ID") else 0.95)
    assert result.precision(kind) >= 0.9


def test_no_negative_sentence_loses_a_word() -> None:
    assert _score().false_words == []


_cache: dict[str, Score] = {}


def _score():
    if "score" not in _cache:
        _cache["score"] = score(labelled_cases())
    return _cache["score"]
