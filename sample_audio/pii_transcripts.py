"""Generated transcripts with personal data (and look-alikes that are not), in the
words Whisper writes for en, sv, nb and el: the test set for analyzers.redaction.

Each case is one party's words and the truth: which words are personal data, of which
kind (None for a look-alike that must stay). Values are random but valid (Luhn, mod
97, mod 11, real dates); the reading style varies: digit by digit, in pairs ("forty
five"), "double", numerals in groups as Whisper writes them, or with dashes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from analyzers.redaction.checksums import fodselsnummer_ok, luhn_ok

DIGITS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "sv": ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"],
    "nb": ["null", "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni"],
    "el": ["μηδέν", "ένα", "δύο", "τρία", "τέσσερα", "πέντε", "έξι", "επτά", "οκτώ", "εννέα"],
}
TENS = {
    "en": ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"],
    "sv": ["tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"],
    "nb": ["tjue", "tretti", "førti", "femti", "seksti", "sytti", "åtti", "nitti"],
    "el": ["είκοσι", "τριάντα", "σαράντα", "πενήντα", "εξήντα", "εβδομήντα", "ογδόντα", "ενενήντα"],
}
TEENS = {
    "en": "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
    "sv": "tio elva tolv tretton fjorton femton sexton sjutton arton nitton",
    "nb": "ti elleve tolv tretten fjorten femten seksten sytten atten nitten",
    "el": "δέκα έντεκα δώδεκα δεκατρία δεκατέσσερα δεκαπέντε δεκαέξι δεκαεπτά δεκαοκτώ δεκαεννέα",
}
AT = {"en": "at", "sv": "snabel-a", "nb": "alfakrøll", "el": "παπάκι"}
DOT = {"en": "dot", "sv": "punkt", "nb": "punktum", "el": "τελεία"}
LEAD = {
    "CARD": {"en": "my card number is", "sv": "mitt kortnummer är", "nb": "kortnummeret er",
             "el": "ο αριθμός της κάρτας είναι"},
    "NATIONAL_ID": {"en": "my id number is", "sv": "mitt personnummer är",
                    "nb": "fødselsnummeret mitt er", "el": "το ΑΜΚΑ μου είναι"},
    "PHONE": {"en": "you can call me on", "sv": "du kan ringa mig på", "nb": "du kan ringe meg på",
              "el": "μπορείτε να με καλέσετε στο"},
    "IBAN": {"en": "the account is", "sv": "kontot är", "nb": "kontoen er",
             "el": "ο λογαριασμός είναι"},
    "EMAIL": {"en": "my email is", "sv": "min mejl är", "nb": "e-posten min er",
              "el": "το email μου είναι"},
    None: {"en": "right so", "sv": "okej så", "nb": "ok så", "el": "εντάξει λοιπόν"},
}  # fmt: skip
TAIL = {"en": "thank you", "sv": "tack så mycket", "nb": "takk skal du ha", "el": "ευχαριστώ πολύ"}


@dataclass(frozen=True)
class Case:
    language: str
    words: list[str]
    kind: str | None  # the truth: kind of the marked words, None = nothing personal
    first: int  # marked words (first..last inclusive); -1 when kind is None
    last: int


def spoken(digits: str, language: str, rng: random.Random) -> list[str]:
    """``digits`` in one of the reading styles."""
    style = rng.choice(["digits", "digits", "pairs", "groups", "dashes"])
    if style == "groups":
        return [digits[i : i + 4] for i in range(0, len(digits), 4)]
    if style == "dashes":
        return ["-".join(digits[i : i + 4] for i in range(0, len(digits), 4))]
    if style == "pairs":
        return [w for i in range(0, len(digits), 2) for w in _pair(digits[i : i + 2], language)]
    words: list[str] = []
    i = 0
    while i < len(digits):
        repeated = i + 1 < len(digits) and digits[i] == digits[i + 1]
        if language == "en" and repeated and rng.random() < 0.7:
            words += ["double", DIGITS["en"][int(digits[i])]]
            i += 2
            continue
        zero = "oh" if language == "en" and digits[i] == "0" and rng.random() < 0.5 else None
        words.append(zero or DIGITS[language][int(digits[i])])
        i += 1
    return words


def _pair(pair: str, language: str) -> list[str]:
    if len(pair) == 1 or pair[0] == "0":
        return [DIGITS[language][int(d)] for d in pair]
    if pair[0] == "1":
        return [TEENS[language].split()[int(pair[1])]]
    tens = TENS[language][int(pair[0]) - 2]
    if pair[1] == "0":
        return [tens]
    unit = DIGITS[language][int(pair[1])]
    return [tens + unit] if language in ("sv", "nb") else [tens, unit]


def _luhn_complete(body: str) -> str:
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return _luhn_complete(body)


def _birth(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1940, 2010), rng.randint(1, 12), rng.randint(1, 28)


def personnummer(rng: random.Random) -> str:
    y, m, d = _birth(rng)
    body = f"{y % 100:02d}{m:02d}{d:02d}" + "".join(rng.choice("0123456789") for _ in range(3))
    full = _luhn_complete(body)
    return f"{y // 100}{full}" if rng.random() < 0.3 else full


def fodselsnummer(rng: random.Random) -> str:
    while True:
        y, m, d = _birth(rng)
        body = f"{d:02d}{m:02d}{y % 100:02d}" + "".join(rng.choice("0123456789") for _ in range(3))
        for k1 in range(10):
            for k2 in range(10):
                if fodselsnummer_ok(body + f"{k1}{k2}"):
                    return body + f"{k1}{k2}"


def amka(rng: random.Random) -> str:
    y, m, d = _birth(rng)
    body = f"{d:02d}{m:02d}{y % 100:02d}" + "".join(rng.choice("0123456789") for _ in range(4))
    return _luhn_complete(body)


def phone(language: str, rng: random.Random) -> str:
    tail = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    return {
        "en": rng.choice(["07" + tail(9), "020" + tail(8)]),
        "sv": rng.choice(["07" + rng.choice("0236") + tail(7), "08" + tail(7)]),
        "nb": rng.choice("49") + tail(7),
        "el": rng.choice(["69" + tail(8), "21" + tail(8)]),
    }[language]


def iban(language: str, rng: random.Random) -> str:
    country, length = {"en": ("GB", 22), "sv": ("SE", 24), "nb": ("NO", 15), "el": ("GR", 27)}[
        language
    ]
    bban = "".join(rng.choice("0123456789") for _ in range(length - 4))
    moved = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - moved % 97:02d}{bban}"


def _iban_words(value: str, language: str, rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        return [value[:4], *[value[i : i + 4] for i in range(4, len(value), 4)]]
    return [value[0], value[1], *spoken(value[2:], language, rng)]


def _email_words(language: str, rng: random.Random) -> list[str]:
    name = rng.choice(["anna", "nikos", "ole", "john", "maria", "erik"])
    surname = rng.choice(["svensson", "papadopoulos", "hansen", "smith", "berg"])
    domain = rng.choice(["gmail", "outlook", "telia", "otenet", "online"])
    tld = rng.choice(["com", "se", "no", "gr"])
    if rng.random() < 0.3:
        return [f"{name}.{surname}@{domain}.{tld}"]
    at, dot = AT[language], DOT[language]
    return [name, dot, surname, at, domain, dot, tld] if rng.random() < 0.5 else [
        name, at, domain, dot, tld]  # fmt: skip


def positive(kind: str, language: str, rng: random.Random) -> Case:
    """One sentence holding one value of ``kind``."""
    if kind == "CARD":
        value = spoken(card(rng), language, rng)
    elif kind == "NATIONAL_ID":
        maker = {"sv": personnummer, "nb": fodselsnummer, "el": amka}.get(language)
        maker = maker or rng.choice([personnummer, fodselsnummer, amka])
        value = spoken(maker(rng), language, rng)
    elif kind == "PHONE":
        value = spoken(phone(language, rng), language, rng)
    elif kind == "IBAN":
        value = _iban_words(iban(language, rng), language, rng)
    else:
        value = _email_words(language, rng)
    lead = LEAD[kind][language].split()
    words = [*lead, *value, *TAIL[language].split()]
    return Case(language, words, kind, len(lead), len(lead) + len(value) - 1)


NEGATIVES = {
    "en": [
        "the payment of 1,200 kr went through on 2024-12-03",
        "we open at 10:30 and close at half past five",
        "it was twenty twenty four when I moved",
        "the total is four hundred and fifty dollars",
        "press one for sales or two for support",
        "order 4521 shipped on 3/12/2024",
        "I will be at home after nine",
        "that costs €45.50 plus 25% tax",
        "room twelve on floor three",
        "the postcode is one one four five two",
        "I waited for twenty minutes and then for ten more",
        "we are at the office dot dot dot anyway",
    ],
    "sv": [
        "betalningen på 1 200 kronor gick igenom 2024-12-03",
        "vi öppnar klockan 10:30 och stänger halv sex",
        "jag vill ha en ny kod och ett nytt kort",
        "det kostar fyrahundra femtio kronor",
        "tryck ett för försäljning eller två för support",
        "order 4521 skickades den 3/12/2024",
        "det var tjugo tjugofyra när jag flyttade",
        "postnumret är ett ett fyra fem två",
        "jag väntade i tjugo minuter",
        "det blir 45,50 kr plus 25 procent moms",
    ],
    "nb": [
        "betalingen på 1 200 kroner gikk gjennom 2024-12-03",
        "vi åpner klokka 10:30 og stenger halv seks",
        "jeg vil ha en ny kode og to kort",
        "det koster firehundre og femti kroner",
        "trykk en for salg eller to for kundeservice",
        "ordre 4521 ble sendt 3/12/2024",
        "postnummeret er null fem fem seks",
        "jeg ventet i tjue minutter",
        "det blir 45,50 kr pluss 25 prosent moms",
    ],
    "el": [
        "η πληρωμή των 1.200 ευρώ έγινε στις 2024-12-03",
        "ανοίγουμε στις 10:30 και κλείνουμε στις πέντε και μισή",
        "κοστίζει τετρακόσια πενήντα ευρώ",
        "πατήστε ένα για πωλήσεις ή δύο για υποστήριξη",
        "η παραγγελία 4521 στάλθηκε στις 3/12/2024",
        "περίμενα είκοσι λεπτά",
        "ο ταχυδρομικός κώδικας είναι ένα ένα τέσσερα πέντε δύο",
        "κοστίζει 45,50 ευρώ συν 25% φόρο",
    ],
}


def non_luhn_sixteen(language: str, rng: random.Random) -> Case:
    """A 16-digit number that fails Luhn (a misheard card, an account number): decided
    to be redacted as [NUMBER], not [CARD]."""
    while luhn_ok(digits := "4" + "".join(rng.choice("0123456789") for _ in range(15))):
        pass
    value = spoken(digits, language, rng)
    lead = LEAD[None][language].split()
    return Case(language, [*lead, *value], "NUMBER", len(lead), len(lead) + len(value) - 1)


KINDS = ("CARD", "NATIONAL_ID", "PHONE", "IBAN", "EMAIL")


def labelled_cases(per_kind: int = 60, seed: int = 14) -> list[Case]:
    """``per_kind`` positives of each kind per language, every negative sentence, and
    ``per_kind // 4`` non-Luhn 16-digit numbers per language."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for language in DIGITS:
        for kind in KINDS:
            cases += [positive(kind, language, rng) for _ in range(per_kind)]
        cases += [Case(language, s.split(), None, -1, -1) for s in NEGATIVES[language]]
        cases += [non_luhn_sixteen(language, rng) for _ in range(per_kind // 4)]
    return cases
