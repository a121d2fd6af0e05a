"""The cue board: a condition is raised once, cleared once, progress only on change."""

from __future__ import annotations

from analyzers.live.cues import CueBoard, CueSpec

SPEC = CueSpec("k", "unexplained_silence", None, "s", None, 5.0, "Say what you are doing.")


def test_raise_is_not_repeated_and_clear_needs_a_raise() -> None:
    board = CueBoard()
    board.clock_s = 10.0
    board.clear("k", 1.0)  # nothing raised: nothing to clear
    board.raise_(SPEC, 6.0, 5.0, "Dead air 5 s")
    board.raise_(SPEC, 7.0, 6.0, "Dead air 6 s")
    board.clear("k", 9.0, 8.0)
    board.clear("k", 9.5)
    cues = board.take()
    assert [(c.state, c.at_s, c.measured) for c in cues] == [
        ("raised", 6.0, 5.0),
        ("cleared", 9.0, 8.0),
    ]
    assert all(c.emitted_s == 10.0 for c in cues) and board.take() == []
    assert cues[1].high == 5.0 and cues[1].advice == SPEC.advice


def test_progress_only_when_the_checklist_changes_and_no_future_times() -> None:
    board = CueBoard()
    board.clock_s = 3.0
    board.progress(SPEC, 2.0, {"greeting": True}, "1/3")
    board.progress(SPEC, 2.5, {"greeting": True}, "1/3")
    board.progress(SPEC, 9.0, {"greeting": True, "name": True}, "2/3")
    cues = board.take()
    assert [c.detail for c in cues] == [{"greeting": True}, {"greeting": True, "name": True}]
    assert cues[1].at_s == 3.0  # clipped to the clock: nothing is true before it is heard
    board.raise_(SPEC, 1.0, None, "x")
    board.clear_all(3.0)
    assert [c.state for c in board.take()] == ["raised", "cleared"]
