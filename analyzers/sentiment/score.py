"""Score a stretch of speech: valences summed the VADER way, squashed into [-1, 1].

Spoken text is not written text: fillers and backchannels ("okay", "yeah", "uh") and a
word repeated in a false start are dropped before scoring, and redaction tags
(``[CARD]``) are never scored: they stand where personal data was said and break a
clause like a comma. A negation flips a word within three words before it (and, in
Swedish and Norwegian, where the verb comes first, within two after: "det hjälper mig
inte"); a booster ("very", "väldigt", "πολύ") strengthens the next words; words after
"but" weigh three times those before it.
"""

from __future__ import annotations

import math
import re

from analyzers.sentiment.lexicons import Lexicon, lexicon_for, normalise

_TAG = re.compile(r"\[[A-Z_]+\]")  # a redaction placeholder
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[.,;:!?;]")
_BOUNDARY = frozenset(".,;:!?;")
_NEGATION_BEFORE = 3
_NEGATION_AFTER = {"sv": 2, "nb": 2}  # verb-second: the negation follows the verb
_NEGATION_FACTOR = -0.74  # VADER's
_BOOST_DECAY = (1.0, 0.95, 0.9)  # boosters one, two, three words back
_BEFORE_BUT, _AFTER_BUT = 0.5, 1.5
_ALPHA = 15.0  # VADER's normalisation: s / sqrt(s^2 + alpha)
# Compound boosters written as one word: "jätteglad", "kjempefornøyd".
_BOOST_PREFIXES = {"sv": ("jätte", "super"), "nb": ("kjempe", "super")}
_BOOST = 0.293


def tokens(text: str, language: str) -> list[str]:
    """Normalised words and clause punctuation, without redaction tags, fillers and
    immediate repeats ("I I I think")."""
    lexicon = lexicon_for(language)
    raw = _TOKEN.findall(normalise(_TAG.sub(" , ", text), language).replace("’", "'"))
    out: list[str] = []
    for tok in raw:
        if tok in lexicon.spoken_neutral or (out and out[-1] == tok):
            continue
        out.append(tok)
    return out


def score_text(text: str, language: str) -> tuple[float, int]:
    """(score in [-1, 1], number of words that carried sentiment) for one turn's text."""
    return score_tokens(tokens(text, language), language)


def score_tokens(toks: list[str], language: str) -> tuple[float, int]:
    lexicon = lexicon_for(language)
    valences = [_valence_at(toks, i, lexicon) for i in range(len(toks))]
    contrast = max((i for i, t in enumerate(toks) if t in lexicon.contrasts), default=None)
    if contrast is not None:
        valences = [
            v * (_BEFORE_BUT if i < contrast else _AFTER_BUT) for i, v in enumerate(valences)
        ]
    total = sum(valences)
    hits = sum(1 for v in valences if v)
    return round(total / math.sqrt(total * total + _ALPHA), 3), hits


def _word_valence(tok: str, lexicon: Lexicon) -> float:
    if tok in lexicon.boosters or tok in lexicon.negations or tok in _BOUNDARY:
        return 0.0
    found = lexicon.valence(tok)
    if found is not None:
        return found
    for prefix in _BOOST_PREFIXES.get(lexicon.language, ()):
        rest = tok.removeprefix(prefix)
        if rest != tok and len(rest) >= 3:
            inner = lexicon.valence(rest)
            if inner:
                return inner + math.copysign(_BOOST, inner)
    return 0.0


def _window(toks: list[str], i: int, before: int, after: int) -> tuple[list[str], list[str]]:
    """The words up to ``before`` back and ``after`` ahead of i, stopping at punctuation."""
    back: list[str] = []
    for tok in reversed(toks[max(0, i - before) : i]):
        if tok in _BOUNDARY:
            break
        back.append(tok)
    ahead: list[str] = []
    for tok in toks[i + 1 : i + 1 + after]:
        if tok in _BOUNDARY:
            break
        ahead.append(tok)
    return back, ahead


def _is_negation(tok: str, lexicon: Lexicon) -> bool:
    return tok in lexicon.negations or (lexicon.language == "en" and tok.endswith("n't"))


def _valence_at(toks: list[str], i: int, lexicon: Lexicon) -> float:
    value = _word_valence(toks[i], lexicon)
    if not value:
        return 0.0
    back, ahead = _window(toks, i, _NEGATION_BEFORE, _NEGATION_AFTER.get(lexicon.language, 0))
    for distance, tok in enumerate(back):
        boost = lexicon.boosters.get(tok)
        if boost:
            value += math.copysign(boost * _BOOST_DECAY[distance], value)
    if any(_is_negation(t, lexicon) for t in back + ahead):
        value *= _NEGATION_FACTOR
    return value
