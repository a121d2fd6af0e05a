"""Whether the words a phrase rule reads are sure enough to judge the agent by.

Whisper returns fluent text for speech it does not understand (tiny.en hears
"you're speaking with Anna at Nordic Travel" in espeak-ng's voice at 8 kHz as
"your speaking women have Nordic travel"). A rule that reads such words finds
a missing name or farewell that was said. Each phrase rule therefore checks
the words of the window it reads (the agent's opening window, closing window,
the words before a silence, the words of a negative phrase) against the
profile's ``[transcript_trust]`` floor and is unmeasured, not a finding, when
they fall below it. Calibration: bench/calibrate_transcript_trust.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzers.profile import Profile, TranscriptTrustSettings
from analyzers.report import Finding, Metric, Silence, Unmeasured, Word

if TYPE_CHECKING:
    from analyzers.rules import _Scorer

UNRELIABLE_REASON = "transcript unreliable here"


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


def is_unreliable(words: Sequence[Word], settings: TranscriptTrustSettings) -> bool:
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
        before = words_between(words, silence.start_s - lookback_s, silence.start_s)
        if silence.explained is not None and is_unreliable(before, profile.transcript_trust):
            silence = silence.model_copy(
                update={"explained": None, "explanation": UNRELIABLE_REASON}
            )
        out.append(silence)
    return out


def withhold_unreliable_phrase_rules(
    s: _Scorer,
    words: Sequence[Word],
    *,
    opening_end_s: float | None,
    closing_start_s: float | None,
) -> None:
    """Turn the phrase rules the scorer has just scored on unsure words into unmeasured.

    opening reads the agent's words up to ``opening_end_s``, closing those from
    ``closing_start_s``; negative language reads all of them, and each negative
    phrase is judged on its own words as well (one unsure phrase is dropped, the
    rest stand).
    """
    settings = s.profile.transcript_trust
    windows = {
        "opening": words_between(words, None, opening_end_s),
        "closing": words_between(words, closing_start_s, None),
        "negative_language": list(words),
    }
    for rule, window in windows.items():
        if is_unreliable(window, settings):
            _make_unmeasured(s, rule)
    unsure = [
        f
        for f in s.findings
        if f.rule == "negative_language"
        and is_unreliable(words_between(words, f.start_s, f.end_s), settings)
    ]
    if unsure:
        s.findings = [f for f in s.findings if f not in unsure]
        s.metrics = [_recount_negatives(m, s.findings) for m in s.metrics]


def _make_unmeasured(s: _Scorer, rule: str) -> None:
    s.findings = [f for f in s.findings if f.rule != rule]
    metrics: list[Metric] = []
    for metric in s.metrics:
        if metric.rule == rule:
            metric = metric.model_copy(
                update={"value": None, "status": "unmeasured", "reason": UNRELIABLE_REASON}
            )
        metrics.append(metric)
    s.metrics = metrics
    s.unmeasured.append(Unmeasured(rule=rule, reason=UNRELIABLE_REASON))


def _recount_negatives(metric: Metric, findings: Sequence[Finding]) -> Metric:
    if metric.rule != "negative_language" or metric.status == "unmeasured":
        return metric
    count = sum(1 for f in findings if f.rule == "negative_language")
    return metric.model_copy(update={"value": count, "status": "warning" if count else "ok"})
