"""Raised voice or whisper: the agent's turn level against the agent's running median.

The loudness rule's test (``analyzers.loudness.classify_turn_levels`` with the profile's
``loudness`` ranges) on the P.56 active speech level (``active_speech_level_dbov``) of
the agent's current turn, re-measured every ``_EVERY_S`` of audio once it lasted
``loudness.min_turn_s``, against the median of the agent's turns so far. The moments
measured are fixed in audio time from the turn's start, so chunks of any size see the
same levels and fire the same cues. Raised while
the turn is out of range; cleared when the turn ends (or comes back in range). The
median is that of the agent's earlier turns (the current one would pull it along); the
first turn has only the absolute range.
"""

from __future__ import annotations

import statistics
from collections import deque

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.live.utterances import AgentUtterances
from analyzers.loudness import LevelFlag, active_speech_level_dbov, classify_turn_levels
from analyzers.spans import Span

RULE = "loudness"
HIGH, LOW = "loudness:agent:high", "loudness:agent:low"
_EVERY_S = 0.5
_HISTORY = 200  # turn levels the median is taken over (the recent part of a long call)
_MAX_TURN_S = 10.0  # a longer turn is levelled over its last part (bounded cost)
_VS_USUAL = "dB vs usual"


class Loudness:
    def __init__(self, call: LiveCall, utterances: AgentUtterances) -> None:
        self.call = call
        self.utterances = utterances
        rng = call.profile.loudness
        self.rng = rng

        # A turn out of the absolute range is shown in dBov against that range; one out
        # of step with the agent's usual level in dB from it, against the allowed step
        # (a raised turn can be inside the absolute range: -20 dBov, +11 dB over usual).
        def spec(key: str, relative: bool, advice: str) -> CueSpec:
            if relative:
                low, high = -rng.whisper_db_below_median, rng.raised_db_above_median
                return CueSpec(key, RULE, "agent", _VS_USUAL, low, high, advice)
            return CueSpec(key, RULE, "agent", "dBov", rng.min_dbov, rng.max_dbov, advice)

        self.specs = {
            "too_loud": spec(HIGH, False, rng.advice_loud),
            "too_quiet": spec(LOW, False, rng.advice_quiet),
            "raised": spec(HIGH, True, rng.advice_loud),
            "whisper": spec(LOW, True, rng.advice_quiet),
        }
        self.levels: deque[float] = deque(maxlen=_HISTORY)
        self._grid: tuple[float, int] = (-1.0, 0)  # (turn start, next moment to measure)
        self._raised_turn: float | None = None  # start of the turn a cue is about

    def _level(self, turn: Span) -> float | None:
        start = max(turn.start_s, turn.end_s - _MAX_TURN_S)
        x = self.call.samples("agent", start, turn.end_s)
        return active_speech_level_dbov(x, self.call.sample_rate) if x.size else None

    def _median(self) -> float | None:
        return statistics.median(self.levels) if self.levels else None

    def _flag(self, level: float) -> LevelFlag:
        rng = self.rng
        return classify_turn_levels(
            [level],
            raised_db_above_median=rng.raised_db_above_median,
            whisper_db_below_median=rng.whisper_db_below_median,
            min_dbov=rng.min_dbov,
            max_dbov=rng.max_dbov,
            median_dbov=self._median(),
        )[0]

    def update(self, now_s: float) -> None:
        for closed in self.utterances.just_closed:
            self._closed(closed)
        turn = self.utterances.current
        if turn is None:
            return
        for at in self._due(turn.start_s, min(turn.end_s, now_s)):
            heard = Span(turn.start_s, at)
            if self._music(heard):
                return
            level = self._level(heard)
            self._show(heard, level, None if level is None else self._flag(level))

    def _due(self, start_s: float, known_to_s: float) -> list[float]:
        """The moments of the turn starting at ``start_s`` to measure now: every
        ``_EVERY_S`` from ``min_turn_s`` in, up to ``known_to_s``, not measured yet."""
        first = start_s + self.rng.min_turn_s
        if known_to_s < first:
            return []
        last = int((known_to_s - first) / _EVERY_S + 1e-9)
        grid_start, next_k = self._grid
        begin = next_k if grid_start == start_s else 0
        self._grid = (start_s, max(begin, last + 1))
        return [round(first + k * _EVERY_S, 6) for k in range(begin, last + 1)]

    def _music(self, turn: Span) -> bool:
        """Hold music found in the turn: not the agent's voice."""
        return any(
            m.end_s > turn.start_s and m.start_s < turn.end_s for m in self.call.music["agent"]
        )

    def _closed(self, turn: Span) -> None:
        if self._raised_turn is not None and turn.start_s <= self._raised_turn < turn.end_s:
            self._show(turn, None, None)  # the turn ended: so did its condition
        if turn.duration_s < self.rng.min_turn_s:
            return
        level = self._level(turn)
        if level is not None:
            self.levels.append(level)

    def _show(self, turn: Span, level: float | None, flag: LevelFlag) -> None:
        board = self.call.board
        wanted = self.specs[flag] if flag and level is not None else None
        for key in (HIGH, LOW):
            if (wanted is None or key != wanted.key) and board.is_raised(key):
                board.clear(key, turn.end_s)  # keeps the value it was raised with
        if wanted is None or level is None:
            self._raised_turn = None
            return
        self._raised_turn = turn.start_s
        median = self._median() or level
        shown = level - median if wanted.unit == _VS_USUAL else level
        detail: dict[str, bool | str | float] = {
            "level_dbov": round(level, 1),
            "usual_dbov": round(median, 1),
        }
        board.raise_(wanted, turn.end_s, shown, self._message(flag, level), detail)

    def _message(self, flag: LevelFlag, level: float) -> str:
        median = self._median() or level
        if flag == "raised":
            return f"Raised voice: {level - median:+.0f} dB over your usual level"
        if flag == "too_loud":
            return f"Too loud: {level:.0f} dBov"
        if flag == "whisper":
            return f"Very quiet: {median - level:.0f} dB under your usual level"
        return f"Too quiet: {level:.0f} dBov"

    def on_words(self) -> None:
        return None
