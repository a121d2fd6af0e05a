"""Whether the words a phrase rule reads are sure enough to judge the agent by.

Whisper returns fluent text for speech it does not understand (tiny.en hears
"you're speaking with Anna at Nordic Travel" in espeak-ng's voice at 8 kHz as
"your speaking women have Nordic travel"). A rule that reads such words finds
a missing name or farewell that was said. Each phrase rule therefore checks
the words of the window it reads (the agent's opening window, closing window,
the words before a silence, the words of a negative phrase) against the
profile's ``[transcript_trust]`` floor and is unmeasured, not a finding, when
they fall below it (analyzers.phrase_rules asks before it scores). Calibration:
bench/calibrate_transcript_trust.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from analyzers.profile import Profile
from analyzers.report import Silence, Word

UNRELIABLE_REASON = "transcript unreliable here"


class TrustFloor(Protocol):
    """The profile's ``[transcript_trust]`` table (built from analyzers.rule_table)."""

    low_word_probability: float
    min_mean_probability: float
    max_low_share: float


@dataclass(frozen=True)
class WordConfidence:
    """How sure the recogniser was of a stretch of words."""

    words: int
    mean_probability: float | None  # None when no word has a probability
    low_share: float | None  # share of words below the profile's low_word_probability


def word_confidence(words: Sequence[Word], low_word_probability: float) -> WordConfidence:
    probabilities = [w.probability for w in words if w.probability is not None]
    if not probabilities:
        return WordConfidence(len(words), None, None)
    low = sum(1 for p in probabilities if p < low_word_probability)
    return WordConfidence(
        len(words), sum(probabilities) / len(probabilities), low / len(probabilities)
    )


def is_unreliable(words: Sequence[Word], settings: TrustFloor) -> bool:
    """True when the words are below the confidence floor.

    Words without probabilities (an engine that gives none) are trusted: there
    is nothing to judge them by. No words at all is not "unreliable" either;
    the rules report that case themselves.
    """
    confidence = word_confidence(words, settings.low_word_probability)
    if confidence.mean_probability is None or confidence.low_share is None:
        return False
    return (
        confidence.mean_probability < settings.min_mean_probability
        or confidence.low_share > settings.max_low_share
    )


def words_between(words: Sequence[Word], start_s: float | None, end_s: float | None) -> list[Word]:
    """The words overlapping [start_s, end_s] (None = open end)."""
    lo = float("-inf") if start_s is None else start_s
    hi = float("inf") if end_s is None else end_s
    return [w for w in words if w.end_s >= lo and w.start_s <= hi]


def unreliable_between(
    words: Sequence[Word], start_s: float | None, end_s: float | None, profile: Profile
) -> bool:
    """True when the words a rule reads in [start_s, end_s] are too unsure to judge.

    opening reads the agent's words up to its window's end, closing those from its
    window's start, negative language all of them and then each phrase's own words
    (one unsure phrase is dropped, the rest stand).
    """
    return is_unreliable(words_between(words, start_s, end_s), profile.transcript_trust)


def withhold_unsure_explanations(
    silences: Sequence[Silence], words: Sequence[Word], lookback_s: float, profile: Profile
) -> list[Silence]:
    """Silences whose explained/unexplained decision rests on unsure words, made undecided.

    The words read are those of the ``lookback_s`` before the silence (where an
    announcement may be); an undecided silence has ``explained`` None and the
    reason as its ``explanation``.
    """
    out = []
    for silence in silences:
        unsure = unreliable_between(words, silence.start_s - lookback_s, silence.start_s, profile)
        if silence.explained is not None and unsure:
            silence = silence.model_copy(
                update={"explained": None, "explanation": UNRELIABLE_REASON}
            )
        out.append(silence)
    return out
