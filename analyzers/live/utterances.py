"""The agent's utterances as they end: the unit that is transcribed, levelled and pitched.

An utterance is a turn as ``analyzers.turns.turns_from_activity`` builds it: the agent's
speech stretches joined across pauses shorter than ``activity.turn_merge_gap_s`` in
which the customer does not start to speak. It ends when such a pause has passed or the
customer starts. A long turn is cut at the first pause after it reaches
``MAX_UTTERANCE_S``, so its words (pace, opening) keep coming during a monologue.
"""

from __future__ import annotations

from analyzers.live.state import LiveCall
from analyzers.spans import Span

MAX_UTTERANCE_S = 5.0


class AgentUtterances:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        self.merge_gap_s = call.profile.activity.turn_merge_gap_s
        self._open: Span | None = None
        self._ended: list[Span] = []  # for transcription, until taken
        self.just_closed: list[Span] = []  # closed in the last update (levels)
        self.just_finalised: list[Span] = []  # agent stretches final in the last update (pitch)

    @property
    def current(self) -> Span | None:
        """The utterance going on: finalised stretches plus the open one."""
        open_span = self.call.activity["agent"].open_span
        if self._open is None:
            return open_span
        if open_span is not None and open_span.start_s - self._open.end_s < self.merge_gap_s:
            return Span(self._open.start_s, open_span.end_s)
        return self._open

    def update(self, now_s: float) -> None:
        self.just_closed = []
        agent = self.call.activity["agent"]
        self.just_finalised = agent.take_finalised()
        for seg in self.just_finalised:
            self._add(seg)
        if self._open is None:
            return
        open_span = agent.open_span
        pause_over = now_s - self._open.end_s >= self.merge_gap_s and (
            open_span is None or open_span.start_s - self._open.end_s >= self.merge_gap_s
        )
        if pause_over or self._customer_started_after(self._open.end_s):
            self._close()

    def on_words(self) -> None:
        return None

    def _add(self, seg: Span) -> None:
        if self._open is not None:
            joins = seg.start_s - self._open.end_s < self.merge_gap_s
            if joins and not self._customer_started_between(self._open.end_s, seg.start_s):
                self._open = Span(self._open.start_s, seg.end_s)
            else:
                self._close()
        if self._open is None:
            self._open = seg
        if self._open.duration_s >= MAX_UTTERANCE_S:
            self._close()  # at a pause (the stretch just ended): its words are due

    def _customer_started_between(self, a: float, b: float) -> bool:
        return any(a < s.start_s < b for s in self.call.activity["customer"].spans(a))

    def _customer_started_after(self, a: float) -> bool:
        return any(s.start_s > a for s in self.call.activity["customer"].spans(a))

    def _close(self) -> None:
        assert self._open is not None
        utterance, self._open = self._open, None
        if self._mostly_music(utterance):
            return  # hold music: nothing to transcribe, level or pitch
        self._ended.append(utterance)
        self.just_closed.append(utterance)

    def _mostly_music(self, u: Span) -> bool:
        inside = sum(
            max(0.0, min(u.end_s, m.end_s) - max(u.start_s, m.start_s))
            for m in self.call.music["agent"]
        )
        return inside > 0.5 * u.duration_s

    def finish(self) -> None:
        """The stream ended: the open utterance ends with it."""
        self.just_closed = []
        for seg in self.call.activity["agent"].take_finalised():
            self._add(seg)
        if self._open is not None:
            self._close()

    def take_ended(self) -> list[Span]:
        out, self._ended = self._ended, []
        return out
