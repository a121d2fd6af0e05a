"""What every live detector reads: the call so far (tracks, activity, words, cue board)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analyzers.hold import remove_holds
from analyzers.live.activity import LiveActivity
from analyzers.live.buffer import RollingAudio
from analyzers.live.cues import TRACKS, CueBoard, Track
from analyzers.profile import Profile
from analyzers.report import Word
from analyzers.spans import Span

# Samples kept per track: enough for the longest stretch a detector re-reads (a turn's
# level, an utterance's pitch and words, the hold window), bounded on long calls.
KEEP_AUDIO_S = 120.0
# Agent words kept (the pace window, the opening and the announcement lookback read fewer).
KEEP_WORDS = 2000


@dataclass
class LiveCall:
    """The shared, bounded state of one live call."""

    profile: Profile
    sample_rate: int
    enabled: frozenset[str]
    language: str
    agent_name: str | None
    company_names: list[str]
    board: CueBoard = field(default_factory=CueBoard)
    audio: dict[Track, RollingAudio] = field(default_factory=dict)
    activity: dict[Track, LiveActivity] = field(default_factory=dict)
    agent_words: list[Word] = field(default_factory=list)
    # Agent utterances handed out for transcription whose words have not come back.
    awaiting_words: list[Span] = field(default_factory=list)
    music: dict[Track, list[Span]] = field(default_factory=dict)  # hold music found so far
    last_words_end_s: float = 0.0  # end of the latest agent utterance whose words came
    now_s: float = 0.0  # the time the detectors evaluate up to (both tracks decided)

    def __post_init__(self) -> None:
        act = self.profile.activity
        for track in TRACKS:
            self.audio[track] = RollingAudio(self.sample_rate, KEEP_AUDIO_S)
            self.activity[track] = LiveActivity(
                self.sample_rate, min_speech_s=act.min_speech_s, min_gap_s=act.min_gap_s
            )
            self.music[track] = []

    @property
    def received_s(self) -> float:
        """Call time both tracks have reached (the engine's clock)."""
        return min(a.end for a in self.audio.values()) / self.sample_rate

    @property
    def decided_s(self) -> float:
        """Call time up to which both tracks' voice activity is final."""
        return min(min(a.decided_s for a in self.activity.values()), self.received_s)

    def on(self, rule: str) -> bool:
        return rule in self.enabled

    def samples(self, track: Track, start_s: float, end_s: float) -> np.ndarray:
        """The track's samples in [start_s, end_s) (zeros where no longer held)."""
        sr = self.sample_rate
        return self.audio[track].read(round(start_s * sr), round(end_s * sr))

    def speech(self, track: Track, since_s: float = 0.0) -> list[Span]:
        """The track's speech stretches ending after ``since_s`` (the open one included)
        up to ``now_s`` (one track may be ahead of the other), hold music cut out."""
        spans = [
            Span(a, min(b, self.now_s))
            for a, b in self.activity[track].spans(since_s)
            if a < self.now_s
        ]
        music = [m for m in self.music[track] if m.end_s > since_s]
        return remove_holds(spans, music) if music else spans

    def add_agent_words(self, words: list[Word]) -> None:
        self.agent_words.extend(words)
        self.agent_words.sort(key=lambda w: w.start_s)
        del self.agent_words[:-KEEP_WORDS]
