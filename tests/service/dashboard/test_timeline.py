"""The timeline of a mono call: split into two voices, both parties' lanes; a report
stored before the split (one "unknown" party, or "mono" before that) fills the agent lanes."""

from __future__ import annotations

import json

import pytest

from analyzers.report import Report
from service.dashboard.timeline import build_timeline
from tests.analyzers.golden.cases import GOLDEN_DIR


def _diarized_report() -> Report:
    return Report.model_validate_json((GOLDEN_DIR / "good_call_mono.none.json").read_text())


def _mono_report(old_name: bool) -> Report:
    """The diarized report as one stored before mono calls were split: one party."""
    data = json.loads((GOLDEN_DIR / "good_call_mono.none.json").read_text())
    name = "mono" if old_name else "unknown"
    for curves in ("level_dbov", "pitch_hz", "speech"):
        data["signals"][curves] = {name: data["signals"][curves]["agent"]}
    data.update(separation=None, parties={}, interruptions=[])
    data["turns"] = [dict(t, party="unknown") for t in data["turns"]]
    return Report.model_validate(data)


def test_a_diarized_mono_call_has_both_parties_lanes() -> None:
    report = _diarized_report()
    assert report.separation is not None and report.separation.method == "diarized"
    timeline = build_timeline(report)
    assert set(timeline.level_areas) == {"agent", "customer"}
    assert timeline.lane("level_customer") is not None


@pytest.mark.parametrize("old_name", [False, True], ids=["unknown", "stored-as-mono"])
def test_a_mono_calls_curves_fill_the_agent_lanes(old_name: bool) -> None:
    report = _mono_report(old_name)
    timeline = build_timeline(report)
    assert set(timeline.level_areas) == {"agent"}
    assert timeline.pitch_lines
    assert len(timeline.speech["agent"]) == len(report.signals.speech["unknown"])  # type: ignore[union-attr]
    assert timeline.lane("level_customer") is None
