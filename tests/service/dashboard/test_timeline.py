"""The timeline of a mono call: its one "unknown" party's curves fill the agent lanes,
also for reports stored when that party was called "mono"."""

from __future__ import annotations

import json

import pytest

from analyzers.report import Report
from service.dashboard.timeline import build_timeline
from tests.analyzers.golden.cases import GOLDEN_DIR


def _mono_report(old_name: bool) -> Report:
    data = json.loads((GOLDEN_DIR / "good_call_mono.none.json").read_text())
    if old_name:
        for curves in ("level_dbov", "pitch_hz", "speech"):
            data["signals"][curves] = {"mono": data["signals"][curves]["unknown"]}
    return Report.model_validate(data)


@pytest.mark.parametrize("old_name", [False, True], ids=["unknown", "stored-as-mono"])
def test_a_mono_calls_curves_fill_the_agent_lanes(old_name: bool) -> None:
    report = _mono_report(old_name)
    timeline = build_timeline(report)
    assert set(timeline.level_areas) == {"agent"}
    assert timeline.pitch_lines
    assert len(timeline.speech["agent"]) == len(report.signals.speech["unknown"])  # type: ignore[union-attr]
    assert timeline.lane("level_customer") is None
