"""Pickup stage: the ringback heard, else the metadata, against each call's truth."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.report import Pickup
from analyzers.ringback_plans import plan_countries, plan_for
from analyzers.stages.decode import DecodedCall, decode
from analyzers.stages.pickup import find_pickup, heard_answer_s, likely_countries
from tests.analyzers.stages.calls import decoded, early_stages, truth


def _after_the_answer(name: str) -> DecodedCall:
    """The call without its ringback: cut at the answer."""
    call = decoded(name)
    start = round((truth(name).answered_at_s + 0.5) * call.sample_rate)
    audio = CallAudio(samples=call.samples[:, start:], sample_rate=call.sample_rate)
    return decode(audio, AnalysisOptions())


@pytest.mark.parametrize("name", ["good_call", "early_pickup", "late_pickup"])
def test_rings_and_answer_from_the_ringback(name: str) -> None:
    _, pickup, _, _ = early_stages(name)
    expected = truth(name)
    assert pickup.source == "audio"
    assert pickup.rings == expected.rings
    assert pickup.answered_at_s == pytest.approx(expected.answered_at_s, abs=0.3)
    assert pickup.ringback_country in plan_countries(plan_for(expected.country))
    assert len(pickup.ring_times) == expected.rings
    assert heard_answer_s(pickup) == pickup.answered_at_s


def test_without_ringback_the_metadata_gives_the_pickup() -> None:
    call = _after_the_answer("good_call")
    ringing = datetime(2026, 1, 5, 9, 0, 0)
    metadata = CallMetadata(
        recording_started_at=ringing,
        ringing_at=ringing,
        answered_at=ringing + timedelta(seconds=10.0),
    )
    pickup = find_pickup(call, AnalysisOptions(country="NO"), metadata)
    assert pickup.source == "metadata"
    assert pickup.rings == 2  # 10 s of Norwegian ringback: rings at 0 and 5 s
    assert heard_answer_s(pickup) is None


def test_unusable_metadata_costs_only_the_pickup() -> None:
    call = _after_the_answer("good_call")
    now = datetime(2026, 1, 5, 9, 0, 0)
    metadata = CallMetadata(ringing_at=now, answered_at=now - timedelta(seconds=5))
    pickup = find_pickup(call, AnalysisOptions(), metadata)
    assert pickup.source == "none"
    assert pickup.note is not None and "metadata unusable" in pickup.note


def test_likely_countries_prefer_the_hint_then_the_ringback() -> None:
    heard = Pickup(source="audio", rings=2, ringback_country="NO")
    assert likely_countries(AnalysisOptions(country="SE"), heard) == ["SE"]
    assert likely_countries(AnalysisOptions(), heard) == plan_countries(plan_for("NO"))
    assert likely_countries(AnalysisOptions(), Pickup(source="none")) == []
