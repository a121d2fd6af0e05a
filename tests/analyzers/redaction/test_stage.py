from analyzers.options import AnalysisOptions
from analyzers.report import Word
from analyzers.stages.redact import redact_transcript
from analyzers.stages.transcription import Transcript


def _words(text: str, start: float = 1.0, step: float = 0.4) -> list[Word]:
    return [
        Word(word=f" {w}", start_s=start + i * step, end_s=start + i * step + 0.3)
        for i, w in enumerate(text.split())
    ]


def test_words_are_tagged_with_their_times_kept_and_spans_listed() -> None:
    words = _words("my number is oh seven oh one two three four five six seven thanks")
    transcript = Transcript("en", words={"customer": words, "agent": _words("thank you")})
    redacted, spans = redact_transcript(transcript, AnalysisOptions())
    out = redacted.words["customer"]
    assert [w.word for w in out[3:13]] == [" [PHONE]"] * 10
    assert [(w.start_s, w.end_s) for w in out] == [(w.start_s, w.end_s) for w in words]
    assert out[0].word == " my" and out[13].word == " thanks"
    assert redacted.words["agent"] == transcript.words["agent"]
    (span,) = spans
    assert (span.kind, span.party) == ("PHONE", "customer")
    assert (span.start_s, span.end_s) == (words[3].start_s, words[12].end_s)


def test_redaction_off_leaves_the_words() -> None:
    transcript = Transcript("en", words={"customer": _words("four five three nine")})
    assert redact_transcript(transcript, AnalysisOptions(redact=False)) == (transcript, [])
