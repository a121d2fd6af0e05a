"""The dashboard's pure parts: the session cookie, metric ranges, the transcript's
finding placement, the timeline's marker rows, CSV cells and the ranges form."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from analyzers.errors import ProfileError
from analyzers.profile import build_profile
from analyzers.report import Finding, Metric, Parties, Pickup, Report, Silence, Turn, Word
from analyzers.rule_table import SECTIONS
from service.dashboard.cards import metric_card, pretty_range
from service.dashboard.exports import to_csv
from service.dashboard.ranges_form import form_sections, parse_form
from service.dashboard.session_cookie import (
    csrf_ok,
    csrf_token,
    decode_session,
    encode_session,
    load_secret,
)
from service.dashboard.templating import range_text
from service.dashboard.timeline import MAX_MARKER_ROWS, build_timeline
from service.dashboard.transcript import EventView, TurnView, build_transcript

SECRET = b"k" * 32


def test_session_cookie_round_trip_and_rejections(tmp_path: Path) -> None:
    cookie = encode_session(SECRET, "abcd1234", now=1000.0)
    session = decode_session(SECRET, cookie, now=1010.0)
    assert session is not None and session.key_id == "abcd1234"
    assert decode_session(b"x" * 32, cookie, now=1010.0) is None  # another secret
    assert decode_session(SECRET, cookie, now=1000.0 + 13 * 3600) is None  # expired
    payload, signature = cookie.split(".")
    forged = encode_session(SECRET, "other", now=1000.0).split(".")[0]
    assert decode_session(SECRET, f"{forged}.{signature}", now=1010.0) is None
    for junk in (None, "", "nodot", "a.b.c", f"{payload}.", "!!.??"):
        assert decode_session(SECRET, junk, now=1010.0) is None
    token = csrf_token(SECRET, cookie)
    assert csrf_ok(SECRET, cookie, token)
    assert not csrf_ok(SECRET, cookie, token[:-1] + "x")
    assert not csrf_ok(SECRET, None, token) and not csrf_ok(SECRET, cookie, None)

    secret = load_secret(tmp_path)
    assert len(secret) == 32 and load_secret(tmp_path) == secret
    assert stat.S_IMODE((tmp_path / "dashboard_secret").stat().st_mode) == 0o600


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


def test_csv_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    text = to_csv(["agent", "value"], [["=HYPERLINK(1)", -3.5], ["@x", None], ["ann", 2]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["agent", "value"], ["'=HYPERLINK(1)", "-3.5"], ["'@x", ""], ["ann", "2"]]


def _words(start: float, texts: str) -> list[Word]:
    return [
        Word(word=w, start_s=start + i * 0.5, end_s=start + i * 0.5 + 0.4)
        for i, w in enumerate(texts.split())
    ]


def _finding(rule: str, severity: str, start: float | None, end: float | None) -> Finding:
    return Finding(
        rule=rule, severity=severity, start_s=start, end_s=end, value=1.0, expected="x",
        message=f"{rule} message", advice=f"{rule} advice",
    )  # fmt: skip


def _report(findings: list[Finding]) -> Report:
    return Report(
        duration_s=60.0,
        sample_rate=8000,
        channels=2,
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=5.0, source="audio", ring_times=[(0, 1), (3, 4)]),
        parties=Parties(),
        turns=[
            Turn(party="agent", start_s=6.0, end_s=8.0, words=_words(6.0, "hello this is ann")),
            Turn(party="customer", start_s=9.0, end_s=11.0, words=_words(9.0, "hi i need help")),
            Turn(party="agent", start_s=20.0, end_s=22.0, words=_words(20.0, "WHAT DO YOU WANT")),
            Turn(party="agent", start_s=50.0, end_s=52.0, words=_words(50.0, "bye then")),
        ],
        silences=[Silence(start_s=11.0, end_s=20.0, duration_s=9.0, explained=False)],
        findings=findings,
    )


def test_transcript_marks_words_in_place_and_pins_each_finding_once() -> None:
    report = _report([
        _finding("loudness", "critical", 20.0, 22.0),
        _finding("unexplained_silence", "warning", 11.0, 20.0),
        _finding("speech_rate", "info", 0.0, 30.0),
        _finding("closing", "warning", 6.0, 52.0),
        _finding("talk_ratio", "warning", None, None),
    ])  # fmt: skip
    items = build_transcript(report)
    turns = [i for i in items if isinstance(i, TurnView)]
    loud = turns[2]
    assert [w.severity for w in loud.words] == ["critical"] * 4
    assert all(w.findings == [0] for w in loud.words)
    # A note over a 30 s window and a closing over the whole call mark no words.
    assert all(w.severity is None for t in (turns[0], turns[1], turns[3]) for w in t.words)
    silence = next(i for i in items if isinstance(i, EventView) and i.kind == "silence")
    assert silence.findings == [1]
    assert turns[3].findings == [3]  # the closing sits at the agent's last turn
    pinned = [i for item in items for i in item.findings]
    assert sorted(pinned) == [0, 1, 2, 3]  # whole-call findings are listed elsewhere
    assert [i.start_s for i in items] == sorted(i.start_s for i in items)


def test_timeline_stacks_overlapping_markers_in_rows() -> None:
    findings = [_finding("speech_rate", "info", 10.0 + i, 40.0) for i in range(6)]
    findings.append(_finding("pickup_delay", "warning", 5.0, 5.0))
    timeline = build_timeline(_report(findings))
    rows = [m.row for m in timeline.markers]
    assert max(rows) == MAX_MARKER_ROWS - 1
    first_row = [m for m in timeline.markers if m.row == 0]
    assert len(first_row) >= 2  # the short pickup marker shares a row
    assert len(timeline.rings) == 2 and timeline.answered_x is not None
    findings_lane = timeline.lane("findings")
    assert findings_lane is not None and findings_lane.height >= MAX_MARKER_ROWS * 22


def test_ranges_form_round_trips_and_refuses_non_numbers() -> None:
    default = build_profile()
    sections = form_sections(build_profile({"speech_rate": {"min_wpm": 110.0}}), default)
    fields = {f.name: f for s in sections for f in s.fields}
    assert fields["speech_rate.min_wpm"].changed and fields["speech_rate.min_wpm"].value == 110.0
    assert not fields["speech_rate.max_wpm"].changed
    assert fields["activity.min_speech_s"].analysis_only
    submitted = {name: str(f.value) for name, f in fields.items()} | {"csrf": "t"}
    assert build_profile(parse_form(submitted)).speech_rate.min_wpm == 110.0
    with pytest.raises(ProfileError, match="Slowest speech rate: 'fast' is not a number"):
        parse_form({"speech_rate.min_wpm": "fast"})
    assert [s.key for s in sections] == [s.id for s in SECTIONS]
