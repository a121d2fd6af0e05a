"""The answer moment (report.pickup.answered_at_s) against calls answered anywhere in a ring cycle.

Calls come from sample_audio.callgen (espeak-ng voices) and sample_audio.realcalls
(recorded voices) with ``answer_in_cycle_s``: the agent's line opens at a known
point of the last ring's pause and the greeting follows after a known gap. The
whole analysis runs (``engine="none"``), so this is what the report says.
"""

from __future__ import annotations

import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.pipeline import analyze
from analyzers.report import Report
from sample_audio import realcalls
from sample_audio.callgen import SAMPLE_CALLS, answered_in_pause, build_call, espeak_available
from sample_audio.spec import CallTruth

ANSWER_TOLERANCE_S = 0.3
FRACTIONS = [0.05, 0.5, 0.95]  # where in the last ring's pause the line is answered


def check_pickup(report: Report, truth: CallTruth) -> None:
    first_word_s = min(u.start_s for u in truth.utterances)
    pickup = report.pickup
    assert pickup.source == "audio" and pickup.rings == truth.rings
    assert pickup.answered_at_s is not None
    assert abs(pickup.answered_at_s - truth.answered_at_s) <= ANSWER_TOLERANCE_S, (
        pickup.answered_at_s,
        truth.answered_at_s,
    )
    assert pickup.answered_at_s <= first_word_s  # never after either party's first word
    assert pickup.seconds == pytest.approx(truth.answered_at_s - truth.ring_times[0][0], abs=0.35)
    # The greeting is not lost to the ringback: the first turn starts at the first word.
    assert report.turns and abs(report.turns[0].start_s - first_word_s) <= ANSWER_TOLERANCE_S


@pytest.mark.espeak
@pytest.mark.parametrize("first_gap_s", [0.15, 1.2])
@pytest.mark.parametrize("fraction", FRACTIONS)
@pytest.mark.parametrize("code", ["US", "GB", "SE", "NO", "FR", "ES"])
def test_answer_anywhere_in_the_cycle(code: str, fraction: float, first_gap_s: float) -> None:
    if not espeak_available():
        pytest.skip("espeak-ng is not on PATH: apt-get install espeak-ng")
    base = SAMPLE_CALLS["good_call"]
    short = base.model_copy(update={"country": code, "utterances": base.utterances[:3]})
    samples, sr, truth = build_call(answered_in_pause(short, fraction, first_gap_s))
    report = analyze(
        CallAudio(samples=samples, sample_rate=sr),
        AnalysisOptions(agent_channel=truth.agent_channel, engine="none"),
    )
    check_pickup(report, truth)


@pytest.mark.skipif(not realcalls.available(), reason="speech corpora missing")
@pytest.mark.parametrize("fraction", [0.05, 0.95])
@pytest.mark.parametrize("name", list(realcalls.REAL_CALL_RECIPES))
def test_answer_on_real_voice_calls(name: str, fraction: float) -> None:
    spec = answered_in_pause(realcalls.real_call_spec(name), fraction, first_gap_s=0.3)
    samples, sr, truth = realcalls.build_real_call(spec)
    report = analyze(
        CallAudio(samples=samples, sample_rate=sr),
        AnalysisOptions(agent_channel=truth.agent_channel, engine="none"),
    )
    check_pickup(report, truth)


def test_pickup_seconds_from_metadata_when_the_recording_starts_at_the_answer() -> None:
    from datetime import UTC, datetime, timedelta

    import numpy as np

    ringing = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
    answered = ringing + timedelta(seconds=12.34)
    line = (1e-3 * np.random.default_rng(0).standard_normal((2, 3 * 8000))).astype(np.float32)
    report = analyze(
        CallAudio(samples=line, sample_rate=8000),
        AnalysisOptions(engine="none", country="US"),
        metadata=CallMetadata(
            ringing_at=ringing, answered_at=answered, recording_started_at=answered
        ),
    )
    assert report.pickup.source == "metadata"
    assert report.pickup.rings == 3  # 12.34 s of 6 s US cycles: the third ring
    assert report.pickup.answered_at_s == 0.0
    assert report.pickup.seconds == 12.3
