"""Where a finding points the coach, mono silence messages and the coaching summary,
on constructed reports (the measured values are the ground truth)."""

from __future__ import annotations

from analyzers.profile import default_profile
from analyzers.report import Finding, Parties, Pickup, Report, Silence, Turn
from analyzers.rules import apply_rules
from analyzers.summary import coaching_summary
from tests.analyzers.builders import mono_call, turn


def _stereo(turns: list[Turn], duration_s: float = 400.0) -> Report:
    return Report(
        duration_s=duration_s,
        sample_rate=8000,
        channels=2,
        agent_channel=0,
        language="en",
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=1.0, source="audio"),
        parties=Parties(),
        turns=turns,
    )


def test_closing_finding_points_at_the_agents_last_seconds_not_the_greeting() -> None:
    # The agent says little: 30 s of *speech* reach back to the greeting, but the
    # coach should listen to the end of the call.
    turns = [
        turn("agent", "hello you are through to acme my name is sam", 2.0),
        turn("customer", "hi i have a question about my bill", 10.0),
        turn("agent", "sure let me look", 120.0),
        turn("agent", "that is all sorted now", 300.0),
    ]
    scored = apply_rules(_stereo(turns), default_profile())
    closing = next(f for f in scored.findings if f.rule == "closing")
    last_end = turns[-1].words[-1].end_s
    within = default_profile().closing.within_last_s
    assert closing.end_s == last_end
    assert closing.start_s is not None and closing.start_s >= last_end - within - 1e-9
    assert closing.start_s > 120.0


def test_opening_finding_spans_the_opening_window_not_the_call() -> None:
    turns = [
        turn("agent", "yeah what", 2.0),
        turn("customer", "hello is this the bank", 5.0),
        turn("agent", "right ok", 200.0),
        turn("agent", "thanks bye", 380.0),
    ]
    scored = apply_rules(_stereo(turns), default_profile())
    opening = next(f for f in scored.findings if f.rule == "opening" and "did not" in f.message)
    within = default_profile().opening.within_s
    assert opening.start_s == turns[0].words[0].start_s
    assert opening.end_s is not None and opening.end_s <= opening.start_s + within + 1e-9


def test_mono_silence_is_checked_against_the_transcript() -> None:
    report = mono_call(duration_s=90.0)
    scored = apply_rules(report, default_profile())
    assert [s.explained for s in scored.silences] == [True, False]
    messages = [f.message for f in scored.findings if f.rule == "unexplained_silence"]
    assert messages and not any("no transcript" in m for m in messages)
    assert "without telling the customer why" in messages[0]


def test_silence_without_transcript_says_why() -> None:
    report = _stereo([], duration_s=90.0).model_copy(
        update={"language": None, "silences": [Silence(start_s=14, end_s=29, duration_s=15)]}
    )
    scored = apply_rules(report, default_profile())
    message = next(f.message for f in scored.findings if f.rule == "unexplained_silence")
    assert "transcription was not run" in message


def _finding(rule: str, severity: str, start: float | None, end: float | None) -> Finding:
    return Finding.model_validate(
        dict(
            rule=rule,
            severity=severity,
            start_s=start,
            end_s=end,
            value=1,
            expected="",
            message=f"{rule} message",
            advice=f"{rule} advice",
        )
    )


def test_summary_ranks_by_severity_then_time_share() -> None:
    findings = [
        _finding("negative_language", "warning", 10, 11),
        _finding("loudness", "critical", 20, 24),
        _finding("interruption", "warning", 30, 31),
        _finding("interruption", "warning", 40, 41),
        _finding("talk_ratio", "warning", None, None),  # whole call: largest share
        _finding("speech_rate", "info", 50, 80),
    ]
    points = coaching_summary(findings, 100.0)
    assert [p.rule for p in points] == ["loudness", "talk_ratio", "interruption"]
    assert points[0].findings == [1] and points[2].findings == [2, 3]
    assert points[2].text.startswith("Interruptions: 2 interruptions, the first at 0:30.")
    assert points[2].text.endswith("interruption advice.")
    assert points[0].text == "loudness message. loudness advice."


def test_summary_makes_up_two_points_from_notes_and_is_empty_without_findings() -> None:
    findings = [
        _finding("speech_rate", "info", 50, 80),
        _finding("pitch_monotony", "info", 10, 20),
        _finding("closing", "warning", 370, 400),
    ]
    points = coaching_summary(findings, 400.0)
    assert [p.rule for p in points] == ["closing", "speech_rate"]
    assert coaching_summary([], 400.0) == []


def test_report_summary_is_filled_by_scoring() -> None:
    turns = [turn("agent", "yeah what", 2.0), turn("agent", "bye", 60.0)]
    scored = apply_rules(_stereo(turns, duration_s=70.0), default_profile())
    assert scored.summary and scored.schema_version == 1
    for point in scored.summary:
        assert all(scored.findings[i].rule == point.rule for i in point.findings)
