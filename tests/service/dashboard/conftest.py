"""The real app served by uvicorn on 127.0.0.1 (SQLite, in-process worker, the real
pipeline and bundled model) and Debian's chromium driven through Playwright.

No browser is ever downloaded: without /usr/bin/chromium the browser tests skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from analyzers.report import Report
from service.api.app import create_app
from service.keys import create_api_key
from tests.service.conftest import (
    REPO,
    base_settings,
    complete_held_call,
    hold_for_fixture,
    live_server,
    wait_for_call,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # The player must start from a click without a real sound card.
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = REPO / "test-output" / "screenshots"
TEAM = "coaches"
OTHER_TEAM = "rivals"

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass
class LiveApp:
    """The running app: its URL, API keys by role, and a JSON API client per key."""

    base_url: str
    keys: dict[str, str] = field(default_factory=dict)
    state: Any = None  # the app's ServiceState (its database and storage)

    def api(self, role: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.keys[role]}"},
            timeout=30,
        )

    def wait_done(self, call_id: str, timeout_s: float = 240) -> dict[str, Any]:
        with self.api("admin") as client:
            return wait_for_call(client, call_id, timeout_s)


@contextmanager
def serve(settings: Any) -> Iterator[LiveApp]:
    """The app on a free port with a key per role; ``LiveApp.state`` is its state."""
    app = create_app(settings)
    with live_server(app) as base_url:
        state = app.state.callcoach
        live = LiveApp(base_url, state=state)
        with state.db.session() as session:
            for role, team, scopes in (
                ("read", TEAM, ["read"]),
                ("uploader", TEAM, ["read", "ingest"]),
                ("admin", TEAM, ["admin"]),
                ("ingest_only", TEAM, ["ingest"]),
                ("other", OTHER_TEAM, ["read", "ingest"]),
            ):
                new = create_api_key(session, team, scopes, name=f"dashboard {role}")
                live.keys[role] = new.key
        yield live


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    settings = base_settings(
        tmp_path_factory.mktemp("dashboard-data"),
        default_engine="faster-whisper",
        warm_up_model=True,
        job_lease_s=60.0,
    )
    with serve(settings) as live:
        yield live


@pytest.fixture(scope="module")
def pages_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app for page tests that store calls with ready-made reports (no model)."""
    with serve(base_settings(tmp_path_factory.mktemp("pages-data"))) as live:
        yield live


def store_scored_call(
    live: LiveApp, report: Report, audio: Path, team: str = TEAM, **fields: Any
) -> uuid.UUID:
    """A done call with ``report`` (scored already) stored the way the worker stores it,
    and ``audio`` as its recording; ``fields`` go to the call row (agent_id, ...)."""
    from service.calls.intake import analysis_options
    from service.calls.records import new_call
    from service.teams import get_or_create_team

    state = live.state
    call_id = uuid.uuid4()
    with audio.open("rb") as stream:
        blob = state.storage.put(call_id.hex, stream)
    with state.db.session() as session:
        call = new_call(
            session,
            team_id=get_or_create_team(session, team).id,
            source="upload",
            options=analysis_options(state.settings),
            call_id=call_id,
            audio=blob,
            content_type="audio/wav",
            duration_s=report.duration_s,
            **fields,
        )
        hold_for_fixture(call)
    complete_held_call(state.db, call_id, report)
    return call_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); no browser is downloaded")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Signed:
    """A signed-in browser page and the script errors it has raised so far."""

    page: Any
    js_errors: list[str]


def sign_in(
    browser: Any, live: LiveApp, role: str, viewport: dict[str, int] | None = None
) -> Signed:
    """A new browser context signed in with the role's key."""
    context = browser.new_context(
        base_url=live.base_url, viewport=viewport or {"width": 1366, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/sign-in")
    page.get_by_label("API key").fill(live.keys[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/calls")
    return Signed(page, errors)
