"""The call timeline's geometry: lanes of an SVG drawn over the whole recording.

Pure: a report in, coordinates out; the template only draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from analyzers.clock import clock
from analyzers.report import Finding, Hold, Report
from service.dashboard.svg import (
    Scale,
    area_path,
    bucket,
    polylines,
    tick_label,
    ticks,
    time_ticks,
)

WIDTH = 1000.0
LEFT = 116.0  # lane names and y-axis ticks
RIGHT = 14.0
LANE_GAP = 8.0
LEVEL_FLOOR_DBOV = -70.0
LEVEL_TICKS = (-60.0, -30.0, 0.0)
MARKER_ROW_H = 22.0
MARKER_HALF_W = 8.0  # a marker's head is about 16 px wide
MAX_MARKER_ROWS = 4


@dataclass(frozen=True)
class Span:
    x: float
    w: float
    start_s: float
    end_s: float
    label: str = ""


@dataclass(frozen=True)
class Bar:
    """A turn's sentiment: up from the lane's middle when positive, down when negative."""

    x: float
    w: float
    y: float
    h: float
    party: str
    score: float
    label: str


@dataclass(frozen=True)
class Tick:
    pos: float  # x for time ticks, y for value ticks
    label: str


@dataclass
class Lane:
    key: str
    title: str
    subtitle: str
    top: float
    height: float
    y_ticks: list[Tick] = field(default_factory=list)

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class Marker:
    index: int  # position in the report's findings list (links to the list entry)
    x: float
    x_end: float
    start_s: float
    severity: str
    rule: str
    title: str
    row: int = 0  # stacked so that heads and spans do not overlap


@dataclass(frozen=True)
class LiveMark:
    """A cue shown during a live call: raised to cleared (a span), or a checklist tick."""

    x: float
    x_end: float
    at_s: float
    rule: str
    state: str  # raised (its span runs to the clear) | progress
    title: str


@dataclass
class Timeline:
    width: float
    height: float
    plot_left: float
    plot_right: float
    duration_s: float
    lanes: list[Lane]
    time_ticks: list[Tick]
    rings: list[Span]
    answered_x: float | None
    level_areas: dict[str, str]  # party -> path
    speech: dict[str, list[Span]]  # party -> stretches
    pitch_lines: list[str]
    silences: list[Span]
    interruptions: list[Span]
    markers: list[Marker]
    holds: list[Span] = field(default_factory=list)  # music on hold: not speech, not silence
    tones: list[Span] = field(default_factory=list)  # key presses and call-progress tones
    sentiment: list[Bar] = field(default_factory=list)  # one per scored turn
    sentiment_zero_y: float | None = None
    live: list[LiveMark] = field(default_factory=list)  # cues shown during a live call

    def lane(self, key: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.key == key), None)


def _layout(
    has_customer: bool,
    marker_rows: int,
    has_holds: bool = False,
    sentiment: str | None = None,
    has_live: bool = False,
) -> list[Lane]:
    # A mono recording cannot tell the parties apart: its one channel is "the recording".
    first = "Agent" if has_customer else "Recording"
    spec = [("findings", "Findings", "", max(30.0, 8.0 + marker_rows * MARKER_ROW_H))]
    if has_live:
        spec.append(("live", "Live cues", "shown to the agent", 34.0))
    spec += [
        ("ringing", "Ringing", "before answer", 24.0),
        ("level_agent", first, "loudness, dBov", 58.0),
        ("pitch_agent", first, "pitch, Hz", 58.0),
    ]
    if has_customer:
        spec.append(("level_customer", "Customer", "loudness, dBov", 58.0))
    spec.append(("talk", "Speech", "and silence", 40.0))
    if has_holds:
        spec.append(("hold", "Hold", "music, tones", 24.0))
    if sentiment is not None:
        spec.append(("sentiment", "Sentiment", sentiment, 48.0))
    lanes, top = [], 4.0
    for key, title, subtitle, height in spec:
        lanes.append(Lane(key, title, subtitle, top, height))
        top += height + LANE_GAP
    return lanes


def _stack(markers: list[Marker]) -> list[Marker]:
    """Put each marker on the first row where its head and span fit (greedy, by time)."""
    row_ends: list[float] = []
    stacked = []
    for marker in sorted(markers, key=lambda m: (m.x, m.index)):
        left, right = marker.x - MARKER_HALF_W, max(marker.x + MARKER_HALF_W, marker.x_end)
        row = next((r for r, end in enumerate(row_ends) if end < left - 2), len(row_ends))
        if row == MAX_MARKER_ROWS:  # full: share the row that frees up first
            row = min(range(MAX_MARKER_ROWS), key=lambda r: row_ends[r])
        if row == len(row_ends):
            row_ends.append(right)
        else:
            row_ends[row] = max(row_ends[row], right)
        stacked.append(replace(marker, row=row))
    return sorted(stacked, key=lambda m: m.index)


def _spans(x: Scale, stretches: Sequence[tuple[float, float]], label: str = "") -> list[Span]:
    out = []
    for start, end in stretches:
        x0, x1 = x.clamped(start), x.clamped(end)
        out.append(Span(x0, max(1.0, round(x1 - x0, 2)), start, end, label))
    return out


def _per_party(curves: dict[str, Any], party: str) -> Any:
    """A party's curve; a mono recording's (its one "unknown" party) stand in for the agent's."""
    return curves.get(party) or (curves.get("unknown") if party == "agent" else None)


def _finding_title(finding: Finding) -> str:
    at = clock(finding.start_s or 0)
    return f"{finding.rule} ({finding.severity}) at {at}: {finding.message}"


def build_timeline(report: Report, live_cues: Sequence[Mapping[str, Any]] = ()) -> Timeline:
    """``live_cues``: the cues a live call showed (service.calls.live_cues), a lane."""
    duration = max(report.duration_s, 0.1)
    signals = report.signals
    has_customer = report.parties.customer is not None or bool(
        signals and "customer" in signals.level_dbov
    )
    plot_right = WIDTH - RIGHT
    x = Scale(0.0, duration, LEFT, plot_right)
    markers = _markers(x, report)
    lanes = _layout(
        has_customer,
        1 + max((m.row for m in markers), default=0),
        bool(report.holds or report.tones),
        _sentiment_subtitle(report),
        bool(live_cues),
    )
    n_px = int(plot_right - LEFT)
    level_areas, speech = _levels_and_speech(x, lanes, report, n_px)
    pickup = report.pickup
    rings = _spans(x, pickup.ring_times, "ring")
    rings = [Span(s.x, s.w, s.start_s, s.end_s, f"ring {i + 1}") for i, s in enumerate(rings)]
    answered_x = x.clamped(pickup.answered_at_s) if pickup.answered_at_s is not None else None
    return Timeline(
        width=WIDTH,
        height=lanes[-1].bottom + 30.0,
        plot_left=LEFT,
        plot_right=plot_right,
        duration_s=duration,
        lanes=lanes,
        time_ticks=[Tick(x(t), clock(t)) for t in time_ticks(duration)],
        rings=rings,
        answered_x=answered_x,
        level_areas=level_areas,
        speech=speech,
        pitch_lines=_pitch_lines(x, lanes, report, n_px),
        silences=_silences(x, report),
        interruptions=_interruptions(x, report),
        markers=markers,
        holds=_holds(x, report),
        tones=_tones(x, report),
        sentiment=_sentiment_bars(x, lanes, report),
        sentiment_zero_y=_sentiment_zero(lanes),
        live=live_marks(x, live_cues, duration),
    )


def _markers(x: Scale, report: Report) -> list[Marker]:
    return _stack(
        [
            Marker(
                index=i,
                x=x.clamped(f.start_s),
                x_end=x.clamped(f.end_s if f.end_s is not None else f.start_s),
                start_s=f.start_s,
                severity=f.severity,
                rule=f.rule,
                title=_finding_title(f),
            )
            for i, f in enumerate(report.findings)
            if f.start_s is not None
        ]
    )


def _levels_and_speech(
    x: Scale, lanes: list[Lane], report: Report, n_px: int
) -> tuple[dict[str, str], dict[str, list[Span]]]:
    """Per party: the loudness envelope (the loudest value per pixel so short shouts stay
    visible) and the speech stretches."""
    signals = report.signals
    level_areas: dict[str, str] = {}
    speech: dict[str, list[Span]] = {}
    for party in ("agent", "customer"):
        lane = next((ln for ln in lanes if ln.key == f"level_{party}"), None)
        if lane is None:
            continue
        y = Scale(LEVEL_FLOOR_DBOV, 0.0, lane.bottom, lane.top)
        lane.y_ticks = [Tick(y(v), f"{v:g}") for v in LEVEL_TICKS]
        series = _per_party(signals.level_dbov, party) if signals else None
        if series and signals is not None:
            reduced = bucket(series, n_px, "max")
            step = signals.hop_s * len(series) / len(reduced)
            points = [
                (x.clamped((i + 0.5) * step), y.clamped(v if v is not None else LEVEL_FLOOR_DBOV))
                for i, v in enumerate(reduced)
            ]
            level_areas[party] = area_path(points, lane.bottom)
        stretches = (_per_party(signals.speech, party) if signals else None) or []
        if not stretches:
            speakers = {party, "unknown"} if party == "agent" else {party}
            stretches = [(t.start_s, t.end_s) for t in report.turns if t.party in speakers]
        speech[party] = _spans(x, stretches)
    return level_areas, speech


def _pitch_lines(x: Scale, lanes: list[Lane], report: Report, n_px: int) -> list[str]:
    """The agent's pitch contour, median per pixel, broken where unvoiced."""
    signals = report.signals
    pitch_lane = next(ln for ln in lanes if ln.key == "pitch_agent")
    contour = (_per_party(signals.pitch_hz, "agent") if signals else None) or []
    voiced = [v for v in contour if v is not None]
    if not voiced or signals is None:
        return []
    ordered = sorted(voiced)
    low_hz = max(0.0, ordered[int(0.02 * (len(ordered) - 1))] - 10)
    high_hz = ordered[int(0.98 * (len(ordered) - 1))] + 10
    hz_ticks = ticks(low_hz, high_hz, 3)
    low_hz, high_hz = hz_ticks[0], hz_ticks[-1]
    y = Scale(low_hz, high_hz, pitch_lane.bottom, pitch_lane.top)
    pitch_lane.y_ticks = [Tick(y(v), tick_label(v, hz_ticks)) for v in hz_ticks]
    reduced = bucket(contour, n_px, "median")
    step = signals.hop_s * len(contour) / len(reduced)
    return polylines(
        [
            (x.clamped((i + 0.5) * step), None if v is None else y.clamped(v))
            for i, v in enumerate(reduced)
        ]
    )


def _silences(x: Scale, report: Report) -> list[Span]:
    return [
        Span(
            s.x,
            s.w,
            s.start_s,
            s.end_s,
            f"{src.duration_s:.1f} s silence" + (" (announced)" if src.explained else ""),
        )
        for s, src in zip(
            _spans(x, [(si.start_s, si.end_s) for si in report.silences]),
            report.silences,
            strict=True,
        )
    ]


def _interruptions(x: Scale, report: Report) -> list[Span]:
    return [
        Span(s.x, s.w, s.start_s, s.end_s, f"{src.by} talked over for {src.duration_s:.1f} s")
        for s, src in zip(
            _spans(x, [(i.start_s, i.end_s) for i in report.interruptions]),
            report.interruptions,
            strict=True,
        )
    ]


def _holds(x: Scale, report: Report) -> list[Span]:
    def label(h: Hold) -> str:
        said = {True: "announced", False: "not announced", None: "announcement not checked"}
        return f"{h.duration_s:.0f} s on hold ({said[h.announced]})"

    return [
        replace(s, label=label(h))
        for s, h in zip(
            _spans(x, [(h.start_s, h.end_s) for h in report.holds]), report.holds, strict=True
        )
    ]


def _tones(x: Scale, report: Report) -> list[Span]:
    names = {
        "dtmf": "key press",
        "busy": "busy tone",
        "congestion": "congestion tone",
        "sit": "SIT",
    }
    return [
        replace(s, label=f"{names[t.kind]}" + (f" ({t.party})" if t.party else ""))
        for s, t in zip(
            _spans(x, [(t.start_s, t.end_s) for t in report.tones]), report.tones, strict=True
        )
    ]


def _sentiment_subtitle(report: Report) -> str | None:
    """The sentiment lane's subtitle (None: no lane): its scale, or that it is rough."""
    if report.sentiment is None:
        return None
    if report.sentiment.quality == "rough":
        return f"rough ({report.sentiment.language})"
    return "per turn, -1..1"


def _sentiment_zero(lanes: list[Lane]) -> float | None:
    lane = next((ln for ln in lanes if ln.key == "sentiment"), None)
    return None if lane is None else lane.top + lane.height / 2


def _sentiment_bars(x: Scale, lanes: list[Lane], report: Report) -> list[Bar]:
    lane = next((ln for ln in lanes if ln.key == "sentiment"), None)
    if lane is None or report.sentiment is None:
        return []
    y = Scale(-1.0, 1.0, lane.bottom - 3, lane.top + 3)
    lane.y_ticks = [Tick(y(v), label) for v, label in ((1.0, "+1"), (0.0, "0"), (-1.0, "-1"))]
    rough = " (rough)" if report.sentiment.quality == "rough" else ""
    bars = []
    for turn in report.turns:
        if turn.sentiment is None:
            continue
        x0, x1 = x.clamped(turn.start_s), x.clamped(turn.end_s)
        top, bottom = y(max(turn.sentiment, 0.0)), y(min(turn.sentiment, 0.0))
        label = (
            f"{turn.party} {clock(turn.start_s)}–{clock(turn.end_s)}: "
            f"sentiment {turn.sentiment:+.2f}{rough}"
        )
        bars.append(
            Bar(
                x0,
                max(1.0, round(x1 - x0, 2)),
                round(top, 2),
                max(1.5, round(bottom - top, 2)),  # a neutral turn: a thin line at 0
                turn.party,
                turn.sentiment,
                label,
            )
        )
    return bars


def live_marks(x: Scale, cues: Sequence[Mapping[str, Any]], duration_s: float) -> list[LiveMark]:
    """Each raised cue as a span to its clear (same key; the call's end if none), each
    checklist tick as a point; clears are the spans' ends, not marks of their own."""
    marks = []
    for i, cue in enumerate(cues):
        if cue["state"] == "cleared":
            continue
        at_s = float(cue["at_s"])
        end_s = at_s
        if cue["state"] == "raised":
            clear = next(
                (c for c in cues[i + 1 :] if c["key"] == cue["key"] and c["state"] == "cleared"),
                None,
            )
            end_s = float(clear["at_s"]) if clear is not None else duration_s
        shown = clock(float(cue.get("shown_s", at_s)))
        title = f"{cue['message']} at {clock(at_s)}, shown at {shown}"
        marks.append(
            LiveMark(x.clamped(at_s), x.clamped(end_s), at_s, cue["rule"], cue["state"], title)
        )
    return marks
