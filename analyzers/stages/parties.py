"""Parties stage: which channel carries the agent and which the customer.

A stereo call has one party per channel (``options.agent_channel`` says which
is the agent). A mono call's one channel holds both, and they cannot be told
apart: its one party is ``UNKNOWN`` everywhere (turns, signals).
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.options import AnalysisOptions
from analyzers.report import Speaker
from analyzers.stages.decode import DecodedCall

UNKNOWN: Speaker = "unknown"


@dataclass(frozen=True)
class PartyChannels:
    """Channel index of each party: agent and customer, or the one unknown party."""

    channels: dict[Speaker, int]

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


def assign_parties(call: DecodedCall, options: AnalysisOptions) -> PartyChannels:
    if call.n_channels == 2:
        agent = options.agent_channel
        return PartyChannels(channels={"agent": agent, "customer": 1 - agent})
    return PartyChannels(channels={UNKNOWN: 0})
