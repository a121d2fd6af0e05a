"""The call timeline's layout, and the timeline of a mono call: split into two voices,
both parties' lanes; a report stored before the split (one "unknown" party, or "mono"
before that) fills the agent lanes."""

from __future__ import annotations

import json

import pytest

from analyzers.report import Report
from service.dashboard.timeline import MAX_MARKER_ROWS, build_timeline
from tests.analyzers.golden.cases import GOLDEN_DIR
from tests.service.dashboard.report_fixtures import finding, sample_report


def test_timeline_stacks_overlapping_markers_in_rows() -> None:
    findings = [finding("speech_rate", "info", 10.0 + i, 40.0) for i in range(6)]
    findings.append(finding("pickup_delay", "warning", 5.0, 5.0))
    timeline = build_timeline(sample_report(findings))
    rows = [m.row for m in timeline.markers]
    assert max(rows) == MAX_MARKER_ROWS - 1
    first_row = [m for m in timeline.markers if m.row == 0]
    assert len(first_row) >= 2  # the short pickup marker shares a row
    assert len(timeline.rings) == 2 and timeline.answered_x is not None
    findings_lane = timeline.lane("findings")
    assert findings_lane is not None and findings_lane.height >= MAX_MARKER_ROWS * 22


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


def test_holds_have_their_own_lane_and_tones_are_marks() -> None:
    data = json.loads((GOLDEN_DIR / "good_call.none.json").read_text())
    plain = build_timeline(Report.model_validate(data))
    assert plain.lane("hold") is None and not plain.holds
    data["holds"] = [{"start_s": 20.0, "end_s": 60.0, "duration_s": 40.0, "announced": True}]
    data["tones"] = [{"kind": "dtmf", "start_s": 30.0, "end_s": 30.1, "party": "customer"}]
    timeline = build_timeline(Report.model_validate(data))
    lane = timeline.lane("hold")
    assert lane is not None and lane.top > timeline.lane("talk").bottom  # type: ignore[union-attr]
    (hold,) = timeline.holds
    assert hold.label == "40 s on hold (announced)" and hold.start_s == 20.0
    (tone,) = timeline.tones
    assert tone.label == "key press (customer)"
    assert timeline.plot_left <= hold.x < tone.x < hold.x + hold.w <= timeline.plot_right


def _cue(key: str, state: str, at_s: float) -> dict[str, object]:
    return {
        "key": key,
        "rule": key.split(":")[0],
        "state": state,
        "at_s": at_s,
        "shown_s": at_s + 0.4,
        "message": f"{key} {state}",
    }


def test_a_live_calls_cues_have_a_lane_raised_to_cleared() -> None:
    report = sample_report([])
    assert build_timeline(report).lane("live") is None  # not a live call
    cues = [
        _cue("opening", "progress", 3.0),
        _cue("unexplained_silence", "raised", 10.0),
        _cue("interruption:agent", "raised", 12.0),
        _cue("unexplained_silence", "cleared", 14.0),
    ]
    timeline = build_timeline(report, cues)
    lane = timeline.lane("live")
    assert lane is not None and timeline.lanes[1] is lane
    tick, silence, talk_over = timeline.live
    assert tick.state == "progress" and tick.x == tick.x_end
    per_s = (silence.x - tick.x) / (10.0 - 3.0)
    assert silence.x_end - silence.x == pytest.approx(per_s * (14.0 - 10.0))  # to its clear
    assert "shown at 0:10" in silence.title
    assert talk_over.x_end == timeline.plot_right  # never cleared: to the call's end
