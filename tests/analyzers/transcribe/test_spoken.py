"""Repeated words that were really said stay; a loop's copies go. Decided by the audio.

Numbers are Asterisk's recorded digits (a real voice, asterisk-core-sounds-en-wav)
read out one by one, as a caller reads a card number.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.activity import detect_activity
from analyzers.report import Word
from analyzers.transcribe import TranscriptionEngine
from analyzers.transcribe.channel import transcribe_channel
from analyzers.transcribe.guards import drop_repetitions
from analyzers.transcribe.spoken import count_bursts, energy_db, is_spoken_run, voiced_bursts
from sample_audio.realcalls import speech_bounds

DIGITS_DIR = Path("/usr/share/asterisk/sounds/en/digits")
THANK_YOU = Path("/usr/share/asterisk/sounds/en/auth-thankyou.wav")
SR = 8000
_NUMBERS = "zero one two three four five six seven eight nine"
_DIGIT_WORDS = {w: str(i) for i, w in enumerate(_NUMBERS.split(" "))} | {"oh": "0"}

pytestmark = pytest.mark.skipif(
    not DIGITS_DIR.is_dir(), reason="asterisk-core-sounds-en-wav not installed"
)


def _speech(path: Path) -> np.ndarray:
    x, sr = sf.read(path, dtype="float32")
    assert sr == SR
    start, end = speech_bounds(x, sr)
    return x[int(start * sr) : int(end * sr)]


def _read_out(number: str, digit_gap_s: float = 0.08, group_gap_s: float = 0.4) -> np.ndarray:
    """The number read digit by digit, groups separated by a pause, on a quiet line."""
    silence = np.zeros(SR, dtype=np.float32)
    parts = [silence]
    for group in number.split():
        for digit in group:
            parts += [_speech(DIGITS_DIR / f"{digit}.wav"), np.zeros(int(digit_gap_s * SR))]
        parts.append(np.zeros(int(group_gap_s * SR)))
    x = np.concatenate([*parts, silence]).astype(np.float32)
    noise = np.random.default_rng(0).normal(0.0, 10 ** (-60 / 20), x.size)
    return (x + noise).astype(np.float32)


def _digits(words: list[Word]) -> str:
    out = []
    for w in words:
        token = re.sub(r"[^\w]", "", w.word.lower())
        out.append(_DIGIT_WORDS.get(token, token if token.isdigit() else ""))
    return "".join(out)


# Each has a digit said four or five times in a row: the repetition guard alone keeps
# three. (tiny.en itself drops digits of "4111 1111 1111 1111" and "2 9 9 9 9 4":
# not numbers this test can hold the guard to.)
@pytest.mark.parametrize("number", ["4024 0071 1111 2345", "5678 1111", "3 1 1 1 1 7"])
def test_read_out_numbers_keep_every_digit(tiny_engine: TranscriptionEngine, number: str) -> None:
    x = _read_out(number)
    speech = [(s.start_s, s.end_s) for s in detect_activity(x[None, :], SR)[0]]
    words = transcribe_channel(x, SR, speech, tiny_engine, "en")
    assert _digits(words) == number.replace(" ", ""), " ".join(w.word for w in words)


def test_each_spoken_digit_is_one_burst() -> None:
    x = _read_out("4111 1111")
    assert count_bursts(energy_db(x, SR)) == 8


def _loop(text: str, copies: int, start_s: float, end_s: float) -> list[Word]:
    """A loop as Whisper writes it: the copies spread over (and past) the speech."""
    tokens = text.split() * copies
    step = (end_s - start_s) / len(tokens)
    return [
        Word(word=t, start_s=start_s + i * step, end_s=start_s + (i + 1) * step)
        for i, t in enumerate(tokens)
    ]


def test_a_loop_over_one_real_thank_you_is_cut() -> None:
    said = _speech(THANK_YOU)
    x = np.concatenate([np.zeros(SR), said, np.zeros(3 * SR)]).astype(np.float32)
    levels = energy_db(x, SR)
    end_s = 1.0 + said.size / SR + 2.0  # the loop runs on past the speech
    looped = _loop("thank you", 8, 1.0, end_s)
    assert not is_spoken_run(looped, levels)
    kept = drop_repetitions(looped, voiced_words=lambda run: voiced_bursts(run, levels))
    assert " ".join(w.word for w in kept) == "thank you thank you"


def test_a_word_looped_past_a_short_number_keeps_only_the_spoken_copies() -> None:
    x = _read_out("1111")
    levels = energy_db(x, SR)
    looped = _loop("one", 12, 1.0, x.size / SR - 0.2)  # 12 copies, 4 said
    assert drop_repetitions(looped) == looped[:3]  # without the audio: three
    kept = drop_repetitions(looped, voiced_words=lambda run: voiced_bursts(run, levels))
    assert len(kept) == 4
