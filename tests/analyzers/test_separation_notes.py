"""Metrics of party rules carry a note where a mono call's split was unsure."""

from __future__ import annotations

from analyzers.report import Metric, Parties, Pickup, Report, Separation
from analyzers.separation_notes import note_unsure_separation
from analyzers.spans import Span


def _metric(rule: str, status: str = "ok") -> Metric:
    return Metric(rule=rule, label=rule, value=1.0, unit="", expected="", status=status)  # type: ignore[arg-type]


def _report(separation: Separation | None) -> Report:
    metrics = [_metric("pickup_delay"), _metric("speech_rate"), _metric("talk_ratio", "unmeasured")]
    return Report(
        duration_s=60.0,
        sample_rate=8000,
        channels=1,
        ranges_profile="default",
        pickup=Pickup(source="none"),
        parties=Parties(),
        metrics=metrics,
        separation=separation,
    )


def test_party_rules_say_where_the_split_was_unsure() -> None:
    unsure = Separation(
        method="diarized", confidence=0.9, agent="first voice", unsure=[Span(10.0, 13.5)]
    )
    notes = {m.rule: m.note for m in note_unsure_separation(_report(unsure)).metrics}
    assert notes["pickup_delay"] is None  # needs no parties
    assert notes["talk_ratio"] is None  # not measured: nothing to qualify
    assert notes["speech_rate"] is not None
    assert "3.5 s" in notes["speech_rate"] and "10.0-13.5 s" in notes["speech_rate"]


def test_a_sure_split_or_stereo_channels_add_no_note() -> None:
    sure = Separation(method="diarized", confidence=1.0, agent="first voice")
    channels = Separation(method="channels", confidence=1.0, agent="channel 0")
    for separation in (sure, channels, None):
        report = _report(separation)
        assert note_unsure_separation(report) == report


def test_a_split_unsure_as_a_whole_notes_every_party_rule_with_its_doubts() -> None:
    doubtful = Separation(
        method="diarized",
        confidence=0.2,
        agent="first voice",
        doubts=["the two voices sound alike (held-out margin 1.1 nats per frame)"],
    )
    notes = {m.rule: m.note for m in note_unsure_separation(_report(doubtful)).metrics}
    assert notes["pickup_delay"] is None and notes["talk_ratio"] is None
    assert notes["speech_rate"] is not None
    assert "unsure as a whole (confidence 0.20" in notes["speech_rate"]
    assert "sound alike" in notes["speech_rate"]
