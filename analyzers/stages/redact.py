"""Redaction stage: personal data in the words replaced by ``[KIND]`` tags.

Runs right after transcription, so every later stage (turn text, phrase rules' quotes,
silence explanations) only ever sees the tags. Each redacted word keeps its times (and
the word count, which speech rate uses); the spans are returned for the report and
for blanking the audio.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzers.options import AnalysisOptions
from analyzers.redaction.find import find_pii
from analyzers.report import Redaction, Report, Speaker, Word
from analyzers.stages.transcription import Transcript

_REPEATED_TAG = re.compile(r"(\[[A-Z_]+\])(?: \1)+")


def redact_transcript(
    transcript: Transcript, options: AnalysisOptions
) -> tuple[Transcript, list[Redaction]]:
    """The transcript with personal data tagged, and where it was said."""
    if not options.redact or transcript.words is None:
        return transcript, []
    words: dict[Speaker, list[Word]] = {}
    redactions: list[Redaction] = []
    for party, own in transcript.words.items():
        words[party], found = redact_words(own, party)
        redactions += found
    redactions.sort(key=lambda r: r.start_s)
    return replace(transcript, words=words), redactions


def redact_words(words: list[Word], party: Speaker) -> tuple[list[Word], list[Redaction]]:
    """One party's words with each word of a span replaced by its tag (times kept)."""
    out = list(words)
    redactions = []
    for span in find_pii([w.word for w in words]):
        tagged = words[span.first : span.last + 1]
        for i, word in enumerate(tagged, start=span.first):
            space = " " if word.word.startswith(" ") else ""
            out[i] = word.model_copy(update={"word": f"{space}[{span.kind}]"})
        redactions.append(
            Redaction(
                kind=span.kind,
                party=party,
                start_s=min(w.start_s for w in tagged),
                end_s=max(w.end_s for w in tagged),
            )
        )
    return out, redactions


def attach_redactions(report: Report, redactions: list[Redaction]) -> Report:
    """The report with its redactions listed and a tag repeated over the words of one
    number shown once in the turn text ("[CARD] [CARD] [CARD]" -> "[CARD]")."""
    turns = [
        t.model_copy(update={"text": _REPEATED_TAG.sub(r"\1", t.text)}) if t.text else t
        for t in report.turns
    ]
    return report.model_copy(update={"redactions": redactions, "turns": turns})
