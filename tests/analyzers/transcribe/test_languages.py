"""Language choice and the multilingual base model (sv, nb, el) on espeak-ng calls.

Measured limits of the test material (not of the code): Whisper base follows
espeak-ng's Swedish well enough to detect it, but labels espeak-ng's Norwegian
and Greek as Thai/Latin/Spanish at 8 kHz and even at 16 kHz, and transcribes all
three with a WER of 0.5-0.9. So Norwegian and Greek are transcribed with the
language given, and checked for their own words and script, not a WER.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from analyzers.errors import ModelUnavailableError
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.transcribe import TranscriptionEngine, transcribe_call
from analyzers.transcribe.engine import LanguageGuess, from_whisper_language, to_whisper_language
from analyzers.transcribe.language import pick_supported
from analyzers.transcribe.models import default_model_for
from sample_audio.callgen import CallTruth, build_call, write_call
from sample_audio.spec import CallSpec, Utterance
from tests.analyzers.transcribe.calls import short_english_call

SCRIPTS = {
    "sv": [
        "Hej och välkommen till kundtjänst, du pratar med Anna.",
        "Jag ser att fakturan skickades förra veckan.",
        "Vi skickar en ny faktura till dig i morgon.",
    ],
    "nb": [
        "Hei og velkommen til kundeservice, du snakker med Kari.",
        "Jeg ser at regningen ble sendt forrige uke.",
        "Vi sender en ny regning til deg i morgen.",
    ],
    "el": [
        "Καλημέρα σας, είμαι η Μαρία από την εξυπηρέτηση πελατών.",
        "Βλέπω ότι ο λογαριασμός στάλθηκε την προηγούμενη εβδομάδα.",
        "Θα σας στείλουμε νέο λογαριασμό αύριο.",
    ],
}
# espeak-ng voices measured to be the most intelligible to Whisper base.
VOICES = {"sv": "sv+m3", "nb": "nb+m1", "el": "el+m3"}
# Share of the script's words found, measured 0.50 / 0.44 / 0.29 (at 150 wpm: 0.46 / 0.32 / 0.29).
MIN_WORDS_FOUND = {"sv": 0.35, "nb": 0.3, "el": 0.2}


@functools.cache
def agent_call(language: str) -> tuple[np.ndarray, int, CallTruth]:
    spec = CallSpec(
        name=f"transcribe_{language}",
        country=None,
        utterances=[
            Utterance(party="agent", text=text, voice=VOICES[language], language=language, wpm=130)
            for text in SCRIPTS[language]
        ],
    )
    samples, sr, truth = build_call(spec)
    samples.setflags(write=False)
    return samples, sr, truth


def truth_speech(truth: CallTruth, channels: int) -> list[list[tuple[float, float]]]:
    return [
        [(u.start_s, u.end_s) for u in truth.utterances if u.channel == c] for c in range(channels)
    ]


def fold(text: str) -> str:
    """Lowercase without accents (Whisper base puts Greek stress marks loosely)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_found(transcript_words: list, script: list[str]) -> float:
    """Share of the script's distinct words that were transcribed.

    Mostly the language's own short words (og, til, jeg, med; och, att; σας, την):
    a transcript in the wrong language has almost none of them.
    """
    said = {fold(w.word.strip(".,?!;")) for w in transcript_words}
    wanted = {fold(w.strip(".,?!;")) for line in script for w in line.split()}
    return len(said & wanted) / len(wanted)


def test_product_language_codes_map_to_whisper_codes() -> None:
    assert to_whisper_language("nb") == "no"
    assert from_whisper_language("no") == "nb"
    assert to_whisper_language("auto") is None
    assert to_whisper_language("sv") == "sv"


def test_detection_picks_among_supported_languages() -> None:
    raw = LanguageGuess("th", 0.5, {"th": 0.5, "da": 0.2, "nb": 0.15, "sv": 0.1, "en": 0.05})
    picked = pick_supported(raw)
    # nb's share among the supported languages (nb 0.15, sv 0.1, en 0.05)
    assert picked.language == "nb" and picked.probability == 0.5
    assert picked.probabilities == raw.probabilities


def test_english_only_model_refuses_another_language(tiny_engine: TranscriptionEngine) -> None:
    with pytest.raises(ModelUnavailableError, match="English-only"):
        tiny_engine.transcribe(np.zeros(16000, np.float32), language="sv", beam_size=5)


@pytest.mark.slow
@pytest.mark.espeak
def test_auto_detects_english_and_uses_the_english_default() -> None:
    samples, sr, truth = short_english_call()
    result = transcribe_call(
        samples, sr, truth_speech(truth, samples.shape[0]), AnalysisOptions(language="auto")
    )
    assert result.language == "en"
    assert result.language_probability is not None and result.language_probability > 0.5
    assert result.model == default_model_for("en")
    assert result.engine == "faster-whisper"
    assert set(result.words) == {0, 1} and all(result.words.values())


@pytest.mark.slow
@pytest.mark.espeak
def test_auto_detects_swedish_and_transcribes_it_with_base() -> None:
    samples, sr, truth = agent_call("sv")
    result = transcribe_call(
        samples, sr, truth_speech(truth, samples.shape[0]), AnalysisOptions(language="auto")
    )
    assert result.language == "sv"
    assert result.model == "base"
    assert result.words[1] == []  # the customer never speaks
    assert words_found(result.words[0], SCRIPTS["sv"]) >= MIN_WORDS_FOUND["sv"], result.words[0]


@pytest.mark.slow
@pytest.mark.espeak
@pytest.mark.parametrize("language", ["nb", "el"])
def test_base_transcribes_norwegian_and_greek(
    language: str, base_engine: TranscriptionEngine
) -> None:
    samples, sr, truth = agent_call(language)
    result = transcribe_call(
        samples,
        sr,
        truth_speech(truth, samples.shape[0]),
        AnalysisOptions(language=language),
        load_engine=lambda engine, model: base_engine,
    )
    assert result.language == language and result.model == "base"
    words = result.words[0]
    assert words_found(words, SCRIPTS[language]) >= MIN_WORDS_FOUND[language], [
        w.word for w in words
    ]
    if language == "el":
        letters = [c for w in words for c in w.word if c.isalpha()]
        greek = [c for c in letters if "GREEK" in unicodedata.name(c, "")]
        assert len(greek) >= 0.9 * len(letters)


@pytest.mark.slow
@pytest.mark.espeak
def test_a_norwegian_ringback_settles_a_close_detection(tmp_path: Path) -> None:
    """Base hears espeak-ng's Norwegian as nb 0.30 vs en 0.29 (measured): a coin toss.
    The call's ringback (425 Hz, 1 s on / 4 s off: Norway or Greece) makes it nb."""
    spec = CallSpec(
        name="auto_nb_ringback",
        country="NO",
        rings=2,
        utterances=[
            Utterance(party="agent", text=text, voice=VOICES["nb"], language="nb", wpm=130)
            for text in SCRIPTS["nb"]
        ],
    )
    wav, _ = write_call(spec, tmp_path)
    report = analyze(wav, AnalysisOptions(language="auto"))
    assert report.pickup.rings == 2 and report.pickup.ringback_country in {"NO", "GR"}
    assert report.language == "nb"
