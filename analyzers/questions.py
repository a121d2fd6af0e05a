"""Sentences and questions in a party's timed words, and the agent's pause before replying.

A sentence is a question when the transcriber ended it with a question mark (Greek
";" too), when it opens with a question form of its language (phrase lists
``[question_pacing]``), or when the voice rises at its end (the F0 contour of the
report's signals). Patience comes from the voice-activity turns, not from Whisper's
word times (which start 0.2-0.4 s early).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analyzers.phrase_matching import find_phrases, load_phrase_book
from analyzers.report import Report, Turn, Word

QuestionCue = Literal["question mark", "question form", "rising pitch"]

_SENTENCE_END = (".", "!", "?", "\u037e")
_QUESTION_MARKS = ("?", "\u037e")  # plus ";" in Greek
# A pause this long between two words ends a sentence even without punctuation.
_SENTENCE_GAP_S = 1.0
# The pitch rise is measured over the last half second of the sentence's voicing.
_RISE_WINDOW_S = 0.5
_MIN_VOICED_POINTS = 3
# A question form counts at the sentence's first word or after one lead-in ("so", "and").
_MAX_FORM_OFFSET = 1


@dataclass(frozen=True)
class Sentence:
    words: tuple[Word, ...]
    start_s: float
    end_s: float

    @property
    def text(self) -> str:
        return " ".join(w.word.strip() for w in self.words)


@dataclass(frozen=True)
class Question:
    sentence: Sentence
    cue: QuestionCue
    closed: bool  # a yes/no question (its form is in closed_start)


def _ends_sentence(word: str, language: str) -> bool:
    stripped = word.rstrip()
    if stripped.endswith(("...", "…")):
        return False
    return stripped.endswith(_SENTENCE_END) or (language == "el" and stripped.endswith(";"))


def split_sentences(words: Sequence[Word], language: str) -> list[Sentence]:
    """Sentences of one party's words: at sentence punctuation or a pause of 1 s."""
    out: list[Sentence] = []
    current: list[Word] = []
    for word in words:
        if current and word.start_s - current[-1].end_s >= _SENTENCE_GAP_S:
            out.append(Sentence(tuple(current), current[0].start_s, current[-1].end_s))
            current = []
        current.append(word)
        if _ends_sentence(word.word, language):
            out.append(Sentence(tuple(current), current[0].start_s, current[-1].end_s))
            current = []
    if current:
        out.append(Sentence(tuple(current), current[0].start_s, current[-1].end_s))
    return out


def final_rise_semitones(
    pitch_hz: Sequence[float | None], hop_s: float, end_s: float
) -> float | None:
    """The F0 rise (semitones) over the last half second of voicing before ``end_s``.

    A least-squares line through the voiced points' semitones, times the time they span;
    None when fewer than three points are voiced there.
    """
    last = min(len(pitch_hz), int(end_s / hop_s) + 1)
    first = max(0, int((end_s - _RISE_WINDOW_S) / hop_s))
    points = [(i * hop_s, v) for i in range(first, last) if (v := pitch_hz[i]) and v > 0]
    if len(points) < _MIN_VOICED_POINTS:
        return None
    t = np.array([p[0] for p in points])
    st = 12.0 * np.log2(np.array([p[1] for p in points]))
    slope = float(np.polyfit(t, st, 1)[0])
    # Each point is the median of one hop: the points span their times plus one hop.
    return slope * float(t[-1] - t[0] + hop_s)


def _form_at_start(sentence: Sentence, patterns: tuple[str, ...]) -> bool:
    return any(
        m.word_indices[0] <= _MAX_FORM_OFFSET for m in find_phrases(sentence.words, patterns)
    )


def find_questions(
    sentences: Sequence[Sentence],
    language: str,
    *,
    pitch_hz: Sequence[float | None] | None = None,
    hop_s: float = 0.1,
    turn_ends: Sequence[float] = (),
    min_rise_semitones: float = 2.0,
) -> list[Question]:
    """The sentences that are questions, with the cue that made each one.

    The pitch is read where the sentence ends, clipped to the end of the voice-activity
    turn it falls in (``turn_ends``: Whisper's last word often ends late).
    """
    book = load_phrase_book(language)
    open_forms = book.get("question_pacing", "open_start")
    closed_forms = book.get("question_pacing", "closed_start")
    marks = (*_QUESTION_MARKS, ";") if language == "el" else _QUESTION_MARKS
    found: list[Question] = []
    for sentence in sentences:
        closed = _form_at_start(sentence, closed_forms)
        cue: QuestionCue | None = None
        if sentence.words[-1].word.rstrip().endswith(marks):
            cue = "question mark"
        elif closed or _form_at_start(sentence, open_forms):
            cue = "question form"
        elif pitch_hz is not None:
            end = min((e for e in turn_ends if e >= sentence.start_s), default=sentence.end_s)
            rise = final_rise_semitones(pitch_hz, hop_s, min(end, sentence.end_s))
            if rise is not None and rise >= min_rise_semitones:
                cue = "rising pitch"
        if cue is not None:
            found.append(Question(sentence, cue, closed))
    return found


def party_turns(report: Report, party: str) -> list[Turn]:
    return [t for t in report.turns if t.party == party]


def agent_questions(report: Report, min_rise_semitones: float) -> list[Question]:
    """The agent's questions in a report (its transcript and, when present, its pitch)."""
    language = report.language or "en"
    words = [w for t in party_turns(report, "agent") for w in t.words]
    signals = report.signals
    pitch = signals.pitch_hz.get("agent") if signals else None
    return find_questions(
        split_sentences(words, language),
        language,
        pitch_hz=pitch,
        hop_s=signals.hop_s if signals else 0.1,
        turn_ends=[t.end_s for t in party_turns(report, "agent")],
        min_rise_semitones=min_rise_semitones,
    )


@dataclass(frozen=True)
class Reply:
    customer_end_s: float
    agent_start_s: float

    @property
    def pause_s(self) -> float:
        return self.agent_start_s - self.customer_end_s


def agent_replies(turns: Sequence[Turn], max_gap_s: float) -> list[Reply]:
    """Each time the agent takes the floor after the customer stops: the pause between.

    From voice-activity turns. Overlaps (the agent starting while the customer still
    speaks) are interruptions, not replies; pauses over ``max_gap_s`` are silences.
    """
    ordered = sorted(turns, key=lambda t: t.start_s)
    replies: list[Reply] = []
    for i, turn in enumerate(ordered):
        if turn.party != "customer":
            continue
        following = [t for t in ordered[i + 1 :] if t.start_s >= turn.end_s]
        if not following or following[0].party != "agent":
            continue
        if any(t.party == "agent" and turn.start_s < t.start_s < turn.end_s for t in ordered):
            continue  # the agent came in during the turn: not a clean reply
        gap = following[0].start_s - turn.end_s
        if 0.0 <= gap <= max_gap_s:
            replies.append(Reply(turn.end_s, following[0].start_s))
    return replies
