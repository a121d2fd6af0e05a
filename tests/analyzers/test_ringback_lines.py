"""Ring counts on ringback as real lines deliver it (issue 10).

Material: baresip's recorded US ringback (a recording made by real telephony
software, with its own line noise between the bursts and a 0.5 % long cadence),
and every plan's generated ringback, each through line conditions: pink noise,
50/60 Hz hum with harmonics, DC offset, ring-to-ring level changes, cadences
10 % slow, fast and skewed (E.180's tolerance), and real codecs (G.711, GSM
through sox, AMR-NB, Opus, G.723.1 and G.726 through FFmpeg). Truth is exact:
the rings are placed by sample and the greeting starts at the answer.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from analyzers.ringback import answer_moment, detect_ringback
from analyzers.ringback_plans import plan_countries, plan_for
from sample_audio.ringback_lines import (
    LINE_CONDITIONS,
    RECORDED_GREETING,
    RECORDED_US_RINGBACK,
    SR,
    on_the_line,
    recorded_greeting,
    ringback,
)

ANSWER_TOLERANCE_S = 0.3
RECORDED = "recorded_US"
# One plan per distinct sound (GR sounds like NO), plus the recording.
SOURCES = [RECORDED, "US", "GB", "SE", "NO", "FR", "ES"]
needs_recording = pytest.mark.skipif(
    not RECORDED_US_RINGBACK.exists(),
    reason="recorded ringback missing: apt-get install baresip-core",
)
pytestmark = pytest.mark.skipif(
    not RECORDED_GREETING.exists(),
    reason="recorded prompts missing: apt-get install asterisk-core-sounds-en-wav",
)


def call_on_the_line(source: str, rings: int, condition: str) -> tuple[np.ndarray, float]:
    """(ringback, greeting, 2 s of line) through the condition; the answer time."""
    cond = LINE_CONDITIONS[condition]
    tones, _ = ringback(None if source == RECORDED else source, rings, cond)
    x = np.concatenate([tones, recorded_greeting(), np.zeros(2 * SR, np.float32)])
    return on_the_line(x, cond, seed=rings, answer_s=len(tones) / SR), len(tones) / SR


def acceptable_countries(source: str, rings: int, condition: str) -> set[str]:
    code = "US" if source == RECORDED else source
    same = set(plan_countries(plan_for(code)))
    cond = LINE_CONDITIONS[condition]
    if rings == 1 and code in ("SE", "NO") and (cond.on_scale, cond.off_scale) != (1.0, 1.0):
        # One 425 Hz ring whose cadence is 10 % off: SE 1/5 and NO 1/4 overlap.
        same |= {"SE", "NO", "GR"}
    return same


@pytest.mark.parametrize("rings", [1, 3, 5])
@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("condition", list(LINE_CONDITIONS))
def test_rings_counted_exactly_on_the_line(source: str, rings: int, condition: str) -> None:
    if source == RECORDED and not RECORDED_US_RINGBACK.exists():
        pytest.skip("recorded ringback missing: apt-get install baresip-core")
    x, answered_at_s = call_on_the_line(source, rings, condition)
    result = detect_ringback(x, SR)
    assert result.rings == rings, result
    assert result.country in acceptable_countries(source, rings, condition), result
    answer = answer_moment(x[None, :], SR, result)
    assert answer is not None
    assert abs(answer - answered_at_s) <= ANSWER_TOLERANCE_S, (answer, answered_at_s)


@needs_recording
def test_baresips_recording_as_shipped() -> None:
    """8.5 s: two US rings, the second still sounding when the file ends (no answer)."""
    x, sample_rate = sf.read(RECORDED_US_RINGBACK, dtype="float32")
    result = detect_ringback(x, sample_rate)
    assert result.rings == 2 and result.country in {"US", "CA"}
    assert result.answered_at_s is None
    assert [round(a, 1) for a, _ in result.ring_times] == [0.3, 6.3]


@needs_recording
@pytest.mark.parametrize("codec", ["gsm", "amr_nb_4k75", "opus_12k"])
def test_recorded_ringback_three_rings_with_hum_and_dc(codec: str) -> None:
    """The reported case: a recorded US ringback rang 3 times (hum, DC, noise, a codec),
    and the answered line is quieter than the line between the rings."""
    from dataclasses import replace

    condition = replace(LINE_CONDITIONS["hum_dc_noise_gsm"], codec=codec, quiet_after_answer=True)
    tones, onsets = ringback(None, 3, condition)
    x = on_the_line(
        np.concatenate([tones, recorded_greeting()]), condition, answer_s=len(tones) / SR
    )
    result = detect_ringback(x, SR)
    assert result.rings == 3
    assert [a for a, _ in result.ring_times] == pytest.approx(onsets, abs=0.06)
