"""Loudness stage: each party's active speech level and each turn's level."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzers.loudness import active_speech_level_dbov, turn_levels
from analyzers.report import Speaker, Turn
from analyzers.spans import Span
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall
from analyzers.stages.parties import PartyChannels


@dataclass(frozen=True)
class Loudness:
    party_dbov: dict[Speaker, float | None]
    turn_dbov: list[float | None]  # per turn, in the turns' order, rounded to 0.01 dB


def measure_loudness(
    call: DecodedCall, activity: Activity, parties: PartyChannels, turns: list[Turn]
) -> Loudness:
    per_turn: list[float | None] = [None] * len(turns)
    party_dbov: dict[Speaker, float | None] = {}
    for party, ch in parties.channels.items():
        x = call.channels[ch]
        own = [i for i, t in enumerate(turns) if t.party == party]
        levels = turn_levels(
            x, call.sample_rate, [Span(turns[i].start_s, turns[i].end_s) for i in own]
        )
        for i, level in zip(own, levels, strict=True):
            per_turn[i] = None if level is None else round(float(level), 2)
        speech = _span_pieces(x, call.sample_rate, activity.speech[ch])
        party_dbov[party] = active_speech_level_dbov(speech, call.sample_rate)
    return Loudness(party_dbov=party_dbov, turn_dbov=per_turn)


def _span_pieces(x: np.ndarray, sample_rate: int, spans: list[Span]) -> list[np.ndarray]:
    """The samples of each span (views: the level joins them without copying)."""
    return [x[int(a * sample_rate) : int(b * sample_rate)] for a, b in spans]
