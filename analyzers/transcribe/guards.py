"""Guards against Whisper's known failure modes.

- Segments Whisper itself scores as failed: text that compresses too well
  (a loop, compression ratio > 2.4) or, where the model thinks there is no
  speech, text that is improbable (openai/whisper's no-speech rule) or made
  of unsure words (measured: " You" on digital silence has avg log prob
  -0.8, so passes Whisper's rule, but word probability < 0.1; real speech
  segments on our test calls have mean word probability >= 0.47).
- Stock phrases from subtitle training data that Whisper emits on noise
  ("thanks for watching", "subtitles by ...", faster-whisper #183, #843).
- Looping: the same word or phrase repeated many times in a row.
Whole segments that fail are dropped; known phrases take only their sentence.
Words in silence are handled by the caller, which knows the speech stretches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from analyzers.transcribe.engine import EngineSegment

# Normalised (see normalize_text) phrases that mark a segment as invented.
# Only phrases that do not occur in a service call; "thank you" alone is real.
KNOWN_HALLUCINATIONS: tuple[str, ...] = (
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "subscribe to my channel",
    "like and subscribe",
    "subtitles by",
    "subtitled by",
    "captions by",
    "amara org",
    "tack för att du tittade",
    "tack för att ni tittade",
    "undertexter från",
    "svensktextning",
    "teksting av",
    "tekstet av",
    "takk for at du så på",
    "undertekster av",
    "υπότιτλοι",
    "ευχαριστώ που παρακολουθήσατε",
)

_NON_WORD = re.compile(r"[^\w']+")
_SENTENCE_END = (".", "!", "?", "…", ";")  # ";" is the Greek question mark


class _HasWord(Protocol):
    @property
    def word(self) -> str: ...


W = TypeVar("W", bound=_HasWord)


@dataclass(frozen=True)
class GuardSettings:
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    no_speech_word_probability: float = 0.3
    # Keep at most this many consecutive copies of a repeated phrase (2+ words)
    # or of a repeated single word ("no, no, no" is real speech).
    max_phrase_repeats: int = 2
    max_word_repeats: int = 3
    max_ngram: int = 8
    phrases: tuple[str, ...] = KNOWN_HALLUCINATIONS


DEFAULT_GUARDS = GuardSettings()


def normalize_text(text: str) -> str:
    """Lowercase words separated by single spaces, punctuation dropped."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def normalize_word(word: str) -> str:
    return _NON_WORD.sub("", word.lower())


def is_looped_segment(segment: EngineSegment, settings: GuardSettings = DEFAULT_GUARDS) -> bool:
    """Whisper's loop signal: the text compresses too well. A number read out digit
    by digit ("one. one. one. one.") compresses as well, so the caller checks a
    looped segment against the audio (see channel.py) before dropping it."""
    return segment.compression_ratio > settings.compression_ratio_threshold


def is_failed_segment(
    segment: EngineSegment, settings: GuardSettings = DEFAULT_GUARDS, *, loop_check: bool = True
) -> bool:
    """Whisper's own signals that this segment is a loop (unless ``loop_check`` is
    off) or is not speech."""
    if loop_check and is_looped_segment(segment, settings):
        return True
    if segment.no_speech_prob <= settings.no_speech_threshold:
        return False
    if segment.avg_logprob < settings.log_prob_threshold:
        return True
    probabilities = [w.probability for w in segment.words]
    return bool(probabilities) and (
        sum(probabilities) / len(probabilities) < settings.no_speech_word_probability
    )


def has_known_hallucination(text: str, phrases: Iterable[str] = KNOWN_HALLUCINATIONS) -> bool:
    padded = f" {normalize_text(text)} "
    return any(f" {phrase} " in padded for phrase in phrases)


def drop_hallucinated_sentences(
    words: Sequence[W], phrases: Iterable[str] = KNOWN_HALLUCINATIONS
) -> list[W]:
    """Drop each sentence that holds a known phrase, keep the rest.

    A segment can be a whole 28 s chunk, so dropping the segment would lose
    real speech with the invented sentence; a sentence ends at a word ending
    in . ! ? or the end of the list.
    """
    phrases = tuple(phrases)
    kept: list[W] = []
    sentence: list[W] = []
    for i, word in enumerate(words):
        sentence.append(word)
        if word.word.rstrip().endswith(_SENTENCE_END) or i == len(words) - 1:
            if not has_known_hallucination(" ".join(w.word for w in sentence), phrases):
                kept.extend(sentence)
            sentence = []
    return kept


def drop_repetitions(
    words: Sequence[W],
    settings: GuardSettings = DEFAULT_GUARDS,
    voiced_words: Callable[[Sequence[W]], int] | None = None,
) -> list[W]:
    """Cut runs of a repeated n-gram down to the allowed number of copies.

    At each position the longest repeated run (in words) wins, so a looped
    phrase is recognised as a phrase, not as its repeated first word.
    ``voiced_words(run)`` says how many words of a run the audio has a voiced
    burst for: that many copies are kept (a card number read out digit by digit
    keeps its digits; a loop's copies past the speech go).
    """
    tokens = [normalize_word(w.word) for w in words]
    kept: list[W] = []
    i = 0
    while i < len(tokens):
        best_n, best_copies = 0, 0
        for n in range(1, settings.max_ngram + 1):
            allowed = settings.max_word_repeats if n == 1 else settings.max_phrase_repeats
            if i + n * (allowed + 1) > len(tokens):
                continue
            unit = tokens[i : i + n]
            if not any(unit):
                continue
            copies = 1
            while tokens[i + copies * n : i + (copies + 1) * n] == unit:
                copies += 1
            if copies > allowed and copies * n > best_copies * best_n:
                best_n, best_copies = n, copies
        if best_n:
            allowed = settings.max_word_repeats if best_n == 1 else settings.max_phrase_repeats
            run = words[i : i + best_copies * best_n]
            if voiced_words is not None:
                allowed = max(allowed, min(voiced_words(run), len(run)) // best_n)
            kept.extend(run[: allowed * best_n])
            i += len(run)
        else:
            kept.append(words[i])
            i += 1
    return kept
