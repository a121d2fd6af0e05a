"""Phrase matching over timed words: the phrase lists (data) and the checks for opening,
negative language, closing and silence announcements.

Pure functions of a party's Whisper words (:class:`~analyzers.report.Word`); the phrase
lists are data, one TOML file per language in ``analyzers/data/phrases/`` (same keys in
every file). analyzers.phrase_rules turns the structured results here into findings.

Matching works on normalised tokens (:func:`normalise`): case, punctuation, Greek accents
and final sigma, apostrophes ("I'll" == "Ill" == "ill") and Unicode forms do not matter.

Phrase pattern syntax (in the data files), items separated by spaces:

- ``word``: that word (normalised like the transcript);
- ``a|b``: either word at this position; ``[a]`` / ``[a|b]``: an optional word;
- ``*``: any one word;
- ``{name}`` / ``{company}``: the agent's own name / one of the company names, when the
  caller knows them (a pattern with an unknown placeholder is skipped). A placeholder
  matches one or more consecutive words of the name, tolerating inflection and one-letter
  spelling slips ("Γιώργο" for "Γιώργος", "Annas" for "Anna"), Greek or Latin script.

A match never crosses a punctuation boundary the transcriber wrote (, . ! ? ; : ·): so
"no problem" matches "No problem." but not "No, the problem was fixed" (extra word) and
not "No. Problem solved" or "No, problem solved" (boundary). Ellipses are hesitations,
not boundaries.

Times: "the agent's first N seconds of speech" is counted in the agent's own speaking time
along the words (word durations plus pauses under ``_MAX_PAUSE_IN_SPEECH_S``), not in
wall-clock time, so a long customer turn does not push the agent's introduction out of
the opening.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Literal

from analyzers.errors import UnsupportedLanguageError
from analyzers.options import SUPPORTED_LANGUAGES
from analyzers.report import Word

# Every phrase file has exactly these tables and lists.
PHRASE_KEYS: dict[str, tuple[str, ...]] = {
    "opening": ("greeting", "introduction", "company", "forbidden"),
    "negative_language": ("negative", "over_familiar", "criticism", "exceptions"),
    "closing": ("next_step", "thanks", "farewell"),
    "silence": ("announcement",),
    # analyzers.conversation_rules and analyzers.customer_type (issue 16)
    "question_pacing": ("open_start", "closed_start"),
    "customer_name": ("self_introduction", "ask_name"),
    "active_listening": ("acknowledgement", "clarifying"),
    "politeness": ("polite",),
    "customer_type": ("negative", "friendly", "hesitation", "assertive", "recommendation"),
    "hold": ("announcement",),
}

NegativeCategory = Literal["negative", "over_familiar", "criticism"]
NEGATIVE_CATEGORIES: tuple[NegativeCategory, ...] = ("negative", "over_familiar", "criticism")

# Pauses between words up to this long count as speaking time when placing the opening
# and closing windows (a breath inside an utterance); longer gaps are the other party's
# turn or a silence. Measurement detail, not a recommended range.
_MAX_PAUSE_IN_SPEECH_S = 0.5
# An announcement may end a little after the silence's detected start: Whisper's word
# end times run late by a few tenths of a second.
_ANNOUNCEMENT_END_TOLERANCE_S = 0.5
# The longest a phrase runs in speaking time: how far past a window edge to search so a
# phrase starting (or ending) inside the window is found whole.
_PHRASE_SPILL_S = 5.0

_APOSTROPHES = "'’‘ʼ`´′ʹ"
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")
# Punctuation that ends a phrase (Greek ";" is the question mark, "·" the semicolon).
_BOUNDARY_CHARS = frozenset(",.!?;:\u00b7\u037e\u0387")


# --------------------------------------------------------------------------- normalise


def _is_greek(char: str) -> bool:
    return "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff"


def _strip_greek_accents(text: str) -> str:
    """Drop combining marks on Greek letters only (å, ä, ö, ø keep theirs)."""
    out: list[str] = []
    base_is_greek = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if not base_is_greek:
                out.append(char)
            continue
        base_is_greek = _is_greek(char)
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def normalise(text: str) -> list[str]:
    """Tokens of ``text`` for matching: casefolded, NFC, no punctuation, apostrophes removed.

    Greek accents are removed and final sigma folded (casefold maps ς to σ). Digit groups
    join ("1,500" -> "1500"); hyphens and other punctuation split words.
    """
    text = unicodedata.normalize("NFC", text).casefold()
    text = _strip_greek_accents(text)
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    text = _DIGIT_SEPARATOR.sub("", text)
    kept = [c if c.isalnum() or unicodedata.combining(c) else " " for c in text]
    return "".join(kept).split()


_GREEK_TO_LATIN_PAIRS = (
    ("ου", "ou"),
    ("αυ", "av"),
    ("ευ", "ev"),
    ("γγ", "ng"),
    ("γκ", "g"),
    ("μπ", "b"),
    ("ντ", "d"),
    ("θ", "th"),
    ("χ", "ch"),
    ("ψ", "ps"),
    ("ξ", "x"),
)
_GREEK_TO_LATIN_CHARS = str.maketrans("αβγδεζηικλμνοπρστυφω", "avgdeziiklmnoprstyfo")


def _latin(token: str) -> str:
    """A rough Latin transliteration of a normalised Greek token (for name matching)."""
    if not any(_is_greek(c) for c in token):
        return token
    for greek, latin in _GREEK_TO_LATIN_PAIRS:
        token = token.replace(greek, latin)
    return token.translate(_GREEK_TO_LATIN_CHARS)


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _name_token_matches(spoken: str, name: str) -> bool:
    """Whether a spoken token is this name token, allowing inflection and a spelling slip."""
    if spoken == name:
        return True
    spoken, name = _latin(spoken), _latin(name)
    if spoken == name:
        return True
    shorter, longer = sorted((spoken, name), key=len)
    if len(shorter) < 4:
        return False
    if _edit_distance_at_most_one(spoken, name):
        return True
    # Inflected forms share the stem: Παπαδόπουλε / Παπαδόπουλος, Γιώργο / Γιώργος.
    common = 0
    while common < len(shorter) and shorter[common] == longer[common]:
        common += 1
    return common >= 4 and common >= len(longer) - 2


def _name_tokens(names: Iterable[str]) -> frozenset[str]:
    # Single letters are initials, not something a speaker says as the name.
    return frozenset(t for name in names for t in normalise(name) if len(t) > 1)


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    text: str
    word_index: int
    boundary_after: bool


def _ends_with_boundary(word: str) -> bool:
    stripped = word.rstrip()
    if not stripped or stripped.endswith(("...", "…")):
        return False
    return stripped[-1] in _BOUNDARY_CHARS


def _tokenise(words: Sequence[Word]) -> list[_Token]:
    tokens: list[_Token] = []
    for index, word in enumerate(words):
        parts = normalise(word.word)
        if not parts:
            # A punctuation-only word ("," or "." on its own) closes the previous phrase.
            if tokens and _ends_with_boundary(word.word):
                tokens[-1] = _Token(tokens[-1].text, tokens[-1].word_index, True)
            continue
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            tokens.append(_Token(part, index, last and _ends_with_boundary(word.word)))
    return tokens


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _Element:
    kind: Literal["word", "any", "slot"]
    alternatives: frozenset[str] = frozenset()
    optional: bool = False
    slot: str = ""


@dataclass(frozen=True)
class _Pattern:
    source: str
    elements: tuple[_Element, ...]

    @property
    def slots(self) -> frozenset[str]:
        return frozenset(e.slot for e in self.elements if e.kind == "slot")

    @property
    def first_words(self) -> frozenset[str] | None:
        """The words a match must start with, or None when it can start with any word."""
        head = self.elements[0]
        return head.alternatives if head.kind == "word" and not head.optional else None


def _single_token(item: str, pattern: str) -> str:
    tokens = normalise(item)
    if len(tokens) != 1:
        raise ValueError(f"phrase {pattern!r}: alternative {item!r} must be exactly one word")
    return tokens[0]


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> _Pattern:
    elements: list[_Element] = []
    for item in pattern.split():
        if item == "*":
            elements.append(_Element("any"))
        elif item.startswith("{") and item.endswith("}"):
            elements.append(_Element("slot", slot=item[1:-1]))
        elif item.startswith("[") and item.endswith("]"):
            alts = frozenset(_single_token(a, pattern) for a in item[1:-1].split("|"))
            elements.append(_Element("word", alts, optional=True))
        elif "|" in item:
            alts = frozenset(_single_token(a, pattern) for a in item.split("|"))
            elements.append(_Element("word", alts))
        elif any(c in item for c in "[]{}"):
            raise ValueError(f"phrase {pattern!r}: malformed item {item!r}")
        else:
            elements.extend(_Element("word", frozenset({t})) for t in normalise(item))
    if all(e.optional for e in elements):
        raise ValueError(f"phrase {pattern!r} has no required word")
    return _Pattern(pattern, tuple(elements))


def _match_end(
    elements: tuple[_Element, ...],
    tokens: Sequence[_Token],
    position: int,
    limit: int,
    slots: Mapping[str, frozenset[str]],
) -> int | None:
    """End (exclusive) of the longest match of ``elements`` from ``position``, or None.

    ``limit`` is the first token index the match may not reach (the next boundary).
    """
    if not elements:
        return position
    head, rest = elements[0], elements[1:]
    best: int | None = None
    if head.optional:
        best = _match_end(rest, tokens, position, limit, slots)
    if position >= limit:
        return best
    text = tokens[position].text
    if head.kind == "any" or (head.kind == "word" and text in head.alternatives):
        end = _match_end(rest, tokens, position + 1, limit, slots)
        if end is not None and (best is None or end > best):
            best = end
    elif head.kind == "slot":
        names = slots[head.slot]
        stop = position
        while stop < limit and any(_name_token_matches(tokens[stop].text, n) for n in names):
            stop += 1
            end = _match_end(rest, tokens, stop, limit, slots)
            if end is not None and (best is None or end > best):
                best = end
    return best


# --------------------------------------------------------------------------- matches


@dataclass(frozen=True)
class PhraseMatch:
    """A phrase found in the words: which pattern, the words as transcribed, when."""

    phrase: str
    text: str
    start_s: float
    end_s: float
    word_indices: tuple[int, ...]
    category: str = ""


def find_phrases(
    words: Sequence[Word],
    phrases: Iterable[str],
    *,
    category: str = "",
    slots: Mapping[str, Iterable[str]] | None = None,
) -> list[PhraseMatch]:
    """Non-overlapping matches of ``phrases`` in ``words`` (chronological), in time order.

    Where matches overlap, the earliest wins, then the longest, then the first listed.
    ``slots`` gives the values for ``{placeholder}`` items (e.g. ``{"company": ["Acme
    Energy"]}``); patterns whose placeholders have no value are skipped.
    """
    slot_tokens = {key: _name_tokens(values) for key, values in (slots or {}).items()}
    patterns = [p for p in map(_compile, phrases) if all(slot_tokens.get(s) for s in p.slots)]
    tokens = _tokenise(words)
    if not patterns or not tokens:
        return []
    # Index patterns by their first word so most positions try only a few patterns.
    by_first_word: dict[str, list[tuple[int, _Pattern]]] = {}
    anywhere: list[tuple[int, _Pattern]] = []
    for order, pattern in enumerate(patterns):
        first = pattern.first_words
        if first is None:
            anywhere.append((order, pattern))
        else:
            for word in first:
                by_first_word.setdefault(word, []).append((order, pattern))
    limits = [0] * len(tokens)  # first index after the boundary that closes token i's phrase
    next_limit = len(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].boundary_after:
            next_limit = i + 1
        limits[i] = next_limit

    matches: list[PhraseMatch] = []
    position = 0
    while position < len(tokens):
        # The longest match from here wins; among equally long ones, the first listed.
        best: tuple[int, int, _Pattern] | None = None
        for order, pattern in by_first_word.get(tokens[position].text, []) + anywhere:
            end = _match_end(pattern.elements, tokens, position, limits[position], slot_tokens)
            if (
                end is not None
                and end > position
                and (best is None or (end, -order) > (best[0], -best[1]))
            ):
                best = (end, order, pattern)
        if best is None:
            position += 1
            continue
        best_end, _, best_pattern = best
        indices = tuple(sorted({t.word_index for t in tokens[position:best_end]}))
        matches.append(_phrase_match(words, indices, best_pattern.source, category))
        position = best_end
    return matches


def _phrase_match(
    words: Sequence[Word], indices: tuple[int, ...], phrase: str, category: str
) -> PhraseMatch:
    return PhraseMatch(
        phrase=phrase,
        text=" ".join(words[i].word.strip() for i in indices),
        start_s=words[indices[0]].start_s,
        end_s=words[indices[-1]].end_s,
        word_indices=indices,
        category=category,
    )


# --------------------------------------------------------------------------- phrase data


@dataclass(frozen=True)
class PhraseBook:
    """One language's phrase lists: ``lists[table][key]`` is a tuple of patterns."""

    language: str
    lists: Mapping[str, Mapping[str, tuple[str, ...]]]

    def get(self, table: str, key: str) -> tuple[str, ...]:
        return self.lists[table][key]


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES))
def load_phrase_book(language: str) -> PhraseBook:
    """The phrase lists for ``language`` (en, sv, nb, el), validated and compiled once."""
    if language not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguageError(
            f"no phrase lists for language {language!r}; supported: "
            + ", ".join(SUPPORTED_LANGUAGES)
        )
    name = f"{language}.toml"
    text = resources.files("analyzers.data").joinpath("phrases", name).read_text("utf-8")
    data = tomllib.loads(text)
    if data.get("language") != language:
        raise ValueError(f"phrases/{name}: language must be {language!r}")
    lists: dict[str, dict[str, tuple[str, ...]]] = {}
    for table, keys in PHRASE_KEYS.items():
        section = data.get(table)
        if not isinstance(section, dict) or set(section) != set(keys):
            raise ValueError(f"phrases/{name}: [{table}] must have exactly the keys {keys}")
        lists[table] = {}
        for key in keys:
            values = section[key]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"phrases/{name}: {table}.{key} must be a list of strings")
            for value in values:
                _compile(value)  # fail on load, not mid-analysis
            lists[table][key] = tuple(values)
    return PhraseBook(language, lists)


# --------------------------------------------------------------------------- speech time


def _speech_clock(words: Sequence[Word]) -> list[tuple[float, float]]:
    """Per word: the party's speaking time elapsed at its start and at its end."""
    clock: list[tuple[float, float]] = []
    elapsed = 0.0
    previous_end: float | None = None
    for word in words:
        if previous_end is not None:
            gap = word.start_s - previous_end
            if 0.0 < gap <= _MAX_PAUSE_IN_SPEECH_S:
                elapsed += gap
        start = elapsed
        elapsed += max(0.0, word.end_s - word.start_s)
        clock.append((start, elapsed))
        previous_end = word.end_s
    return clock


def _shifted(match: PhraseMatch, offset: int) -> PhraseMatch:
    """``match`` found in ``words[offset:]``, re-indexed into ``words``."""
    return replace(match, word_indices=tuple(i + offset for i in match.word_indices))


def _first(matches: list[PhraseMatch]) -> PhraseMatch | None:
    return matches[0] if matches else None


def _last(matches: list[PhraseMatch]) -> PhraseMatch | None:
    return matches[-1] if matches else None


# --------------------------------------------------------------------------- opening


@dataclass(frozen=True)
class OpeningResult:
    """What the agent said in the first ``within_s`` seconds of their speech."""

    greeting: PhraseMatch | None
    introduction: PhraseMatch | None
    company: PhraseMatch | None
    forbidden: tuple[PhraseMatch, ...]
    window_end_s: float | None  # recording time where the opening window ends

    @property
    def missing(self) -> tuple[str, ...]:
        parts = (
            ("greeting", self.greeting),
            ("name", self.introduction),
            ("company", self.company),
        )
        return tuple(label for label, found in parts if found is None)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.forbidden


def check_opening(
    agent_words: Sequence[Word],
    language: str,
    *,
    within_s: float,
    company_names: Sequence[str] | None = None,
    agent_name: str | None = None,
) -> OpeningResult:
    """Greeting, own name, company and forbidden openers in the agent's opening.

    A phrase counts when it starts within the agent's first ``within_s`` seconds of
    speech. Without ``agent_name`` / ``company_names`` the generic forms still count
    ("my name is ...", "welcome to ...").
    """
    book = load_phrase_book(language)
    clock = _speech_clock(agent_words)
    slots: dict[str, list[str]] = {
        "name": [agent_name] if agent_name else [],
        "company": list(company_names or []),
    }

    # Only the opening (plus room for a phrase that starts inside it) needs searching.
    searched = [
        w
        for w, (start, _) in zip(agent_words, clock, strict=True)
        if start < within_s + _PHRASE_SPILL_S
    ]

    def in_window(key: str, phrases: Sequence[str]) -> list[PhraseMatch]:
        found = find_phrases(searched, phrases, category=key, slots=slots)
        return [m for m in found if clock[m.word_indices[0]][0] < within_s]

    def first_in_window(key: str) -> PhraseMatch | None:
        # The known name or company said is the better evidence (and names the whole
        # company); the generic forms ("my name is *") are the fallback.
        phrases = book.get("opening", key)
        named = [p for p in phrases if _compile(p).slots]
        generic = [p for p in phrases if not _compile(p).slots]
        return _first(in_window(key, named)) or _first(in_window(key, generic))

    window_end_s = None
    if clock:
        inside = [w for w, (start, _) in zip(agent_words, clock, strict=True) if start < within_s]
        window_end_s = inside[-1].end_s
    return OpeningResult(
        greeting=first_in_window("greeting"),
        introduction=first_in_window("introduction"),
        company=first_in_window("company"),
        forbidden=tuple(in_window("forbidden", book.get("opening", "forbidden"))),
        window_end_s=window_end_s,
    )


# --------------------------------------------------------------------------- negative


def check_negative_language(agent_words: Sequence[Word], language: str) -> list[PhraseMatch]:
    """Negative, over-familiar and criticising phrases anywhere in the agent's words.

    Each match's ``category`` is "negative", "over_familiar" or "criticism". A match
    overlapping one of the language's ``exceptions`` ("you should have received ...")
    is not reported.
    """
    book = load_phrase_book(language)
    excepted = {
        i
        for m in find_phrases(agent_words, book.get("negative_language", "exceptions"))
        for i in m.word_indices
    }
    found = [
        m
        for category in NEGATIVE_CATEGORIES
        for m in find_phrases(
            agent_words, book.get("negative_language", category), category=category
        )
        if not excepted.intersection(m.word_indices)
    ]
    return sorted(found, key=lambda m: (m.start_s, m.category))


# --------------------------------------------------------------------------- closing


@dataclass(frozen=True)
class ClosingResult:
    """What the agent said in the last ``within_last_s`` seconds of their speech."""

    next_step: PhraseMatch | None
    thanks: PhraseMatch | None
    farewell: PhraseMatch | None
    name_used: bool | None  # None when the customer's name is not known
    window_start_s: float | None  # recording time where the closing window starts

    @property
    def missing(self) -> tuple[str, ...]:
        parts = (
            ("next_step", self.next_step),
            ("thanks", self.thanks),
            ("farewell", self.farewell),
        )
        return tuple(label for label, found in parts if found is None)

    @property
    def passed(self) -> bool:
        return not self.missing


def check_closing(
    agent_words: Sequence[Word],
    language: str,
    *,
    within_last_s: float,
    customer_name: str | None = None,
) -> ClosingResult:
    """Next step, thanks, farewell and the customer's name in the agent's closing.

    A phrase counts when it ends within the agent's last ``within_last_s`` seconds of
    speech; the name counts when it is said in that window.
    """
    book = load_phrase_book(language)
    clock = _speech_clock(agent_words)
    total = clock[-1][1] if clock else 0.0
    window_from = total - within_last_s

    # Only the closing (plus room for a phrase that ends inside it) needs searching.
    skipped = sum(1 for _, end in clock if end <= window_from - _PHRASE_SPILL_S)
    searched = agent_words[skipped:]

    def in_window(key: str) -> list[PhraseMatch]:
        found = find_phrases(searched, book.get("closing", key), category=key)
        return [
            _shifted(m, skipped)
            for m in found
            if clock[skipped + m.word_indices[-1]][1] > window_from
        ]

    closing_words = [w for w, (_, end) in zip(agent_words, clock, strict=True) if end > window_from]
    name_used = None
    if customer_name:
        name_used = customer_name_used(closing_words, customer_name)
    return ClosingResult(
        next_step=_last(in_window("next_step")),
        thanks=_last(in_window("thanks")),
        farewell=_last(in_window("farewell")),
        name_used=name_used,
        window_start_s=closing_words[0].start_s if closing_words else None,
    )


# --------------------------------------------------------------------------- silences


def explain_silence(
    agent_words: Sequence[Word],
    silence_start_s: float,
    language: str,
    lookback_s: float,
    *,
    table: Literal["silence", "hold"] = "silence",
) -> str | None:
    """The agent's announcement of a pause just before a silence, or None.

    An announcement ("let me check that for you", "one moment please") explains the
    silence when it started before the silence and ended no more than ``lookback_s``
    before it. Returns the announcement as transcribed (the latest one). With
    ``table="hold"`` the phrases are those that announce a hold ("please hold").
    """
    book = load_phrase_book(language)
    found = [
        m
        for m in find_phrases(agent_words, book.get(table, "announcement"))
        if m.start_s < silence_start_s
        and m.end_s >= silence_start_s - lookback_s
        and m.end_s <= silence_start_s + _ANNOUNCEMENT_END_TOLERANCE_S
    ]
    return found[-1].text if found else None


def customer_name_used(agent_words: Sequence[Word], name: str) -> bool:
    """Whether the agent said (any part of) the customer's name.

    Tolerates inflection (Greek vocative, Swedish genitive), a one-letter spelling slip
    by the transcriber, and Greek script for a Latin-script name.
    """
    name_tokens = _name_tokens([name])
    if not name_tokens:
        return False
    return any(
        _name_token_matches(token.text, n) for token in _tokenise(agent_words) for n in name_tokens
    )
