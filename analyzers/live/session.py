"""One live call: PCM frames of both tracks in, cues out (see notes/live_interface.md).

Pure and incremental: no I/O, no threads, bounded memory. ``feed`` appends samples to a
track; the engine's clock is the time both tracks have reached, and every detector
evaluates its condition up to the time the voice activity of both tracks is decided
(a few tenths of a second behind the clock). Agent utterances that ended are handed out
by ``pending_utterances``; their words come back through ``add_words``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from analyzers.errors import CorruptAudioError, UnsupportedAudioError
from analyzers.live.cues import TRACKS, Cue, Track
from analyzers.live.dead_air import DeadAir
from analyzers.live.hold import Hold
from analyzers.live.interruption import Interruptions
from analyzers.live.loudness import Loudness
from analyzers.live.monologue import Monologue
from analyzers.live.monotone import Monotone
from analyzers.live.opening import Opening
from analyzers.live.pace import Pace
from analyzers.live.state import LiveCall
from analyzers.live.utterances import AgentUtterances
from analyzers.phrase_matching import load_phrase_book
from analyzers.profile import Profile
from analyzers.report import Word
from analyzers.spans import Span

# The rules a live session can cue, in the rules table's ids.
LIVE_RULES: tuple[str, ...] = (
    "unexplained_silence",
    "hold",
    "interruption",
    "loudness",
    "speech_rate",
    "pitch_monotony",
    "talk_ratio",
    "opening",
)
# Those decided from the agent's recognised words (the others from the sound alone).
WORD_RULES: frozenset[str] = frozenset({"speech_rate", "opening"})


# The detectors look again once the decided time moved this much (not on every frame).
EVALUATE_EVERY_S = 0.05


class Utterance(BaseModel):
    """An utterance that ended and wants words."""

    track: Track
    start_s: float
    end_s: float


class Detector(Protocol):
    def update(self, now_s: float) -> None: ...

    def on_words(self) -> None: ...


def _detectors(call: LiveCall, utterances: AgentUtterances) -> list[Detector]:
    """The enabled detectors, in the order they run: the hold's music first (the others
    read the agent's speech without it), then the utterances the others read."""
    made: list[tuple[str, Detector]] = [
        ("hold", Hold(call)),
        ("", utterances),
        ("unexplained_silence", DeadAir(call)),
        ("interruption", Interruptions(call)),
        ("talk_ratio", Monologue(call)),
        ("loudness", Loudness(call, utterances)),
        ("pitch_monotony", Monotone(call, utterances)),
        ("speech_rate", Pace(call)),
        ("opening", Opening(call)),
    ]
    return [d for rule, d in made if not rule or call.on(rule)]


class LiveSession:
    def __init__(
        self,
        profile: Profile,
        sample_rate: int = 8000,
        *,
        enabled: set[str] | None = None,
        agent_name: str | None = None,
        company_names: Iterable[str] = (),
        language: str = "en",
    ) -> None:
        if not isinstance(sample_rate, int) or sample_rate < 4000:
            raise UnsupportedAudioError(
                f"sample rate must be an integer >= 4000, got {sample_rate!r}"
            )
        load_phrase_book(language)  # UnsupportedLanguageError now, not at the first words
        unknown = set(enabled or ()) - set(LIVE_RULES)
        if unknown:
            raise ValueError(f"no live cue for rules {sorted(unknown)}; live rules: {LIVE_RULES}")
        self._call = LiveCall(
            profile=profile,
            sample_rate=sample_rate,
            enabled=frozenset(LIVE_RULES if enabled is None else enabled),
            language=language,
            agent_name=agent_name,
            company_names=list(company_names),
        )
        self._utterances = AgentUtterances(self._call)
        self._detectors = _detectors(self._call, self._utterances)
        self._handed_out: list[Utterance] = []
        self._finished = False

    # ------------------------------------------------------------------ stream

    def feed(self, track: Track, samples: np.ndarray) -> list[Cue]:
        """Append float32 mono samples in [-1, 1] to ``track``; the cues that changed."""
        if track not in TRACKS:
            raise ValueError(f"track must be 'agent' or 'customer', got {track!r}")
        if self._finished:
            raise RuntimeError("the session has finished")
        x = np.asarray(samples, dtype=np.float32)
        if x.ndim != 1:
            raise UnsupportedAudioError(f"samples must be 1-D (one track), got shape {x.shape}")
        if not np.isfinite(np.sum(x, dtype=np.float64)):
            raise CorruptAudioError("samples contain NaN or infinity")
        call = self._call
        call.audio[track].append(x)
        call.activity[track].advance(call.audio[track])
        return self._evaluate()

    def _evaluate(self, force: bool = False) -> list[Cue]:
        call = self._call
        call.board.clock_s = call.received_s
        now = call.decided_s
        if now - call.now_s < EVALUATE_EVERY_S and not force:
            return call.board.take()
        call.now_s = now
        for detector in self._detectors:
            detector.update(now)
        return call.board.take()

    def pending_utterances(self) -> list[Utterance]:
        """Agent utterances that ended since the last call (the word-based cues read the
        agent's words only); transcribe ``samples(track, start_s, end_s)`` and hand the
        words back with ``add_words``."""
        out = [
            Utterance(track="agent", start_s=u.start_s, end_s=u.end_s)
            for u in self._utterances.take_ended()
        ]
        self._call.awaiting_words.extend(Span(u.start_s, u.end_s) for u in out)
        return out

    def samples(self, track: Track, start_s: float, end_s: float) -> np.ndarray:
        """The track's samples in [start_s, end_s) (zeros where no longer held)."""
        sr = self._call.sample_rate
        return self._call.audio[track].read(round(start_s * sr), round(end_s * sr))

    def add_words(self, utterance: Utterance, words: list[Word]) -> list[Cue]:
        """Words of an utterance (times relative to the call); the cues that changed."""
        call = self._call
        call.awaiting_words = [
            u for u in call.awaiting_words if u != (utterance.start_s, utterance.end_s)
        ]
        if self._finished:
            return []  # every cue was cleared at the end of the stream
        if utterance.track == "agent":
            call.add_agent_words(list(words))
            call.last_words_end_s = max(call.last_words_end_s, utterance.end_s)
        call.board.clock_s = call.received_s
        for detector in self._detectors:
            detector.on_words()
        return call.board.take()

    def finish(self) -> list[Cue]:
        """The stream ended: every raised cue is cleared; those changes."""
        if self._finished:
            return []
        call = self._call
        for track, activity in call.activity.items():
            activity.finish(call.audio[track])
        out = self._evaluate(force=True)
        self._utterances.finish()
        self._finished = True
        call.board.clear_all(call.received_s)
        return out + call.board.take()

    @property
    def cues(self) -> list[Cue]:
        """Every cue emitted so far, in order."""
        return list(self._call.board.emitted)

    @property
    def duration_s(self) -> float:
        """Call time both tracks have reached."""
        return self._call.received_s
