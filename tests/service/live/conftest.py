"""The real app served by uvicorn (SQLite, in-process worker, the bundled faster-whisper
model) for the live tests, with keys of two teams and a Twilio account."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.api.app import create_app
from service.config import WebhookAccount
from service.keys import create_api_key
from tests.service.conftest import SAMPLES, base_settings, live_server, wait_for_call

TEAM, OTHER = "acme", "rivals"
TWILIO_SID = "AC" + "7" * 32
TWILIO_TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://callcoach.example"
DEAD_AIR = SAMPLES / "dead_air.wav"

KEYS: dict[str, tuple[str, list[str], str | None]] = {
    "ingest": (TEAM, ["ingest"], None),
    "read": (TEAM, ["read"], None),
    "admin": (TEAM, ["admin"], None),
    "anna": (TEAM, ["read"], "anna"),  # agents' own keys
    "bob": (TEAM, ["read"], "bob"),
    "other_ingest": (OTHER, ["ingest"], None),
    "other_read": (OTHER, ["read"], None),
    "other_anna": (OTHER, ["read"], "anna"),  # the same agent id in another team
}


@dataclass
class LiveService:
    base_url: str
    state: Any
    keys: dict[str, str] = field(default_factory=dict)

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def api(self, role: str = "admin") -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=self.bearer(role), timeout=30)

    def wait_done(self, call_id: str, timeout_s: float = 300) -> dict[str, Any]:
        with self.api() as client:
            return wait_for_call(client, call_id, timeout_s)


def live_settings(data_dir: Path, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "default_engine": "faster-whisper",
        "warm_up_model": True,
        "job_lease_s": 60.0,
        "public_base_url": PUBLIC_URL,
        "live_idle_timeout_s": 3.0,
        "live_start_timeout_s": 3.0,
        "live_max_frame_bytes": 16 * 1024,
        "twilio_accounts": {
            TWILIO_SID: WebhookAccount.model_validate(
                {"secret": TWILIO_TOKEN, "team": TEAM, "agent_channel": 0}
            )
        },
    }
    values.update(overrides)
    return base_settings(data_dir, **values)


def serve_live(settings: Any) -> Iterator[LiveService]:
    app = create_app(settings)
    with live_server(app) as base_url:
        service = LiveService(base_url, app.state.callcoach)
        with service.state.db.session() as session:
            for role, (team, scopes, agent) in KEYS.items():
                service.keys[role] = create_api_key(session, team, scopes, agent_id=agent).key
        yield service
        _analyses_finished(service)


def _analyses_finished(service: LiveService, timeout_s: float = 300) -> None:
    """The stored live calls' analyses end before the app stops (a model thread still
    running when the interpreter exits aborts it)."""
    from sqlalchemy import func, select

    from service.db.models import PROCESSING, QUEUED, Call

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with service.state.db.session() as session:
            busy = session.scalar(select(func.count()).where(Call.status.in_((QUEUED, PROCESSING))))
        if not busy:
            return
        time.sleep(0.5)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    yield from serve_live(live_settings(tmp_path_factory.mktemp("live-data")))
