"""Speech rate: a party's words per minute over their own speaking time.

Speaking time comes from the party's voice-activity spans, not from word times: Whisper
word starts run 0.2–0.4 s early and its word ends stretch over pauses, so word times
overstate speaking time. Words come from the transcript of that party's channel.

What counts as one word (:func:`count_words`): Whisper marks where a word starts with a
leading space (" Hello,") and glues sub-word tokens to it; when it does split a spoken
word ("1" + ",500", "follow" + "-up", "I" + "'ll"), the piece without a leading space,
or starting with a hyphen or apostrophe or a digit separator, continues the previous
word. Tokens with no letter or digit ("...", "-", "?") are not words.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.report import Word
from analyzers.spans import Span, merge_spans

# Below this much speech a rate is noise (a "yes" and a name): report nothing.
# Measurement validity, not a recommended range.
MIN_SPEECH_S = 5.0

_JOINERS = ("-", "‐", "‑", "–", "'", "’")
_DIGIT_SEPARATORS = (",", ".")

WindowRate = tuple[float, float, float | None]


def _has_word_character(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _continues_previous(text: str, marks_word_starts: bool) -> bool:
    """Whether a token is the rest of the previous spoken word."""
    if marks_word_starts and not text[:1].isspace():
        return True
    body = text.lstrip()
    if body.startswith(_JOINERS):
        return True
    return body[:1] in _DIGIT_SEPARATORS and body[1:2].isdigit()


def spoken_words(words: Sequence[Word]) -> list[Span]:
    """(start_s, end_s) of each spoken word, Whisper's split tokens joined back."""
    # Whisper output marks each word start with a leading space; hand-built or other
    # engines' words may not, and then only joiner characters glue tokens together.
    starts_marked = sum(1 for w in words if w.word[:1].isspace())
    marks_word_starts = bool(words) and 2 * starts_marked >= len(words)
    spans: list[Span] = []
    for word in words:
        if not _has_word_character(word.word):
            continue
        if spans and _continues_previous(word.word, marks_word_starts):
            spans[-1] = Span(spans[-1].start_s, max(spans[-1].end_s, word.end_s))
        else:
            spans.append(Span(word.start_s, word.end_s))
    return spans


def count_words(words: Sequence[Word]) -> int:
    """How many words were spoken (see the module docstring for what counts)."""
    return len(spoken_words(words))


def speaking_time_s(
    speech: Sequence[Span], start_s: float = 0.0, end_s: float | None = None
) -> float:
    """Seconds of speech in the spans, optionally only within [start_s, end_s)."""
    total = 0.0
    for a, b in merge_spans(speech):
        lo, hi = max(a, start_s), b if end_s is None else min(b, end_s)
        total += max(0.0, hi - lo)
    return total


def _rate(n_words: int, speech_s: float, min_speech_s: float) -> float | None:
    if n_words == 0 or speech_s < min_speech_s:
        return None
    return 60.0 * n_words / speech_s


def words_per_minute(
    words: Sequence[Word], speech: Sequence[Span], *, min_speech_s: float = MIN_SPEECH_S
) -> float | None:
    """A party's words per minute over their speaking time (voice-activity spans).

    None when there are no words or less than ``min_speech_s`` of speech.
    """
    return _rate(count_words(words), speaking_time_s(speech), min_speech_s)


def windowed_wpm(
    words: Sequence[Word],
    speech: Sequence[Span],
    window_s: float = 30.0,
    min_speech_s: float = MIN_SPEECH_S,
) -> list[WindowRate]:
    """Words per minute in consecutive windows of ``window_s`` over the call.

    Windows start at 0 s (so every party's and every metric's windows line up) and run
    to the end of the last speech or word; the last window may be shorter. A word
    belongs to the window holding its midpoint. A window's rate is None when it has no
    words or less than ``min_speech_s`` of the party's speech.
    """
    if window_s <= 0:
        raise ValueError(f"window_s must be positive, got {window_s}")
    spans = spoken_words(words)
    merged = merge_spans(speech)
    end_of_call = max([b for _, b in merged] + [b for _, b in spans], default=0.0)
    windows: list[WindowRate] = []
    k = 0
    while k * window_s < end_of_call:
        start, end = k * window_s, min((k + 1) * window_s, end_of_call)
        n_words = sum(1 for a, b in spans if start <= (a + b) / 2 < (k + 1) * window_s)
        rate = _rate(n_words, speaking_time_s(merged, start, end), min_speech_s)
        windows.append((start, end, rate))
        k += 1
    return windows
