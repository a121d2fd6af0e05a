"""The scorer against labelled data, and the rules it applies (negation, boosters,
"but", spoken fillers, redaction tags).

The accuracy floors are the values measured when the scorer was written (README,
"Sentiment"), a little below, so that a change that makes a language measure worse
fails here. English floors are on independent, human-rated data; the sv/nb/el floors are
on the developer's own utterances and only guard the word lists' coverage.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from analyzers.sentiment import score_text, tokens
from tests.analyzers.sentiment.labelled import call_utterances, measure, vader_en_sample

# Measured: tweets 89.3%, Amazon 59.8%, movie 50.4%, NYT 63.6% (sample of 250 each).
ENGLISH_POLAR_FLOORS = {
    "tweets": 0.87,
    "amazonReviewSnippets": 0.57,
    "movieReviewSnippets": 0.48,
    "nytEditorialSnippets": 0.60,
}
# Measured three-class accuracy on the 60 own utterances: en 95%, sv 90%, nb 92%, el 78%.
CALL_THREE_CLASS_FLOORS = {"en": 0.93, "sv": 0.88, "nb": 0.90, "el": 0.75}


def test_english_on_human_rated_snippets() -> None:
    by_source = defaultdict(list)
    for item in vader_en_sample():
        by_source[item.source].append(item)
    assert set(by_source) == set(ENGLISH_POLAR_FLOORS)
    for source, items in by_source.items():
        acc = measure(items, lambda t: score_text(t, "en"))
        assert acc.items == 250
        assert acc.polar_accuracy >= ENGLISH_POLAR_FLOORS[source], (source, acc)


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_call_utterances(language: str) -> None:
    acc = measure(call_utterances(language), lambda t: score_text(t, language))
    assert acc.items == 60 and acc.polar == 40
    assert acc.three_class_accuracy >= CALL_THREE_CLASS_FLOORS[language], acc


@pytest.mark.parametrize(
    ("language", "plain", "negated"),
    [
        ("en", "I am happy with it", "I am not happy with it"),
        ("en", "that helps", "that doesn't help"),
        ("sv", "jag är nöjd", "jag är inte nöjd"),
        ("sv", "det hjälper mig", "det hjälper mig inte"),  # the negation after the verb
        ("nb", "jeg er fornøyd", "jeg er ikke fornøyd"),
        ("el", "είμαι ευτυχισμένος", "δεν είμαι ευτυχισμένος"),
    ],
)
def test_negation_flips(language: str, plain: str, negated: str) -> None:
    before, _ = score_text(plain, language)
    after, _ = score_text(negated, language)
    assert before > 0 > after


def test_negation_stops_at_a_comma() -> None:
    assert score_text("no, that is great", "en")[0] > 0


def test_booster_strengthens() -> None:
    assert score_text("that is very good", "en")[0] > score_text("that is good", "en")[0] > 0
    assert score_text("jag är jätteglad", "sv")[0] > score_text("jag är glad", "sv")[0] > 0


def test_words_after_but_weigh_more() -> None:
    assert score_text("the agent was nice but the service is terrible", "en")[0] < 0
    assert score_text("the wait was terrible but you were wonderful", "en")[0] > 0


def test_spoken_fillers_and_politeness_carry_nothing() -> None:
    assert score_text("okay yeah uh I would like to check my order please", "en") == (0.0, 0)
    assert tokens("I I I think", "en") == ["i", "think"]


def test_redaction_tags_are_never_scored() -> None:
    assert tokens("my card is [CARD] [CARD] okay", "en") == ["my", "card", "is", ","]
    # A tag ends a clause: the negation before it does not reach the word after.
    assert score_text("not [PHONE] great", "en")[0] > 0


def test_greek_accents_do_not_matter() -> None:
    assert score_text("ΥΠΕΡΟΧΑ", "el") == score_text("υπέροχα", "el")
    assert score_text("υπέροχα", "el")[0] > 0


def test_scores_stay_in_range() -> None:
    very = " ".join(["wonderful", "great", "lovely"] * 70)
    assert 0.99 < score_text(very, "en")[0] <= 1.0
    assert score_text("", "en") == (0.0, 0)
