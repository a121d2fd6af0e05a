"""Guards against Whisper failure modes, on word and segment lists."""

from __future__ import annotations

import pytest

from analyzers.report import Word
from analyzers.transcribe.engine import EngineSegment, EngineWord
from analyzers.transcribe.guards import (
    drop_hallucinated_sentences,
    drop_repetitions,
    has_known_hallucination,
    is_failed_segment,
)


def words(text: str) -> list[Word]:
    return [Word(word=w, start_s=i * 0.3, end_s=i * 0.3 + 0.25) for i, w in enumerate(text.split())]


def text(ws: list[Word]) -> str:
    return " ".join(w.word for w in ws)


def segment(
    text: str,
    *,
    compression_ratio: float = 1.4,
    avg_logprob: float = -0.3,
    no_speech_prob: float = 0.1,
    probability: float = 0.8,
) -> EngineSegment:
    ws = tuple(
        EngineWord(f" {w}", i * 0.3, i * 0.3 + 0.25, probability)
        for i, w in enumerate(text.split())
    )
    return EngineSegment(0.0, 3.0, text, ws, avg_logprob, compression_ratio, no_speech_prob)


def test_a_looped_phrase_is_cut_to_two_copies() -> None:
    looped = words("let me check " * 8 + "your booking now")
    assert text(drop_repetitions(looped)) == "let me check let me check your booking now"


def test_a_repeated_word_keeps_three_copies() -> None:
    assert text(drop_repetitions(words("no no no no no no thanks"))) == "no no no thanks"


def test_natural_repetition_is_kept() -> None:
    for natural in (
        "no, no, no that is fine",
        "hello? hello? can you hear me",
        "thank you thank you",
    ):
        ws = words(natural)
        assert drop_repetitions(ws) == ws


def test_repetition_ignores_case_and_punctuation() -> None:
    looped = words("Okay. okay, OKAY okay! okay so")
    assert text(drop_repetitions(looped)) == "Okay. okay, OKAY so"


def test_the_longest_loop_wins_and_kept_words_keep_their_times() -> None:
    looped = words("we can do that " * 5)
    kept = drop_repetitions(looped)
    assert text(kept) == "we can do that we can do that"
    assert kept == looped[:8]


@pytest.mark.parametrize(
    "phrase",
    [
        "Thanks for watching!",
        "Subtitles by the Amara.org community",
        "Undertexter från Amara.org-gemenskapen",
        "Teksting av Nicolai Winther",
        "Υπότιτλοι AUTHORWAVE",
    ],
)
def test_known_hallucinations_are_recognised(phrase: str) -> None:
    assert has_known_hallucination(phrase)
    assert drop_hallucinated_sentences(segment(phrase).words) == []


@pytest.mark.parametrize(
    "real",
    [
        "Thank you.",
        "Thank you for calling, goodbye.",
        "I watched the video you sent",
        "Tack så mycket",
    ],
)
def test_real_call_phrases_are_not_hallucinations(real: str) -> None:
    assert not has_known_hallucination(real)
    assert drop_hallucinated_sentences(segment(real).words) == list(segment(real).words)


def test_only_the_sentence_with_a_known_phrase_is_dropped() -> None:
    """One segment can be a whole chunk: the real sentences around the invented one stay."""
    chunk = segment(
        "Thank you for calling. Subtitles by the Amara.org community. Is there anything else?"
    )
    kept = drop_hallucinated_sentences(chunk.words)
    said = " ".join(w.word.strip() for w in kept)
    assert said == "Thank you for calling. Is there anything else?"
    assert kept[-1] is chunk.words[-1]  # times kept as they were
    # Greek: ";" ends a question
    greek = segment("Υπότιτλοι AUTHORWAVE; Καλημέρα σας.")
    kept_greek = drop_hallucinated_sentences(greek.words)
    assert [w.word.strip() for w in kept_greek] == ["Καλημέρα", "σας."]


def test_whisper_failure_scores() -> None:
    assert is_failed_segment(segment("the the the the", compression_ratio=3.1))
    assert is_failed_segment(segment("mm", no_speech_prob=0.8, avg_logprob=-1.4))
    # " You" on digital silence: passes Whisper's own rule, not ours
    assert is_failed_segment(
        segment("You", no_speech_prob=0.94, avg_logprob=-0.78, probability=0.05)
    )
    # confident speech that the model briefly doubted is kept
    assert not is_failed_segment(segment("Yes.", no_speech_prob=0.7, avg_logprob=-0.4))
    assert not is_failed_segment(segment("fine", no_speech_prob=0.2, avg_logprob=-1.5))
