"""question_pacing, customer_name, active_listening and politeness on reports whose
words, times and levels are known (tests/analyzers/scripted.py), in en, sv, nb, el."""

from __future__ import annotations

import math

import pytest

from analyzers.profile import build_profile, default_profile
from analyzers.report import Parties, Report, Signals
from analyzers.rules import apply_rules
from tests.analyzers.scripted import Line, scripted_report


def _scored(report: Report, **overrides: object) -> Report:
    profile = build_profile(overrides) if overrides else default_profile()  # type: ignore[arg-type]
    return apply_rules(report, profile)


def _metric(report: Report, rule: str, key: str) -> object:
    row = next(m for m in report.metrics if m.rule == rule and m.key == key)
    return row.value if row.status != "unmeasured" else row.status


def _findings(report: Report, rule: str) -> list[str]:
    return [f.message for f in report.findings if f.rule == rule and f.severity != "info"]


A, C = "agent", "customer"

# --------------------------------------------------------------------------- questions

STREAM = {
    "en": "What is your name? Where do you live? When do you travel? How many are you?",
    "sv": "Vad heter du? Var bor du? När reser du? Hur många är ni?",
    "nb": "Hva heter du? Hvor bor du? Når reiser du? Hvor mange er dere?",
    "el": "Πώς σας λένε; Πού μένετε; Πότε ταξιδεύετε; Πόσοι είστε;",
}
ANSWER = {
    "en": "It is Peter and I live in Oslo.",
    "sv": "Det är Peter och jag bor i Oslo.",
    "nb": "Det er Peter og jeg bor i Oslo.",
    "el": "Είμαι ο Πέτρος και μένω στην Αθήνα.",
}


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_a_stream_of_four_questions_is_found(language: str) -> None:
    report = _scored(
        scripted_report([Line(A, STREAM[language]), Line(C, ANSWER[language])], language=language)
    )
    assert _metric(report, "question_pacing", "longest_run") == 4
    assert _metric(report, "question_pacing", "questions") == 4
    [message] = [m for m in _findings(report, "question_pacing") if "in a row" in m]
    assert message.startswith("4 questions in a row")


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_questions_in_doses_pass(language: str) -> None:
    first, second = (
        STREAM[language].split("? ", 1) if language != "el" else STREAM[language].split("; ", 1)
    )
    mark = ";" if language == "el" else "?"
    lines = [
        Line(A, first + mark),
        Line(C, ANSWER[language]),
        Line(A, second),
        Line(C, ANSWER[language]),
    ]
    report = _scored(scripted_report(lines, language=language))
    assert _metric(report, "question_pacing", "longest_run") == 3
    assert not [m for m in _findings(report, "question_pacing") if "in a row" in m]


def test_questions_without_question_marks_are_found_by_their_form() -> None:
    # Whisper sometimes drops punctuation: the form still marks the question.
    text = "what is your order number. do you have it. can you read it to me. is it long."
    report = _scored(scripted_report([Line(A, text), Line(C, ANSWER["en"])]))
    assert _metric(report, "question_pacing", "questions") == 4
    statements = "I will check the order. The parcel left today. It arrives on Friday. Thank you."
    report = _scored(scripted_report([Line(A, statements), Line(C, ANSWER["en"])]))
    assert _metric(report, "question_pacing", "questions") == 0


def _pitch_signals(duration_s: float, rising_ends: list[float], flat_ends: list[float]) -> Signals:
    """Agent F0 at 200 Hz, rising 4 semitones over the 0.5 s before each rising end."""
    hop = 0.1
    f0: list[float | None] = [None] * int(duration_s / hop + 1)
    for end in rising_ends + flat_ends:
        for i in range(int((end - 1.5) / hop), int(end / hop) + 1):
            rise = end in rising_ends and i * hop > end - 0.5
            st = 4.0 * (i * hop - (end - 0.5)) / 0.5 if rise else 0.0
            f0[i] = 200.0 * 2 ** (st / 12)
    return Signals(hop_s=hop, pitch_hz={"agent": f0})


def test_a_rising_end_marks_a_question_the_words_do_not() -> None:
    lines = [
        Line(A, "So you want the blue one"),
        Line(C, ANSWER["en"]),
        Line(A, "So you want the red one"),
    ]
    plain = scripted_report(lines)
    ends = [t.words[-1].end_s for t in plain.turns if t.party == "agent"]
    rising = plain.model_copy(
        update={"signals": _pitch_signals(plain.duration_s, [ends[0]], [ends[1]])}
    )
    assert _metric(_scored(plain), "question_pacing", "questions") == 0
    assert _metric(_scored(rising), "question_pacing", "questions") == 1
    # A 4-semitone rise is a question at the default 2 st, not when 5 st are asked for.
    assert (
        _metric(
            _scored(rising, question_pacing={"min_rise_semitones": 5.0}),
            "question_pacing",
            "questions",
        )
        == 0
    )


@pytest.mark.parametrize(
    ("gap_s", "flagged"), [(0.3, True), (0.5, True), (0.7, False), (1.2, False)]
)
def test_patience_is_the_pause_after_the_customer_stops(gap_s: float, flagged: bool) -> None:
    lines = [Line(A, "Hello, how can I help?")]
    for _ in range(4):
        lines += [
            Line(C, "I would like to change my booking please."),
            Line(A, "Of course, I can help.", gap_s=gap_s),
        ]
    report = _scored(scripted_report(lines))
    assert math.isclose(
        float(_metric(report, "question_pacing", "patience_s")), gap_s, abs_tol=0.011
    )  # type: ignore[arg-type]
    assert bool([m for m in _findings(report, "question_pacing") if "replied" in m]) is flagged


def test_pauses_longer_than_a_silence_do_not_count_as_patience() -> None:
    lines = [Line(A, "Hello?"), Line(C, "Hi, my booking please."), Line(A, "Sure.", gap_s=6.0)]
    report = _scored(scripted_report(lines))
    assert _metric(report, "question_pacing", "patience_s") == "unmeasured"


# --------------------------------------------------------------------------- name


def test_name_from_metadata_with_a_spelling_variant() -> None:
    lines = [
        Line(A, "Good morning Catharina, how can I help?"),
        Line(C, "I need a new card."),
        Line(A, "Of course."),
    ]
    report = _scored(scripted_report(lines, customer_name="Katarina Lindqvist"))
    assert _metric(report, "customer_name", "mentions") == 1
    assert not _findings(report, "customer_name")


def test_name_never_said_is_a_finding() -> None:
    lines = [
        Line(A, "Good morning, how can I help?"),
        Line(C, "I need a new card."),
        Line(A, "Better now."),
    ]
    report = _scored(scripted_report(lines, customer_name="Peter"))
    assert _metric(report, "customer_name", "mentions") == 0  # "Better" is not "Peter"
    assert "0 times" in _findings(report, "customer_name")[0]


@pytest.mark.parametrize(
    ("language", "intro", "agent_says", "name"),
    [
        ("en", "Hi, my name is Peter Lund.", "Thank you Peter, I will check.", "Peter Lund"),
        ("sv", "Hej, jag heter Anna Berg.", "Tack Anna, jag kollar.", "Anna Berg"),
        ("nb", "Hei, jeg heter Ola Nordmann.", "Takk Ola, jeg sjekker.", "Ola Nordmann"),
        ("el", "Γεια σας, με λένε Γιώργος.", "Ευχαριστώ Γιώργο, θα το ελέγξω.", "Γιώργος"),
    ],
)
def test_name_given_in_the_call_is_used(
    language: str, intro: str, agent_says: str, name: str
) -> None:
    lines = [Line(A, "Hello."), Line(C, intro), Line(A, agent_says)]
    report = _scored(scripted_report(lines, language=language))
    assert _metric(report, "customer_name", "mentions") == 1
    # Said once, not in the farewell window's end: the farewell note names the name.
    assert not _findings(report, "customer_name")
    from analyzers.name_matching import name_from_call

    words = [w for t in report.turns if t.party == "customer" for w in t.words]
    assert name_from_call(words, language) == name


def test_latin_metadata_name_matches_greek_speech() -> None:
    lines = [
        Line(A, "Καλημέρα κύριε Παπαδόπουλε, πώς μπορώ να βοηθήσω;"),
        Line(C, "Θέλω μια νέα κάρτα."),
    ]
    report = _scored(scripted_report(lines, language="el", customer_name="Giorgos Papadopoulos"))
    assert _metric(report, "customer_name", "mentions") == 1


def test_name_too_often() -> None:
    lines = []
    for _ in range(6):
        lines += [
            Line(A, "Peter, I see, let me check that for you now."),
            Line(C, "Okay, that is fine with me.", gap_s=8.0),
        ]
    lines += [Line(A, "Thank you and goodbye.", gap_s=8.0)]
    report = _scored(scripted_report(lines, customer_name="Peter"))
    assert _metric(report, "customer_name", "mentions") == 6
    assert float(_metric(report, "customer_name", "per_minute")) > 1.0  # type: ignore[arg-type]
    assert any("per minute" in m for m in _findings(report, "customer_name"))


ASK = {
    "en": "Hello, may I have your name please?",
    "sv": "Hej, vad heter du?",
    "nb": "Hei, hva heter du?",
    "el": "Γεια σας, πώς σας λένε;",
}


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_unknown_name_never_asked_is_a_finding(language: str) -> None:
    report = _scored(
        scripted_report([Line(A, PLAIN[language]), Line(C, TELL[language])], language=language)
    )
    assert _metric(report, "customer_name", "mentions") == 0
    assert _findings(report, "customer_name") == [
        "The agent did not ask the customer's name (and it is not in the call's metadata)."
    ]
    # Asked, but the answer held no name the analysis recognised: nothing to hold against.
    asked = _scored(
        scripted_report([Line(A, ASK[language]), Line(C, TELL[language])], language=language)
    )
    assert _metric(asked, "customer_name", "mentions") == "unmeasured"
    assert not _findings(asked, "customer_name")


def test_goodbye_by_name_is_noted_when_missing() -> None:
    lines = [
        Line(A, "Hello."),
        Line(C, "Hi, my name is Peter."),
        Line(A, "Thank you Peter, I will check."),
    ]
    lines += [Line(C, "Good.", gap_s=40.0), Line(A, "It is done. Goodbye.", gap_s=1.0)]
    report = _scored(scripted_report(lines))
    notes = [
        f.message for f in report.findings if f.rule == "customer_name" and f.severity == "info"
    ]
    assert notes == ["The agent did not say goodbye by name (Peter)."]


# --------------------------------------------------------------------------- listening

ACK = {
    "en": "I see. Let me look.",
    "sv": "Jag förstår. Jag tittar.",
    "nb": "Selvfølgelig. Jeg ser.",
    "el": "Καταλαβαίνω. Θα δω.",
}
NO_ACK = {
    "en": "Let me look at it.",
    "sv": "Jag tittar på det.",
    "nb": "Jeg ser på det.",
    "el": "Θα το δω τώρα.",
}
TELL = {
    "en": "The parcel did not arrive and nobody called me about it.",
    "sv": "Paketet kom aldrig fram och ingen ringde mig om det.",
    "nb": "Pakken kom aldri frem og ingen ringte meg om det.",
    "el": "Το δέμα δεν έφτασε ποτέ και κανείς δεν με πήρε τηλέφωνο.",
}


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_acknowledgements_per_customer_turn(language: str) -> None:
    silent = [Line(A, "Hello.")] + [
        x for _ in range(5) for x in (Line(C, TELL[language]), Line(A, NO_ACK[language]))
    ]
    report = _scored(scripted_report(silent, language=language))
    assert _metric(report, "active_listening", "longest_streak") == 5
    assert _findings(report, "active_listening")
    heard = [Line(A, "Hello.")] + [
        x for _ in range(5) for x in (Line(C, TELL[language]), Line(A, ACK[language]))
    ]
    report = _scored(scripted_report(heard, language=language))
    assert _metric(report, "active_listening", "longest_streak") == 0
    assert _metric(report, "active_listening", "acknowledged_share") == 100.0
    assert not _findings(report, "active_listening")


def test_a_long_customer_turn_must_be_acknowledged() -> None:
    long_text = " ".join([TELL["en"]] * 6)  # 72 words at 150 wpm: about 29 s
    lines = [Line(A, "Hello."), Line(C, long_text), Line(A, NO_ACK["en"])]
    report = _scored(scripted_report(lines))
    assert _metric(report, "active_listening", "long_unacknowledged") == 1
    lines[-1] = Line(A, "Of course, let me look.")
    assert _metric(_scored(scripted_report(lines)), "active_listening", "long_unacknowledged") == 0


def test_a_clarifying_question_counts_as_listening() -> None:
    lines = [
        Line(A, "Hello."),
        Line(C, " ".join([TELL["en"]] * 6)),
        Line(A, "Do you mean the parcel from May?"),
    ]
    assert _metric(_scored(scripted_report(lines)), "active_listening", "long_unacknowledged") == 0


# --------------------------------------------------------------------------- politeness

POLITE = {"en": "please", "sv": "tack", "nb": "takk", "el": "παρακαλώ"}
RATE_OVER_20_S = {"min_agent_speech_s": 20.0}
PLAIN = {
    "en": "we look at the order now",
    "sv": "vi tittar på ordern nu",
    "nb": "vi ser på ordren nå",
    "el": "κοιτάμε την παραγγελία τώρα",
}


@pytest.mark.parametrize("language", ["en", "sv", "nb", "el"])
def test_politeness_present_but_not_overdone(language: str) -> None:
    def call(polite_every: int) -> Report:
        lines = []
        for i in range(12):
            text = PLAIN[language] + (f", {POLITE[language]}." if i % polite_every == 0 else ".")
            lines += [Line(A, text), Line(C, TELL[language])]
        return _scored(scripted_report(lines, language=language), politeness=RATE_OVER_20_S)

    none, some, every = call(100), call(6), call(1)
    # 12 agent lines of 6-7 words at 150 wpm: 28-33 s of agent speech.
    assert _metric(none, "politeness", "count") == 1  # i == 0
    assert _metric(some, "politeness", "count") == 2
    assert _metric(every, "politeness", "count") == 12
    assert float(_metric(every, "politeness", "per_minute")) > 20.0  # type: ignore[arg-type]
    assert any("per minute" in m for m in _findings(every, "politeness"))
    assert not _findings(some, "politeness") and not _findings(none, "politeness")
    short = _scored(
        scripted_report([Line(A, PLAIN[language] + ".")] * 3, language=language),
        politeness=RATE_OVER_20_S,
    )
    assert _metric(short, "politeness", "per_minute") == "unmeasured"


def test_no_polite_phrase_is_a_finding() -> None:
    report = _scored(scripted_report([Line(A, "We look at the order now."), Line(C, TELL["en"])]))
    assert _metric(report, "politeness", "count") == 0
    assert _findings(report, "politeness") == ["The agent used 0 polite phrases."]


def test_mono_and_untranscribed_calls_are_unmeasured() -> None:
    report = scripted_report([Line(A, "Hello, please?"), Line(C, TELL["en"])])
    for changed in (
        report.model_copy(update={"agent_channel": None, "parties": Parties()}),
        report.model_copy(update={"language": None}),
    ):
        scored = _scored(changed)
        for rule in (
            "question_pacing",
            "customer_name",
            "active_listening",
            "politeness",
            "customer_type",
        ):
            assert any(u.rule == rule for u in scored.unmeasured), rule
