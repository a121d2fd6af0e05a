"""Transcription stage: Whisper's words per party, and the words of each turn.

Skipped (``Transcript.words is None``) with ``engine="none"`` or when nobody
speaks; the language is then the one asked for, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.options import AnalysisOptions, CallMetadata
from analyzers.report import Pickup, Speaker, Turn, Word
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall
from analyzers.stages.parties import UNKNOWN, PartyChannels
from analyzers.stages.pickup import likely_countries
from analyzers.transcribe import transcribe_call
from analyzers.transcribe.channel import ChunkProgress

# A word belongs to a turn when its midpoint is within this of the turn's bounds
# (Whisper's word times are loose).
_TURN_SLACK_S = 0.5


@dataclass(frozen=True)
class Transcript:
    language: str | None
    engine: str | None = None
    model: str | None = None
    words: dict[Speaker, list[Word]] | None = None  # None: not transcribed


def transcribe(
    call: DecodedCall,
    activity: Activity,
    parties: PartyChannels,
    pickup: Pickup,
    options: AnalysisOptions,
    metadata: CallMetadata | None,
    on_progress: ChunkProgress | None = None,
) -> Transcript:
    if options.engine == "none" or not activity.any_speech():
        return Transcript(language=None if options.language == "auto" else options.language)
    # The agent's channel as the parties stage found it (a sample of it picks the language).
    agent = parties.agent_channel if parties.agent_channel is not None else 0
    result = transcribe_call(
        call.channels,
        call.sample_rate,
        activity.speech,
        options.model_copy(update={"agent_channel": agent}),
        vocabulary=_vocabulary(metadata),
        countries=likely_countries(options, pickup),
        on_progress=on_progress,
    )
    words: dict[Speaker, list[Word]] = {
        party: result.words.get(ch, []) for party, ch in parties.channels.items()
    }
    return Transcript(result.language, result.engine, result.model, words)


def _vocabulary(metadata: CallMetadata | None) -> list[str]:
    """Names Whisper should spell as the metadata does."""
    if metadata is None:
        return []
    return [*metadata.company_names, metadata.agent_name or "", metadata.customer_name or ""]


def words_per_turn(turns: list[Turn], transcript: Transcript) -> list[list[Word]]:
    """Each turn's words: its party's words whose midpoint falls in the turn."""
    out: list[list[Word]] = [[] for _ in turns]
    for party, words in (transcript.words or {}).items():
        own = [i for i, t in enumerate(turns) if t.party == party or party == UNKNOWN]
        for i, turn_words in zip(own, _assign(turns, own, words), strict=True):
            out[i] = turn_words
    return out


def _assign(turns: list[Turn], own: list[int], words: list[Word]) -> list[list[Word]]:
    out = []
    i = 0
    for k in own:
        turn = turns[k]
        while i < len(words) and _mid(words[i]) < turn.start_s - _TURN_SLACK_S:
            i += 1
        j = i
        while j < len(words) and _mid(words[j]) <= turn.end_s + _TURN_SLACK_S:
            j += 1
        out.append(words[i:j])
        i = j
    return out


def _mid(word: Word) -> float:
    return (word.start_s + word.end_s) / 2
