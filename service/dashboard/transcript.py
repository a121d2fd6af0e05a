"""The transcript as the call page shows it: turns in time order, words with times,
findings highlighted where they happen, silences in the gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers.report import Finding, Report, Word

_RANK = {"info": 0, "warning": 1, "critical": 2}
# Findings longer than this that span several turns are about a stretch of the call (an
# opening or closing that lacks something), not about particular words: they get a chip,
# not highlighted words. A finding about one whole turn (a raised voice) is highlighted.
MAX_HIGHLIGHT_S = 15.0
_TURN_SLACK_S = 0.5
# Findings about the end of the call are pinned to the last turn they cover.
_PIN_TO_END = frozenset({"closing"})


@dataclass
class WordView:
    text: str
    start_s: float
    end_s: float
    severity: str | None = None  # worst finding covering the word
    findings: list[int] = field(default_factory=list)


@dataclass
class TurnView:
    kind: str  # "turn"
    party: str
    start_s: float
    end_s: float
    level_dbov: float | None
    words: list[WordView]
    findings: list[int] = field(default_factory=list)  # finding indexes shown at this turn


@dataclass
class EventView:
    """Something between turns: a silence, the answer, a finding between words."""

    kind: str  # "silence" | "event"
    start_s: float
    end_s: float | None
    text: str
    findings: list[int] = field(default_factory=list)


Item = TurnView | EventView


def _overlaps(f: Finding, start: float, end: float) -> bool:
    if f.start_s is None:
        return False
    f_end = f.end_s if f.end_s is not None else f.start_s
    return (f.start_s < end and f_end > start) or start <= f.start_s <= end


def _words(turn_words: list[Word], text: str | None, start: float, end: float) -> list[WordView]:
    if turn_words:
        return [WordView(w.word.strip(), w.start_s, w.end_s) for w in turn_words if w.word.strip()]
    if text:
        return [WordView(text.strip(), start, end)]
    return []


def build_transcript(report: Report) -> list[Item]:
    items: list[Item] = []
    turns = sorted(report.turns, key=lambda t: t.start_s)
    for turn in turns:
        items.append(
            TurnView(
                "turn",
                turn.party,
                turn.start_s,
                turn.end_s,
                turn.level_dbov,
                _words(turn.words, turn.text, turn.start_s, turn.end_s),
            )
        )
    for silence in report.silences:
        label = f"{silence.duration_s:.1f} s of silence"
        if silence.explained:
            label += (
                " (announced" + (f": “{silence.explanation}”" if silence.explanation else "") + ")"
            )
        items.append(EventView("silence", silence.start_s, silence.end_s, label))
    if report.pickup.answered_at_s is not None:
        rings = report.pickup.rings
        text = "Answered" + (f" on ring {rings}" if rings is not None else "")
        items.append(EventView("event", report.pickup.answered_at_s, None, text))
    items.sort(key=lambda item: (item.start_s, 0 if isinstance(item, EventView) else 1))

    for index, finding in enumerate(report.findings):
        if finding.start_s is None:
            continue  # whole-call findings are listed above the transcript
        _place(items, index, finding)
    return items


def _place(items: list[Item], index: int, finding: Finding) -> None:
    """Mark the words a finding covers and pin it to one row (its party's turn first)."""
    assert finding.start_s is not None
    end = finding.end_s if finding.end_s is not None else finding.start_s
    within_one_turn = any(
        isinstance(item, TurnView)
        and item.start_s - _TURN_SLACK_S <= finding.start_s
        and end <= item.end_s + _TURN_SLACK_S
        for item in items
    )
    highlight = (
        finding.severity != "info"  # notes (a fast 30 s window) would underline everything
        and finding.end_s is not None
        and (end - finding.start_s <= MAX_HIGHLIGHT_S or within_one_turn)
    )
    for item in items:
        if isinstance(item, TurnView) and highlight:
            for word in item.words:
                if word.start_s < end and word.end_s > finding.start_s:
                    word.findings.append(index)
                    if word.severity is None or _RANK[finding.severity] > _RANK[word.severity]:
                        word.severity = finding.severity
    candidates: list[Item] = [
        item
        for item in items
        if isinstance(item, EventView)
        and item.kind == "silence"
        and abs(item.start_s - finding.start_s) < 0.05
    ]
    own_turns = [
        item
        for item in items
        if isinstance(item, TurnView)
        and item.party == finding.party
        and _overlaps(finding, item.start_s, item.end_s)
    ]
    if finding.rule in _PIN_TO_END:
        own_turns.reverse()
    candidates += own_turns
    candidates += [
        item
        for item in items
        if isinstance(item, EventView) and abs(item.start_s - finding.start_s) < 0.05
    ]
    if candidates:
        candidates[0].findings.append(index)
        return
    event = EventView("event", finding.start_s, finding.end_s, finding.message, [index])
    position = next((i for i, it in enumerate(items) if it.start_s > finding.start_s), len(items))
    items.insert(position, event)
