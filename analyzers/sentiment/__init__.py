"""Sentiment of what was said: a score in [-1, 1] per turn and each party's trend.

Word lists (lexicons) that ship inside the ``asent`` wheel, read as data files (asent's
spaCy pipeline is never imported), scored the VADER way: valences summed with negation,
boosters and "but" handled, then squashed into [-1, 1]. Nothing is downloaded at run time.

How well each language measures is in the README ("Sentiment"); the languages that
measured poorly, or could not be measured on independent labelled data, are "rough".
"""

from analyzers.sentiment.lexicons import (
    QUALITY,
    SentimentUnavailableError,
    lexicon_for,
    supported,
)
from analyzers.sentiment.score import score_text, score_tokens, tokens
from analyzers.sentiment.trend import party_trend

__all__ = [
    "QUALITY",
    "SentimentUnavailableError",
    "lexicon_for",
    "party_trend",
    "score_text",
    "score_tokens",
    "supported",
    "tokens",
]
