"""Live cues under load: N simultaneous real-voice calls streamed at real-time pace.

Starts `callcoach serve` in a subprocess (the bundled faster-whisper tiny.en, greedy
decoding for live utterances), then for each N streams N of the committed calls
(sample_audio/*.wav: Asterisk prompts as the agent, a LibriVox reader as the customer)
over /v1/live, 20 ms mu-law frames per track as Twilio sends them, frame k leaving at
t0 + (k+1) * 20 ms. A cue's latency is the moment it arrives on the socket minus the
moment the audio where its condition became true (the cue's ``at_s``) had been sent:
t0 + at_s. One team screen (/v1/live/team) measures the fan-out too.

By default the server runs as the team install's API process: Celery queue (no worker
here, so stored calls wait for the analysis workers of other machines instead of
competing with the live path) and Redis pub/sub fan-out. ``--embedded`` runs the
in-process default instead (in-process fan-out; stored calls are analysed by the same
process after each round: the bench waits for that between rounds).

    .venv/bin/python bench/bench_live.py                 # N = 1 2 4 6 8 ...
    .venv/bin/python bench/bench_live.py --calls 1 4 8 --seconds 30

Target (issue 15): p95 <= 1.0 s for acoustic cues, <= 2.0 s for word-based ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLES = ["dead_air", "interrupting", "shouting", "good_call", "early_pickup", "late_pickup"]
WORD_RULES = {"speech_rate", "opening"}  # cues decided from recognised words
ACOUSTIC_P95_S, WORD_P95_S = 1.0, 2.0
FRAME_S = 0.02
HEADER = "  N  cues  ac.p50  ac.p95  wd.p50  wd.p95  scr.p95  clr.p95  cpu/call   client  load  ok"


@dataclass
class Latencies:
    acoustic: list[float] = field(default_factory=list)
    words: list[float] = field(default_factory=list)
    screen: list[float] = field(default_factory=list)
    cleared: list[float] = field(default_factory=list)  # a condition ended (not counted)
    cues: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Latencies) -> None:
        for name in ("acoustic", "words", "screen", "cleared", "errors"):
            getattr(self, name).extend(getattr(other, name))
        self.cues += other.cues


def mulaw_tracks(name: str, seconds: float | None) -> tuple[bytes, bytes]:
    import numpy as np
    import soundfile as sf

    path = REPO / "sample_audio" / f"{name}.wav"
    assert sf.info(str(path)).subtype == "ULAW"
    data = path.read_bytes()
    frames = np.frombuffer(data[data.index(b"data") + 8 :], dtype=np.uint8)
    frames = frames[: len(frames) // 2 * 2].reshape(-1, 2)
    if seconds is not None:
        frames = frames[: int(seconds * 8000)]
    return frames[:, 0].tobytes(), frames[:, 1].tobytes()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_key(env: dict[str, str]) -> tuple[str, str]:
    """An ingest+read key of team 'bench' in the server's database (made before start)."""
    code = (
        "from service.config import Settings\n"
        "from service.db.session import Database\n"
        "from service.db.migrate import upgrade_to_head\n"
        "from service.keys import create_api_key\n"
        "s = Settings(); db = Database(s.effective_database_url); upgrade_to_head(db.engine)\n"
        "with db.session() as session:\n"
        "    print(create_api_key(session, 'bench', ['ingest', 'read']).key)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    return out.stdout.strip(), env["CALLCOACH_DATA_DIR"]


def server_env(data_dir: Path, embedded: bool, queue: str, words: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CALLCOACH_DATA_DIR=str(data_dir),
        CALLCOACH_DEFAULT_ENGINE="faster-whisper" if words else "none",
        CALLCOACH_DEFAULT_LANGUAGE="en",
        CALLCOACH_LIVE_MAX_CALLS="200",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(REPO),
    )
    if not embedded:
        env.update(
            CALLCOACH_QUEUE_BACKEND="celery",
            CALLCOACH_REDIS_URL="redis://127.0.0.1:6379/9",
            CALLCOACH_CELERY_QUEUE=queue,
            CALLCOACH_LIVE_REDIS_PREFIX=f"bench-live:{queue}",
        )
    return env


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    cmd += ["--log-level", "warning"]
    process = subprocess.Popen(cmd, env=env, cwd=REPO)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the clients


async def stream_call(
    url: str, key: str, tracks: tuple[bytes, bytes], agent: str, delay_s: float, out: Latencies
) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    await asyncio.sleep(delay_s)
    headers = {"Authorization": f"Bearer {key}"}
    async with connect(url, additional_headers=headers, max_size=None) as ws:
        start = {"type": "start", "encoding": "mulaw", "rate": 8000, "agent_id": agent}
        await ws.send(json.dumps(start))
        json.loads(await ws.recv())  # started
        t0 = loop.time()
        receiver = asyncio.create_task(receive_cues(ws, t0, out))
        agent_track, customer_track = tracks
        step = int(FRAME_S * 8000)
        for k, lo in enumerate(range(0, len(agent_track), step)):
            wait = t0 + (k + 1) * FRAME_S - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await ws.send(b"\x00" + agent_track[lo : lo + step])
            await ws.send(b"\x01" + customer_track[lo : lo + step])
        await ws.send(json.dumps({"type": "stop"}))
        await receiver


async def receive_cues(ws: Any, t0: float, out: Latencies) -> None:
    loop = asyncio.get_running_loop()
    async for raw in ws:
        message = json.loads(raw)
        if message["type"] == "error":
            out.errors.append(message["code"])
        if message["type"] != "cue":
            continue
        cue = message["cue"]
        latency = loop.time() - (t0 + cue["at_s"])
        out.cues += 1
        if cue["state"] == "cleared":
            out.cleared.append(latency)
        else:  # raised, or the checklist ticking: the condition became true at at_s
            (out.words if cue["rule"] in WORD_RULES else out.acoustic).append(latency)


async def team_screen(url: str, key: str, starts: dict[str, float], out: Latencies) -> None:
    """The coaches' stream: each cue's latency to a screen (call start from started)."""
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "auth", "key": key}))
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "call_started":
                starts[message["call_id"]] = loop.time()
            elif (
                message["type"] == "cue"
                and message["call_id"] in starts
                and message["cue"]["state"] != "cleared"
            ):
                t0 = starts[message["call_id"]]
                out.screen.append(loop.time() - (t0 + message["cue"]["at_s"]))


async def run_round(base: str, key: str, n: int, seconds: float | None) -> Latencies:
    out = Latencies()
    starts: dict[str, float] = {}
    screen = asyncio.create_task(team_screen(base + "/v1/live/team", key, starts, out))
    await asyncio.sleep(0.5)
    calls = [
        stream_call(
            base + "/v1/live",
            key,
            mulaw_tracks(SAMPLES[i % len(SAMPLES)], seconds),
            f"agent{i:02d}",
            delay_s=(i * 0.37) % 2.0,  # staggered: calls do not start in lockstep
            out=out,
        )
        for i in range(n)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    out.errors += [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    screen.cancel()
    return out


# ---------------------------------------------------------------- the table


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def within(values: list[float], limit_s: float) -> bool:
    """p95 within the limit (a round without such cues has nothing to miss)."""
    return not values or p(values, 0.95) <= limit_s


def passed(out: Latencies) -> bool:
    return within(out.acoustic, ACOUSTIC_P95_S) and within(out.words, WORD_P95_S) and not out.errors


def row(n: int, out: Latencies, cpu_per_call: float, client_cpu: float) -> str:
    return (
        f"{n:>3} {out.cues:>5} "
        f"{p(out.acoustic, 0.5):>7.2f} {p(out.acoustic, 0.95):>7.2f} "
        f"{p(out.words, 0.5):>7.2f} {p(out.words, 0.95):>7.2f} "
        f"{p(out.screen, 0.95):>8.2f} {p(out.cleared, 0.95):>7.2f} "
        f"{cpu_per_call:>9.1%} {client_cpu:>8.1%} "
        f"{os.getloadavg()[0]:>5.1f}  {'yes' if passed(out) else 'NO'}"
        + (f"  errors: {sorted(set(out.errors))}" if out.errors else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[1, 2, 4, 6, 8, 10, 12, 16])
    parser.add_argument("--seconds", type=float, default=None, help="stream only this much")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per N (more cues)")
    parser.add_argument("--embedded", action="store_true", help="in-process queue and fan-out")
    parser.add_argument("--keep-going", action="store_true", help="past the first failing N")
    parser.add_argument(
        "--no-words", action="store_true", help="no transcription: the acoustic path's cost"
    )
    args = parser.parse_args()
    queue = f"bench-live-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        env = server_env(Path(tmp), args.embedded, queue, not args.no_words)
        key, _ = make_key(env)
        port = free_port()
        server = start_server(env, port)
        try:
            time.sleep(3)  # the model loads at the first live socket's warm-up
            asyncio.run(run_round(f"ws://127.0.0.1:{port}", key, 1, 3.0))  # warm up
            print_rounds(args, server, f"ws://127.0.0.1:{port}", key)
        finally:
            server.terminate()
            server.wait(30)
            if not args.embedded:
                purge(queue)


def print_rounds(
    args: argparse.Namespace, server: subprocess.Popen[bytes], base: str, key: str
) -> None:
    mode = "embedded (in-process)" if args.embedded else "team install (Celery, Redis fan-out)"
    print(f"live cues, {mode}; {os.cpu_count()} CPUs; tiny.en greedy; 20 ms mu-law frames")
    print(HEADER)
    for n in args.calls:
        cpu0, client0, wall0 = cpu_seconds(server.pid), time.process_time(), time.monotonic()
        out = Latencies()
        for _ in range(args.rounds):
            out.add(asyncio.run(run_round(base, key, n, args.seconds)))
        wall = time.monotonic() - wall0
        # Every call streams for about the round's length: CPU per call per second of call.
        cpu_per_call = (cpu_seconds(server.pid) - cpu0) / (n * wall)
        client = (time.process_time() - client0) / wall
        print(row(n, out, cpu_per_call, client), flush=True)
        if not passed(out) and not args.keep_going:
            break
        if args.embedded:
            time.sleep(5 + 3 * n)  # let the in-process worker analyse the stored calls


def purge(queue: str) -> None:
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/9")
    client.delete(queue)


if __name__ == "__main__":
    main()
