"""Ready-made call specs: a good call, one variant per broken rule, other languages.

Each variant changes one thing of a good call, so a test knows which rule must
fire and that the others must not. ``COMMITTED`` is the set written into the
repository (kept under ~5 MB as 8 kHz mu-law); the rest are built on demand.
"""

from __future__ import annotations

import itertools

from sample_audio.spec import CallSpec, Language, Utterance, count_words

AGENT_VOICE = {"en": "en-us+f3", "sv": "sv+f3", "nb": "nb+f3", "el": "el+f3"}
CUSTOMER_VOICE = {"en": "en-us+m3", "sv": "sv+m3", "nb": "nb+m3", "el": "el+m3"}
AGENT_WPM = 140
CUSTOMER_WPM = 160
LIVELY_RANGE = 100  # agent F0 SD measured 3.9-5.2 semitones (en, sv, nb, el)
MONOTONE_RANGE = 10  # about 0.6 semitones
HOLD_S = 8.0


def agent(text: str, lang: Language = "en", **kw: object) -> Utterance:
    params: dict[str, object] = {
        "party": "agent",
        "text": text,
        "voice": AGENT_VOICE[lang],
        "language": lang,
        "wpm": AGENT_WPM,
        "pitch": 50,
        "pitch_range": LIVELY_RANGE,
    }
    params.update(kw)
    return Utterance.model_validate(params)


def customer(text: str, lang: Language = "en", **kw: object) -> Utterance:
    params: dict[str, object] = {
        "party": "customer",
        "text": text,
        "voice": CUSTOMER_VOICE[lang],
        "language": lang,
        "wpm": CUSTOMER_WPM,
        "pitch": 45,
        "pitch_range": 60,
    }
    params.update(kw)
    return Utterance.model_validate(params)


def _with(utt: Utterance, **changes: object) -> Utterance:
    return utt.model_copy(update=changes)


def _agent_turns(utts: list[Utterance], **changes: object) -> list[Utterance]:
    return [_with(u, **changes) if u.party == "agent" else u for u in utts]


# --- English ---------------------------------------------------------------

_EN_NAMES = {"agent_name": "Anna", "customer_name": "Peter", "company": "Nordic Travel"}

GOOD_CALL_EN: list[Utterance] = [
    agent(
        "Good morning, you're speaking with Anna at Nordic Travel. How can I help?",
        gap_before_s=0.8,
    ),
    customer(
        "Hi Anna, this is Peter Olsen. I booked a hotel in Stockholm for next week, from "
        "Monday to Thursday, and I would like to change the dates because my plans have "
        "changed."
    ),
    agent("Of course, Peter. Let me check that for you, one moment please."),
    agent(
        "Thanks for waiting, I found your booking. Which dates would you like?",
        gap_before_s=HOLD_S,
    ),
    customer(
        "I would like to arrive on Wednesday instead and stay until Sunday, "
        "because my meeting has moved."
    ),
    agent("Wednesday to Sunday is available, at the same price."),
    customer("That's great. Is breakfast still included?"),
    agent("Yes, it is. You will receive a new confirmation email within the hour."),
    customer("Perfect, thank you so much for your help."),
    agent("Thank you for calling, Peter. Have a lovely trip, goodbye!"),
    customer("Goodbye.", gap_before_s=0.4),
]

# A shorter good call that the variants start from (keeps committed files small).
SHORT_EN: list[Utterance] = [
    agent(
        "Good morning, Nordic Travel, you're speaking with Anna. How can I help you?",
        gap_before_s=0.8,
    ),
    customer(
        "Hi Anna, this is Peter Olsen. I would like to move my hotel booking in Stockholm "
        "to the weekend after next, because my meeting has moved."
    ),
    agent("Of course, Peter. Your stay is now Friday and Saturday, at the same price."),
    customer("Great, thank you. Will I get a new confirmation?"),
    agent("Yes, by email within the hour. Thank you for calling, Peter. Goodbye!"),
    customer("Thanks, goodbye.", gap_before_s=0.4),
]
# Longer customer turns, for variants where the agent takes more time or talks over them.
_LONG_REQUEST = customer(
    "Hi Anna, this is Peter Olsen. I would like to move my hotel booking in Stockholm "
    "to the weekend after next, because my meeting has moved to the following Thursday."
)
_LONG_QUESTION = customer(
    "Great, thank you. Will I get a new confirmation by email, "
    "or should I keep the one I already have from last month?"
)

_TALK_EN = (
    "Of course, Peter, let me explain how our booking changes work, because there are a few "
    "things that are good to know before we move anything. When you change the dates of a "
    "hotel stay, we first ask the hotel whether the new nights are free in the same room type. "
    "If they are, the change is usually free of charge, but some hotels charge a small fee when "
    "the new stay falls in a busier season, for example during a trade fair or a holiday week. "
    "In Stockholm the busiest weeks are in early summer and in December, so prices can go up "
    "then. We also check whether breakfast and parking are included in the new booking, "
    "because those extras are sometimes tied to a particular offer. Once everything is "
    "confirmed, we send you a new confirmation email, and the old booking is cancelled "
    "automatically, so you never pay twice. If you booked through a company agreement, "
    "the invoice goes to your employer as before, and nothing changes for you at the hotel."
)


def _slow() -> list[Utterance]:
    # Longer customer turns keep the agent's share in range although the agent is slow.
    a0, _, a2, _, a4, c5 = _agent_turns(SHORT_EN, wpm=95)
    return [a0, _LONG_REQUEST, a2, _LONG_QUESTION, a4, c5]


def _shouting() -> list[Utterance]:
    a0, c1, a2, c3, a4, c5 = SHORT_EN
    # The customer asks again; the agent raises their voice, then mutters an aside.
    return [
        a0,
        c1,
        a2,
        customer("Sorry, the line is a bit noisy here at the station. Which days did you say?"),
        agent("Friday and Saturday, the weekend after next.", style="shout"),
        agent("Just a second, I am writing that down.", style="whisper", gap_before_s=0.8),
        c3,
        a4,
        c5,
    ]


def _dead_air() -> list[Utterance]:
    a0, c1, a2, c3, a4, c5 = SHORT_EN
    # "Okay." is no announcement: the following 9 s are left unexplained.
    return [a0, c1, agent("Okay."), _with(a2, gap_before_s=9.0), c3, a4, c5]


def _interrupting() -> list[Utterance]:
    a0, _, a2, _, a4, c5 = SHORT_EN
    return [
        a0,
        _LONG_REQUEST,
        _with(a2, gap_before_s=-2.0),
        _LONG_QUESTION,
        _with(a4, gap_before_s=-2.0),
        c5,
    ]


def _talkative() -> list[Utterance]:
    a0, c1, _, c3, a4, c5 = SHORT_EN
    return [
        a0,
        c1,
        agent(_TALK_EN),
        customer("I see. So can you move it to Friday and Saturday?"),
        agent("Yes, your stay is now Friday and Saturday, at the same price."),
        c3,
        a4,
        c5,
    ]


# --- Swedish, Norwegian, Greek ------------------------------------------------

GOOD_CALL_SV: list[Utterance] = [
    agent(
        "God morgon, du pratar med Anna på Nordresor. Vad kan jag hjälpa dig med i dag?",
        "sv",
        gap_before_s=0.8,
    ),
    customer(
        "Hej Anna, det här är Peter Olsson. Jag har bokat ett hotell i Göteborg nästa vecka, "
        "från måndag till torsdag, och jag skulle vilja ändra datumen eftersom mina planer "
        "har ändrats.",
        "sv",
    ),
    agent("Absolut, Peter. Jag ska kolla det åt dig, ett ögonblick.", "sv"),
    agent(
        "Tack för att du väntade. Jag har hittat din bokning. Vilka datum vill du ha i stället?",
        "sv",
        gap_before_s=HOLD_S,
    ),
    customer(
        "Jag skulle vilja komma på onsdag i stället och stanna till söndag, eftersom mitt "
        "möte har flyttats till torsdag eftermiddag och jag vill se staden över helgen.",
        "sv",
    ),
    agent("Onsdag till söndag är ledigt, och priset är detsamma.", "sv"),
    customer("Vad bra. Ingår frukosten fortfarande?", "sv"),
    agent("Ja, frukost ingår. Du får en ny bekräftelse via mejl inom en timme.", "sv"),
    customer("Perfekt, tack så mycket för hjälpen.", "sv"),
    agent("Tack för att du ringde Nordresor, Peter. Ha en trevlig resa, hej då!", "sv"),
    customer("Hej då.", "sv", gap_before_s=0.4),
]

GOOD_CALL_NB: list[Utterance] = [
    agent(
        "God morgen, du snakker med Anna i Nordreiser. Hva kan jeg hjelpe deg med i dag?",
        "nb",
        gap_before_s=0.8,
    ),
    customer(
        "Hei Anna, dette er Per Olsen. Jeg har bestilt et hotell i Bergen neste uke, fra "
        "mandag til torsdag, og jeg vil gjerne endre datoene fordi planene mine har endret "
        "seg.",
        "nb",
    ),
    agent("Selvfølgelig, Per. La meg sjekke det for deg, et øyeblikk.", "nb"),
    agent(
        "Takk for at du ventet. Jeg har funnet bestillingen din. Hvilke datoer ønsker du i stedet?",
        "nb",
        gap_before_s=HOLD_S,
    ),
    customer(
        "Jeg vil gjerne komme på onsdag i stedet og bli til søndag, fordi møtet mitt er "
        "flyttet til torsdag ettermiddag og jeg vil se byen i helgen.",
        "nb",
    ),
    agent("Onsdag til søndag er ledig, og prisen er den samme.", "nb"),
    customer("Så bra. Er frokost fortsatt inkludert?", "nb"),
    agent("Ja, frokost er inkludert. Du får en ny bekreftelse på e-post innen en time.", "nb"),
    customer("Supert, tusen takk for hjelpen.", "nb"),
    agent("Takk for at du ringte Nordreiser, Per. God tur, ha det bra!", "nb"),
    customer("Ha det.", "nb", gap_before_s=0.4),
]

GOOD_CALL_EL: list[Utterance] = [
    agent(
        "Καλημέρα σας, είμαι η Άννα από τα Ταξίδια Βορρά. Πώς μπορώ να σας βοηθήσω σήμερα;",
        "el",
        gap_before_s=0.8,
    ),
    customer(
        "Καλημέρα, είμαι ο Πέτρος Παπαδόπουλος. Έχω κλείσει ένα ξενοδοχείο στη Θεσσαλονίκη "
        "την επόμενη εβδομάδα, από Δευτέρα έως Πέμπτη, και θα ήθελα να αλλάξω τις ημερομηνίες "
        "γιατί άλλαξαν τα σχέδιά μου.",
        "el",
    ),
    agent("Βεβαίως, κύριε Παπαδόπουλε. Μια στιγμή παρακαλώ, να το ελέγξω.", "el"),
    agent(
        "Ευχαριστώ για την αναμονή. Βρήκα την κράτησή σας. Ποιες ημερομηνίες θα θέλατε;",
        "el",
        gap_before_s=HOLD_S,
    ),
    customer(
        "Θα ήθελα να έρθω την Τετάρτη και να μείνω μέχρι την Κυριακή, γιατί η συνάντησή μου "
        "μετατέθηκε για την Πέμπτη το απόγευμα και θέλω να δω την πόλη το Σαββατοκύριακο.",
        "el",
    ),
    agent("Από Τετάρτη έως Κυριακή υπάρχει διαθεσιμότητα, και η τιμή μένει η ίδια.", "el"),
    customer("Ωραία. Το πρωινό περιλαμβάνεται ακόμα;", "el"),
    agent(
        "Ναι, το πρωινό περιλαμβάνεται. Θα λάβετε νέα επιβεβαίωση με ηλεκτρονικό μήνυμα μέσα "
        "στην επόμενη ώρα.",
        "el",
    ),
    customer("Τέλεια, σας ευχαριστώ πολύ για τη βοήθεια.", "el"),
    agent(
        "Ευχαριστούμε που καλέσατε τα Ταξίδια Βορρά, κύριε Παπαδόπουλε. Καλό ταξίδι, γεια σας!",
        "el",
    ),
    customer("Γεια σας.", "el", gap_before_s=0.4),
]


def _spec(name: str, utts: list[Utterance], description: str, **kw: object) -> CallSpec:
    params: dict[str, object] = {
        "name": name,
        "utterances": utts,
        "description": description,
        **_EN_NAMES,
    }
    params.update(kw)
    return CallSpec.model_validate(params)


SAMPLE_CALLS: dict[str, CallSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "good_call",
            GOOD_CALL_EN,
            "Meets every rule: SE ringback, answered after 2 rings, greeting+name+company, "
            "140 wpm lively voice, announced 8 s hold, closing with next step+thanks+goodbye.",
        ),
        _spec(
            "early_pickup",
            SHORT_EN,
            "US ringback, answered after 1 ring (too early).",
            country="US",
            rings=1,
            seed=1,
        ),
        _spec(
            "late_pickup",
            SHORT_EN,
            "UK double-ring ringback, answered after 5 rings (too late).",
            country="GB",
            rings=5,
            seed=2,
        ),
        _spec(
            "fast_monotone",
            _agent_turns(SHORT_EN, wpm=200, pitch_range=MONOTONE_RANGE),
            "FR ringback, 2 rings. Agent speaks at 200 wpm with a flat (monotone) pitch.",
            country="FR",
            seed=3,
        ),
        _spec(
            "slow_agent",
            _slow(),
            "ES ringback, 2 rings. Agent speaks at 95 wpm (too slow).",
            country="ES",
            seed=4,
        ),
        _spec(
            "shouting",
            _shouting(),
            "UK ringback, 2 rings. One agent turn shouted (+10 dB over the agent's normal "
            "level), one whispered (-14 dB).",
            country="GB",
            seed=5,
        ),
        _spec(
            "dead_air",
            _dead_air(),
            "NO ringback, 2 rings. Unexplained 9 s silence: the agent says only 'Okay.' "
            "before going quiet.",
            country="NO",
            seed=6,
        ),
        _spec(
            "interrupting",
            _interrupting(),
            "UK ringback, 2 rings. Agent interrupts the customer twice, each overlap 2 s.",
            country="GB",
            seed=7,
        ),
        _spec(
            "talkative",
            _talkative(),
            "GR ringback, 2 rings. Agent monologue over 60 s; agent share of talk time over 60 %.",
            country="GR",
            seed=8,
        ),
        _spec(
            "no_ringback",
            SHORT_EN,
            "Recording starts at the answer: no ringback, pickup unknown from audio.",
            country=None,
            seed=9,
        ),
        _spec(
            "good_call_sv",
            GOOD_CALL_SV,
            "Swedish good call (espeak-ng sv), SE ringback, 2 rings.",
            agent_name="Anna",
            customer_name="Peter",
            company="Nordresor",
        ),
        _spec(
            "good_call_nb",
            GOOD_CALL_NB,
            "Norwegian bokmål good call (espeak-ng nb), NO ringback, 2 rings.",
            country="NO",
            agent_name="Anna",
            customer_name="Per",
            company="Nordreiser",
        ),
        _spec(
            "good_call_el",
            GOOD_CALL_EL,
            "Greek good call (espeak-ng el), GR ringback, 2 rings.",
            country="GR",
            agent_name="Άννα",
            customer_name="Παπαδόπουλος",
            company="Ταξίδια Βορρά",
        ),
    )
}

# The committed sample calls (sample_audio/*.wav) are built from real recorded voices by
# sample_audio.committed; no espeak-ng call is committed.
COMMITTED: tuple[str, ...] = ()

# Middle of a long call: exchanges cycled until the call is long enough.
_BENCH_EXCHANGES: list[tuple[str, str]] = [
    (
        "Could you also tell me whether the hotel has parking? We might rent a car for the "
        "last two days and drive out to the archipelago.",
        "Yes, the hotel has a garage next door, and guests get a reduced day rate.",
    ),
    (
        "And how far is it from the central station? We arrive by train from Oslo in the "
        "afternoon, with quite a lot of luggage.",
        "It is about ten minutes on foot, or two stops with the tram.",
    ),
    (
        "Is there a restaurant in the hotel, or should we plan to eat somewhere else in the "
        "evenings? We usually have dinner quite late.",
        "There is a restaurant on the ground floor that serves dinner until ten.",
    ),
    (
        "Can we check in early on the first day? Our train gets in just after noon, and it "
        "would be nice to leave the bags in the room.",
        "Check in is from three, but I have added a note asking for an early room.",
    ),
    (
        "What happens if our train is delayed and we arrive very late at night? "
        "Is somebody there to let us in?",
        "The reception is open all night, so you can arrive at any time.",
    ),
    (
        "Do they have family rooms? Our daughter might join us for the weekend, "
        "and she would need a bed of her own.",
        "Yes, they have family rooms with an extra bed, and I can switch the room if you like.",
    ),
]


def benchmark_call(duration_s: float = 300.0, seed: int = 0) -> CallSpec:
    """A long good call of about ``duration_s`` for benchmarks (never shorter than
    good_call's dialogue, ~80 s): greeting, request, announced hold, then question and
    answer exchanges, then the closing. Length is estimated from word counts at the
    calibrated rates, so the built call lands within a few percent of ``duration_s``.
    """

    def est(u: Utterance) -> float:
        return count_words(u.text) / u.wpm * 60.0 + max(u.gap_before_s, 0.0)

    # Greeting, request, announced hold, new dates; then the exchanges; then the closing.
    opening, closing = GOOD_CALL_EN[:6], GOOD_CALL_EN[6:]
    fixed = sum(est(u) for u in (*opening, *closing)) + 12.0  # + 2 SE rings
    middle: list[Utterance] = []
    total = fixed
    for question, answer in itertools.cycle(_BENCH_EXCHANGES):
        pair = [customer(question), agent(answer)]
        step = sum(est(u) for u in pair)
        if total + step > duration_s:
            break
        middle.extend(pair)
        total += step
    utts = [*opening, *middle, *closing]
    return _spec(
        f"benchmark_{round(duration_s)}s",
        utts,
        f"Good call of about {round(duration_s)} s for benchmarks.",
        seed=seed,
    )
