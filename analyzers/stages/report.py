"""Report stage: the stages' results put together into the typed report
(findings, metrics and advice are added by ``analyzers.rules`` after)."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.options import CallMetadata
from analyzers.profile import Profile
from analyzers.report import CallContext, Parties, Pickup, Report, Signals, Turn
from analyzers.stages.conversation import Conversation
from analyzers.stages.decode import DecodedCall
from analyzers.stages.loudness import Loudness
from analyzers.stages.nonspeech import NonSpeech
from analyzers.stages.parties import PartyChannels
from analyzers.stages.transcription import Transcript, words_per_turn


@dataclass(frozen=True)
class StageResults:
    """What the stages found, ready to be written into a report."""

    pickup: Pickup
    parties: PartyChannels
    conversation: Conversation
    loudness: Loudness
    transcript: Transcript
    metrics: Parties
    signals: Signals | None
    nonspeech: NonSpeech


def build_report(
    call: DecodedCall, found: StageResults, metadata: CallMetadata | None, profile: Profile
) -> Report:
    recording = call.recording
    return Report(
        duration_s=round(recording.duration_s, 3),
        sample_rate=recording.source_rate,
        channels=recording.n_channels,
        language=found.transcript.language,
        agent_channel=found.parties.agent_channel if recording.n_channels == 2 else None,
        ranges_profile=profile.name,
        engine=found.transcript.engine,
        model=found.transcript.model,
        pickup=found.pickup,
        parties=found.metrics,
        turns=_turns(found.conversation.turns, found.loudness, found.transcript),
        silences=found.conversation.silences,
        interruptions=found.conversation.interruptions,
        holds=found.nonspeech.holds,
        tones=found.nonspeech.tones,
        context=_context(metadata),
        signals=found.signals,
        separation=found.parties.separation,
    )


def _turns(turns: list[Turn], loudness: Loudness, transcript: Transcript) -> list[Turn]:
    """The turns with their level and their words."""
    words = words_per_turn(turns, transcript)
    return [
        turn.model_copy(
            update={
                "level_dbov": level,
                "words": own,
                "text": " ".join(w.word.strip() for w in own) or None,
            }
        )
        for turn, level, own in zip(turns, loudness.turn_dbov, words, strict=True)
    ]


def _context(metadata: CallMetadata | None) -> CallContext:
    if metadata is None:
        return CallContext()
    return CallContext(
        customer_name=metadata.customer_name,
        agent_name=metadata.agent_name,
        company_names=list(metadata.company_names),
    )
