"""kill -9 in the middle of an analysis: the call is finished by the next worker (Celery)
or the next start (`callcoach serve`), exactly once. Real model, real processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from service.db.models import Call, CallReport
from service.db.session import Database
from tests.service.conftest import (
    REPO,
    Backend,
    LocalServer,
    Recorded,
    base_settings,
    running_api,
    sample_bytes,
    sample_duration_s,
    settings_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]

REAL_MODEL = {"default_engine": "faster-whisper", "warm_up_model": True}


def _wait_row(
    db: Database, call_id: uuid.UUID, predicate: Callable[[Call], bool], timeout: float = 120
) -> Call:
    deadline = time.monotonic() + timeout
    while True:
        with db.session() as session:
            row = session.get(Call, call_id)
        if row is not None and predicate(row):
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"call {call_id} did not get there: {row and row.status}")
        time.sleep(0.1)


def test_celery_worker_killed_mid_job(celery_backend: Backend, http_server: LocalServer) -> None:
    deliveries: list[Recorded] = []
    http_server.routes["/hook"] = lambda r: (deliveries.append(r), (200, {}, b""))[1]
    settings = celery_backend.settings(**REAL_MODEL)
    db = Database(settings.effective_database_url)
    assert celery_backend.start_worker is not None
    with running_api(settings) as api:
        first = celery_backend.start_worker(**REAL_MODEL)
        admin = api.key("acme", "ingest", "read", "admin")
        api.client.post("/v1/callbacks", json={"url": http_server.url("/hook")}, headers=admin)
        call_id = uuid.UUID(api.upload(admin, sample_bytes("good_call"), country="SE").json()["id"])
        _wait_row(db, call_id, lambda r: r.status == "processing")
        time.sleep(0.3)  # mid-job: claimed, lease held, analysing
        first.kill9()
        row = _wait_row(db, call_id, lambda r: True)
        assert row.status == "processing" and row.attempts == 1

        second = celery_backend.start_worker(**REAL_MODEL)
        done = api.wait_status(admin, str(call_id), {"done", "failed"}, timeout=180)
        assert done["status"] == "done", done
        assert done["attempts"] == 2
        time.sleep(1.0)  # time for any duplicate to show up
        with db.session() as session:
            reports = session.scalar(
                select(func.count()).select_from(CallReport).where(CallReport.call_id == call_id)
            )
        assert reports == 1
        assert f"call {call_id} done" in second.log()
        assert f"call {call_id} done" not in first.log()
        events = [json.loads(d.body) for d in deliveries]
        assert [e["event"] for e in events if e["call"]["id"] == str(call_id)] == ["call.done"]
        report = api.client.get(f"/v1/calls/{call_id}/report", headers=admin).json()
        assert report["duration_s"] == pytest.approx(sample_duration_s("good_call"), abs=0.05)
    db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(settings_env_: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=settings_env_,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


def test_serve_killed_mid_job_resumes_on_restart(tmp_path: Path) -> None:
    settings = base_settings(tmp_path / "data", **REAL_MODEL)
    env = settings_env(settings)
    key = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "keys",
            "create",
            "--team",
            "acme",
            "--scope",
            "ingest,read",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    headers = {"Authorization": f"Bearer {key}"}
    port, log = _free_port(), tmp_path / "serve.log"
    serve = _serve(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        response = httpx.post(
            f"{base}/v1/calls",
            headers=headers,
            timeout=30,
            files={"audio": ("c.wav", sample_bytes("good_call"), "audio/wav")},
            data={"country": "SE"},
        )
        assert response.status_code == 202, response.text
        call_id = uuid.UUID(response.json()["id"])
        db = Database(settings.effective_database_url)
        _wait_row(db, call_id, lambda r: r.status == "processing")
        time.sleep(0.3)
        os.kill(serve.pid, 9)
        serve.wait(10)
        assert _wait_row(db, call_id, lambda r: True).status == "processing"

        serve = _serve(env, port, log)
        row = _wait_row(db, call_id, lambda r: r.status in ("done", "failed"), timeout=180)
        assert (row.status, row.attempts) == ("done", 2), row.error_message
        report = httpx.get(f"{base}/v1/calls/{call_id}/report", headers=headers).json()
        assert report["duration_s"] == pytest.approx(sample_duration_s("good_call"), abs=0.05)
        db.dispose()
    finally:
        serve.terminate()
        serve.wait(15)


def test_serve_stopped_mid_job_hands_it_back(tmp_path: Path) -> None:
    """A graceful stop that cannot wait for the analysis requeues it for the next start."""
    settings = base_settings(tmp_path / "data", shutdown_grace_s=0.2, **REAL_MODEL)
    db = Database(settings.effective_database_url)
    with running_api(settings) as api:
        headers = api.key("acme", "ingest", "read")
        call_id = uuid.UUID(
            api.upload(headers, sample_bytes("good_call"), country="SE").json()["id"]
        )
        _wait_row(db, call_id, lambda r: r.status == "processing")
    row = _wait_row(db, call_id, lambda r: True)
    assert (row.status, row.error_code, row.attempts) == ("queued", "interrupted", 1)
    with running_api(settings) as api:
        done = api.wait_status(api.key("acme", "read"), str(call_id), {"done", "failed"}, 180)
        assert (done["status"], done["attempts"]) == ("done", 2)
    db.dispose()
