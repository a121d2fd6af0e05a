"""Hold running long: music on the agent's line, the agent not back for the hold limit.

Music is found by ``analyzers.hold.detect_music`` (the report's holds) on a sliding
window of the agent's track (where a hold's music plays into the call), every
``_STEP_S`` of audio time (whole multiples, so chunks of any size scan the same windows
and find the same music); the stretches found are kept, and the other detectors read the agent's
speech with them cut out (``LiveCall.speech``). A hold runs from its music's start until
the agent speaks outside the music (the customer asking "hello?" does not end it, as in
``analyzers.hold_rule.stretches_without_agent``). Raised when it reaches
``hold.max_without_return_s``; cleared when the agent comes back (known once a scan no
longer finds the music playing: up to ``_ONGOING_SLACK_S`` + ``_STEP_S`` after it stops).
"""

from __future__ import annotations

from analyzers.hold import detect_music
from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.spans import Span, merge_spans

RULE = "hold"
KEY = "hold:long"
_STEP_S = 1.0
_WINDOW_S = 12.0
# Music found ending this close to the window's end is still playing: the analysis
# windows (2.5 s) put the end of ongoing music up to ~2.3 s before the window's end.
_ONGOING_SLACK_S = 3.0
_KEEP_MUSIC = 200
_FIRST_SCAN_S = 2.5  # music needs this much audio to be told from speech


class Hold:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.hold
        self.rng = rng
        self.limit_s = rng.max_without_return_s
        self.spec = CueSpec(KEY, RULE, "agent", "s", None, self.limit_s, rng.advice_long)
        self._scanned_s = 0.0
        self._playing = False
        self.start_s: float | None = None  # the hold going on
        self._back_s = -1.0  # when the agent last came back from a hold

    def _scan(self, now_s: float) -> None:
        lo = max(0.0, now_s - _WINDOW_S)
        x = self.call.samples("agent", lo, now_s)
        found = detect_music(x, self.call.sample_rate, min_duration_s=self.rng.min_music_s)
        spans = [Span(round(lo + m.start_s, 3), round(lo + m.end_s, 3)) for m in found]
        music = self.call.music["agent"]
        music[:] = merge_spans([*music, *spans])[-_KEEP_MUSIC:]
        self._playing = any(
            s.end_s >= now_s - _ONGOING_SLACK_S and s.end_s > self._back_s for s in spans
        )
        if self._playing and self.start_s is None:
            self.start_s = next(
                m.start_s for m in reversed(music) if m.end_s >= now_s - _ONGOING_SLACK_S
            )

    def _agent_back(self) -> float | None:
        """When the agent spoke after the hold's music (None while it plays)."""
        if self._playing or self.start_s is None:
            return None
        music_end = max(m.end_s for m in self.call.music["agent"] if m.end_s > self.start_s)
        # A stretch of the agent's voice that starts after the music, not the music's tail.
        agent = self.call.activity["agent"].spans(music_end)
        back = [s.start_s for s in agent if music_end < s.start_s < self.call.now_s]
        return min(back) if back else None

    def update(self, now_s: float) -> None:
        for k in range(int(self._scanned_s / _STEP_S) + 1, int(now_s / _STEP_S + 1e-9) + 1):
            self._scanned_s = k * _STEP_S
            if self._scanned_s >= _FIRST_SCAN_S:
                self._scan(self._scanned_s)
        if self.start_s is None:
            return
        board = self.call.board
        back = self._agent_back()
        if back is not None:
            board.clear(KEY, back, back - self.start_s)
            self.start_s, self._back_s = None, back
            return
        waited = now_s - self.start_s
        if waited >= self.limit_s:
            message = f"On hold {self.limit_s:g} s: go back to the customer"
            board.raise_(self.spec, self.start_s + self.limit_s, waited, message)

    def on_words(self) -> None:
        return None
