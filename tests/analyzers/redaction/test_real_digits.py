"""Asterisk's recorded English voice reads card, id and phone numbers digit by digit;
the real analysis (Whisper included) must tag them, and blanking the reported spans
must leave no voice where the digits were placed."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.redaction.audio import blank_audio
from analyzers.report import Report
from tests.analyzers.redaction.spoken_digits import SOUNDS, DigitCall, digit_call

pytestmark = pytest.mark.skipif(not SOUNDS.is_dir(), reason="asterisk-core-sounds-en-wav")

NUMBERS = {
    "CARD": "4539148803436467",
    "NATIONAL_ID": "8112189876",  # a Swedish personnummer read in English digits
    "PHONE": "0701234567",
}
_DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@functools.cache
def _analysed(kind: str) -> tuple[DigitCall, Report]:
    call = digit_call(NUMBERS[kind])
    report = analyze(CallAudio(call.audio, call.sample_rate), AnalysisOptions(language="en"))
    return call, report


def _level_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-12))


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_read_out_number_is_tagged_in_the_report(kind: str) -> None:
    _, report = _analysed(kind)
    customer = [t for t in report.turns if t.party == "customer"]
    words = [w.word.strip(" .,").lower() for t in customer for w in t.words]
    assert words, "the customer's digits were not transcribed"
    assert all(w == f"[{kind.lower()}]" for w in words), words
    text = " ".join(t.text or "" for t in customer)
    assert text.strip(" .") == f"[{kind}]"
    said = " ".join(
        [w.word for t in report.turns for w in t.words] + [t.text or "" for t in report.turns]
    )
    assert not any(c.isdigit() for c in said) and not set(said.lower().split()) & set(_DIGIT_WORDS)
    stored = report.model_dump_json()
    assert NUMBERS[kind] not in stored and NUMBERS[kind][:6] not in stored
    (redaction,) = report.redactions
    assert redaction.kind == kind and redaction.party == "customer"


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_blanking_the_reported_spans_leaves_no_voice_on_any_digit(kind: str) -> None:
    call, report = _analysed(kind)
    spans = [(r.start_s, r.end_s) for r in report.redactions]
    blanked = blank_audio(call.audio, call.sample_rate, spans, "silence")
    for start_s, end_s in call.digit_spans:
        a, b = int(start_s * call.sample_rate), int(end_s * call.sample_rate)
        assert _level_db(call.audio[1, a:b]) > -35  # the digit was spoken here...
        assert _level_db(blanked[:, a:b]) < -90  # ...and nothing of it is left
