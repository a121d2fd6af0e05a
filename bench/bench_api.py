"""Load benchmark of the upload API and the job queue.

Starts the service as subprocesses (API + N workers), then, from this second process,
50 concurrent clients upload ~5 MB calls over 127.0.0.1. Prints per worker count:

- accept latency p50/p99: from the last byte of the upload received by the API to its
  202 answer (fsync, header probe, commit, enqueue), reported by the API in its
  Server-Timing header; from the client's side: the last byte handed to the socket to
  the 202 (includes the API draining the socket buffers of all concurrent uploads), and
  the whole upload (first byte to 202);
- upload throughput (calls/s and MB/s while the clients upload);
- end-to-end time from the first upload until every report is done, and lost/failed calls.

Optionally (--big-upload-mb 500) streams one large upload and reports the API
process's peak memory before and after (VmHWM), to show that memory stays flat.

    .venv/bin/python bench/bench_api.py --backend postgres --workers 1 2
    .venv/bin/python bench/bench_api.py --backend sqlite --workers 1 2 --engine none

postgres: PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: sample_audio from the repository
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
CHUNK = 256 * 1024


@dataclass
class Stack:
    """The service under test: one API process and its workers."""

    base_url: str
    api: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]
    env: dict[str, str]
    cleanup: list[object] = field(default_factory=list)

    def stop(self) -> None:
        for process in [*self.workers, self.api]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.api]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def make_call(seconds: float, out_dir: Path) -> Path:
    """A generated two-party call (sample_audio.callgen), mu-law 8 kHz stereo: ~16 kB/s."""
    from sample_audio.callgen import benchmark_call, write_call

    wav, _truth = write_call(benchmark_call(seconds), out_dir, subtype="ULAW")
    return wav


def start_stack(args: argparse.Namespace, workers: int, work_dir: Path) -> Stack:
    data_dir = work_dir / f"data-{workers}w-{uuid.uuid4().hex[:4]}"
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(REPO),
        ORT_DISABLE_TELEMETRY="1",
        HF_HUB_OFFLINE="1",
        CALLCOACH_DATA_DIR=str(data_dir),
        CALLCOACH_DEFAULT_ENGINE=args.engine,
        CALLCOACH_DEFAULT_LANGUAGE="en",
        CALLCOACH_WARM_UP_MODEL="true",
        # Whisper threads: the cores shared out between the workers.
        CALLCOACH_CPU_THREADS=str(max(1, (os.cpu_count() or 2) // workers)),
    )
    for name in ("DATABASE_URL", "REDIS_URL", "CALLCOACH_DATABASE_URL", "CALLCOACH_REDIS_URL"):
        env.pop(name, None)
    cleanup: list[object] = []
    if args.backend == "postgres":
        import psycopg

        db_name = f"callcoach_bench_{os.getpid()}_{workers}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db_name}"')
        cleanup.append(("pg", db_name))
        queue = f"callcoach-bench-{os.getpid()}-{workers}"
        cleanup.append(("redis", queue))
        env.update(
            CALLCOACH_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}",
            CALLCOACH_REDIS_URL="redis://127.0.0.1:6379/10",
            CALLCOACH_QUEUE_BACKEND="celery",
            CALLCOACH_CELERY_QUEUE=queue,
        )
    else:
        env.update(CALLCOACH_QUEUE_BACKEND="inprocess", CALLCOACH_WORKER_CONCURRENCY=str(workers))
    port = _free_port()
    log = (work_dir / f"api-{workers}w.log").open("ab")
    api = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    _wait_healthy(base_url, api)
    worker_processes = []
    if args.backend == "postgres":
        for i in range(workers):
            worker_log = (work_dir / f"worker-{workers}w-{i}.log").open("ab")
            worker_processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "service.cli", "worker", "--log-level", "warning"],
                    env=env,
                    cwd=REPO,
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                )
            )
    stack = Stack(base_url, api, worker_processes, env, cleanup)
    _wait_ready(stack)
    return stack


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the API exited at startup; see its log")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("the API did not become healthy in 120 s")


def _wait_ready(stack: Stack) -> None:
    """Ready = database, queue and a loaded model (so the timing excludes model loading)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        response = httpx.get(f"{stack.base_url}/readyz", timeout=5)
        checks = response.json()["checks"]
        model = checks.get("model", "")
        if response.status_code == 200:
            if not stack.workers and "loaded" in model:
                return
            if stack.workers and f"ok ({len(stack.workers)} of" in model:
                return
        time.sleep(0.5)
    raise SystemExit(f"service not ready in 300 s: {checks}")


def create_key(stack: Stack) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "keys",
            "create",
            "--team",
            "bench",
            "--scope",
            "ingest,read,admin",
        ],
        env=stack.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@dataclass
class Upload:
    started: float
    last_byte: float
    answered: float
    status: int
    call_id: str | None
    server_timing: dict[str, float]  # the API's own spans (Server-Timing header)


def _server_timing(header: str | None) -> dict[str, float]:
    spans = {}
    for part in (header or "").split(","):
        name, _, duration = part.strip().partition(";dur=")
        if duration:
            spans[name] = float(duration)
    return spans


async def _upload(client: httpx.AsyncClient, audio: bytes, key: str, index: int) -> Upload:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="agent_id"\r\n\r\n'
        f"agent-{index % 5}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; '
        f'filename="call.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    marks: dict[str, float] = {}

    async def body() -> AsyncIterator[bytes]:
        marks["started"] = time.perf_counter()
        yield head
        for offset in range(0, len(audio), CHUNK):
            yield audio[offset : offset + CHUNK]
        yield tail
        marks["last_byte"] = time.perf_counter()

    response = await client.post(
        "/v1/calls",
        content=body(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + len(audio) + len(tail)),
        },
    )
    answered = time.perf_counter()
    call_id = response.json().get("id") if response.status_code == 202 else None
    return Upload(
        marks["started"],
        marks["last_byte"],
        answered,
        response.status_code,
        call_id,
        _server_timing(response.headers.get("server-timing")),
    )


async def run_clients(
    base_url: str, key: str, audio: bytes, clients: int, uploads: int
) -> list[Upload]:
    """``clients`` concurrent connections sharing ``uploads`` uploads."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(uploads):
        queue.put_nowait(i)
    results: list[Upload] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits) as client:

        async def client_loop() -> None:
            while True:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                results.append(await _upload(client, audio, key, index))

        await asyncio.gather(*(client_loop() for _ in range(clients)))
    return results


def wait_all_done(base_url: str, key: str, ids: list[str], timeout: float) -> dict[str, int]:
    """Poll the listing (one request per status page, not one per call) until all end."""
    headers = {"Authorization": f"Bearer {key}"}
    wanted = set(ids)
    ended: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        while len(ended) < len(wanted) and time.monotonic() < deadline:
            for status in ("done", "failed"):
                cursor = None
                while True:
                    params = {
                        "status": status,
                        "limit": 200,
                        **({"cursor": cursor} if cursor else {}),
                    }
                    page = client.get("/v1/calls", params=params).json()
                    ended.update({c["id"]: status for c in page["items"] if c["id"] in wanted})
                    cursor = page["next_cursor"]
                    if cursor is None:
                        break
            if len(ended) < len(wanted):
                time.sleep(1.0)
    statuses = {"done": 0, "failed": 0}
    for status in ended.values():
        statuses[status] += 1
    statuses["unfinished"] = len(wanted) - len(ended)
    return statuses


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def big_upload(stack: Stack, key: str, megabytes: int) -> dict[str, float]:
    """Stream one huge upload (48 kHz stereo 16-bit WAV) and watch the API's peak memory.

    The API runs with a short duration limit here, so the file is streamed to disk,
    probed and refused (422 too_long) without an analysis: the upload path is the same.
    """
    import struct

    sample_rate, channels, width = 48000, 2, 2
    data_bytes = megabytes * 1_000_000  # decimal MB: "a 500 MB file" fits the 500 MiB limit
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack(
            "<IHHIIHH",
            16,
            1,
            channels,
            sample_rate,
            sample_rate * channels * width,
            channels * width,
            16,
        )
        + b"data"
        + struct.pack("<I", data_bytes)
    )
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; '
        f'filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = os.urandom(CHUNK)

    def body():  # type: ignore[no-untyped-def]
        yield head + header
        sent = 0
        while sent < data_bytes:
            piece = block[: min(CHUNK, data_bytes - sent)]
            sent += len(piece)
            yield piece
        yield tail

    before = vm_hwm_kib(stack.api.pid)
    started = time.perf_counter()
    response = httpx.post(
        f"{stack.base_url}/v1/calls",
        content=body(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + len(header) + data_bytes + len(tail)),
        },
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    after = vm_hwm_kib(stack.api.pid)
    return {
        "status": response.status_code,
        "seconds": round(elapsed, 1),
        "MB/s": round(megabytes / elapsed, 1),
        "peak_rss_before_MiB": round(before / 1024, 1),
        "peak_rss_after_MiB": round(after / 1024, 1),
        "answer": response.json().get("code"),
    }


def drop_resources(stack: Stack) -> None:
    for kind, name in stack.cleanup:  # type: ignore[misc]
        if kind == "pg":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif kind == "redis":
            import redis

            client = redis.Redis.from_url(stack.env["CALLCOACH_REDIS_URL"])
            client.delete(name, *client.scan_iter(match=f"_kombu.binding*{name}"))
            client.close()


def bench_workers(
    args: argparse.Namespace, workers: int, audio: bytes, work_dir: Path
) -> dict[str, object]:
    stack = start_stack(args, workers, work_dir)
    try:
        key = create_key(stack)
        t0 = time.perf_counter()
        uploads = asyncio.run(run_clients(stack.base_url, key, audio, args.clients, args.uploads))
        t_uploaded = time.perf_counter()
        accepted = [u for u in uploads if u.status == 202]
        ids = [u.call_id for u in accepted if u.call_id]
        statuses = (
            {"done": 0, "failed": 0, "unfinished": 0}
            if args.no_wait
            else wait_all_done(stack.base_url, key, ids, args.timeout)
        )
        t_done = time.perf_counter()
        accept_ms = [u.server_timing["accept"] for u in accepted if "accept" in u.server_timing]
        sent_ms = [(u.answered - u.last_byte) * 1000 for u in accepted]
        whole_ms = [(u.answered - u.started) * 1000 for u in accepted]
        upload_s = t_uploaded - t0
        spans = {
            name: round(statistics.median(u.server_timing.get(name, 0.0) for u in accepted), 1)
            for name in ("store", "probe", "commit")
        }
        print(f"  workers={workers}: median server spans (ms) {spans}", flush=True)
        return {
            "workers": workers,
            "uploads": len(uploads),
            "accepted": len(accepted),
            "accept_p50_ms": round(statistics.median(accept_ms), 1),
            "accept_p99_ms": round(_percentile(accept_ms, 0.99), 1),
            "sent_to_202_p50_ms": round(statistics.median(sent_ms), 1),
            "sent_to_202_p99_ms": round(_percentile(sent_ms, 0.99), 1),
            "upload_p50_ms": round(statistics.median(whole_ms), 1),
            "upload_p99_ms": round(_percentile(whole_ms, 0.99), 1),
            "upload_calls_per_s": round(len(uploads) / upload_s, 2),
            "upload_MB_per_s": round(len(uploads) * len(audio) / 1e6 / upload_s, 1),
            "end_to_end_s": round(t_done - t0, 1),
            "reports_per_min": round(statuses.get("done", 0) / ((t_done - t0) / 60), 2),
            "done": statuses.get("done", 0),
            "failed": statuses.get("failed", 0),
            "lost": len(uploads) - len(accepted) + statuses.get("unfinished", 0),
        }
    finally:
        stack.stop()
        drop_resources(stack)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=50, help="uploads in total")
    parser.add_argument("--call-seconds", type=float, default=320.0, help="320 s = 5.0 MB")
    parser.add_argument("--engine", default="faster-whisper", help="faster-whisper or none")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--big-upload-mb", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--no-wait", action="store_true", help="measure the uploads only, not the analyses"
    )
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="callcoach-bench-"))
    try:
        wav = make_call(args.call_seconds, work_dir)
        audio = wav.read_bytes()
        print(
            f"call: {wav.name}, {len(audio) / 1e6:.2f} MB; backend {args.backend}; "
            f"engine {args.engine}; {args.clients} clients, {args.uploads} uploads"
        )
        rows = []
        for workers in args.workers:
            row = bench_workers(args, workers, audio, work_dir)
            print(json.dumps(row), flush=True)
            rows.append(row)
        if rows:
            columns = list(rows[0])
            print("\n| " + " | ".join(columns) + " |")
            print("|" + "---|" * len(columns))
            for row in rows:
                print("| " + " | ".join(str(row[c]) for c in columns) + " |")
        if args.big_upload_mb:
            args_big = argparse.Namespace(**{**vars(args), "engine": "none"})
            os.environ["CALLCOACH_MAX_DURATION_S"] = "60"
            stack = start_stack(args_big, 1, work_dir)
            try:
                result = big_upload(stack, create_key(stack), args.big_upload_mb)
                print("\nbig upload:", json.dumps(result))
            finally:
                stack.stop()
                drop_resources(stack)
                os.environ.pop("CALLCOACH_MAX_DURATION_S", None)
    finally:
        if args.keep:
            print(f"work directory kept: {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
