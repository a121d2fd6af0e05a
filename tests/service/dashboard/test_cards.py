"""Metric cards: gauges from the report's numeric ranges, and range text spelled out
for people."""

from __future__ import annotations

from analyzers.report import Metric
from service.dashboard.cards import metric_card, pretty_range
from service.dashboard.templating import range_text


def _metric(rule: str, value: float, low: float | None, high: float | None) -> Metric:
    return Metric(
        rule=rule, label=rule, value=value, unit="", expected="", status="ok", low=low, high=high
    )


def test_gauges_read_the_reports_numeric_ranges() -> None:
    gauge = metric_card(_metric("speech_rate", 140.0, 120.0, 160.0)).gauge
    assert gauge is not None and gauge.band_from < gauge.value_at < gauge.band_to
    high = metric_card(_metric("talk_ratio", 78.0, 30.0, 60.0)).gauge
    assert high is not None and high.value_at > high.band_to
    floor = metric_card(_metric("pitch_monotony", 1.0, 2.0, None)).gauge
    assert floor is not None and floor.value_at < floor.band_from and floor.band_to == 100.0
    # No numeric range (an older report, or a rule without one): no gauge, no guessing.
    assert metric_card(_metric("speech_rate", 140.0, None, None)).gauge is None


def test_a_metric_cards_note_is_shown() -> None:
    noted = _metric("speech_rate", 140.0, 120.0, 160.0).model_copy(
        update={"note": "mono call split into two voices; this value may be off"}
    )
    assert metric_card(noted).note == noted.note
    assert metric_card(_metric("speech_rate", 140.0, 120.0, 160.0)).note is None


def test_pretty_range_spells_out_negative_spans() -> None:
    assert pretty_range("-36–-16 dBov") == "-36 to -16 dBov"
    assert pretty_range("120–160 wpm") == "120–160 wpm"
    assert pretty_range("≤ 0") == "none"
    assert range_text(None, 0.0) == "none" and range_text(-36, -16) == "-36 to -16"
