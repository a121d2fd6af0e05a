"""Live cues during a call: streamed PCM of two tracks in, cues out (issue 15).

Pure and incremental (no I/O, no threads, bounded memory); the service side streams
frames in and fans the cues out. ``LiveSession`` (session.py) is the engine,
``replay`` (replay.py) streams recorded tracks through it, ``Cue`` (cues.py) is what
comes out. Each detector is its own module and reads the team's profile ranges.
"""

from __future__ import annotations

from analyzers.live.cues import Cue, Track
from analyzers.live.replay import replay
from analyzers.live.session import LIVE_RULES, WORD_RULES, LiveSession, Utterance

__all__ = ["LIVE_RULES", "WORD_RULES", "Cue", "LiveSession", "Track", "Utterance", "replay"]
