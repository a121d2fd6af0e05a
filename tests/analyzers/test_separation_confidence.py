"""The confidence of a mono call's two-speaker split: high on the real-voice mixes
(test_diarize.py), low where the split is hard: one voice on both sides, heavy
overlap, a noisy line (``sample_audio.mono_set.HARD_CASES``)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.activity import detect_activity
from analyzers.diarize import diarize_two
from analyzers.separation_confidence import speech_to_noise_db
from sample_audio.mono_set import HARD_CASES, missing_for, mono_set_call


def _built(name: str):  # type: ignore[no-untyped-def]
    missing = missing_for(name)
    if missing:
        pytest.skip(f"missing corpora: {missing}")
    return mono_set_call(name)


@pytest.mark.parametrize(
    ("name", "at_most", "doubt"),
    [
        ("hard_same_voice", 0.3, "sound alike"),
        ("hard_overlap", 0.8, "both talk at once"),
        ("hard_noise", 0.3, "noisy line"),
    ],
)
def test_confidence_drops_where_the_split_is_hard(name: str, at_most: float, doubt: str) -> None:
    _, mono, rate, _ = _built(name)
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    assert found.confidence <= at_most
    assert any(doubt in d for d in found.doubts), found.doubts


def test_one_voice_on_both_sides_is_unsure_where_it_was_split() -> None:
    _, mono, rate, _ = _built("hard_same_voice")
    found = diarize_two(mono[0], rate, detect_activity(mono, rate)[0])
    assert found.held_out_nats is not None and found.held_out_nats < 1.5
    assert sum(s.duration_s for s in found.unsure) >= 10.0


def test_speech_to_noise_is_the_median_level_in_speech_over_the_median_between() -> None:
    frame_db = np.array([-60.0, -61.0, -30.0, -31.0, -29.0, -59.0])
    speech = np.array([False, False, True, True, True, False])
    assert speech_to_noise_db(frame_db, speech) == pytest.approx(-30.0 - -60.0)
    assert speech_to_noise_db(frame_db, np.ones(6, dtype=bool)) is None  # no pause heard


def test_the_hard_cases_are_the_three_kinds() -> None:
    assert set(HARD_CASES) == {"hard_same_voice", "hard_overlap", "hard_noise"}
