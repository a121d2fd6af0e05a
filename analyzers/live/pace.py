"""Pace over the agent's last 30 s of speech outside the speech-rate range.

Words per minute as ``analyzers.speech_rate`` counts them: the agent's words
(``count_words``) over the agent's speaking time from voice activity
(``speaking_time_s``), in the window that holds the last ``speech_rate.window_s`` of the
agent's speech up to the end of the latest transcribed utterance; no rate under
half the window of speech (nor under ``MIN_SPEECH_S``): a rate over the first few
sentences swings too much to nag the agent about. Evaluated as each utterance's words
arrive; raised when the rate leaves [min_wpm, max_wpm], cleared when it comes back.
"""

from __future__ import annotations

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.spans import Span
from analyzers.speech_rate import MIN_SPEECH_S, count_words, speaking_time_s

RULE = "speech_rate"
FAST, SLOW = "speech_rate:agent:high", "speech_rate:agent:low"


def window_start(speech: list[Span], end_s: float, window_s: float) -> float:
    """Where the last ``window_s`` of speech before ``end_s`` begins."""
    left = window_s
    for a, b in reversed(speech):
        b = min(b, end_s)
        if b <= a:
            continue
        if b - a >= left:
            return b - left
        left -= b - a
    return speech[0].start_s if speech else end_s


class Pace:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.speech_rate
        self.rng = rng
        low, high = rng.min_wpm, rng.max_wpm
        self.specs = {
            FAST: CueSpec(FAST, RULE, "agent", "wpm", low, high, rng.advice_fast),
            SLOW: CueSpec(SLOW, RULE, "agent", "wpm", low, high, rng.advice_slow),
        }

    def update(self, now_s: float) -> None:
        return None

    def rate(self, end_s: float) -> float | None:
        """Words per minute over the last window of speech up to ``end_s``."""
        since = end_s - 10 * self.rng.window_s  # far enough back for a speech window
        speech = [s for s in self.call.speech("agent", since) if s.start_s < end_s]
        start = window_start(speech, end_s, self.rng.window_s)
        speech_s = speaking_time_s(speech, start, end_s)
        words = [w for w in self.call.agent_words if start <= (w.start_s + w.end_s) / 2 <= end_s]
        if speech_s < max(MIN_SPEECH_S, self.rng.window_s / 2) or not words:
            return None
        return 60.0 * count_words(words) / speech_s

    def on_words(self) -> None:
        words = self.call.agent_words
        if not words:
            return
        end = self.call.last_words_end_s
        wpm = self.rate(end)
        if wpm is None:
            return
        board = self.call.board
        wanted = FAST if wpm > self.rng.max_wpm else SLOW if wpm < self.rng.min_wpm else None
        for key in (FAST, SLOW):
            if key != wanted:
                board.clear(key, end, wpm)
        if wanted is not None:
            text = "Slow down" if wanted == FAST else "Pick up the pace"
            board.raise_(self.specs[wanted], end, wpm, f"{text}: {wpm:.0f} wpm")
