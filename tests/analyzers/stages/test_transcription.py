"""Transcription stage: words per party (real tiny.en in the slow test) and each
turn's words by their midpoint."""

from __future__ import annotations

import pytest

from analyzers.options import AnalysisOptions
from analyzers.report import Turn, Word
from analyzers.stages.transcription import Transcript, transcribe, words_per_turn
from tests.analyzers.stages.calls import early_stages


def _word(text: str, start: float, end: float) -> Word:
    return Word(word=f" {text}", start_s=start, end_s=end)


def test_engine_none_transcribes_nothing() -> None:
    call, pickup, activity, parties = early_stages("good_call")
    none = AnalysisOptions(engine="none")
    assert transcribe(call, activity, parties, pickup, none, None) == Transcript(language=None)
    english = AnalysisOptions(engine="none", language="en")
    assert transcribe(call, activity, parties, pickup, english, None).language == "en"


def test_a_word_goes_to_its_partys_turn_by_its_midpoint() -> None:
    turns = [
        Turn(party="agent", start_s=1.0, end_s=3.0),
        Turn(party="customer", start_s=3.5, end_s=5.0),
        Turn(party="agent", start_s=6.0, end_s=8.0),
    ]
    agent = [_word("hello", 0.4, 0.8), _word("there", 2.9, 3.3), _word("bye", 6.5, 7.0)]
    customer = [_word("hi", 3.6, 4.0)]
    per_turn = words_per_turn(turns, Transcript("en", words={"agent": agent, "customer": customer}))
    # 0.6 s midpoint is within the 0.5 s slack of the first turn; 3.1 s too.
    assert per_turn == [agent[:2], customer, agent[2:]]
    assert words_per_turn(turns, Transcript("en")) == [[], [], []]


def test_on_mono_every_turn_is_the_unknown_partys() -> None:
    turns = [
        Turn(party="unknown", start_s=0.0, end_s=1.0),
        Turn(party="unknown", start_s=2.0, end_s=3.0),
    ]
    words = [_word("a", 0.2, 0.4), _word("b", 2.2, 2.4)]
    assert words_per_turn(turns, Transcript("en", words={"unknown": words})) == [
        words[:1],
        words[1:],
    ]


@pytest.mark.slow
def test_tiny_en_hears_the_agents_greeting() -> None:
    call, pickup, activity, parties = early_stages("good_call")
    options = AnalysisOptions(language="en")
    transcript = transcribe(call, activity, parties, pickup, options, None)
    assert (transcript.language, transcript.model) == ("en", "tiny.en")
    assert transcript.words is not None
    agent_text = " ".join(w.word for w in transcript.words["agent"]).lower()
    # The committed sample's agent is Asterisk's recorded voice ("Hello." ... "Goodbye!").
    assert "hello" in agent_text and "one moment please" in agent_text
    assert transcript.words["customer"]
