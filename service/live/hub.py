"""Fan-out of live events (a call started, a cue, a call ended) to the screens that
subscribe: an agent's screen sees its own calls, a coach's page the whole team's.

``InProcessHub`` serves the embedded default (one API process). ``RedisHub``
(service/live/redis_hub.py) publishes through Redis pub/sub so that every API process
behind a load balancer sees every call's cues; both deliver to their local subscribers
through the same ``LocalFanout``. A slow subscriber loses its oldest events (its queue
is bounded); publishers never wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

SNAPSHOT_CUES = 50  # cues of a running call a newly opened screen gets
SUBSCRIBER_QUEUE = 256


class LiveCallInfo(BaseModel):
    """A running live call as the screens list it."""

    call_id: uuid.UUID
    team_id: int
    agent_id: str | None
    external_id: str | None
    source: str
    started_at: datetime
    cues: list[dict[str, Any]] = Field(default_factory=list, description="the latest cues")


class LiveEvent(BaseModel):
    type: Literal["call_started", "cue", "call_ended"]
    call: LiveCallInfo
    cue: dict[str, Any] | None = None
    stored_call_id: uuid.UUID | None = None  # call_ended: the stored call, when kept

    def message(self) -> dict[str, Any]:
        """What a subscriber's socket receives."""
        body: dict[str, Any] = {
            "type": self.type,
            "call_id": str(self.call.call_id),
            "agent_id": self.call.agent_id,
        }
        if self.type == "call_started":
            body["call"] = self.call.model_dump(mode="json", exclude={"team_id"})
        if self.cue is not None:
            body["cue"] = self.cue
        if self.type == "call_ended":
            body["stored"] = self.stored_call_id is not None
        return body


class Subscription:
    """One screen's bounded queue of events (its team, and its agent when set)."""

    def __init__(self, team_id: int, agent_id: str | None) -> None:
        self.team_id, self.agent_id = team_id, agent_id
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(SUBSCRIBER_QUEUE)
        self.dropped = 0

    def wants(self, event: LiveEvent) -> bool:
        return event.call.team_id == self.team_id and (
            self.agent_id is None or event.call.agent_id == self.agent_id
        )

    def offer(self, event: LiveEvent) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # the oldest goes: a screen wants what is current
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> LiveEvent:
        return await self.queue.get()


class LocalFanout:
    """This process's subscribers, by team."""

    def __init__(self) -> None:
        self._by_team: dict[int, set[Subscription]] = {}

    def dispatch(self, event: LiveEvent) -> None:
        for subscription in self._by_team.get(event.call.team_id, ()):
            if subscription.wants(event):
                subscription.offer(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, team_id: int, agent_id: str | None) -> AsyncIterator[Subscription]:
        subscription = Subscription(team_id, agent_id)
        self._by_team.setdefault(team_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._by_team.get(team_id, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._by_team.pop(team_id, None)


class LiveHub(Protocol):
    async def start(self) -> None:
        """Ready to publish and deliver (idempotent)."""
        ...

    async def publish(self, event: LiveEvent) -> None: ...

    async def touch(self, call: LiveCallInfo) -> None:
        """The call is still running (keeps it listed where entries expire)."""
        ...

    def subscribe(
        self, team_id: int, agent_id: str | None
    ) -> contextlib.AbstractAsyncContextManager[Subscription]: ...

    async def running(self, team_id: int, agent_id: str | None) -> list[LiveCallInfo]: ...

    async def close(self) -> None: ...


def visible(call: LiveCallInfo, team_id: int, agent_id: str | None) -> bool:
    return call.team_id == team_id and (agent_id is None or call.agent_id == agent_id)


class InProcessHub:
    """Events and the list of running calls in this process only."""

    def __init__(self) -> None:
        self._fanout = LocalFanout()
        self._calls: dict[uuid.UUID, LiveCallInfo] = {}

    async def start(self) -> None:
        return None

    async def publish(self, event: LiveEvent) -> None:
        if event.type == "call_ended":
            self._calls.pop(event.call.call_id, None)
        else:
            self._calls[event.call.call_id] = event.call
        self._fanout.dispatch(event)

    async def touch(self, call: LiveCallInfo) -> None:
        if call.call_id in self._calls:
            self._calls[call.call_id] = call

    def subscribe(
        self, team_id: int, agent_id: str | None
    ) -> contextlib.AbstractAsyncContextManager[Subscription]:
        return self._fanout.subscribe(team_id, agent_id)

    async def running(self, team_id: int, agent_id: str | None) -> list[LiveCallInfo]:
        calls = [c for c in self._calls.values() if visible(c, team_id, agent_id)]
        return sorted(calls, key=lambda c: c.started_at)

    async def close(self) -> None:
        self._calls.clear()
