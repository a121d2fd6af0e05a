"""Which kind of personal number a run of digits is, from its length, prefix and checks."""

from __future__ import annotations

from typing import Literal

from analyzers.redaction.checksums import amka_ok, fodselsnummer_ok, luhn_ok, personnummer_ok

PiiKind = Literal["CARD", "IBAN", "PHONE", "EMAIL", "NATIONAL_ID", "NUMBER"]

# A run of this many digits that no recogniser claims is still redacted as [NUMBER]:
# a card or id with one digit misheard fails its check but is just as personal.
# Shorter runs (years, amounts, times, a house number) stay.
MIN_NUMBER_DIGITS = 6


def is_card(digits: str) -> bool:
    """Payment card: 13-19 digits, issuer prefix 2-6 (Mastercard, Visa, Amex,
    Discover, UnionPay...), Luhn."""
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_ok(digits)


def is_national_id(digits: str) -> bool:
    """Swedish personnummer, Norwegian fødselsnummer or Greek AMKA."""
    if len(digits) in (10, 12):
        return personnummer_ok(digits)
    return len(digits) == 11 and (fodselsnummer_ok(digits) or amka_ok(digits))


def is_phone(digits: str, plus: bool) -> bool:
    """International (+ or 00, 8-15 digits) or a national number plan of the four
    markets and North America."""
    n = len(digits)
    if plus:
        return 8 <= n <= 15
    if digits.startswith("00"):
        return 10 <= n <= 17
    if digits.startswith("0"):  # sv 08-xxx, 07x; en 0xxxx (UK)
        return 8 <= n <= 11
    if n == 8:  # nb: no trunk prefix, 8 digits, mobiles 4/9
        return digits[0] in "23456789"
    if n == 10:  # el: 2x landline, 69x mobile; North America NXX-NXX-XXXX
        return digits[0] in "23456789"
    return n == 11 and digits[0] == "1"


def classify_strict(digits: str, plus: bool) -> PiiKind | None:
    """Kinds with a check digit: the run as a whole is one of them, or not."""
    if plus:
        return None
    if is_card(digits):
        return "CARD"
    if is_national_id(digits):
        return "NATIONAL_ID"
    return None


def classify(digits: str, plus: bool) -> PiiKind | None:
    """Kind of a whole run; None when it is too short to be personal."""
    if strict := classify_strict(digits, plus):
        return strict
    if is_phone(digits, plus):
        return "PHONE"
    if len(digits) >= MIN_NUMBER_DIGITS:
        return "NUMBER"
    return None
