"""The agent talking over the customer, as it happens.

The definition of ``analyzers.turns.find_interruptions`` (the report's interruptions):
the agent starts while the customer is speaking, and both keep talking (pauses shorter
than ``DEFAULT_INTERRUPTION_MAX_PAUSE_S`` aside) for at least
``interruption.min_overlap_s``. Evaluated on the recent speech of both tracks; raised
the moment the overlap reaches the minimum, cleared when either stops.
"""

from __future__ import annotations

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.turns import DEFAULT_INTERRUPTION_MAX_PAUSE_S, InterruptionSpan, _interruptions_by

RULE = "interruption"
KEY = "interruption:agent"
# Speech looked at: an overlap this old is over (or long reported).
_LOOKBACK_S = 60.0


class Interruptions:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.interruption
        self.min_overlap_s = rng.min_overlap_s
        self.spec = CueSpec(KEY, RULE, "agent", "s", None, rng.min_overlap_s, rng.advice)
        self._raised_start: float | None = None
        self._done_until = -1.0  # interruptions starting up to here are reported

    def _found(self, now_s: float) -> list[InterruptionSpan]:
        since = now_s - _LOOKBACK_S
        agent = self.call.speech("agent", since)
        customer = self.call.speech("customer", since)
        return _interruptions_by(
            "agent", agent, customer, self.min_overlap_s, DEFAULT_INTERRUPTION_MAX_PAUSE_S
        )

    def update(self, now_s: float) -> None:
        board = self.call.board
        for found in self._found(now_s):
            if found.start_s == self._raised_start:
                # Over once neither side can go on: a pause longer than the chains allow.
                if now_s - found.end_s >= DEFAULT_INTERRUPTION_MAX_PAUSE_S:
                    board.clear(KEY, found.end_s, found.duration_s)
                    self._raised_start = None
            elif found.start_s > self._done_until:
                if self._raised_start is not None:  # a new one: the previous ended
                    board.clear(KEY, found.start_s)
                self._done_until = found.start_s
                self._raised_start = found.start_s
                board.raise_(
                    self.spec,
                    found.start_s + self.min_overlap_s,
                    found.duration_s,
                    "You are talking over the customer",
                )

    def on_words(self) -> None:
        return None
