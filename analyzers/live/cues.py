"""What the live engine tells the agent: a ``Cue``, and the board that keeps them unrepeated.

A cue is a condition on the call (dead air, a monologue, ...) that became true
(``raised``) or ended (``cleared``), or the opening checklist ticking (``progress``).
``CueBoard`` is the one place that decides whether a condition's state changed, so no
detector can repeat a cue while its condition persists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

Track = Literal["agent", "customer"]
CueState = Literal["raised", "cleared", "progress"]
TRACKS: tuple[Track, Track] = ("agent", "customer")


class Cue(BaseModel):
    key: str  # identity of the condition; a raised cue and its clear share the key
    rule: str  # rule id from analyzers.rule_table
    state: CueState
    at_s: float  # call-audio time when the condition became true / ended
    party: Track | None
    measured: float | None  # the measured value (9.2 s of silence, 185 wpm)
    unit: str
    low: float | None  # the team's range, from the profile
    high: float | None
    message: str  # what the agent sees, short: "Dead air 9 s"
    advice: str  # one line of advice from the profile
    detail: dict[str, bool | str | float] = Field(default_factory=dict)
    # Added to the contract (compatible): the engine's clock (seconds of call audio both
    # tracks had reached) when the cue was emitted; emitted_s - at_s is the latency.
    emitted_s: float = 0.0


@dataclass(frozen=True)
class CueSpec:
    """The fixed part of a cue: which condition, of which rule, against which range."""

    key: str
    rule: str
    party: Track | None
    unit: str
    low: float | None
    high: float | None
    advice: str


class CueBoard:
    """The cues emitted so far and which conditions are raised now."""

    def __init__(self) -> None:
        self.emitted: list[Cue] = []
        self._raised: dict[str, Cue] = {}
        self._progress: dict[str, dict[str, bool | str | float]] = {}
        self._pending: list[Cue] = []
        self.clock_s = 0.0

    def is_raised(self, key: str) -> bool:
        return key in self._raised

    def raised(self, key: str) -> Cue | None:
        return self._raised.get(key)

    def raise_(
        self,
        spec: CueSpec,
        at_s: float,
        measured: float | None,
        message: str,
        detail: dict[str, bool | str | float] | None = None,
    ) -> None:
        """Raise the condition unless it is raised already (a cue is never repeated)."""
        if spec.key in self._raised:
            return
        cue = self._cue(spec, "raised", at_s, measured, message)
        if detail:
            cue = cue.model_copy(update={"detail": dict(detail)})
        self._raised[spec.key] = cue
        self._emit(cue)

    def clear(
        self, key: str, at_s: float, measured: float | None = None, message: str = ""
    ) -> None:
        """Clear the condition if it is raised."""
        raised = self._raised.pop(key, None)
        if raised is None:
            return
        update = {
            "state": "cleared",
            "at_s": round(max(at_s, raised.at_s), 3),
            "measured": raised.measured if measured is None else round(measured, 2),
            "message": message or f"Over: {raised.message}",
        }
        self._emit(raised.model_copy(update=update))

    def progress(
        self, spec: CueSpec, at_s: float, detail: dict[str, bool | str | float], message: str
    ) -> None:
        """A checklist's state, emitted when it differs from the last one of its key."""
        if self._progress.get(spec.key) == detail:
            return
        self._progress[spec.key] = dict(detail)
        cue = self._cue(spec, "progress", at_s, None, message)
        self._emit(cue.model_copy(update={"detail": dict(detail)}))

    def clear_all(self, at_s: float) -> None:
        for key in list(self._raised):
            self.clear(key, at_s)

    def take(self) -> list[Cue]:
        """The cues emitted since the last call."""
        out, self._pending = self._pending, []
        return out

    def _cue(
        self, spec: CueSpec, state: CueState, at_s: float, measured: float | None, message: str
    ) -> Cue:
        return Cue(
            key=spec.key,
            rule=spec.rule,
            state=state,
            at_s=round(min(at_s, self.clock_s), 3),  # no condition starts in the future
            party=spec.party,
            measured=None if measured is None else round(measured, 2),
            unit=spec.unit,
            low=spec.low,
            high=spec.high,
            message=message,
            advice=spec.advice,
        )

    def _emit(self, cue: Cue) -> None:
        cue = cue.model_copy(update={"emitted_s": round(self.clock_s, 3)})
        self.emitted.append(cue)
        self._pending.append(cue)
