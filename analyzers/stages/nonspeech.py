"""Nonspeech stage: music on hold and tones per channel, taken out of the voice activity.

Hold music and key presses pass the voice-activity detector as speech. Each
channel's own music and tones are cut from that channel's activity (not the
call's holds: the customer may speak while the agent's line plays music), so
they count as neither talk time, pitch, loudness, monologue nor transcript. The
holds are the call's music stretches joined across gaps where nobody speaks;
the conversation stage keeps them out of the silences too.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.call_tones import detect_tones
from analyzers.hold import MusicSegment, detect_music, merge_holds, remove_holds
from analyzers.profile import Profile
from analyzers.report import Hold, Speaker, Tone
from analyzers.spans import Span
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall
from analyzers.stages.parties import PartyChannels


@dataclass(frozen=True)
class NonSpeech:
    holds: list[Hold]  # announced or not is decided when scoring (analyzers.hold_rule)
    tones: list[Tone]
    activity: Activity  # voice activity with each channel's music and tones cut out

    def hold_spans(self) -> list[Span]:
        return [Span(h.start_s, h.end_s) for h in self.holds]


def find_nonspeech(
    call: DecodedCall, activity: Activity, parties: PartyChannels, profile: Profile
) -> NonSpeech:
    rate = call.sample_rate
    music = [
        detect_music(channel, rate, min_duration_s=profile.hold.min_music_s)
        for channel in call.channels
    ]
    heard = [detect_tones(channel, rate) for channel in call.channels]
    speech = [
        remove_holds(
            spans,
            [*_spans(music[ch]), *(Span(t.start_s, t.end_s) for t in heard[ch])],
            min_speech_s=profile.activity.min_speech_s,
        )
        for ch, spans in enumerate(activity.speech)
    ]
    party_of: dict[int, Speaker] = {ch: party for party, ch in parties.channels.items()}
    tones = [
        Tone(kind=t.kind, start_s=t.start_s, end_s=t.end_s, party=party_of.get(ch))
        for ch, events in enumerate(heard)
        for t in events
    ]
    holds = [
        Hold(
            start_s=m.start_s,
            end_s=m.end_s,
            duration_s=round(m.duration_s, 3),
            confidence=m.confidence,
        )
        for m in merge_holds(music, activity.speech)
    ]
    return NonSpeech(
        holds=holds, tones=sorted(tones, key=lambda t: t.start_s), activity=Activity(speech)
    )


def _spans(music: list[MusicSegment]) -> list[Span]:
    return [Span(m.start_s, m.end_s) for m in music]
