"""The customer-type detector on calls built to be each type (and calls built not to be),
and the agent's handling checked against the guide's column for the type."""

from __future__ import annotations

import re

import pytest

from analyzers.customer_type import TYPES, classify
from analyzers.profile import build_profile, default_profile
from analyzers.report import Parties, Report
from analyzers.rules import apply_rules
from tests.analyzers.customer_type_calls import (
    LOUD,
    QUIET,
    A,
    C,
    TypedCall,
    hard_calls,
    typed_calls,
)
from tests.analyzers.scripted import Line, scripted_report

CALLS = {c.name: c for c in typed_calls()}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_call_is_the_type_it_was_built_to_be(name: str) -> None:
    call = CALLS[name]
    result = classify(call.report, default_profile())
    assert result.type == call.truth, result.scores


@pytest.mark.parametrize("kind", TYPES)
def test_each_type_has_calls_that_are_it_and_calls_that_are_not(kind: str) -> None:
    profile = default_profile()
    said = {name: classify(c.report, profile).type == kind for name, c in CALLS.items()}
    positives = [n for n, c in CALLS.items() if c.truth == kind]
    negatives = [n for n, c in CALLS.items() if c.truth != kind]
    assert positives and all(said[n] for n in positives)
    assert negatives and not any(said[n] for n in negatives)


def test_the_evidence_says_what_was_measured() -> None:
    rude = classify(CALLS["rude_en"].report, default_profile())
    assert rude.evidence == ["raised voice in 3 turns", "negative words 3"]
    shy = classify(CALLS["shy_en"].report, default_profile())
    assert shy.evidence[0] == "speaks 12 dB below the agent"
    assert shy.evidence[1] == "answers of 1 words (median)"
    assert shy.evidence[2].startswith("talks ") and shy.evidence[2].endswith("% of the time")


def test_confidence_threshold_is_in_the_profile() -> None:
    shouting = CALLS["rude_shouting_only"].report
    assert classify(shouting, default_profile()).type == "rude"
    strict = build_profile({"customer_type": {"min_confidence": 0.9}})
    assert classify(shouting, strict).type == "unclear"


def _type_findings(report: Report) -> list[str]:
    scored = apply_rules(report, default_profile())
    return [f.message for f in scored.findings if f.rule == "customer_type"]


def _metric(report: Report, key: str) -> object:
    scored = apply_rules(report, default_profile())
    return next(m.value for m in scored.metrics if m.rule == "customer_type" and m.key == key)


def _rude_call(agent_reply_level: float) -> Report:
    return scripted_report(
        [
            Line(A, "Good morning, how can I help?"),
            Line(C, "This is ridiculous! My internet is down again.", level_dbov=LOUD),
            Line(A, "I understand, let me check."),
            Line(A, "Calm down, I am checking it.", gap_s=1.0, level_dbov=agent_reply_level),
            Line(C, "Your service is useless and I am sick of it!", level_dbov=LOUD),
            Line(A, "I am sorry to hear that."),
            Line(A, "We will send a technician tomorrow.", gap_s=1.0),
        ]
    )


def test_rude_customer_answered_with_a_raised_voice() -> None:
    messages = _type_findings(_rude_call(agent_reply_level=-16.0))
    [kind] = [m for m in messages if "seemed" in m]
    assert kind.startswith("The customer seemed rude (confidence ")
    [lapse] = [m for m in messages if "seemed" not in m]
    assert lapse.startswith("The customer was rude: you raised your voice in reply at 0:")
    assert lapse.endswith("the guide says let them vent, stay calm and kind.")
    assert _metric(_rude_call(agent_reply_level=-16.0), "handling") == "1 lapses"


def test_rude_customer_answered_faster() -> None:
    lines = [
        Line(A, "Good morning, how can I help you today with your account?"),
        Line(C, "This is ridiculous! My internet is down again.", level_dbov=LOUD),
        Line(A, "Right so we can check the line and then we send someone out.", wpm=230.0),
        Line(C, "Your service is useless and I am sick of it!", level_dbov=LOUD),
        Line(A, "I understand, I will book a technician for tomorrow morning."),
    ]
    lapses = [m for m in _type_findings(scripted_report(lines)) if "seemed" not in m]
    [fast] = lapses
    assert fast.startswith("The customer was rude: you sped up in reply at 0:")
    said = re.search(r"\((\d+) wpm against your usual (\d+)\)", fast)
    assert said is not None
    # Placed at 230 wpm (each word 0.05 s short of its slot: a little faster).
    assert 230 <= int(said[1]) <= 236 and int(said[2]) < 200
    # A team that allows 60 % faster replies does not flag 230 against about 170.
    lenient = build_profile({"customer_type": {"faster_reply_percent": 60.0}})
    scored = apply_rules(scripted_report(lines), lenient)
    assert not [f for f in scored.findings if f.rule == "customer_type" and f.severity == "warning"]


def test_rude_customer_answered_calmly() -> None:
    calm = _rude_call(agent_reply_level=-26.0)
    assert len(_type_findings(calm)) == 1  # the type, no lapse
    assert _metric(calm, "handling") == "as the guide asks"


def test_shy_customer_needs_closed_questions() -> None:
    open_questions = [
        Line(A, "Good morning, how can I help you today?"),
        Line(C, "Card.", level_dbov=QUIET),
        Line(A, "What happened to it?"),
        Line(C, "Lost.", level_dbov=QUIET),
        Line(A, "How would you like to go on?"),
        Line(C, "New one.", level_dbov=QUIET),
    ]
    lapses = [m for m in _type_findings(scripted_report(open_questions)) if "seemed" not in m]
    assert any("questions were closed" in m and "The customer was shy" in m for m in lapses)
    assert len(_type_findings(CALLS["shy_en"].report)) == 1  # closed questions, time to answer


def test_indecisive_customer_needs_a_recommendation() -> None:
    report = CALLS["indecisive_en"].report
    assert any("you made no recommendation" in m for m in _type_findings(report))
    lines = [
        Line(A, "Which plan would you like?"),
        Line(C, "Um, I don't know. Maybe the small one?"),
        Line(A, "I recommend the small one, it has ten gigabytes."),
        Line(C, "Hmm, or maybe the big one. What do you think?"),
        Line(A, "The small one is the best choice for you."),
        Line(C, "I'm not sure. I can't decide."),
    ]
    assert len(_type_findings(scripted_report(lines))) == 1


def test_pretentious_customer_contradicted() -> None:
    call = CALLS["pretentious_en"].report
    lines = [Line(t.party, t.text or "") for t in call.turns]
    lines[2] = Line(A, "You're wrong, the line is fine.")
    report = scripted_report(lines, interruptions=call.interruptions)
    assert any("you contradicted them" in m for m in _type_findings(report))


def test_unclear_claims_nothing_type_specific() -> None:
    for name in ("unclear_bland", "unclear_quiet_only"):
        report = CALLS[name].report
        assert _type_findings(report) == []
        assert _metric(report, "type") == "unclear"
        assert _metric(report, "handling") == "not checked (type unclear)"


@pytest.mark.parametrize("call", hard_calls(), ids=lambda c: c.name)
def test_calls_between_types_are_never_given_a_wrong_type(call: TypedCall) -> None:
    # What it cannot tell apart it calls unclear (bench/bench_customer_type.py).
    assert classify(call.report, default_profile()).type in (call.truth, "unclear")


def test_the_report_carries_the_type_with_evidence_and_confidence() -> None:
    scored = apply_rules(CALLS["rude_en"].report, default_profile())
    assert scored.customer_type is not None
    assert scored.customer_type.type == "rude"
    assert scored.customer_type.confidence == 1.0
    assert scored.customer_type.evidence == ["raised voice in 3 turns", "negative words 3"]
    assert set(scored.customer_type.scores) == set(TYPES)
    unclear = apply_rules(CALLS["unclear_bland"].report, default_profile()).customer_type
    assert unclear is not None and unclear.type == "unclear" and unclear.evidence == []
    mono = CALLS["rude_en"].report.model_copy(update={"agent_channel": None, "parties": Parties()})
    assert apply_rules(mono, default_profile()).customer_type is None
