"""CPU cost of the live-cue engine (analyzers.live) per call, as a multiple of real time.

    PYTHONPATH=. .venv/bin/python bench/bench_live_engine.py [--repeat 3] [--chunk-ms 20] [--words]

Each call is streamed through a LiveSession in --chunk-ms chunks of both tracks (as a
media stream delivers them) with ``replay``; the table gives the engine's CPU seconds
(best of --repeat), CPU per second of audio (x real time) and the simultaneous calls one
core could run at that cost (1 / x real time). The calls are the live tests' real-voice
calls (Asterisk prompts and LibriVox, sample_audio.realcalls), the 110 s hold call
(music on hold) and a 5-minute call (the shouting call four times over) to show the
cost does not grow with the call's length. A second table splits the cost per part
(voice activity and each detector). --words adds tiny.en transcription of every agent
utterance (what the service runs next to the engine), reported separately.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from analyzers.live import LiveSession, replay
from analyzers.live import session as session_module
from analyzers.live.activity import LiveActivity
from analyzers.profile import default_profile

SR = 8000
Call = tuple[str, np.ndarray, np.ndarray]


def calls() -> list[Call]:
    from sample_audio.real_conditions import hold_call
    from tests.analyzers.live.calls import SCRIPTS, real_call

    out: list[Call] = []
    for name in SCRIPTS:
        audio, _ = real_call(name)
        out.append((name, audio[0], audio[1]))
    hold = hold_call(music_s=70.0)
    a = hold.truth.agent_channel
    out.append(("hold (70 s music)", hold.audio[a], hold.audio[1 - a]))
    audio, _ = real_call("shouting")
    long = np.tile(audio, 5)
    out.append(("5-minute call", long[0], long[1]))
    return out


@contextmanager
def cost_per_part(spent: dict[str, float]) -> Iterator[None]:
    """Adds CPU seconds spent in voice activity and in each detector's update to ``spent``."""

    def timed(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kw: object) -> object:
            t = time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                spent[name] += time.process_time() - t

        return wrapper

    saved = []
    classes = {type(d) for d in session_module._detectors(_probe_call(), _probe_utterances())}
    for cls in (LiveActivity, *classes):
        method = "advance" if cls is LiveActivity else "update"
        name = "voice activity" if cls is LiveActivity else cls.__name__
        saved.append((cls, method, getattr(cls, method)))
        setattr(cls, method, timed(name, getattr(cls, method)))
    try:
        yield
    finally:
        for cls, method, original in saved:
            setattr(cls, method, original)


def _probe_call() -> session_module.LiveCall:
    return LiveSession(default_profile(), SR)._call


def _probe_utterances() -> session_module.AgentUtterances:
    return session_module.AgentUtterances(_probe_call())


def engine_cpu(agent: np.ndarray, customer: np.ndarray, chunk_s: float, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.process_time()
        replay(LiveSession(default_profile(), SR), agent, customer, SR, chunk_s)
        best = min(best, time.process_time() - t)
    return float(best)


def words_cpu(agent: np.ndarray, customer: np.ndarray, chunk_s: float) -> tuple[float, int]:
    from tests.analyzers.live.calls import tiny_transcriber

    transcribe = tiny_transcriber()
    count = 0

    def counted(x: np.ndarray, rate: int) -> list:  # type: ignore[type-arg]
        nonlocal count
        count += 1
        return transcribe(x, rate)

    t = time.process_time()
    replay(LiveSession(default_profile(), SR), agent, customer, SR, chunk_s, counted)
    return time.process_time() - t, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunk-ms", type=float, default=20.0)
    parser.add_argument("--words", action="store_true")
    args = parser.parse_args()
    chunk_s = args.chunk_ms / 1000
    material = calls()
    print(f"\nLive engine CPU, {args.chunk_ms:g} ms chunks, best of {args.repeat}")
    header = f"{'call':22s} {'audio s':>8s} {'CPU s':>7s} {'x real time':>12s} {'calls/core':>11s}"
    if args.words:
        header += f" {'+tiny.en CPU s':>15s} {'utterances':>11s} {'calls/core':>11s}"
    print(header)
    total_audio = total_cpu = 0.0
    for name, agent, customer in material:
        seconds = len(agent) / SR
        cpu = engine_cpu(agent, customer, chunk_s, args.repeat)
        total_audio, total_cpu = total_audio + seconds, total_cpu + cpu
        row = f"{name:22s} {seconds:8.1f} {cpu:7.2f} {cpu / seconds:12.4f} {seconds / cpu:11.0f}"
        if args.words:
            with_words, n = words_cpu(agent, customer, chunk_s)
            row += f" {with_words:15.2f} {n:11d} {seconds / with_words:11.1f}"
        print(row)
    ratio = total_cpu / total_audio
    print(f"{'all':22s} {total_audio:8.1f} {total_cpu:7.2f} {ratio:12.4f} {1 / ratio:11.0f}")

    spent: dict[str, float] = defaultdict(float)
    with cost_per_part(spent):
        for _, agent, customer in material:
            replay(LiveSession(default_profile(), SR), agent, customer, SR, chunk_s)
    whole = sum(spent.values())
    print(f"\nCost per part (all calls, one pass; {whole:.2f} CPU s in the parts)")
    print(f"{'part':22s} {'CPU s':>7s} {'share':>7s} {'x real time':>12s}")
    for part, cpu in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{part:22s} {cpu:7.2f} {cpu / whole:7.1%} {cpu / total_audio:12.5f}")


if __name__ == "__main__":
    main()
