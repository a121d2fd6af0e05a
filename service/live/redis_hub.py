"""Live events through Redis pub/sub: every API process sees every call's cues.

A call's process publishes each event on ``<prefix>:team:<team id>`` and keeps the
call's listing under ``<prefix>:call:<team id>:<call id>`` (prefix ``callcoach:live``),
expiring, so that a process that dies does not leave its calls listed. Each process
runs one pattern subscription and hands what arrives to its local subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from service.live.hub import LiveCallInfo, LiveEvent, LocalFanout, Subscription, visible

log = logging.getLogger(__name__)

LISTING_TTL_S = 60  # a running call refreshes its listing at least this often (touch)


class RedisHub:
    def __init__(self, redis_url: str, prefix: str = "callcoach:live") -> None:
        import redis.asyncio as aioredis

        self._prefix = prefix
        self._redis: Any = aioredis.Redis.from_url(redis_url)
        self._fanout = LocalFanout()
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def _channel(self, team_id: int) -> str:
        return f"{self._prefix}:team:{team_id}"

    def _listing(self, call: LiveCallInfo) -> str:
        return f"{self._prefix}:call:{call.team_id}:{call.call_id}"

    async def start(self) -> None:
        """Subscribe before the first call: events published from then on arrive. Redis
        down: streams still run (cues on their own socket, recordings stored) and the
        subscription keeps retrying."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="live-redis-listener")
        try:
            await asyncio.wait_for(self._subscribed.wait(), timeout=5)
        except TimeoutError:
            log.warning("live events: Redis is not answering; screens get no cues for now")

    async def _listen(self) -> None:
        backoff = 0.2
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(f"{self._prefix}:team:*")
                self._subscribed.set()
                backoff = 0.2
                async for message in pubsub.listen():
                    if message.get("type") == "pmessage":
                        self._deliver(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarted or unreachable: subscribe again
                log.warning("live events: Redis subscription lost (%s); retrying", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _deliver(self, data: bytes) -> None:
        try:
            event = LiveEvent.model_validate_json(data)
        except ValueError:
            log.warning("live events: ignored a malformed message")
            return
        self._fanout.dispatch(event)

    async def publish(self, event: LiveEvent) -> None:
        payload = event.model_dump_json()
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                if event.type == "call_ended":
                    pipe.delete(self._listing(event.call))
                else:
                    listing = event.call.model_dump_json()
                    pipe.set(self._listing(event.call), listing, ex=LISTING_TTL_S)
                pipe.publish(self._channel(event.call.team_id), payload)
                await pipe.execute()
        except Exception as exc:  # the stream goes on without its screens
            log.warning("live events: could not publish to Redis (%s)", exc)

    async def touch(self, call: LiveCallInfo) -> None:
        try:
            await self._redis.set(self._listing(call), call.model_dump_json(), ex=LISTING_TTL_S)
        except Exception as exc:
            log.warning("live events: could not refresh a listing in Redis (%s)", exc)

    def subscribe(
        self, team_id: int, agent_id: str | None
    ) -> contextlib.AbstractAsyncContextManager[Subscription]:
        return self._fanout.subscribe(team_id, agent_id)

    async def running(self, team_id: int, agent_id: str | None) -> list[LiveCallInfo]:
        pattern = f"{self._prefix}:call:{team_id}:*"
        try:
            keys = [k async for k in self._redis.scan_iter(match=pattern)]
            values = await self._redis.mget(keys) if keys else []
        except Exception as exc:
            log.warning("live events: could not list the running calls (%s)", exc)
            return []
        calls = [LiveCallInfo.model_validate_json(v) for v in values if v is not None]
        return sorted(
            (c for c in calls if visible(c, team_id, agent_id)), key=lambda c: c.started_at
        )

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        await self._redis.aclose()
