"""Find personal data in one party's words: which words, of which kind.

Spoken forms are normalised first (analyzers.redaction.numbers); each span is given as
the indices of the first and last word, so the words' times stay the caller's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.redaction.checksums import IBAN_LENGTHS, iban_ok
from analyzers.redaction.numbers import DigitRun, digit_runs, fold
from analyzers.redaction.recognizers import PiiKind, classify, classify_strict

_AT = {"at", "@", "snabel-a", "snabela", "alfakroll", "kroll-alfa", "krollalfa", "παπακι"}
_DOT = {"dot", "punkt", "punktum", "τελεια"}
_TLDS = {"com", "se", "no", "gr", "net", "org", "eu", "uk", "io", "nu", "info", "dk", "fi", "de"}
_WRITTEN_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)*\.([a-z]{2,6})$")
_NAME = re.compile(r"^[\w.+-]+$")
# Digit words that are also common function words ("to", "a", "you").
_FUNCTION_WORDS = {"to", "en", "ett", "ni"}
_LONGEST_VALUE = 19  # digits: a longer run holds more than one value
_BREAK = "\x00"  # stands in for a word already claimed, so no run crosses it


@dataclass(frozen=True)
class PiiSpan:
    kind: PiiKind
    first: int  # index of the first word
    last: int  # index of the last word (inclusive)


def find_pii(words: list[str]) -> list[PiiSpan]:
    """Spans of personal data in ``words`` (one party's words in order), sorted."""
    spans = _emails(words)
    spans += _ibans(_masked(words, spans))
    masked = _masked(words, spans)
    for run in digit_runs(masked):
        spans += _run_spans(run, _start(run, masked), len(run.digits))
    return sorted(spans, key=lambda s: s.first)


def _start(run: DigitRun, words: list[str]) -> int:
    """1 when the run opens with a word that is more likely not a digit ("to", "en",
    "ett", "ni") and the number reads as a known kind without it; else 0."""
    opener = fold(words[run.first_word])
    if opener not in _FUNCTION_WORDS or run.word_of_digit[1:2] != (run.word_of_digit[0] + 1,):
        return 0
    without, whole = classify(run.digits[1:], False), classify(run.digits, run.plus)
    known = ("CARD", "NATIONAL_ID", "PHONE")
    return 1 if without in known and whole not in known else 0


def _masked(words: list[str], spans: list[PiiSpan]) -> list[str]:
    out = list(words)
    for span in spans:
        out[span.first : span.last + 1] = [_BREAK] * (span.last - span.first + 1)
    return out


def _emails(words: list[str]) -> list[PiiSpan]:
    spans: list[PiiSpan] = []
    folded = [fold(w) for w in words]
    for k, word in enumerate(folded):
        if _WRITTEN_EMAIL.search(words[k]):
            spans.append(PiiSpan("EMAIL", k, k))
        elif word in _AT and k > 0 and (end := _domain_end(folded, k + 1)) is not None:
            spans.append(PiiSpan("EMAIL", _name_start(folded, k - 1), end))
    return spans


def _domain_end(folded: list[str], j: int) -> int | None:
    """Last word of "example dot com" (or "example.com") starting at j, if it is one."""
    if j >= len(folded):
        return None
    if m := _DOMAIN.match(folded[j]):
        return j if m.group(2) in _TLDS else None
    end = None
    while j + 2 < len(folded) + 0 and folded[j + 1] in _DOT and _NAME.match(folded[j + 2]):
        j += 2
        end = j if folded[j] in _TLDS else end
    return end


def _name_start(folded: list[str], k: int) -> int:
    """First word of "anna dot svensson" ending at k."""
    while k >= 2 and folded[k - 1] in _DOT and _NAME.match(folded[k - 2]):
        k -= 2
    return k


def _ibans(words: list[str]) -> list[PiiSpan]:
    """IBANs written in one word, or a country code ("SE", "S E", "SE45") followed
    by a read-out number."""
    spans = [PiiSpan("IBAN", i, i) for i, w in enumerate(words) if iban_ok(_alnum(w))]
    masked = _masked(words, spans)
    for run in digit_runs(masked):
        prefix, first = _country_prefix(masked, run.first_word)
        length = IBAN_LENGTHS.get(prefix[:2], 0) - len(prefix)
        if prefix and 0 < length <= len(run.digits) and iban_ok(prefix + run.digits[:length]):
            last = run.word_of_digit[length - 1]
            spans.append(PiiSpan("IBAN", first, last))
    return spans


def _alnum(word: str) -> str:
    return "".join(c for c in word if c.isalnum()).upper()


def _country_prefix(words: list[str], start: int) -> tuple[str, int]:
    """The country code (and check digits, if written with it) just before word
    ``start``, and the index of its first word; ("", start) when there is none."""
    before = [w.strip(" .,:") for w in words[max(0, start - 2) : start]]
    if len(before) == 2 and all(len(w) == 1 and w.isalpha() for w in before):
        return (before[0] + before[1]).upper(), start - 2
    if before and re.fullmatch(r"[A-Z]{2}\d{0,2}", before[-1]):
        return before[-1], start - 1
    return "", start


def _run_spans(run: DigitRun, a: int, b: int, inside: bool = False) -> list[PiiSpan]:
    """Spans for digits a..b of a run: the whole as one kind, or, for a run longer
    than any one value, the longest checked card/id inside it and the rest on either
    side (tagged [NUMBER] however short: it is part of the same read-out number)."""
    if a >= b:
        return []
    kind = classify(run.digits[a:b], run.plus and a == 0)
    if kind is not None and kind != "NUMBER":
        return [_span(run, kind, a, b)]
    if b - a > _LONGEST_VALUE:
        for lo, hi in _windows(run, a, b):
            if (strict := classify_strict(run.digits[lo:hi], False)) is not None:
                return [
                    *_run_spans(run, a, lo, inside=True),
                    _span(run, strict, lo, hi),
                    *_run_spans(run, hi, b, inside=True),
                ]
    return [_span(run, "NUMBER", a, b)] if kind is not None or inside else []


def _windows(run: DigitRun, a: int, b: int) -> list[tuple[int, int]]:
    """Word-aligned sub-ranges of digits a..b, 10 to 19 digits, longest first."""
    cuts = [
        p
        for p in range(a, b + 1)
        if p in (a, b) or run.word_of_digit[p] != run.word_of_digit[p - 1]
    ]
    found = [(lo, hi) for lo in cuts for hi in cuts if 10 <= hi - lo <= 19 and (lo, hi) != (a, b)]
    return sorted(found, key=lambda w: w[0] - w[1])


def _span(run: DigitRun, kind: PiiKind, a: int, b: int) -> PiiSpan:
    first = run.first_word if a == 0 else run.word_of_digit[a]
    last = run.last_word if b == len(run.digits) else run.word_of_digit[b - 1]
    return PiiSpan(kind, first, last)
