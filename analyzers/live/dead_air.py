"""Dead air: nobody speaks for the silence range, and the agent did not announce it.

Raised the moment the silence reaches ``unexplained_silence.max_silence_s`` (the
silence runs from the end of the last speech of either party); cleared when someone
speaks. Explained silences (an announcement such as "one moment" or "let me check"
ending at most ``explain_lookback_s`` before, found by
``analyzers.phrase_matching.explain_silence`` in the team's language) raise nothing;
words that arrive after the cue and explain the silence clear it. Hold music passes the
voice activity as speech, and the music found by the hold detector ends no silence
before its own end, so a hold is never dead air.
"""

from __future__ import annotations

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.phrase_matching import explain_silence

RULE = "unexplained_silence"
KEY = "unexplained_silence"
# How long a cue waits for the words of an agent utterance just before the silence that
# are being transcribed (they may announce it); the word-based latency budget is 2 s.
WORDS_GRACE_S = 1.5


class DeadAir:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.unexplained_silence
        self.limit_s = rng.max_silence_s
        self.spec = CueSpec(KEY, RULE, None, "s", None, rng.max_silence_s, rng.advice)
        self._handled_start: float | None = None  # the silence already raised or explained

    def _silence_start(self, now_s: float) -> float | None:
        ends = [a.last_speech_end_s() for a in self.call.activity.values()]
        known = [e for e in ends if e is not None]
        if not known:
            return None  # no speech yet: the call has not started
        # Hold music is neither speech nor silence (the voice activity may lose a long one).
        music = [m.end_s for m in self.call.music["agent"] if m.end_s > max(known)]
        return min(now_s, max(known + music))

    def _speech_after(self, start_s: float) -> float | None:
        """The first speech start after ``start_s`` on either track, if any."""
        starts = [
            s.start_s
            for a in self.call.activity.values()
            for s in a.spans(start_s)
            if s.start_s > start_s
        ]
        return min(starts) if starts else None

    def update(self, now_s: float) -> None:
        board = self.call.board
        raised = board.raised(KEY)
        if raised is not None and self._handled_start is not None:
            resumed = self._speech_after(self._handled_start)
            if resumed is not None:
                board.clear(KEY, resumed, resumed - self._handled_start)
        start = self._silence_start(now_s)
        if start is None or start == self._handled_start:
            return
        silent_s = now_s - start
        if silent_s < self.limit_s or self._awaiting_words(start, silent_s):
            return
        self._handled_start = start
        if self._explained(start):
            return
        board.raise_(self.spec, start + self.limit_s, self.limit_s, f"Dead air {self.limit_s:g} s")

    def _awaiting_words(self, start_s: float, silent_s: float) -> bool:
        lookback = self.call.profile.unexplained_silence.explain_lookback_s
        waiting = any(u.end_s >= start_s - lookback for u in self.call.awaiting_words)
        return waiting and silent_s < self.limit_s + WORDS_GRACE_S

    def _explained(self, start_s: float) -> bool:
        lookback = self.call.profile.unexplained_silence.explain_lookback_s
        words = [w for w in self.call.agent_words if w.end_s >= start_s - lookback - 30.0]
        return explain_silence(words, start_s, self.call.language, lookback) is not None

    def on_words(self) -> None:
        """New agent words may explain the silence the cue is about."""
        start = self._handled_start
        if start is not None and self.call.board.is_raised(KEY) and self._explained(start):
            self.call.board.clear(KEY, self.call.received_s, message="Silence announced")
