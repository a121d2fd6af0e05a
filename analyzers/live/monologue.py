"""A monologue running past the talk-ratio rule's ``max_monologue_s``.

The runs of ``analyzers.turns.monologue_runs`` (the report's longest monologue): the
agent's speech chained across pauses shorter than ``DEFAULT_MONOLOGUE_MAX_GAP_S`` unless
the customer starts in between. Raised when the agent's current run reaches the limit;
cleared when the run ends (a long pause, or the customer takes a turn and the agent's
stretch ends). Hold music is not the agent talking.
"""

from __future__ import annotations

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.spans import Span
from analyzers.turns import DEFAULT_MONOLOGUE_MAX_GAP_S, monologue_runs

RULE = "talk_ratio"
KEY = "talk_ratio:monologue"


class Monologue:
    def __init__(self, call: LiveCall) -> None:
        self.call = call
        rng = call.profile.talk_ratio
        self.limit_s = rng.max_monologue_s
        self.spec = CueSpec(KEY, RULE, "agent", "s", None, self.limit_s, rng.advice_monologue)
        self._raised_start: float | None = None

    def _current_run(self, now_s: float) -> Span | None:
        since = now_s - self.limit_s - 2 * DEFAULT_MONOLOGUE_MAX_GAP_S
        since = min(since, self._raised_start or since)
        agent = self.call.speech("agent", since)
        if not agent:
            return None
        runs = monologue_runs(agent, self.call.speech("customer", since))
        return runs[-1] if runs else None

    def _run_over(self, run: Span, now_s: float) -> bool:
        if now_s - run.end_s >= DEFAULT_MONOLOGUE_MAX_GAP_S:
            return True
        # The customer started after the agent's last stretch began: the run ends with it.
        agent = self.call.activity["agent"]
        last = self.call.speech("agent", run.end_s - 1e-6)
        if agent.open_span is not None or not last:
            return False
        customer = self.call.speech("customer", last[-1].start_s)
        return any(s.start_s > last[-1].start_s for s in customer)

    def update(self, now_s: float) -> None:
        run = self._current_run(now_s)
        board = self.call.board
        if self._raised_start is not None:
            if run is None or run.start_s != self._raised_start or self._run_over(run, now_s):
                end = run.end_s if run is not None and run.start_s == self._raised_start else now_s
                board.clear(KEY, end, end - self._raised_start)
                self._raised_start = None
            return
        if run is None or run.duration_s < self.limit_s or self._run_over(run, now_s):
            return
        self._raised_start = run.start_s
        board.raise_(
            self.spec,
            run.start_s + self.limit_s,
            run.duration_s,
            f"Monologue over {self.limit_s:g} s: check the customer is with you",
        )

    def on_words(self) -> None:
        return None
