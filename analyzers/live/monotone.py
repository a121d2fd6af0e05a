"""Monotone: the agent's pitch spread over the last 60 s under the pitch-variation range.

The pitch rule's measure (``analyzers.pitch``: ``f0_track``, then ``semitone_spread``
over the voiced frames) computed once per stretch of agent speech as it ends (voice
activity's stretches: final 0.3 s after the voice stops), so the cost stays one
stretch's pitch track. The spread is taken over the voiced frames of the last
``WINDOW_S`` of the call; raised under ``pitch_monotony.min_sd_semitones``, cleared
when it comes back.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from analyzers.live.cues import CueSpec
from analyzers.live.state import LiveCall
from analyzers.live.utterances import AgentUtterances
from analyzers.pitch import f0_track, semitone_spread
from analyzers.spans import Span

RULE = "pitch_monotony"
KEY = "pitch_monotony:agent"
WINDOW_S = 60.0  # issue 15: monotone over the last 60 s
# Voicing the spread needs before it says anything (pitch.windowed_spread's floor).
MIN_VOICED_S = 2.0
_HOP_S = 0.01


class Monotone:
    def __init__(self, call: LiveCall, utterances: AgentUtterances) -> None:
        self.call = call
        self.utterances = utterances
        rng = call.profile.pitch_monotony
        self.spec = CueSpec(KEY, RULE, "agent", "st", rng.min_sd_semitones, None, rng.advice)
        self.min_sd = rng.min_sd_semitones
        # (time, f0) of the voiced frames of the recent utterances.
        self._frames: deque[tuple[float, float]] = deque()

    def _track(self, start_s: float, end_s: float) -> None:
        x = self.call.samples("agent", start_s, end_s)
        if x.size < round(0.1 * self.call.sample_rate):
            return
        track = f0_track(x, self.call.sample_rate, hop_s=_HOP_S)
        voiced = np.isfinite(track.f0_hz)
        for t, f0 in zip(track.times_s[voiced], track.f0_hz[voiced], strict=True):
            self._frames.append((start_s + float(t), float(f0)))
        while self._frames and self._frames[0][0] < end_s - WINDOW_S:
            self._frames.popleft()

    def _music(self, u: Span) -> bool:
        return any(m.end_s > u.start_s and m.start_s < u.end_s for m in self.call.music["agent"])

    def spread(self) -> float | None:
        f0 = np.array([f for _, f in self._frames])
        return semitone_spread(f0, hop_s=_HOP_S, min_voiced_s=MIN_VOICED_S)

    def update(self, now_s: float) -> None:
        for u in self.utterances.just_finalised:
            if self._music(u):
                continue
            self._track(u.start_s, u.end_s)
            sd = self.spread()
            if sd is None:
                continue
            board = self.call.board
            if sd < self.min_sd:
                board.raise_(self.spec, u.end_s, sd, f"Monotone: pitch varies {sd:.1f} st")
            else:
                board.clear(KEY, u.end_s, sd)

    def on_words(self) -> None:
        return None
