"""The transcript view: findings placed on the words and events they concern."""

from __future__ import annotations

from service.dashboard.transcript import EventView, TurnView, build_transcript
from tests.service.dashboard.report_fixtures import finding, sample_report


def test_transcript_marks_words_in_place_and_pins_each_finding_once() -> None:
    report = sample_report([
        finding("loudness", "critical", 20.0, 22.0),
        finding("unexplained_silence", "warning", 11.0, 20.0),
        finding("speech_rate", "info", 0.0, 30.0),
        finding("closing", "warning", 6.0, 52.0),
        finding("talk_ratio", "warning", None, None),
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
