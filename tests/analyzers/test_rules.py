"""Rules on constructed reports: the measured values are the ground truth."""

from __future__ import annotations

from analyzers.profile import build_profile, default_profile
from analyzers.report import (
    Interruption,
    Parties,
    PartyMetrics,
    Pickup,
    Report,
    Silence,
    Turn,
    WindowValue,
    Word,
)
from analyzers.rule_table import RULE_IDS, RULES, rule_spec
from analyzers.rules import SCORERS, apply_rules


def _party(**kw: object) -> PartyMetrics:
    base: dict[str, object] = dict(
        talk_time_s=60.0,
        words=140,
        wpm=140.0,
        pitch_median_hz=120.0,
        pitch_sd_semitones=3.0,
        level_dbov=-26.0,
        longest_monologue_s=20.0,
        longest_monologue_start_s=5.0,
        talk_share=0.5,
    )
    base.update(kw)
    return PartyMetrics.model_validate(base)


def _report(**kw: object) -> Report:
    base: dict[str, object] = dict(
        duration_s=120.0,
        sample_rate=8000,
        channels=2,
        agent_channel=0,
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=6.0, source="audio"),
        parties=Parties(agent=_party(), customer=_party(talk_share=0.5)),
        turns=[
            Turn(party="agent", start_s=10.0 * i, end_s=10.0 * i + 4.0, level_dbov=-26.0)
            for i in range(1, 8)
        ],
    )
    base.update(kw)
    return Report.model_validate(base)


def _rules(report: Report) -> list[str]:
    return [f.rule for f in report.findings]


def test_clean_call_has_no_acoustic_findings() -> None:
    scored = apply_rules(_report(), default_profile())
    acoustic = {
        "pickup_delay",
        "speech_rate",
        "pitch_monotony",
        "loudness",
        "unexplained_silence",
        "interruption",
        "talk_ratio",
    }
    assert not acoustic & set(_rules(scored))
    statuses = {m.rule: m.status for m in scored.metrics}
    assert statuses["pickup_delay"] == "ok" and statuses["speech_rate"] == "ok"


def test_pickup_rings_against_range() -> None:
    for rings, expected in ((1, 1), (2, 0), (3, 0), (4, 1), (6, 1)):
        scored = apply_rules(
            _report(pickup=Pickup(rings=rings, answered_at_s=3.0, source="audio")),
            default_profile(),
        )
        found = [f for f in scored.findings if f.rule == "pickup_delay"]
        assert len(found) == expected, rings
        if found:
            assert found[0].value == rings and found[0].expected == "ring 2–3"
    unknown = apply_rules(_report(pickup=Pickup(source="none")), default_profile())
    assert "pickup_delay" in {u.rule for u in unknown.unmeasured}


def test_speech_rate_and_windows() -> None:
    agent = _party(wpm=190.0, wpm_windows=[WindowValue(start_s=0, end_s=30, value=195.0)])
    scored = apply_rules(
        _report(parties=Parties(agent=agent, customer=_party())), default_profile()
    )
    rate = [f for f in scored.findings if f.rule == "speech_rate"]
    assert len(rate) == 1 and rate[0].value == 190.0 and "Slow down" in rate[0].advice
    agent = _party(wpm=140.0, wpm_windows=[WindowValue(start_s=30, end_s=60, value=100.0)])
    scored = apply_rules(
        _report(parties=Parties(agent=agent, customer=_party())), default_profile()
    )
    rate = [f for f in scored.findings if f.rule == "speech_rate"]
    assert [(f.start_s, f.severity) for f in rate] == [(30, "info")]


def test_monotone_voice_flagged_and_threshold_from_profile() -> None:
    agent = _party(pitch_sd_semitones=1.4)
    report = _report(parties=Parties(agent=agent, customer=_party()))
    assert "pitch_monotony" in _rules(apply_rules(report, default_profile()))
    lenient = build_profile({"pitch_monotony": {"min_sd_semitones": 1.0}})
    assert "pitch_monotony" not in _rules(apply_rules(report, lenient))


def test_raised_and_whispered_turns() -> None:
    turns = [
        Turn(party="agent", start_s=10.0 * i, end_s=10.0 * i + 4, level_dbov=-26.0)
        for i in range(1, 8)
    ]
    turns[2].level_dbov = -18.0  # +8 dB: raised
    turns[4].level_dbov = -38.5  # -12.5 dB: whisper (and below the absolute floor)
    turns.append(Turn(party="customer", start_s=85, end_s=89, level_dbov=-10.0))
    scored = apply_rules(_report(turns=turns), default_profile())
    loud = [f for f in scored.findings if f.rule == "loudness"]
    assert [(f.start_s, f.severity) for f in loud] == [(30.0, "critical"), (50.0, "warning")]
    assert "Raised voice" in loud[0].message and "quiet" in loud[1].message


def _words(text: str, start_s: float, step_s: float = 0.4) -> list[Word]:
    return [
        Word(word=w, start_s=start_s + i * step_s, end_s=start_s + (i + 1) * step_s - 0.05)
        for i, w in enumerate(text.split())
    ]


def test_silences_explained_from_the_agents_words() -> None:
    turns = [
        Turn(
            party="agent",
            start_s=16,
            end_s=19.5,
            level_dbov=-26,
            words=_words("Let me check that for you.", 16.5),
        ),
        Turn(
            party="agent",
            start_s=36,
            end_s=39.5,
            level_dbov=-26,
            words=_words("Your booking is confirmed.", 36.5),
        ),
    ]
    silences = [
        Silence(start_s=20, end_s=28, duration_s=8),
        Silence(start_s=40, end_s=46, duration_s=6),
        Silence(start_s=60, end_s=63, duration_s=3),
        Silence(start_s=70, end_s=82, duration_s=12),
    ]
    scored = apply_rules(_report(language="en", turns=turns, silences=silences), default_profile())
    found = [f for f in scored.findings if f.rule == "unexplained_silence"]
    assert [(f.start_s, f.severity) for f in found] == [(40, "warning"), (70, "critical")]
    first = scored.silences[0]
    assert first.explained and "check" in (first.explanation or "").lower()
    assert scored.silences[1].explained is False


def test_silences_without_transcript_are_reported_as_unverified() -> None:
    silences = [Silence(start_s=40, end_s=46, duration_s=6)]
    scored = apply_rules(_report(silences=silences), default_profile())
    found = [f for f in scored.findings if f.rule == "unexplained_silence"]
    assert [(f.start_s, f.severity) for f in found] == [(40, "info")]
    assert scored.silences[0].explained is None


def test_interruptions_by_agent_only() -> None:
    inter = [
        Interruption(by="agent", start_s=30, end_s=31.5, duration_s=1.5),
        Interruption(by="customer", start_s=50, end_s=52, duration_s=2.0),
    ]
    scored = apply_rules(_report(interruptions=inter), default_profile())
    found = [f for f in scored.findings if f.rule == "interruption"]
    assert [f.start_s for f in found] == [30]


def test_talk_ratio_and_monologue() -> None:
    agent = _party(talk_share=0.78, longest_monologue_s=75.0, longest_monologue_start_s=12.0)
    scored = apply_rules(
        _report(parties=Parties(agent=agent, customer=_party(talk_share=0.22))), default_profile()
    )
    found = [f for f in scored.findings if f.rule == "talk_ratio"]
    assert {f.value for f in found} == {78.0, 75.0}
    mono = next(f for f in found if f.value == 75.0)
    assert (mono.start_s, mono.end_s) == (12.0, 87.0)


def test_mono_party_rules_are_unmeasured_not_guessed() -> None:
    report = _report(
        channels=1,
        agent_channel=None,
        parties=Parties(),
        turns=[
            Turn(
                party="unknown",
                start_s=1,
                end_s=5,
                words=[Word(word="hello", start_s=1, end_s=1.4)],
            )
        ],
    )
    scored = apply_rules(report, default_profile())
    unmeasured = {u.rule for u in scored.unmeasured}
    assert {"speech_rate", "pitch_monotony", "loudness", "interruption", "talk_ratio"} <= unmeasured
    assert not {"speech_rate", "interruption"} & set(_rules(scored))


def test_rescoring_with_changed_profile_changes_findings() -> None:
    report = apply_rules(
        _report(pickup=Pickup(rings=4, answered_at_s=20, source="audio")), default_profile()
    )
    assert "pickup_delay" in _rules(report)
    relaxed = build_profile({"name": "relaxed", "pickup_delay": {"max_rings": 4}})
    rescored = apply_rules(report, relaxed)
    assert "pickup_delay" not in _rules(rescored)
    assert rescored.ranges_profile == "relaxed"


def test_every_rule_of_the_table_has_one_scorer_and_writes_its_rows() -> None:
    assert list(SCORERS) == list(RULE_IDS)
    scored = apply_rules(_report(), default_profile())
    written = {(m.rule, m.key) for m in scored.metrics}
    for rule in RULES:
        for spec in rule.metrics:
            if rule.id in ("opening", "negative_language", "closing"):
                continue  # no transcript in this report: unmeasured rows, checked below
            assert (rule.id, spec.key) in written, (rule.id, spec.key)
    for m in scored.metrics:
        spec = rule_spec(m.rule).metric(m.key or "")
        assert (m.label, m.unit) == (spec.label, spec.unit)


def test_metric_rows_carry_numeric_ranges_in_their_own_unit() -> None:
    profile = build_profile({"speech_rate": {"min_wpm": 110, "max_wpm": 170}})
    rows = {(m.rule, m.key): m for m in apply_rules(_report(), profile).metrics}
    expected = {
        ("pickup_delay", "rings"): (2, 3, "rings"),
        ("speech_rate", "wpm"): (110, 170, "wpm"),
        ("pitch_monotony", "sd_semitones"): (2.0, None, "st"),
        ("loudness", "level_dbov"): (-36, -16, "dBov"),
        ("unexplained_silence", "count"): (None, 0, ""),
        ("interruption", "count"): (None, 0, ""),
        ("talk_ratio", "agent_share"): (30, 60, "%"),
        ("talk_ratio", "longest_monologue"): (None, 60, "s"),
        ("negative_language", "count"): (None, 0, ""),
        ("opening", "complete"): (None, None, ""),
    }
    for key, (low, high, unit) in expected.items():
        row = rows[key]
        assert (row.low, row.high, row.unit) == (low, high, unit), key
    assert rows[("speech_rate", "wpm")].expected == "110–170 wpm"
    assert rows[("loudness", "level_dbov")].expected == "-36 to -16 dBov"
    # A range of "at most zero" interruptions reads as "none" to a person.
    assert rows[("interruption", "count")].expected == "none"
    lenient = build_profile({"interruption": {"max_count": 2}})
    row = next(m for m in apply_rules(_report(), lenient).metrics if m.rule == "interruption")
    assert (row.expected, row.high) == ("≤ 2", 2)


def test_unmeasured_rows_keep_their_range() -> None:
    scored = apply_rules(_report(parties=Parties()), default_profile())
    row = next(m for m in scored.metrics if m.rule == "speech_rate")
    assert row.status == "unmeasured" and (row.low, row.high) == (120, 160)
