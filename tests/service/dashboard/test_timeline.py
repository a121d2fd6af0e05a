"""The call timeline's layout."""

from __future__ import annotations

from service.dashboard.timeline import MAX_MARKER_ROWS, build_timeline
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
