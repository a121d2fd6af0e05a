"""One live call: audio in, the cue engine run off the event loop, cues out.

The socket handler hands each frame to ``LiveCall.feed``: the bytes go to the
recording, the decoded samples to a queue that one task per call drains, feeding the
engine (``analyzers.live.LiveSession``) in the engine pool: a call's session is only
ever touched by that task, one batch at a time. Utterances that end go to the
transcriber; their words come back through the same queue. Cues are sent on the
ingest socket (when asked for) and published on the hub for the screens.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from analyzers.options import AnalysisOptions, CallMetadata
from service.live.codec import Encoding, decode
from service.live.hub import SNAPSHOT_CUES, LiveCallInfo, LiveEvent
from service.live.protocol import CLOSE_TOO_LARGE, LiveError, bad_message
from service.live.recording import RecordingWriter, TracksOutOfStepError
from service.live.services import LiveServices

log = logging.getLogger(__name__)

CueSink = Callable[[dict[str, Any]], Awaitable[None]]
ENGINE_STEP_S = 0.05  # longest piece of a track fed to the engine at once
TOUCH_EVERY_S = 15.0


@dataclass(frozen=True)
class LiveCallSpec:
    """Who and what: decided from the start message and the key (or Twilio account)."""

    call_id: uuid.UUID
    team_id: int
    team: str
    source: str  # live | live-twilio
    source_account: str  # the key id or the Twilio AccountSid
    agent_id: str | None
    external_id: str | None
    rate: int
    encoding: Encoding
    language: str  # the engine's (a fixed language: live cannot wait to detect one)
    started_at: datetime
    options: AnalysisOptions  # for the stored call's analysis (agent_channel: the recording's)
    metadata: CallMetadata
    cues_on_socket: bool = True
    company_names: list[str] = field(default_factory=list)  # the call's, else the team's


@dataclass
class _Words:
    utterance: Any
    words: list[Any]


@dataclass
class _Drained:
    """Set once the engine has taken every frame queued before it."""

    event: asyncio.Event


class LiveCall:
    def __init__(
        self,
        spec: LiveCallSpec,
        services: LiveServices,
        session: Any,  # analyzers.live.LiveSession
        recording: RecordingWriter,
        send_cue: CueSink | None,
    ) -> None:
        self.spec, self.services, self.session, self.recording = spec, services, session, recording
        self._send_cue = send_cue
        self._inbox: asyncio.Queue[tuple[str, np.ndarray] | _Words | _Drained | None] = (
            asyncio.Queue()
        )
        self.cues: list[dict[str, Any]] = []
        self._transcriptions: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._last_touch = time.monotonic()
        self.engine_seconds = 0.0  # CPU of this call's engine batches (bench)

    @property
    def vocabulary(self) -> list[str]:
        return [n for n in [self.spec.metadata.agent_name, *self.spec.company_names] if n]

    def info(self) -> LiveCallInfo:
        s = self.spec
        return LiveCallInfo(
            call_id=s.call_id,
            team_id=s.team_id,
            agent_id=s.agent_id,
            external_id=s.external_id,
            source=s.source,
            started_at=s.started_at,
            cues=self.cues[-SNAPSHOT_CUES:],
        )

    async def start(self) -> None:
        await self.services.hub.publish(LiveEvent(type="call_started", call=self.info()))
        self._runner = asyncio.create_task(self._run(), name=f"live-{self.spec.call_id}")

    async def feed(self, track: str, payload: bytes) -> None:
        """One frame of a track; LiveError for audio that cannot be taken."""
        try:
            samples = decode(payload, self.spec.encoding)
            self.recording.write(track, payload)
        except ValueError as exc:
            raise bad_message(str(exc), "bad_frame") from None
        except TracksOutOfStepError as exc:
            raise bad_message(str(exc), "tracks_out_of_step") from None
        await self._inbox.put((track, samples))
        limit = self.services.settings.live_max_duration_s
        if self.recording.duration_s > limit:
            raise LiveError(CLOSE_TOO_LARGE, "too_long", f"a live stream lasts at most {limit:g} s")
        if time.monotonic() - self._last_touch > TOUCH_EVERY_S:
            self._last_touch = time.monotonic()
            await self.services.hub.touch(self.info())

    async def _run(self) -> None:
        while True:
            items = [await self._inbox.get()]
            while not self._inbox.empty():
                items.append(self._inbox.get_nowait())
            # Words handed back while the engine ran may follow the end-of-stream mark.
            stop = any(item is None for item in items)
            audio = [i for i in items if isinstance(i, tuple)]
            words = [i for i in items if isinstance(i, _Words)]
            if audio or words:
                cues, pending = await self.services.run_engine(self._step, audio, words)
                await self._emit(cues)
                for utterance, samples in pending:
                    if not stop:  # the stream is over: no more words are waited for
                        self._transcribe(utterance, samples)
            for item in items:
                if isinstance(item, _Drained):
                    item.event.set()
            if stop:
                return

    def _step(
        self, audio: list[tuple[str, np.ndarray]], words: list[_Words]
    ) -> tuple[list[Any], list[tuple[Any, np.ndarray]]]:
        """In the engine pool: feed a batch, hand words back, collect utterances."""
        started = time.thread_time()
        cues: list[Any] = []
        for item in words:
            cues += self.session.add_words(item.utterance, item.words)
        for track, samples in _steps(audio, round(ENGINE_STEP_S * self.spec.rate)):
            cues += self.session.feed(track, samples)
        pending = [
            (u, self.session.samples(u.track, u.start_s, u.end_s))
            for u in self.session.pending_utterances()
        ]
        self.engine_seconds += time.thread_time() - started
        return cues, pending

    def _transcribe(self, utterance: Any, samples: np.ndarray) -> None:
        if not self.services.transcriber.enabled:  # no words will come: nothing to wait for
            self._inbox.put_nowait(_Words(utterance, []))
            return

        async def run() -> None:
            try:
                words = await self.services.transcriber.words(
                    samples, self.spec.rate, utterance.start_s, self.spec.language, self.vocabulary
                )
            except Exception:
                log.exception("live call %s: transcription failed", self.spec.call_id)
                return
            await self._inbox.put(_Words(utterance, words))

        task = asyncio.create_task(run())
        self._transcriptions.add(task)
        task.add_done_callback(self._transcriptions.discard)

    async def _emit(self, cues: list[Any]) -> None:
        for cue in cues:
            body = cue.model_dump(mode="json")
            body.update(seq=len(self.cues), shown_s=round(self.session.duration_s, 3))
            self.cues.append(body)
            if self._send_cue is not None:
                await self._send_cue(body)
            await self.services.hub.publish(LiveEvent(type="cue", call=self.info(), cue=body))

    async def finish(self) -> None:
        """End of stream: the engine takes the audio still queued (a client that streamed
        faster than real time, or a busy server, leaves it behind: the utterances that
        end in it go to the transcriber), the utterances being transcribed get a few
        seconds, then the engine drains and clears what is raised."""
        await self._drain()
        if self._transcriptions:
            wait_s = self.services.settings.live_finish_wait_s
            await asyncio.wait(set(self._transcriptions), timeout=wait_s)
        for task in list(self._transcriptions):
            task.cancel()
        await self._inbox.put(None)
        if self._runner is not None:
            try:
                await self._runner
            except Exception:  # the engine failed: the recording is still stored
                log.exception("live call %s: the cue engine failed", self.spec.call_id)
        cues = await self.services.run_engine(lambda: self.session.finish())
        await self._emit(cues)

    async def _drain(self) -> None:
        """Until the engine has taken every frame received (or stopped on an error)."""
        if self._runner is None or self._runner.done():
            return
        drained = _Drained(asyncio.Event())
        await self._inbox.put(drained)
        waiter = asyncio.create_task(drained.event.wait())
        await asyncio.wait({waiter, self._runner}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()

    async def ended(self, stored_call_id: uuid.UUID | None) -> None:
        event = LiveEvent(type="call_ended", call=self.info(), stored_call_id=stored_call_id)
        await self.services.hub.publish(event)


def _steps(audio: list[tuple[str, np.ndarray]], step: int) -> list[tuple[str, np.ndarray]]:
    """A batch's frames as (track, samples) steps of at most ``step`` samples, the two
    tracks in turn. The engine evaluates its conditions at each feed, so a condition
    that starts and ends inside one large feed would be missed: a batch that piled up
    (a client sending faster than real time, a busy server) is fed in short steps."""
    by_track: dict[str, np.ndarray] = {}
    for track in ("agent", "customer"):
        parts = [samples for t, samples in audio if t == track]
        if parts:
            by_track[track] = np.concatenate(parts)
    longest = max((len(x) for x in by_track.values()), default=0)
    return [
        (track, x[lo : lo + step])
        for lo in range(0, longest, step)
        for track, x in by_track.items()
        if lo < len(x)
    ]
