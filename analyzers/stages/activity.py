"""Activity stage: who speaks when, per channel, the ringback left out."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.activity import detect_activity
from analyzers.profile import Profile
from analyzers.report import Pickup
from analyzers.spans import Span
from analyzers.stages.decode import DecodedCall
from analyzers.stages.pickup import heard_answer_s


@dataclass(frozen=True)
class Activity:
    """Voice-active spans per channel index, time-ordered."""

    speech: list[list[Span]]

    def any_speech(self) -> bool:
        return any(self.speech)


def find_activity(call: DecodedCall, pickup: Pickup, profile: Profile) -> Activity:
    """Voice activity of every channel; before a heard answer there is only ringback."""
    answered_at = heard_answer_s(pickup)
    speech = detect_activity(
        call.channels,
        call.sample_rate,
        min_speech_s=profile.activity.min_speech_s,
        min_gap_s=profile.activity.min_gap_s,
        exclude=[Span(0.0, answered_at)] if answered_at else None,
    )
    return Activity(speech=speech)
