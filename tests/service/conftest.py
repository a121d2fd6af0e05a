"""Fixtures for the service tests: real SQLite/PostgreSQL databases, real Redis, the real
app (with its in-process worker or a Celery worker subprocess), a local HTTP server.

PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis (127.0.0.1:6379) tests skip
with the reason when those are not reachable, unless CALLCOACH_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.db.session import Database

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_audio"
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test"
REDIS_BASE = "redis://127.0.0.1:6379"
REDIS_DB = 9  # away from db 0, which other tools on the machine may use

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _unavailable(reason: str) -> None:
    if os.environ.get("CALLCOACH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CALLCOACH_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- PostgreSQL, Redis


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """A database of this test session, dropped at the end."""
    if not _tcp_open(PG_HOST, PG_PORT):
        _unavailable(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}")
    import psycopg

    name = f"callcoach_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(
            f"host={PG_HOST} port={PG_PORT} user=postgres dbname=test", autocommit=True
        )
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL not usable at {PG_HOST}:{PG_PORT}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    with psycopg.connect(
        f"host={PG_HOST} port={PG_PORT} user=postgres dbname=test", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _tcp_open("127.0.0.1", 6379):
        _unavailable("Redis not reachable at 127.0.0.1:6379")
    return f"{REDIS_BASE}/{REDIS_DB}"


@pytest.fixture(scope="session")
def celery_queue_name() -> str:
    return f"callcoach-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def truncate_all(url: str) -> None:
    from sqlalchemy import text

    from service.db.models import Base

    db = Database(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.dispose()


# ---------------------------------------------------------------- settings and apps


def base_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Fast-turnaround settings for tests (short leases and polls, no model warm-up)."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "job_lease_s": 3.0,
        "job_poll_s": 0.2,
        "job_max_attempts": 2,
        "job_retry_backoff_s": 0.5,
        "job_send_grace_s": 0.5,
        "warm_up_model": False,
        "worker_nice": 0,  # full speed on a shared test machine (tested in test_warmup)
        "default_engine": "none",
        "default_language": "en",
        "private_network_hosts": ["127.0.0.1"],
        "download_allowed_hosts": ["127.0.0.1"],
        "download_timeout_s": 5.0,
        "callback_backoff_s": 0.2,
        "callback_timeout_s": 3.0,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Backend:
    """One way of running the service: SQLite + in-process, or PostgreSQL + Celery."""

    name: str
    data_dir: Path
    database_url: str | None = None
    redis_url: str | None = None
    celery_queue: str | None = None
    start_worker: Callable[..., WorkerProcess] | None = None

    def settings(self, **overrides: Any) -> Settings:
        extra: dict[str, Any] = {}
        if self.database_url:
            extra["database_url"] = self.database_url
        if self.redis_url:
            extra.update(
                queue_backend="celery", redis_url=self.redis_url, celery_queue=self.celery_queue
            )
        return base_settings(self.data_dir, **{**extra, **overrides})

    @property
    def uses_celery(self) -> bool:
        return self.redis_url is not None


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill9(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup, no message rejection
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a subprocess read the same settings."""
    import json

    from service.config import WebhookAccount

    env = dict(os.environ)
    dumped = settings.model_dump(mode="json")
    for name in dumped:
        value = getattr(settings, name)
        if isinstance(value, dict) and all(isinstance(v, WebhookAccount) for v in value.values()):
            # SecretStr dumps masked: hand the subprocess the real secrets.
            dumped[name] = {
                k: {**v.model_dump(mode="json"), "secret": v.secret.get_secret_value()}
                for k, v in value.items()
            }
    for name, value in dumped.items():
        if value is None:
            continue
        env[f"CALLCOACH_{name.upper()}"] = (
            json.dumps(value) if isinstance(value, dict | list) else str(value)
        )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["PYTHONPATH"] = str(REPO)
    return env


def start_celery_worker(settings: Settings, log_dir: Path, name: str = "w") -> WorkerProcess:
    log_path = log_dir / f"celery-{name}-{uuid.uuid4().hex[:4]}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--log-level", "info"],
            env=settings_env(settings),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerProcess(process, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log():
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited:\n{worker.log()}")
        if time.monotonic() > deadline:
            worker.stop()
            raise RuntimeError(f"celery worker not ready in 60 s:\n{worker.log()}")
        time.sleep(0.2)
    return worker


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The API suite runs on both: SQLite + in-process worker, PostgreSQL + Celery/Redis."""
    if request.param == "sqlite":
        yield Backend("sqlite", tmp_path / "data")
        return
    yield from _celery_backend(request, tmp_path)


@pytest.fixture
def celery_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from _celery_backend(request, tmp_path)


def _celery_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    pg_url = request.getfixturevalue("pg_session_url")
    redis = request.getfixturevalue("redis_url")
    queue = request.getfixturevalue("celery_queue_name")
    truncate_all_once(pg_url)
    workers: list[WorkerProcess] = []

    def start_worker(**overrides: Any) -> WorkerProcess:
        worker = start_celery_worker(chosen.settings(**overrides), tmp_path, name=str(len(workers)))
        workers.append(worker)
        return worker

    chosen = Backend("postgres", tmp_path / "data", pg_url, redis, queue, start_worker)
    yield chosen
    for worker in workers:
        worker.stop()
    _purge_queue(redis, queue)


_migrated: set[str] = set()


def truncate_all_once(url: str) -> None:
    """Migrate the session database on first use, empty it before every test."""
    if url not in _migrated:
        from service.db.migrate import upgrade_to_head

        db = Database(url)
        upgrade_to_head(db.engine)
        db.dispose()
        _migrated.add(url)
    truncate_all(url)


def _purge_queue(redis_url: str, queue: str) -> None:
    import json

    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [queue, *client.scan_iter(match=f"_kombu.binding*{queue}")]
    client.delete(*keys)
    # Messages a killed worker held: kombu would restore them hours later.
    for tag, raw in client.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


@dataclass
class Api:
    """A running app (lifespan started) and helpers to call it."""

    client: TestClient
    settings: Settings

    @property
    def state(self) -> Any:
        return self.client.app.state.callcoach  # type: ignore[attr-defined]

    def key(self, team: str, *scopes: str) -> dict[str, str]:
        from service.keys import create_api_key

        with self.state.db.session() as session:
            new = create_api_key(session, team, scopes or ("ingest", "read", "admin"))
        return {"Authorization": f"Bearer {new.key}"}

    def upload(self, headers: dict[str, str], audio: bytes, **fields: Any) -> Any:
        return self.client.post(
            "/v1/calls",
            headers=headers,
            files={"audio": ("call.wav", audio, "audio/wav")},
            data={k: str(v) for k, v in fields.items()},
        )

    def wait_status(
        self, headers: dict[str, str], call_id: str, statuses: set[str], timeout: float = 60
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            body = self.client.get(f"/v1/calls/{call_id}", headers=headers).json()
            if body.get("status") in statuses:
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"call {call_id} still {body} after {timeout} s")
            time.sleep(0.1)


@contextmanager
def running_api(settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(settings)) as client:
        yield Api(client, settings)


def wait_for_call(client: Any, call_id: str, timeout_s: float) -> dict[str, Any]:
    """The call's body once it is done or failed (``client``: an httpx client with a key
    that reads it); an AssertionError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(f"/v1/calls/{call_id}").json()
        if body["status"] in ("done", "failed"):
            return dict(body)
        if time.monotonic() > deadline:
            raise AssertionError(f"call {call_id} still {body['status']}")
        time.sleep(0.3)


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free local port (a thread); yields its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def api(backend: Backend) -> Iterator[Api]:
    """The app on the test's backend (no Celery worker: start one where a job must run)."""
    with running_api(backend.settings()) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on both engines."""
    if request.param == "sqlite":
        from service.db.migrate import upgrade_to_head

        database = Database(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade_to_head(database.engine)
    else:
        url = request.getfixturevalue("pg_session_url")
        truncate_all_once(url)
        database = Database(url)
    yield database
    database.dispose()


def add_call(db: Database, team: str = "acme", report: Any = None, **fields: Any) -> uuid.UUID:
    """A queued call row with a (fake) stored blob: for tests of the job machinery; with
    ``report`` (an analyzers Report, scored already) a done call with that report."""
    from service.calls.intake import analysis_options
    from service.calls.records import new_call
    from service.storage import StoredBlob
    from service.teams import get_or_create_team

    call_id = uuid.uuid4()
    with db.session() as session:
        call = new_call(
            session,
            team_id=get_or_create_team(session, team).id,
            source="upload",
            options=analysis_options(base_settings(Path("."))),
            call_id=call_id,
            audio=StoredBlob(key=call_id.hex, size=1, sha256="0" * 64),
            **fields,
        )
        if report is not None:
            hold_for_fixture(call)
    if report is not None:
        complete_held_call(db, call_id, report)
    return call_id


FIXTURE_OWNER = "test-fixture"


def hold_for_fixture(call: Any) -> None:
    """Mark a new call row (before its commit) as held by a test: no worker or sweeper
    takes it."""
    from datetime import timedelta

    from service.db.models import PROCESSING
    from service.db.types import utcnow

    call.status, call.lease_owner, call.attempts = PROCESSING, FIXTURE_OWNER, 1
    call.lease_expires_at = utcnow() + timedelta(hours=1)


def complete_held_call(db: Database, call_id: uuid.UUID, report: Any) -> None:
    """Store ``report`` as the held call's result, the way a worker does."""
    from service.db.models import Call
    from service.jobs import claims

    with db.session() as session:
        call = session.get_one(Call, call_id)
        team_id, source, audio_key = call.team_id, call.source, call.audio_key
    job = claims.ClaimedJob(
        call_id, FIXTURE_OWNER, 1, team_id, source, None, None, audio_key, {}, {}
    )
    assert claims.complete(db, job, report, 0.1)


# ---------------------------------------------------------------- audio


def wav_bytes(
    seconds: float = 1.0, channels: int = 2, sample_rate: int = 8000, subtype: str = "PCM_16"
) -> bytes:
    """A real WAV of quiet noise (deterministic)."""
    rng = np.random.default_rng(7)
    samples = (0.01 * rng.standard_normal((int(seconds * sample_rate), channels))).astype(
        np.float32
    )
    buffer = io.BytesIO()
    sf.write(buffer, samples, sample_rate, format="WAV", subtype=subtype)
    return buffer.getvalue()


def sample_bytes(name: str = "early_pickup") -> bytes:
    return (SAMPLES / f"{name}.wav").read_bytes()


def sample_duration_s(name: str) -> float:
    """A committed sample's length, from its truth file."""
    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))
    return float(truth["duration_s"])


# ---------------------------------------------------------------- local HTTP server


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Responder = Callable[[Recorded], tuple[int, dict[str, str], bytes]]


@dataclass
class LocalServer:
    """http.server on 127.0.0.1: routes map a path to a responder; requests are kept."""

    port: int
    routes: dict[str, Responder] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve_bytes(self, path: str, body: bytes, content_type: str = "audio/wav") -> None:
        self.routes[path] = lambda _req: (200, {"Content-Type": content_type}, body)

    def hits(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.split("?")[0] == path]


@contextmanager
def serve_locally(server_state: LocalServer) -> Iterator[int]:
    """Serve ``server_state``'s routes on 127.0.0.1 (a free port, also set on it)."""

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorded = Recorded(self.command, self.path, dict(self.headers.items()), body)
            server_state.requests.append(recorded)
            responder = server_state.routes.get(self.path.split("?")[0])
            if responder is None:
                status, headers, payload = 404, {}, b"not found"
            else:
                status, headers, payload = responder(recorded)
            self.send_response(status)
            omit_length = headers.pop("X-Omit-Length", None) is not None  # body ends at close
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers and not omit_length:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_HEAD = _handle  # noqa: N815

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_state.port
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server_state = LocalServer(port=0)
    with serve_locally(server_state):
        yield server_state
