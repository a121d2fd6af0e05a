"""Phrase rules and silence explanations never rest on words the recogniser is unsure of."""

from __future__ import annotations

from analyzers.profile import build_profile, default_profile
from analyzers.report import Parties, PartyMetrics, Pickup, Report, Silence, Turn, Word
from analyzers.rules import apply_rules
from analyzers.transcript_trust import (
    UNRELIABLE_REASON,
    is_unreliable,
    word_confidence,
    words_between,
)

SURE, UNSURE = 0.95, 0.3


def _words(text: str, start_s: float, probability: float = SURE) -> list[Word]:
    return [
        Word(word=w, start_s=start_s + i * 0.4, end_s=start_s + i * 0.4 + 0.35, probability=p)
        for i, (w, p) in enumerate((w, probability) for w in text.split())
    ]


def _party() -> PartyMetrics:
    return PartyMetrics(talk_time_s=40.0, words=60, wpm=140.0, talk_share=0.5)


def _report(turn_words: list[list[Word]], silences: list[Silence] | None = None) -> Report:
    turns = [
        Turn(party="agent", start_s=ws[0].start_s, end_s=ws[-1].end_s, words=ws, level_dbov=-26)
        for ws in turn_words
    ]
    return Report(
        duration_s=130.0,
        sample_rate=8000,
        channels=2,
        agent_channel=0,
        language="en",
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=6.0, source="audio"),
        parties=Parties(agent=_party(), customer=_party()),
        turns=turns,
        silences=silences or [],
    )


OPENING = "Good morning, you're speaking with Anna at Nordic Travel. How can I help?"
GARBLED_OPENING = "Good morning, your speaking women have Nordic travel. How can I help?"
MIDDLE = "Your booking is moved to Wednesday at the same price."
# Enough agent speech between opening and closing that the first 15 s and the last 30 s
# of it (the windows the rules read) do not meet.
MIDDLE_TURNS = [_words(MIDDLE, 25.0 + 6.0 * i) for i in range(12)]
CLOSING_AT = 100.0
CLOSING = "You will get a confirmation email within the hour. Thank you for calling, goodbye."


def _metric(report: Report, rule: str) -> tuple[object, str, str | None]:
    m = next(m for m in report.metrics if m.rule == rule)
    return m.value, m.status, m.reason


# The rules this module withholds (others, such as customer_name, score these calls too).
PHRASE_RULES = {"opening", "closing", "negative_language"}


def test_confidence_figures() -> None:
    ws = _words("a b c d", 0.0, SURE) + _words("e", 2.0, UNSURE)
    conf = word_confidence(ws, 0.5)
    assert conf.words == 5
    assert abs((conf.mean_probability or 0) - (4 * SURE + UNSURE) / 5) < 1e-9
    assert conf.low_share == 0.2
    trust = default_profile().transcript_trust
    assert is_unreliable(ws, trust)  # one word in five unsure: above max_low_share 0.10
    assert not is_unreliable(_words("a b c d e f g h i j", 0.0), trust)
    no_probabilities = [w.model_copy(update={"probability": None}) for w in ws]
    assert not is_unreliable(no_probabilities, trust)  # nothing to judge by: trusted
    assert not is_unreliable([], trust)
    assert [w.word for w in words_between(ws, 0.5, 1.0)] == ["b", "c"]


def test_sure_words_are_judged() -> None:
    garbled_but_sure = _words(GARBLED_OPENING, 10.0)
    report = apply_rules(
        _report([garbled_but_sure, *MIDDLE_TURNS, _words(CLOSING, CLOSING_AT)]),
        default_profile(),
    )
    phrase_findings = [f.rule for f in report.findings if f.rule in PHRASE_RULES]
    assert phrase_findings == ["opening"]
    assert _metric(report, "closing") == ("complete", "ok", None)


def test_unsure_opening_is_unmeasured_not_a_finding() -> None:
    garbled = _words(GARBLED_OPENING, 10.0, UNSURE)
    report = apply_rules(
        _report([garbled, *MIDDLE_TURNS, _words(CLOSING, CLOSING_AT)]), default_profile()
    )
    assert [f.rule for f in report.findings if f.rule in PHRASE_RULES] == []
    assert _metric(report, "opening") == (None, "unmeasured", UNRELIABLE_REASON)
    assert ("opening", UNRELIABLE_REASON) in [(u.rule, u.reason) for u in report.unmeasured]


def test_unsure_closing_is_unmeasured() -> None:
    unsure_closing = _words("Your fooking is loved. Thank you for falling.", CLOSING_AT, UNSURE)
    report = apply_rules(
        _report([_words(OPENING, 10.0), *MIDDLE_TURNS, unsure_closing]),
        default_profile(),
    )
    assert [f.rule for f in report.findings if f.rule in PHRASE_RULES] == []
    assert _metric(report, "opening") == ("complete", "ok", None)
    assert _metric(report, "closing") == (None, "unmeasured", UNRELIABLE_REASON)


def test_an_unsure_negative_phrase_is_dropped_a_sure_one_stands() -> None:
    sure = _words("No problem, I will do that.", 15.5)
    unsure = _words("No problem.", 19.0, UNSURE) + _words("That is booked now for you.", 20.0)
    report = apply_rules(
        _report(
            [_words(OPENING, 10.0), sure, unsure, *MIDDLE_TURNS[3:], _words(CLOSING, CLOSING_AT)]
        ),
        default_profile(),
    )
    negatives = [f for f in report.findings if f.rule == "negative_language"]
    assert [f.start_s for f in negatives] == [15.5]
    assert _metric(report, "negative_language") == (1, "warning", None)


def test_a_silence_after_unsure_words_is_undecided() -> None:
    unsure_before = _words("Okay I will sell it.", 30.0, UNSURE)  # said "let me check"?
    sure_before = _words("Okay.", 60.0)
    silences = [
        Silence(start_s=32.5, end_s=40.0, duration_s=7.5),
        Silence(start_s=61.0, end_s=68.0, duration_s=7.0),
    ]
    report = apply_rules(
        _report(
            [_words(OPENING, 10.0), unsure_before, sure_before, _words(CLOSING, 80.0)], silences
        ),
        default_profile(),
    )
    first, second = report.silences
    assert first.explained is None and first.explanation == UNRELIABLE_REASON
    assert second.explained is False
    found = [(f.start_s, f.severity) for f in report.findings if f.rule == "unexplained_silence"]
    assert found == [(32.5, "info"), (61.0, "warning")]
    assert UNRELIABLE_REASON in next(f.message for f in report.findings if f.start_s == 32.5)


def test_the_floor_is_a_profile_setting() -> None:
    garbled = _words(GARBLED_OPENING, 10.0, UNSURE)
    turns = [garbled, *MIDDLE_TURNS, _words(CLOSING, CLOSING_AT)]
    assert _metric(apply_rules(_report(turns), default_profile()), "opening")[1] == "unmeasured"
    lenient = build_profile(
        {"transcript_trust": {"min_mean_probability": 0.3, "max_low_share": 0.9}}
    )
    assert _metric(apply_rules(_report(turns), lenient), "opening")[1] == "warning"
