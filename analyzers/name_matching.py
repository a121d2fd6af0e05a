"""The customer's name: where the customer gives it, and where the agent says it.

Names are compared on a folded spelling (diacritics removed, Greek transliterated,
spelling variants that sound alike merged: ph/f, c/k, w/v, z/s, y/i, doubled letters)
by normalised edit distance, so "Katarina" matches "Catharina", "Nilsen" "Nielsen",
"Γιώργο" "Giorgos", and the recogniser's slips on names still count.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.phrase_matching import _latin, find_phrases, load_phrase_book, normalise
from analyzers.report import Word

_SOUND_ALIKE = (
    ("sch", "sk"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("ch", "k"),
    ("qu", "kv"),
    ("x", "ks"),
    ("c", "k"),
    ("q", "k"),
    ("w", "v"),
    ("z", "s"),
    ("y", "i"),
    ("j", "i"),
    ("h", ""),
)
# Name tokens shorter than this are too short to match fuzzily (only exactly).
_MIN_FUZZY_LETTERS = 4


def fold_name(token: str) -> str:
    """A token's spelling with what does not tell names apart removed."""
    text = _latin(token)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    for spelled, sound in _SOUND_ALIKE:
        text = text.replace(spelled, sound)
    collapsed = [c for i, c in enumerate(text) if i == 0 or c != text[i - 1]]
    return "".join(collapsed)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def name_distance(spoken: str, name: str) -> float:
    """Normalised edit distance (0 = same, 1 = nothing alike) of two folded tokens."""
    a, b = fold_name(spoken), fold_name(name)
    if not a or not b:
        return 1.0
    return _edit_distance(a, b) / max(len(a), len(b))


def _token_matches(spoken: str, name: str, max_distance: float) -> bool:
    if spoken == name:
        return True
    a, b = fold_name(spoken), fold_name(name)
    if a == b:
        return True
    # Recognisers rarely get a name's first sound wrong; "better" is not "Peter".
    if min(len(a), len(b)) < _MIN_FUZZY_LETTERS or a[:1] != b[:1]:
        return False
    return name_distance(spoken, name) <= max_distance


@dataclass(frozen=True)
class NameMention:
    text: str
    start_s: float
    end_s: float


def name_mentions(words: Sequence[Word], name: str, max_distance: float) -> list[NameMention]:
    """Where (any part of) ``name`` is said in ``words``; a first and last name said
    together are one mention."""
    name_tokens = [t for t in normalise(name) if len(t) > 1]
    mentions: list[NameMention] = []
    previous_index = -2
    for index, word in enumerate(words):
        tokens = normalise(word.word)
        if not any(_token_matches(t, n, max_distance) for t in tokens for n in name_tokens):
            continue
        if previous_index == index - 1 and mentions:
            last = mentions[-1]
            mentions[-1] = NameMention(f"{last.text} {word.word.strip()}", last.start_s, word.end_s)
        else:
            mentions.append(NameMention(word.word.strip(), word.start_s, word.end_s))
        previous_index = index
    return mentions


def _looks_like_name(word: str) -> bool:
    stripped = word.strip(" ,.!?;:\"'")
    return len(stripped) > 1 and stripped[0].isupper() and stripped.upper() != stripped


def name_from_call(customer_words: Sequence[Word], language: str) -> str | None:
    """The name the customer gives ("my name is Peter Lund"), or None.

    The name is the capitalised words of the phrase after its first word, plus a
    capitalised word straight after it (the surname).
    """
    patterns = load_phrase_book(language).get("customer_name", "self_introduction")
    for match in find_phrases(customer_words, patterns):
        indices = list(match.word_indices[1:])
        after = match.word_indices[-1] + 1
        if after < len(customer_words):
            indices.append(after)
        parts: list[str] = []
        for i in indices:
            word = customer_words[i].word
            if _looks_like_name(word):
                parts.append(word.strip(" ,.!?;:\"'"))
                if word.rstrip()[-1] in ",.!?;:":
                    break  # the sentence (or the name) ends here
            elif parts:
                break
        if parts:
            return " ".join(parts)
    return None
