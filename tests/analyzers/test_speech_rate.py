"""Speech rate on constructed word lists: exact arithmetic against what was built."""

from __future__ import annotations

import pytest

from analyzers.report import Word
from analyzers.speech_rate import (
    MIN_SPEECH_S,
    count_words,
    speaking_time_s,
    windowed_wpm,
    words_per_minute,
)


def whisper_words(n: int, start_s: float, step_s: float, *, lead_s: float = 0.3) -> list[Word]:
    """``n`` Whisper-style words (leading space) every ``step_s`` from ``start_s``.

    Word starts run ``lead_s`` early, as Whisper's do, so word times overstate speech.
    """
    return [
        Word(
            word=f" word{i}",
            start_s=start_s + i * step_s - lead_s,
            end_s=start_s + (i + 1) * step_s,
        )
        for i in range(n)
    ]


def test_rate_is_words_over_voice_activity_time_not_word_times() -> None:
    # 30 words inside two speech spans totalling 12 s; word times cover more than that.
    words = whisper_words(15, 0.0, 0.4) + whisper_words(15, 20.0, 0.4)
    speech = [(0.0, 6.0), (20.0, 26.0)]
    assert speaking_time_s(speech) == pytest.approx(12.0)
    assert words_per_minute(words, speech) == pytest.approx(30 / 12.0 * 60)  # 150 wpm


def test_overlapping_and_unsorted_spans_count_once() -> None:
    speech = [(10.0, 14.0), (0.0, 5.0), (3.0, 6.0), (14.0, 16.0), (7.0, 7.0)]
    assert speaking_time_s(speech) == pytest.approx(6.0 + 6.0)
    assert words_per_minute(whisper_words(24, 0.0, 0.5), speech) == pytest.approx(120.0)


def test_punctuation_only_tokens_are_not_words() -> None:
    words = [
        Word(word=" Hello,", start_s=0.0, end_s=0.4),
        Word(word=" ...", start_s=0.4, end_s=0.5),
        Word(word=" -", start_s=0.5, end_s=0.6),
        Word(word=" world.", start_s=0.6, end_s=1.0),
        Word(word="?", start_s=1.0, end_s=1.1),
    ]
    assert count_words(words) == 2


@pytest.mark.parametrize("leading_space", [True, False])
def test_whisper_split_words_count_once(leading_space: bool) -> None:
    # "I'll pay 1,500 for the follow-up" is 6 words, whatever way the tokens are split.
    sp = " " if leading_space else ""
    tokens = [
        f"{sp}I",
        "'ll",
        f"{sp}pay",
        f"{sp}1",
        ",500",
        f"{sp}for",
        f"{sp}the",
        f"{sp}follow",
        "-up.",
    ]
    words = [Word(word=t, start_s=i * 0.3, end_s=(i + 1) * 0.3) for i, t in enumerate(tokens)]
    assert count_words(words) == 6


def test_whisper_glued_pieces_without_a_space_join_the_word_before() -> None:
    # With Whisper's leading-space convention a piece with no space continues the word.
    tokens = [
        " The",
        " super",
        "market",
        " is",
        " 12",
        "%",
        " open",
        " and",
        " it's",
        " e",
        "-mail",
    ]
    words = [Word(word=t, start_s=i * 0.3, end_s=(i + 1) * 0.3) for i, t in enumerate(tokens)]
    assert count_words(words) == 8  # The supermarket is 12% open and it's e-mail


def test_stripped_words_each_count() -> None:
    # The transcriber strips leading spaces: every token is then its own word.
    words = [
        Word(word=t, start_s=i, end_s=i + 0.5) for i, t in enumerate(["Hello", "there,", "Anna"])
    ]
    assert count_words(words) == 3


def test_too_little_speech_or_no_words_gives_none() -> None:
    words = whisper_words(10, 0.0, 0.4)
    assert words_per_minute(words, [(0.0, MIN_SPEECH_S - 0.1)]) is None
    assert words_per_minute(words, [(0.0, MIN_SPEECH_S)]) == pytest.approx(120.0)
    assert words_per_minute([], [(0.0, 60.0)]) is None
    assert words_per_minute(words, []) is None
    assert words_per_minute(words, [(0.0, 4.0)], min_speech_s=3.0) == pytest.approx(150.0)


def test_windows_cover_the_call_with_exact_rates() -> None:
    # Window 0-30: 25 words in 10 s of speech (150 wpm).
    # Window 30-60: 3 s of speech, too little to rate.
    # Window 60-75 (last, shorter): 16 words in 9 s of speech (the last span has no
    # words in it but is speech all the same).
    words = (
        whisper_words(25, 10.0, 0.4) + whisper_words(6, 40.0, 0.5) + whisper_words(16, 65.0, 0.5)
    )
    speech = [(10.0, 20.0), (40.0, 43.0), (65.0, 73.0), (74.0, 75.0)]
    windows = windowed_wpm(words, speech, window_s=30.0)
    assert [(a, b) for a, b, _ in windows] == [(0.0, 30.0), (30.0, 60.0), (60.0, 75.0)]
    assert windows[0][2] == pytest.approx(150.0)
    assert windows[1][2] is None
    assert windows[2][2] == pytest.approx(16 / 9.0 * 60)


def test_window_rates_split_speech_at_window_edges() -> None:
    # One 10 s stretch across the 30 s edge: 5 s and 15 words on each side.
    words = whisper_words(30, 25.0, 1 / 3, lead_s=0.0)
    windows = windowed_wpm(words, [(25.0, 35.0)], window_s=30.0)
    assert windows[0][2] == pytest.approx(15 / 5.0 * 60)
    assert windows[1][2] == pytest.approx(15 / 5.0 * 60)
    assert windows[1][:2] == (30.0, 35.0)


def test_a_window_with_speech_but_no_words_has_no_rate() -> None:
    windows = windowed_wpm(whisper_words(20, 0.0, 0.4), [(0.0, 8.0), (40.0, 50.0)])
    assert windows[0][2] == pytest.approx(150.0)
    assert windows[1][2] is None


def test_windowed_rejects_a_non_positive_window() -> None:
    with pytest.raises(ValueError, match="window_s"):
        windowed_wpm([], [(0.0, 1.0)], window_s=0.0)


def test_no_speech_no_windows() -> None:
    assert windowed_wpm([], []) == []
