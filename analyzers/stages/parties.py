"""Parties stage: which channel carries the agent and which the customer.

A stereo call has one party per channel (``options.agent_channel`` says which
is the agent). A mono call's one channel holds both: the diarizer splits its
speech between two voices, and the stage hands the later stages a two-channel
view of the call (the mono samples masked to each voice's speech, overlap in
both) with that voice's activity, so every later stage measures a diarized
call exactly as a stereo one. The agent is the voice heard first after the
answer (the agent answers the call), unless ``options.agent_speaker`` says.
A mono call with too little speech to split keeps one ``UNKNOWN`` party.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from analyzers.diarize import Diarization, diarize_two
from analyzers.options import AnalysisOptions
from analyzers.report import Separation, Speaker
from analyzers.spans import Span, subtract_spans
from analyzers.stages.activity import Activity
from analyzers.stages.decode import DecodedCall

UNKNOWN: Speaker = "unknown"
_MASK_BLOCK = 1 << 20  # samples of a diarized view made at a time


@dataclass(frozen=True)
class PartyChannels:
    """Channel index of each party in ``call``: agent and customer, or the one unknown party.

    ``call`` and ``activity`` are what the later stages measure: the decoded
    call itself, or for a diarized mono call its per-voice view.
    """

    channels: dict[Speaker, int]
    call: DecodedCall
    activity: Activity
    separation: Separation | None = None
    agent_guessed: bool = False  # decided from the call: the transcript may overrule it

    def swapped(self, why: str) -> PartyChannels:
        """The same channels with agent and customer exchanged, ``why`` recorded."""
        assert self.separated and self.separation is not None
        return replace(
            self,
            channels={"agent": self.channels["customer"], "customer": self.channels["agent"]},
            separation=self.separation.model_copy(update={"agent": why}),
        )

    def own_speech(self, activity: Activity, channel: int) -> list[Span]:
        """The channel's speech in ``activity`` (the call's, after music and tones were
        taken out) where no other voice is mixed in (for pitch)."""
        speech = activity.speech[channel]
        if self.separation is None or not self.separation.overlap:
            return speech
        return subtract_spans(speech, self.separation.overlap)

    @property
    def separated(self) -> bool:
        """True when agent and customer are on their own channels."""
        return UNKNOWN not in self.channels

    @property
    def agent_channel(self) -> int | None:
        return self.channels.get("agent")

    @property
    def customer_channel(self) -> int | None:
        return self.channels.get("customer")


def assign_parties(
    call: DecodedCall, activity: Activity, options: AnalysisOptions
) -> PartyChannels:
    if call.n_channels == 2:
        return _stereo(call, activity, options)
    found = diarize_two(call.channels[0], call.sample_rate, activity.speech[0])
    if not found.speakers[1]:
        return PartyChannels({UNKNOWN: 0}, call, activity)
    return _diarized_view(call, found, options)


def _stereo(call: DecodedCall, activity: Activity, options: AnalysisOptions) -> PartyChannels:
    if options.agent_channel == "auto":
        agent = first_voice(activity.speech)
        why = f"channel {agent}: heard first after the answer"
    else:
        agent = options.agent_channel
        why = f"channel {agent} (the agent_channel option)"
    separation = Separation(method="channels", confidence=1.0, agent=why)
    return PartyChannels(
        {"agent": agent, "customer": 1 - agent},
        call,
        activity,
        separation,
        agent_guessed=options.agent_channel == "auto",
    )


def first_voice(speech: list[list[Span]]) -> int:
    """The channel whose speech starts first (0 when neither speaks)."""
    starts = [spans[0].start_s if spans else float("inf") for spans in speech]
    return int(np.argmin(starts))


def _diarized_view(
    call: DecodedCall, found: Diarization, options: AnalysisOptions
) -> PartyChannels:
    """Channel 0 the agent's voice, channel 1 the customer's."""
    first_is_agent = options.agent_speaker != "second"
    agent, customer = found.speakers if first_is_agent else found.speakers[::-1]
    why = {
        "auto": "the voice heard first after the answer",
        "first": "the voice heard first (the agent_speaker option)",
        "second": "the voice heard second (the agent_speaker option)",
    }[options.agent_speaker]
    view = call.with_channels(
        _masked(call.channels[0], call.sample_rate, voice) for voice in (agent, customer)
    )
    separation = Separation(
        method="diarized",
        confidence=found.confidence,
        agent=why,
        unsure=found.unsure,
        overlap=found.overlap,
    )
    return PartyChannels(
        {"agent": 0, "customer": 1},
        view,
        Activity(speech=[agent, customer]),
        separation,
        agent_guessed=options.agent_speaker == "auto",
    )


def _masked(x: np.ndarray, sample_rate: int, spans: list[Span]) -> Iterator[np.ndarray]:
    """``x`` inside ``spans``, silence elsewhere, made a block at a time (a whole channel
    of a 4-hour call would be 0.46 GB)."""
    stretches = [(int(a * sample_rate), int(np.ceil(b * sample_rate))) for a, b in spans]
    for lo in range(0, len(x), _MASK_BLOCK):
        hi = min(len(x), lo + _MASK_BLOCK)
        out = np.zeros(hi - lo, dtype=x.dtype)
        for i, j in stretches:
            i, j = max(i, lo), min(j, hi)
            if j > i:
                out[i - lo : j - lo] = x[i:j]
        yield out
