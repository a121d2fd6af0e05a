"""Question recognition: the end-of-sentence pitch rise measured through the real pitch
tracker on voices of controlled contour, and sentence splitting per language."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.pitch import f0_track
from analyzers.questions import final_rise_semitones, find_questions, split_sentences
from analyzers.report import Word
from analyzers.stages.signals import SIGNAL_HOP_S, downsample_track

SR = 8000


def _voice(contour_st: float, duration_s: float = 1.5, base_hz: float = 180.0) -> np.ndarray:
    """A voiced sound (10 harmonics, telephone band) at ``base_hz``, gliding linearly by
    ``contour_st`` semitones over its last 0.5 s."""
    t = np.arange(int(duration_s * SR)) / SR
    glide = np.clip((t - (duration_s - 0.5)) / 0.5, 0.0, 1.0) * contour_st
    f0 = base_hz * 2 ** (glide / 12)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(np.sin(k * phase) / k for k in range(2, 11))
    return (0.1 * x / np.max(np.abs(x))).astype(np.float32)


@pytest.mark.parametrize("contour_st", [-4.0, 0.0, 1.5, 2.5, 3.0, 5.0])
def test_the_rise_is_read_from_the_tracked_pitch(contour_st: float) -> None:
    x = _voice(contour_st)
    track = f0_track(x, SR)
    grid = downsample_track(track, len(x) / SR)
    pitch = [None if not np.isfinite(v) else float(v) for v in grid]
    rise = final_rise_semitones(pitch, SIGNAL_HOP_S, len(x) / SR)
    assert rise is not None
    assert rise == pytest.approx(contour_st, abs=0.5)
    question = rise >= 2.0
    assert question is (contour_st >= 2.0)


def test_unvoiced_end_gives_no_rise() -> None:
    assert final_rise_semitones([None] * 20, 0.1, 1.9) is None
    assert final_rise_semitones([180.0, None, None, None, None, None], 0.1, 0.5) is None


def _words(text: str) -> list[Word]:
    return [Word(word=w, start_s=0.3 * i, end_s=0.3 * i + 0.25) for i, w in enumerate(text.split())]


@pytest.mark.parametrize(
    ("language", "text", "questions"),
    [
        ("en", "I booked it. Do you want an email? Fine.", ["Do you want an email?"]),
        ("sv", "Jag bokade den. Vill du ha ett mejl. Bra.", ["Vill du ha ett mejl."]),
        ("nb", "Jeg booket den. Hvor bor du. Fint.", ["Hvor bor du."]),
        ("el", "Το έκλεισα. Θέλετε email; Ωραία.", ["Θέλετε email;"]),
        # In English ";" is a semicolon, not a question mark.
        ("en", "I booked it; it is done.", []),
    ],
)
def test_questions_by_mark_and_form(language: str, text: str, questions: list[str]) -> None:
    sentences = split_sentences(_words(text), language)
    found = [q.sentence.text for q in find_questions(sentences, language)]
    assert found == questions


def test_a_long_pause_ends_a_sentence_without_punctuation() -> None:
    words = [*_words("so what is your number"), Word(word="okay", start_s=5.0, end_s=5.3)]
    assert [s.text for s in split_sentences(words, "en")] == ["so what is your number", "okay"]
