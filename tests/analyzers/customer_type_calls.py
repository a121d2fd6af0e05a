"""Calls built to be one customer type (or none), with the words, levels, turn lengths
and interruptions the guide's table describes: the test set of the customer-type
detector (tests/analyzers/test_customer_type.py, bench/bench_customer_type.py).

Each call's truth is the type it was built to be; "unclear" calls mix no type's cues
(a bland exchange) or two types' cues equally.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.report import Interruption, Report
from tests.analyzers.scripted import Line, scripted_report

A, C = "agent", "customer"
LOUD, QUIET = -15.0, -38.0  # the agent speaks at -26 dBov


@dataclass(frozen=True)
class TypedCall:
    name: str
    truth: str  # one of analyzers.customer_type.TYPES or "unclear"
    report: Report


def _call(
    name: str, truth: str, lines: list[Line], language: str = "en", **kw: object
) -> TypedCall:
    return TypedCall(name, truth, scripted_report(lines, language=language, **kw))  # type: ignore[arg-type]


def _rude() -> list[TypedCall]:
    en = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "This is ridiculous! My internet is down again.", level_dbov=LOUD),
        Line(A, "I understand, let me check."),
        Line(C, "Your service is useless and I am sick of it!", level_dbov=LOUD),
        Line(A, "I am sorry to hear that."),
        Line(C, "Just fix it now.", level_dbov=LOUD),
    ]
    sv = [
        Line(A, "God morgon, hur kan jag hjälpa dig?"),
        Line(C, "Det här är löjligt! Internet fungerar inte igen.", level_dbov=LOUD),
        Line(A, "Jag förstår, jag kollar."),
        Line(C, "Er service är värdelös och jag är trött på det!", level_dbov=LOUD),
        Line(A, "Jag beklagar det."),
    ]
    shouting_only = [
        Line(A, "Hello, how can I help?"),
        Line(C, "I want my money back today.", level_dbov=LOUD),
        Line(A, "I see, let me check."),
        Line(C, "I said I want it back today.", level_dbov=LOUD),
        Line(A, "Of course."),
        Line(C, "Today.", level_dbov=LOUD),
    ]
    return [
        _call("rude_en", "rude", en),
        _call("rude_sv", "rude", sv, language="sv"),
        _call("rude_shouting_only", "rude", shouting_only),
    ]


def _shy() -> list[TypedCall]:
    en = [
        Line(A, "Good morning, how can I help you today?"),
        Line(C, "Card.", level_dbov=QUIET),
        Line(A, "Is it your bank card that is lost or broken?"),
        Line(C, "Lost.", level_dbov=QUIET),
        Line(A, "Do you want me to block it and send a new one?"),
        Line(C, "Yes please.", level_dbov=QUIET),
    ]
    nb = [
        Line(A, "God morgen, hva kan jeg hjelpe deg med i dag?"),
        Line(C, "Kortet.", level_dbov=QUIET),
        Line(A, "Er det bankkortet ditt som er mistet?"),
        Line(C, "Ja.", level_dbov=QUIET),
        Line(A, "Vil du at jeg sperrer det og sender et nytt?"),
        Line(C, "Ja takk.", level_dbov=QUIET),
    ]
    return [_call("shy_en", "shy", en), _call("shy_nb", "shy", nb, language="nb")]


_CHAT = (
    "Oh how lovely, thank you so much. You know, my daughter lives in Spain and we go "
    "every summer, it is wonderful there, the weather and the food, and by the way my "
    "husband loves the beaches, we always stay at the same little hotel by the sea."
)


def _friendly() -> list[TypedCall]:
    en = [
        Line(A, "Good morning, how can I help?"),
        Line(C, _CHAT),
        Line(A, "That sounds nice. Which date?"),
        Line(C, _CHAT),
        Line(A, "Great."),
    ]
    el = [
        Line(A, "Καλημέρα, πώς μπορώ να βοηθήσω;"),
        Line(
            C,
            "Τι ωραία, ευχαριστώ πάρα πολύ! Ξέρετε κάτι, η κόρη μου μένει στην Ισπανία "
            "και πάμε κάθε καλοκαίρι, είναι υπέροχα εκεί, ο καιρός και το φαγητό, και "
            "παρεμπιπτόντως ο άντρας μου λατρεύει τις παραλίες και μένουμε πάντα στο ίδιο "
            "μικρό ξενοδοχείο δίπλα στη θάλασσα.",
        ),
        Line(A, "Ωραία. Ποια ημερομηνία;"),
        Line(
            C,
            "Υπέροχα, τέλεια, ευχαριστώ πάρα πολύ, είστε πολύ ευγενικό παιδί, ξέρετε κάτι, "
            "ο γιος μου έρχεται κι αυτός, χαχα, θα είμαστε όλοι μαζί ξανά σαν παλιά.",
        ),
        Line(A, "Εντάξει."),
    ]
    return [
        _call("friendly_en", "friendly", en),
        _call("friendly_el", "friendly", el, language="el"),
    ]


def _pretentious() -> list[TypedCall]:
    lecture = (
        "Listen to me, I know exactly how this works, I am an engineer. Obviously your "
        "system is set up wrong and you need to reset the line from your side, as I said."
    )
    en = [
        Line(A, "Good morning, how can I help?"),
        Line(C, lecture),
        Line(A, "I can check the line for you."),
        Line(C, lecture),
        Line(A, "Okay."),
    ]
    interrupted = [Interruption(by="customer", start_s=10.0, end_s=11.5, duration_s=1.5)]
    return [_call("pretentious_en", "pretentious", en, interruptions=interrupted)]


def _indecisive() -> list[TypedCall]:
    en = [
        Line(A, "Which plan would you like?"),
        Line(C, "Um, I don't know. Maybe the small one?"),
        Line(A, "The small one has ten gigabytes."),
        Line(C, "Hmm, or maybe the big one. What do you think?"),
        Line(A, "It depends on your use."),
        Line(C, "I'm not sure. I can't decide."),
    ]
    sv = [
        Line(A, "Vilket abonnemang vill du ha?"),
        Line(C, "Öh, jag vet inte. Kanske det lilla?"),
        Line(A, "Det lilla har tio gigabyte."),
        Line(C, "Hmm, eller kanske det stora. Vad tycker du?"),
        Line(A, "Det beror på."),
        Line(C, "Jag är inte säker."),
    ]
    return [
        _call("indecisive_en", "indecisive", en),
        _call("indecisive_sv", "indecisive", sv, language="sv"),
    ]


def _objective() -> list[TypedCall]:
    en = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "I need to move booking 4512 to Friday the 14th."),
        Line(A, "Of course, at what time?"),
        Line(C, "At 10 am. What is the price difference?"),
        Line(A, "There is no difference."),
        Line(C, "Good, please confirm by email."),
    ]
    nb = [
        Line(A, "God morgen, hva kan jeg hjelpe med?"),
        Line(C, "Jeg vil flytte bestilling 4512 til fredag den 14."),
        Line(A, "Selvfølgelig, når på dagen?"),
        Line(C, "Klokken 10. Hva koster det?"),
        Line(A, "Det koster ingenting."),
    ]
    return [
        _call("objective_en", "objective", en),
        _call("objective_nb", "objective", nb, language="nb"),
    ]


def _unclear() -> list[TypedCall]:
    bland = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "I am calling about the letter that came last week."),
        Line(A, "I see, let me look."),
        Line(C, "It was about the new terms for the account."),
        Line(A, "Yes, the terms changed this month."),
        Line(C, "Alright, that is what I thought."),
    ]
    quiet_only = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "I am calling about the letter that came last week.", level_dbov=QUIET),
        Line(A, "I see, let me look."),
        Line(C, "It was about the new terms for the account.", level_dbov=QUIET),
    ]
    return [
        _call("unclear_bland", "unclear", bland),
        _call("unclear_quiet_only", "unclear", quiet_only),
    ]


def typed_calls() -> list[TypedCall]:
    """The whole test set, every type and the unclear calls."""
    return [
        *_rude(),
        *_shy(),
        *_friendly(),
        *_pretentious(),
        *_indecisive(),
        *_objective(),
        *_unclear(),
    ]


def hard_calls() -> list[TypedCall]:
    """Calls that sit between types (not in the test set's assertions; the bench shows
    what the detector makes of them): an excited friendly customer, a customer on a
    quiet line, politely worded rudeness, a know-it-all who is brief, a shouting
    customer who gives order numbers."""
    excited = [
        Line(A, "Good morning, how can I help?"),
        Line(C, _CHAT, level_dbov=LOUD),
        Line(A, "Lovely. Which date?"),
        Line(C, _CHAT, level_dbov=LOUD),
    ]
    quiet_line = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "I need to move booking 4512 to Friday.", level_dbov=QUIET),
        Line(A, "Of course, at what time?"),
        Line(C, "At 10 am. What is the price?", level_dbov=QUIET),
    ]
    cold_rude = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "Your service is useless, frankly unacceptable."),
        Line(A, "I understand."),
        Line(C, "It is a disgrace and a waste of time."),
    ]
    brief_know_it_all = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "Obviously the router. Reset it."),
        Line(A, "I can check it first."),
        Line(C, "I know exactly what it is."),
    ]
    loud_objective = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "Order 4512 has not arrived.", level_dbov=LOUD),
        Line(A, "I see, let me check."),
        Line(C, "It was due on the 3rd.", level_dbov=LOUD),
    ]
    return [
        _call("excited_friendly", "friendly", excited),
        _call("objective_quiet_line", "objective", quiet_line),
        _call("cold_rude", "rude", cold_rude),
        _call("brief_know_it_all", "pretentious", brief_know_it_all),
        _call("loud_objective", "objective", loud_objective),
    ]
