"""The agent's screen and the coaches' live page in Debian's chromium (Playwright)
while a real-voice call streams in over the plain protocol; then the stored call's
page with its live-cue lane. Screenshots (1366 px) go where the dashboard's do
(``tests.service.dashboard.conftest.screenshot``)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from tests.service.dashboard.conftest import browser, screenshot, sign_in  # noqa: F401 (fixture)
from tests.service.live.clients import Received, stream_raw
from tests.service.live.conftest import DEAD_AIR, LiveService

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1366, "height": 900}


def agent_page(browser: Any, live: LiveService, errors: list[str]) -> Any:  # noqa: F811
    context = browser.new_context(base_url=live.base_url, viewport=VIEWPORT)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/live/agent")
    page.get_by_label("Your agent key").fill(live.keys["anna"])
    page.get_by_role("button", name="Connect").click()
    page.wait_for_selector("#live-status[data-state=open]")
    page.wait_for_selector("text=Cues for anna (team acme).")
    return page


def test_agent_screen_and_coaches_page_follow_a_live_call(
    browser: Any,  # noqa: F811
    live: LiveService,
) -> None:
    errors: list[str] = []
    agent = agent_page(browser, live, errors)
    coach = sign_in(browser, live, "read", VIEWPORT)  # type: ignore[arg-type]
    coach.page.goto("/live")
    coach.page.wait_for_selector("#live-status[data-state=open]")
    screenshot(coach.page, "live-coaches-idle")
    got = Received()

    def stream() -> None:
        nonlocal got
        start = {"agent_id": "anna", "external_id": "call-42"}
        got = stream_raw(live.base_url, live.bearer("ingest"), DEAD_AIR, start, speed=1.5)

    sender = threading.Thread(target=stream)
    sender.start()
    try:
        agent.wait_for_selector("#call-state:has-text('On a call')", timeout=15000)
        dead_air = agent.wait_for_selector("#now .cue.raised:has-text('Dead air')", timeout=60000)
        assert "Tell the customer" in dead_air.inner_text()
        screenshot(agent, "live-agent-during-call")
        card = coach.page.wait_for_selector(".live-call:has-text('anna')")
        # Raised, or already cleared when this slow machine got here (4 s of audio later).
        coach.page.wait_for_selector(".live-call .cue:has-text('Dead air')")
        assert "call-42" in card.inner_text()
        screenshot(coach.page, "live-coaches-during-call")
        assert agent.locator("#checklist li.done[data-item=greeting]").count() == 1
    finally:
        sender.join(120)
    assert got.close_code == 1000
    agent.wait_for_selector("#call-state:has-text('Call ended')", timeout=20000)
    assert agent.locator("#now .cue").count() == 0  # every cue cleared at the end
    assert agent.locator("#earlier .cue.cleared:has-text('Dead air')").count() == 1
    screenshot(agent, "live-agent-after-call")
    coach.page.wait_for_selector(".live-call.ended .ended-note a:has-text('Open the call')")
    screenshot(coach.page, "live-coaches-after-call")
    _stored_call_page(live, coach.page, got.of_type("stopped")[0]["call_id"])
    assert errors == [] and coach.js_errors == []


def _stored_call_page(live: LiveService, page: Any, call_id: str) -> None:
    page.click(".live-call.ended .ended-note a")
    page.wait_for_url(re.compile(f"/calls/{call_id}"))
    live.wait_done(call_id)
    page.reload()
    lane = page.wait_for_selector(".timeline .lane-live")
    assert lane is not None
    marks = page.locator(".timeline .live-mark")
    assert marks.count() >= 1
    assert "Dead air" in page.inner_text("#live-cues")
    screenshot(page, "live-call-page-cues")


def test_agent_screen_refuses_a_key_that_is_not_an_agents(
    browser: Any,  # noqa: F811
    live: LiveService,
) -> None:
    context = browser.new_context(base_url=live.base_url, viewport=VIEWPORT)
    page = context.new_page()
    page.goto("/live/agent")
    page.get_by_label("Your agent key").fill(live.keys["read"])
    page.get_by_role("button", name="Connect").click()
    page.wait_for_selector("#live-status[data-state=error]")
    assert "agent" in page.inner_text("#live-status")
    assert page.is_visible("#key-form") and not page.is_visible("#screen")
    screenshot(page, "live-agent-wrong-key")
