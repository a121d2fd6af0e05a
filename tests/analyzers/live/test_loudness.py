"""Raised voice and whisper: the agent's turn against the median of the earlier turns."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import PROFILE, needs_corpora, of, real_call, streamed

pytestmark = [needs_corpora, pytest.mark.slow]
MIN_TURN_S = PROFILE.loudness.min_turn_s


def test_shouted_and_whispered_turns_raise_loudness_while_they_last() -> None:
    _, truth = real_call("shouting")
    turns = {u.style: u for u in truth.utterances if u.party == "agent" and u.style != "normal"}
    cues = of(streamed("shouting", words=False), "loudness")
    assert [(c.key, c.state) for c in cues] == [
        ("loudness:agent:high", "raised"),
        ("loudness:agent:high", "cleared"),
        ("loudness:agent:low", "raised"),
        ("loudness:agent:low", "cleared"),
    ]
    for (raised, cleared), style in ((cues[:2], "shout"), (cues[2:], "whisper")):
        turn = turns[style]
        became_true = turn.start_s + MIN_TURN_S  # measured once the turn is long enough
        assert abs(raised.at_s - became_true) <= 0.6
        assert -0.2 <= raised.emitted_s - became_true <= 1.0  # the onset grows back a little
        # Measured over the turn's first second(s): near the level it was set to.
        assert abs(raised.detail["level_dbov"] - turn.level_dbov) <= 4.0  # type: ignore[operator]
        # Shown as a step from the agent's usual level, against the allowed step.
        step = raised.detail["level_dbov"] - raised.detail["usual_dbov"]  # type: ignore[operator]
        assert raised.unit == "dB vs usual" and raised.measured == pytest.approx(step, abs=0.11)
        assert cleared.measured == raised.measured
        assert abs(cleared.at_s - turn.end_s) <= 0.5
        assert cleared.emitted_s - turn.end_s <= 1.0
    usual = truth.parties["agent"].median_level_dbov
    assert usual is not None
    loud, quiet = cues[0], cues[2]
    assert loud.detail["level_dbov"] >= usual + PROFILE.loudness.raised_db_above_median  # type: ignore[operator]
    assert quiet.detail["level_dbov"] <= usual - PROFILE.loudness.whisper_db_below_median  # type: ignore[operator]
    assert loud.measured >= loud.high  # type: ignore[operator]
    assert quiet.measured <= quiet.low  # type: ignore[operator]
    assert (loud.low, loud.high) == (
        -PROFILE.loudness.whisper_db_below_median,
        PROFILE.loudness.raised_db_above_median,
    )
    assert cues[0].advice == PROFILE.loudness.advice_loud
    assert cues[2].advice == PROFILE.loudness.advice_quiet


def test_turns_at_the_usual_level_raise_nothing() -> None:
    for name in ("dead_air", "interrupting", "fast"):
        assert of(streamed(name, words=False), "loudness") == [], name
