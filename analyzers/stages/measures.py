"""Measures stage: each party's metrics, one helper per family (talk, speech
rate, pitch, loudness).

Only a call whose parties are on their own channels has per-party metrics: a
mono call's one channel mixes both, so its ``Parties`` stays empty.
"""

from __future__ import annotations

from typing import TypedDict

from analyzers import pitch as pitch_family
from analyzers import speech_rate
from analyzers import turns as turn_taking
from analyzers.profile import Profile
from analyzers.report import Parties, Party, PartyMetrics, Turn, WindowValue, Word
from analyzers.separation_notes import inside
from analyzers.spans import Span, subtract_spans
from analyzers.stages.activity import Activity
from analyzers.stages.conversation import Conversation
from analyzers.stages.loudness import Loudness
from analyzers.stages.parties import PartyChannels
from analyzers.stages.pitch import PitchTracks
from analyzers.stages.transcription import Transcript


class _TalkFields(TypedDict):
    talk_time_s: float
    longest_monologue_s: float
    longest_monologue_start_s: float
    talk_share: float | None


class _RateFields(TypedDict):
    words: int | None
    wpm: float | None
    wpm_windows: list[WindowValue]


class _PitchFields(TypedDict):
    pitch_median_hz: float | None
    pitch_sd_semitones: float | None
    pitch_sd_windows: list[WindowValue]


def measure_parties(
    activity: Activity,
    parties: PartyChannels,
    conversation: Conversation,
    tracks: PitchTracks,
    loudness: Loudness,
    transcript: Transcript,
    profile: Profile,
) -> Parties:
    if not parties.separated:
        return Parties()
    speech = {party: activity.speech[ch] for party, ch in parties.channels.items()}
    # A diarized call's overlap is both voices in one signal: the words heard there
    # in one voice's view are partly the other's (and its own partly lost).
    overlap = parties.separation.overlap if parties.separation else []
    out = Parties()
    pairs: tuple[tuple[Party, Party], ...] = (("agent", "customer"), ("customer", "agent"))
    for party, other in pairs:
        metrics = PartyMetrics(
            **_talk(party, speech[party], speech[other]),
            **_rate(party, conversation.turns, transcript, profile, overlap),
            **_pitch(tracks[party], profile),
            level_dbov=round_or_none(loudness.party_dbov[party]),
        )
        setattr(out, party, metrics)
    return out


def _talk(party: Party, mine: list[Span], other: list[Span]) -> _TalkFields:
    agent, customer = (mine, other) if party == "agent" else (other, mine)
    share = turn_taking.talk_share(agent, customer)
    monologue = turn_taking.longest_monologue(mine, other)
    return _TalkFields(
        talk_time_s=round(turn_taking.talk_time(mine), 3),
        longest_monologue_s=round(monologue.duration_s, 3),
        longest_monologue_start_s=round(monologue.start_s, 3),
        talk_share=None if share is None else round(share if party == "agent" else 1 - share, 4),
    )


def _rate(
    party: Party,
    turns: list[Turn],
    transcript: Transcript,
    profile: Profile,
    overlap: list[Span],
) -> _RateFields:
    """Words, and words per minute of the party's turns (outside ``overlap`` when given)."""
    words: list[Word] | None = None if transcript.words is None else transcript.words.get(party)
    if words is None:
        return _RateFields(words=None, wpm=None, wpm_windows=[])
    # Speaking time for the rate: the party's turns, so the short pauses between
    # phrases of one sentence count as speaking, as listeners hear it.
    spans = [Span(t.start_s, t.end_s) for t in turns if t.party == party]
    rated = words
    if overlap:  # the rate of the speech clear of overlap, words and time alike
        spans = subtract_spans(spans, overlap)
        rated = [w for w in words if not inside((w.start_s + w.end_s) / 2, overlap)]
    windows = speech_rate.windowed_wpm(rated, spans, window_s=profile.speech_rate.window_s)
    return _RateFields(
        words=speech_rate.count_words(words),
        wpm=round_or_none(speech_rate.words_per_minute(rated, spans)),
        wpm_windows=_windows(windows),
    )


def _pitch(track: pitch_family.PitchTrack, profile: Profile) -> _PitchFields:
    windows = pitch_family.windowed_spread(track, window_s=profile.pitch_monotony.window_s)
    return _PitchFields(
        pitch_median_hz=round_or_none(pitch_family.pitch_median_hz(track.f0_hz)),
        pitch_sd_semitones=round_or_none(pitch_family.semitone_spread(track.f0_hz)),
        pitch_sd_windows=_windows(windows),
    )


def _windows(values: list[tuple[float, float, float | None]]) -> list[WindowValue]:
    return [
        WindowValue(start_s=a, end_s=b, value=None if v is None else round(v, 3))
        for a, b, v in values
    ]


def round_or_none(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)
