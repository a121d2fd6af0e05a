"""Check digits and date parts of the identifiers the recognisers accept."""

from __future__ import annotations

import datetime as dt


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) over all digits, the last one being the check digit."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# IBAN length per country (ISO 13616 registry; European countries and a few more).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GI": 23,
    "GL": 18, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "UA": 29,
}  # fmt: skip


def iban_ok(iban: str) -> bool:
    """ISO 13616: country letters, two check digits, the country's length, mod 97 == 1."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    if not iban[4:].isalnum():
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def personnummer_ok(digits: str) -> bool:
    """Swedish personnummer or samordningsnummer: YYMMDDNNNC or YYYYMMDDNNNC, Luhn on
    the last ten digits; the day is +60 for a samordningsnummer."""
    if len(digits) == 12:
        if digits[:2] not in ("18", "19", "20"):
            return False
        year, rest = int(digits[:4]), digits[2:]
    elif len(digits) == 10:
        year, rest = 2000 + int(digits[:2]), digits
    else:
        return False
    month, day = int(rest[2:4]), int(rest[4:6])
    day = day - 60 if day > 60 else day
    # 29 February: a leap year in the century the two-digit form leaves open.
    leap_safe = year if len(digits) == 12 else 2000 if month == 2 and day == 29 else year
    return _date_ok(leap_safe, month, day) and luhn_ok(rest)


def fodselsnummer_ok(digits: str) -> bool:
    """Norwegian fødselsnummer (or D/H-number): DDMMYYIIIKK, two mod-11 check digits."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9], strict=True)) % 11
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:10], strict=True)) % 11
    k1, k2 = (0 if k1 == 11 else k1), (0 if k2 == 11 else k2)
    if k1 == 10 or k2 == 10 or k1 != d[9] or k2 != d[10]:
        return False
    day, month = int(digits[:2]), int(digits[2:4])
    day = day - 40 if day > 40 else day  # D-number
    month = month - 40 if month > 40 else month  # H-number
    return _date_ok(2000, month, day)  # 2000 is a leap year: 29 February passes


def amka_ok(digits: str) -> bool:
    """Greek AMKA: DDMMYY followed by five digits, Luhn over all eleven."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    day, month = int(digits[:2]), int(digits[2:4])
    return _date_ok(2000, month, day) and luhn_ok(digits)
