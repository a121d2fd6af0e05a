"""What a search box's text means, and how it is said to each full-text engine.

Words are matched all together (AND); a "double-quoted" part is a phrase. Everything
else the user types (operators, ``*``, ``-``, ``NEAR``, brackets, stray quotes) only
separates words: no input can reach an engine's query syntax, because the FTS5 string
quotes every term and PostgreSQL gets the words as bound values of ``plainto_tsquery`` /
``phraseto_tsquery``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 16

_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"')
# SQLite's unicode61 folds Latin diacritics but not the Greek tonos: an unaccented
# Greek query word is also tried with the tonos on each vowel (a word has at most one).
_GREEK_TONOS = dict(zip("αεηιουω", "άέήίόύώ", strict=True))
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


class QueryError(ValueError):
    """The search text cannot be searched; the message says why."""


@dataclass(frozen=True)
class SearchTerms:
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def count(self) -> int:
        return len(self.words) + sum(len(p) for p in self.phrases)


def parse_query(text: str) -> SearchTerms:
    """The words and phrases of ``text``; raises QueryError when there are none."""
    text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for match in _QUOTED.finditer(text):
        quoted = tuple(_WORD.findall(match.group(1)))
        if len(quoted) > 1:
            phrases.append(quoted)
        else:
            words.extend(quoted)
    words.extend(_WORD.findall(_QUOTED.sub(" ", text)))
    terms = SearchTerms(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)))
    if terms.count == 0:
        raise QueryError("the search text has no words to search for (letters or digits)")
    if terms.count > MAX_TERMS:
        raise QueryError(f"the search text has more than {MAX_TERMS} words")
    return terms


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def greek_variants(word: str) -> list[str]:
    """``word`` and, when it is unaccented Greek, each spelling with one tonos."""
    lower = word.lower()
    if not _GREEK.search(lower) or any(c in _GREEK_TONOS.values() for c in lower):
        return [word]
    return [lower] + [
        lower[:i] + _GREEK_TONOS[c] + lower[i + 1 :]
        for i, c in enumerate(lower)
        if c in _GREEK_TONOS
    ]


def fts5_match(terms: SearchTerms) -> str:
    """The FTS5 MATCH expression: every term a quoted string, all of them ANDed."""
    parts = []
    for word in terms.words:
        variants = [_fts5_string(v) for v in greek_variants(word)]
        parts.append(variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")")
    parts.extend(_fts5_string(" ".join(phrase)) for phrase in terms.phrases)
    return " AND ".join(parts)
