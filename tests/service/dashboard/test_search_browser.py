"""Search in headless Chromium against the real app, pipeline and model: a coach types a
word Whisper heard into the top bar's box, finds the turn, and the hit opens the call
page with the player at the moment it was said; another team's coach finds nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.service.conftest import SAMPLES
from tests.service.dashboard.conftest import LiveApp, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = "good_call"


@pytest.fixture(scope="module")
def analysed(live_app: LiveApp) -> dict[str, Any]:
    """The sample's call, analysed; its report as the API gives it."""
    with live_app.api("uploader") as api:
        response = api.post(
            "/v1/calls",
            files={"audio": ("call.wav", (SAMPLES / f"{SAMPLE}.wav").read_bytes())},
            data={"agent_id": "dana", "language": "en"},
        )
        assert response.status_code == 202, response.text
        call_id = response.json()["id"]
        assert live_app.wait_done(call_id)["status"] == "done"
        report = api.get(f"/v1/calls/{call_id}/report").json()
    return {"call_id": call_id, "report": report}


def _a_heard_word(report: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A long word of a customer turn that no earlier turn says (the first hit is it)."""
    turns = [t for t in report["turns"] if t.get("text")]
    for index, turn in enumerate(turns):
        if turn["party"] != "customer":
            continue
        earlier = " ".join(t["text"].lower() for t in turns[:index] + turns[index + 1 :])
        for word in re.findall(r"[a-z]{6,}", turn["text"].lower()):
            if word not in earlier:
                return word, turn
    raise AssertionError(f"no distinctive customer word in {turns}")


def test_a_hit_opens_the_call_at_the_moment(
    live_app: LiveApp, browser: Any, analysed: dict[str, Any]
) -> None:
    word, turn = _a_heard_word(analysed["report"])
    signed = sign_in(browser, live_app, "read")
    page = signed.page
    box = page.get_by_role("searchbox", name="Search transcripts")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    hits = page.locator(".search-hit")
    assert hits.count() == 1
    hit = hits.first
    assert hit.get_attribute("data-call-id") == analysed["call_id"]
    assert hit.locator("mark").first.inner_text().lower().startswith(word[:4])
    assert "customer" in hit.inner_text()
    # the results page keeps the query and offers the filters
    assert page.locator("#s-q").input_value() == word
    page.locator("#s-party").select_option("agent")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**party=agent*")
    assert page.locator("#no-hits").is_visible()
    page.go_back()
    screenshot(page, "search-results")

    page.locator(".search-hit .hit-link").first.click()
    page.wait_for_url(f"**/calls/{analysed['call_id']}#t=*")
    page.wait_for_function(
        "start => document.getElementById('player').currentTime >= start - 0.05",
        arg=turn["start_s"],
        timeout=15_000,
    )
    now = page.evaluate("document.getElementById('player').currentTime")
    assert turn["start_s"] - 0.05 <= now <= turn["start_s"] + 5.0
    screenshot(page, "search-opened-call")
    assert not signed.js_errors


def test_another_team_finds_nothing(
    live_app: LiveApp, browser: Any, analysed: dict[str, Any]
) -> None:
    word, _turn = _a_heard_word(analysed["report"])
    page = sign_in(browser, live_app, "other").page
    page.goto(f"/search?q={word}")
    assert page.locator("#no-hits").is_visible()
    assert page.locator(".search-hit").count() == 0
