"""Spoken numbers as digits, each digit kept with the index of the word it came from.

Whisper writes a read-out number as numerals ("4111 1111"), as words ("four one one
one") or mixed; "double four", "oh" for zero and tens ("forty five") occur in English,
and Swedish/Norwegian write tens and units as one word ("fyrtiofem", "førtifem").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_UNITS = {
    # en
    "zero": 0, "oh": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    # sv
    "noll": 0, "ett": 1, "en": 1, "tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "atta": 8, "nio": 9, "nie": 9,
    # nb (also en, ett, tre, fem, sju)
    "null": 0, "to": 2, "fire": 4, "seks": 6, "syv": 7, "atte": 8, "ni": 9,
    # el (accents stripped, final sigma folded)
    "μηδεν": 0, "ενα": 1, "ενας": 1, "μια": 1, "δυο": 2, "δυω": 2, "τρια": 3, "τρεις": 3,
    "τεσσερα": 4, "τεσσερις": 4, "πεντε": 5, "εξι": 6, "επτα": 7, "εφτα": 7, "οκτω": 8,
    "οχτω": 8, "εννεα": 9, "εννια": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15,
    "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19,
    "ti": 10, "elleve": 11, "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16,
    "sytten": 17, "atten": 18, "nitten": 19,
    "δεκα": 10, "εντεκα": 11, "δωδεκα": 12, "δεκατρια": 13, "δεκατεσσερα": 14,
    "δεκαπεντε": 15, "δεκαεξι": 16, "δεκαεπτα": 17, "δεκαεφτα": 17, "δεκαοκτω": 18,
    "δεκαοχτω": 18, "δεκαεννεα": 19, "δεκαεννια": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "tjugo": 20, "tjugu": 20, "trettio": 30, "tretti": 30, "fyrtio": 40, "forti": 40,
    "femtio": 50, "femti": 50, "sextio": 60, "sexti": 60, "sjuttio": 70, "sjutti": 70,
    "attio": 80, "atti": 80, "nittio": 90, "nitti": 90,
    "tjue": 20, "tyve": 20, "seksti": 60, "sytti": 70,
    "εικοσι": 20, "τριαντα": 30, "σαραντα": 40, "πενηντα": 50, "εξηντα": 60,
    "εβδομηντα": 70, "ογδοντα": 80, "ενενηντα": 90,
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3, "dubbel": 2, "dubbla": 2, "dobbel": 2, "dobbelt": 2}
_PLUS = {"plus", "+", "συν"}
# Sv/nb tens and units in one word: "fyrtiofem", "tjuefire" (not "tjugoen" → also fine).
_COMPOUND = re.compile(
    "^(" + "|".join(sorted(_TENS, key=len, reverse=True)) + ")(" + "|".join(
        sorted((u for u, v in _UNITS.items() if v > 0 and u.isascii() and len(u) > 1),
               key=len, reverse=True)) + ")$"
)  # fmt: skip
_NUMERAL = re.compile(r"\d+")
# Dates, times, amounts and percentages written as numerals are not read-out numbers.
_NOT_A_NUMBER = re.compile(
    r"^(\d{1,2}[:.]\d{2}|\d{1,4}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|[$€£]\d.*|\d.*[%$€£]|\d+[.,]\d{1,2}|\d{1,3}(,\d{3})+)$"
)
_AMOUNT_WORDS = {
    "kr", "kronor", "kroner", "krona", "krone", "euro", "euros", "ευρω", "dollars", "dollar",
    "pounds", "percent", "procent", "prosent", "τοις", "%", "sek", "nok", "eur",
}  # fmt: skip


def fold(word: str) -> str:
    """Lower case, accents and surrounding punctuation removed (å, ä, ø → a, a, o)."""
    text = unicodedata.normalize("NFD", word.strip().lower().replace("ø", "o"))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ς", "σ")
    text = text.replace("σ", "ς") if text.endswith("σ") else text
    return text.strip(".,;:!?\"'()[]«»…-–—")


@dataclass(frozen=True)
class Digits:
    """Digits read in one word (empty when the word is not part of a number)."""

    digits: str
    plus: bool = False  # the word was "plus"/"+": an international prefix may follow
    tens: bool = False  # a bare tens word ("twenty"): a following unit adds to it


def word_digits(word: str, following: str | None = None) -> Digits:
    """The digits one word contributes to a read-out number."""
    raw = word.strip().strip(".,;:!?\"'()[]")
    if raw in _PLUS or fold(raw) in _PLUS:
        return Digits("", plus=True)
    if raw.startswith("+") and _NUMERAL.search(raw):
        return Digits("".join(_NUMERAL.findall(raw)), plus=True)
    if _NUMERAL.search(raw):
        if _NOT_A_NUMBER.match(raw) or (following and fold(following) in _AMOUNT_WORDS):
            return Digits("")
        if re.fullmatch(r"[\d\s().\-/]+", raw):
            return Digits("".join(_NUMERAL.findall(raw)))
        return Digits("")
    key = fold(raw)
    if key in _UNITS:
        return Digits(str(_UNITS[key]))
    if key in _TEENS:
        return Digits(str(_TEENS[key]))
    if key in _TENS:
        return Digits(str(_TENS[key]), tens=True)
    if m := _COMPOUND.match(key):
        return Digits(str(_TENS[m.group(1)] + _UNITS[m.group(2)]))
    return Digits("")


@dataclass(frozen=True)
class DigitRun:
    """Consecutive words that read out one number: its digits and, for each digit,
    the index of the word it came from."""

    digits: str
    word_of_digit: tuple[int, ...]
    first_word: int
    last_word: int
    plus: bool


def digit_runs(words: list[str]) -> list[DigitRun]:
    """Maximal runs of number words (numerals, digit words, tens, "double", "plus")."""
    runs: list[DigitRun] = []
    digits: list[tuple[str, int]] = []
    plus = False
    repeat = 1
    start = -1

    def close(end: int) -> None:
        nonlocal digits, plus, start
        if digits:
            text = "".join(d for d, _ in digits)
            runs.append(DigitRun(text, tuple(i for _, i in digits), start, end, plus))
        digits, plus, start = [], False, -1

    pending_tens: int | None = None  # position of a tens word's 0 in digits
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        key = fold(word)
        if key in _REPEAT:
            repeat = _REPEAT[key]
            start = i if start < 0 else start
            continue
        got = word_digits(word, following)
        if got.plus and not got.digits:
            close(i - 1)
            plus, start = True, i
            continue
        if not got.digits:
            if start >= 0 and re.fullmatch(r"\s*[-–—,.:/]+\s*", word):  # a lone dash, comma
                continue
            close(i - 1)
            repeat, pending_tens = 1, None
            continue
        if start < 0:
            start, plus = i, got.plus
        if pending_tens is not None and len(got.digits) == 1 and got.digits != "0" and not got.tens:
            digits[pending_tens] = (got.digits, i)  # "twenty" "four": 20 -> 24
            pending_tens = None
            continue
        digits.extend((ch, i) for ch in got.digits * repeat)
        pending_tens = len(digits) - 1 if got.tens else None
        repeat = 1
    close(len(words) - 1)
    return runs
