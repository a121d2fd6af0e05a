"""Sentiment stage: each turn's words scored in [-1, 1], each party's start-to-end trend.

Runs on the built report, after turns have their (already redacted) words: redaction
tags are never scored. Without words, or in a language without a word list, the report
says nothing about sentiment rather than guessing. See ``analyzers.sentiment``.
"""

from __future__ import annotations

from collections import defaultdict

from analyzers.report import CallSentiment, Report, SentimentTrend, Turn
from analyzers.sentiment import (
    QUALITY,
    SentimentUnavailableError,
    lexicon_for,
    party_trend,
    score_tokens,
    supported,
    tokens,
)


def score_sentiment(report: Report) -> Report:
    """The report with each worded turn's ``sentiment`` and the call's ``sentiment``."""
    language = report.language
    if language is None or not supported(language) or not any(t.text for t in report.turns):
        return report
    try:
        method = lexicon_for(language).method
    except SentimentUnavailableError:
        return report  # not installed: no scores rather than a failed analysis
    turns = [_scored(turn, language) for turn in report.turns]
    per_party: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        if turn.sentiment is not None:
            per_party[turn.party].append(turn.sentiment)
    if not per_party:
        return report
    parties = {}
    for party, scores in per_party.items():
        trend = party_trend(scores)
        parties[party] = SentimentTrend(
            turns=trend.turns, start=trend.start, end=trend.end, change=trend.change
        )
    sentiment = CallSentiment(
        language=language, quality=QUALITY[language], method=method, parties=parties
    )
    return report.model_copy(update={"turns": turns, "sentiment": sentiment})


def _scored(turn: Turn, language: str) -> Turn:
    words = tokens(turn.text or "", language)
    if not any(w.isalpha() for w in words):
        return turn  # nothing said, or only redacted data: unscored
    score, _hits = score_tokens(words, language)
    return turn.model_copy(update={"sentiment": score})
