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
from analyzers.report import AgentBasis, Separation, Speaker
from analyzers.spans import Span, subtract_spans
from analyzers.speaker_embedding import match_enrolled, voice_embedding
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
            separation=self.separation.model_copy(
                update={"agent": why, "agent_basis": "company_name"}
            ),
            agent_guessed=False,
        )

    def confirmed(self, why: str) -> PartyChannels:
        """The same channels, the guess confirmed by the words (``why`` added)."""
        assert self.separated and self.separation is not None
        agent = f"{self.separation.agent}, and {why}"
        update = {"agent": agent, "agent_basis": "company_name"}
        separation = self.separation.model_copy(update=update)
        return replace(self, separation=separation, agent_guessed=False)

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
        agent, basis, why = _auto_channel(call, activity, options.agent_voice)
    else:
        agent, basis = options.agent_channel, "option"
        why = f"channel {agent} (the agent_channel option)"
    separation = Separation(method="channels", confidence=1.0, agent=why, agent_basis=basis)
    return PartyChannels(
        {"agent": agent, "customer": 1 - agent},
        call,
        activity,
        separation,
        agent_guessed=basis == "first_voice",
    )


def _auto_channel(
    call: DecodedCall, activity: Activity, enrolled: list[float] | None
) -> tuple[int, AgentBasis, str]:
    """The agent's channel by the enrolled voice when it is clearly one of them, else
    the channel heard first after the answer (the agent answers the call)."""
    if enrolled is not None:
        voices = [
            voice_embedding(call.samples[ch], call.sample_rate, activity.speech[ch])
            for ch in range(2)
        ]
        match = match_enrolled(np.asarray(enrolled), voices)
        if match is not None:
            return match[0], "enrolled_voice", f"channel {match[0]}: by enrolled voice ({match[1]})"
    agent = first_voice(activity.speech)
    return agent, "first_voice", f"channel {agent}: heard first after the answer"


def first_voice(speech: list[list[Span]]) -> int:
    """The channel whose speech starts first (0 when neither speaks)."""
    starts = [spans[0].start_s if spans else float("inf") for spans in speech]
    return int(np.argmin(starts))


def _agent_voice(found: Diarization, options: AnalysisOptions) -> tuple[int, AgentBasis, str]:
    """Which of the two voices (0 = heard first) is the agent, how decided, and why."""
    if options.agent_speaker != "auto":
        index = 0 if options.agent_speaker == "first" else 1
        why = f"the voice heard {options.agent_speaker} (the agent_speaker option)"
        return index, "option", why
    if options.agent_voice is not None and found.voices is not None:
        match = match_enrolled(np.asarray(options.agent_voice), found.voices)
        if match is not None:
            why = f"the voice heard {('first', 'second')[match[0]]}: by enrolled voice ({match[1]})"
            return match[0], "enrolled_voice", why
    return 0, "first_voice", "the voice heard first after the answer"


def _diarized_view(
    call: DecodedCall, found: Diarization, options: AnalysisOptions
) -> PartyChannels:
    """Channel 0 the agent's voice, channel 1 the customer's."""
    index, basis, why = _agent_voice(found, options)
    agent, customer = found.speakers if index == 0 else found.speakers[::-1]
    view = call.with_channels(
        _masked(call.channels[0], call.sample_rate, voice) for voice in (agent, customer)
    )
    separation = Separation(
        method="diarized",
        confidence=found.confidence,
        doubts=list(found.doubts),
        agent=why,
        agent_basis=basis,
        unsure=found.unsure,
        overlap=found.overlap,
    )
    return PartyChannels(
        {"agent": 0, "customer": 1},
        view,
        Activity(speech=[agent, customer]),
        separation,
        agent_guessed=basis == "first_voice",
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


# Less of the agent's speech than this says too little of the voice to enrol.
_MIN_VOICE_S = 5.0


def agent_voice_print(
    call: DecodedCall, activity: Activity, parties: PartyChannels
) -> list[float] | None:
    """The agent's voice embedding on a stereo call (None on a mono call or with too
    little of the agent's speech): what the service enrols the agent's voice from."""
    separation, channel = parties.separation, parties.agent_channel
    if separation is None or separation.method != "channels" or channel is None:
        return None
    speech = parties.own_speech(activity, channel)
    if sum(s.duration_s for s in speech) < _MIN_VOICE_S:
        return None
    embedding = voice_embedding(call.channels[channel], call.sample_rate, speech)
    return [round(float(v), 5) for v in embedding]
