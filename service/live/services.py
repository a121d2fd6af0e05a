"""The live path's per-process parts: the fan-out hub, the transcriber, the engine
pool and the count of running streams. Made on the first live socket (so an API
that never streams loads nothing), closed with the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from service.config import Settings
from service.live.hub import InProcessHub, LiveHub
from service.live.transcriber import LiveTranscriber

T = TypeVar("T")


def uses_redis(settings: Settings) -> bool:
    if settings.live_fanout == "auto":
        return settings.queue_backend == "celery"
    return settings.live_fanout == "redis"


class LiveServices:
    def __init__(self, settings: Settings, hub: LiveHub) -> None:
        self.settings = settings
        self.hub = hub
        self.transcriber = LiveTranscriber(settings)
        self._engine_pool = ThreadPoolExecutor(
            max_workers=settings.live_engine_threads, thread_name_prefix="live-engine"
        )
        self.running = 0  # streams in this process (event loop only)

    async def run_engine(self, fn: Callable[..., T], *args: Any) -> T:
        """Engine work off the event loop (a batch of frames of one call)."""
        return await asyncio.get_running_loop().run_in_executor(self._engine_pool, fn, *args)

    async def close(self) -> None:
        await self.hub.close()

        def stop_pools() -> None:  # running work finishes: a model is not killed mid-call
            self.transcriber.close()
            self._engine_pool.shutdown(wait=True, cancel_futures=True)

        await asyncio.to_thread(stop_pools)


class HasLive(Protocol):
    """The part of service.api.state.ServiceState the live services live in."""

    settings: Settings
    live: LiveServices | None


async def live_services(state: HasLive) -> LiveServices:
    """The process's live services, made on first use (no await before they are set,
    so two first sockets share one)."""
    if state.live is None:
        hub: LiveHub
        if uses_redis(state.settings):
            from service.live.redis_hub import RedisHub

            hub = RedisHub(state.settings.redis_url, state.settings.live_redis_prefix)
        else:
            hub = InProcessHub()
        state.live = LiveServices(state.settings, hub)
    await state.live.hub.start()
    return state.live


async def ingest_services(state: HasLive) -> LiveServices:
    """The live services for a stream of audio: the transcriber too (its threads start,
    and the model loads, with the process's first stream)."""
    services = await live_services(state)
    services.transcriber.start(_warm_language(state.settings))
    return services


def _warm_language(settings: Settings) -> str:
    return "en" if settings.default_language == "auto" else settings.default_language


async def close_live_services(state: HasLive) -> None:
    if state.live is not None:
        await state.live.close()
        state.live = None
