"""Issue 13, agent access, in headless Chromium: an agent signs in with their own key,
acknowledges one finding and disputes another with a comment; the coach sees both
states, dismisses the disputed finding, and the agent's trend, the team's findings table
and the agent's summary stop counting it while the call page still shows it, dismissed.

The call is stored with a ready-made report scored by the real rules (coach_reports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from analyzers.options import CallMetadata
from analyzers.report import Report
from service.dashboard.templating import RULE_LABELS
from tests.service.conftest import SAMPLES
from tests.service.dashboard.coach_reports import coaching_report
from tests.service.dashboard.conftest import LiveApp, screenshot, sign_in, store_scored_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AGENT, OTHER_AGENT = "rev-anna", "rev-bert"
TABLET = {"width": 820, "height": 1180}
REASON = "The customer asked me to speak up: the line was bad."
ANSWER = "Agreed: the line was bad, this one does not count."


@pytest.fixture(scope="module")
def reviewed(pages_app: LiveApp) -> dict[str, Any]:
    """The agent's call (and another agent's), and an agent's key for the agent."""
    from service.keys import create_api_key

    report = coaching_report()
    meta = CallMetadata(recording_started_at=datetime.now(UTC) - timedelta(days=1))
    audio = SAMPLES / "good_call.wav"
    own = store_scored_call(pages_app, report, audio, agent_id=AGENT, metadata=meta)
    other = store_scored_call(pages_app, report, audio, agent_id=OTHER_AGENT, metadata=meta)
    with pages_app.state.db.session() as session:
        new = create_api_key(session, "coaches", ["read"], name="anna", agent_id=AGENT)
    pages_app.keys["agent"] = new.key
    loud = [i for i, f in enumerate(report.findings) if f.rule == "loudness"]
    raised = next(i for i in loud if report.findings[i].severity == "critical")
    return {"own": own, "other": other, "report": report, "raised": raised}


def _finding(page: Any, index: int) -> Any:
    return page.locator(f"#finding-{index}")


def _findings_per_call(page: Any) -> str:
    """The agent page's weekly table: this week's mean findings per call."""
    row = page.locator("table.compact tbody tr", has=page.locator("th", has_text="Findings"))
    return (row.locator("td").last.text_content() or "").strip()


def _team_count(page: Any, agent: str, rule: str) -> int:
    row = page.locator("#team-findings tbody tr", has=page.locator("th", has_text=agent))
    return int(row.locator("td").nth(list(RULE_LABELS).index(rule)).inner_text())


def _shots(page: Any, name: str, finding: int) -> None:
    """The call page at 1366 and 820 px: the whole page, its findings column and the
    reviewed finding."""
    for suffix, viewport in (("", {"width": 1366, "height": 900}), ("-tablet", TABLET)):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}{suffix}")
        for part, selector in (
            ("findings", "section.findings"),
            ("finding", f"#finding-{finding}"),
        ):
            element = page.locator(selector)
            element.scroll_into_view_if_needed()
            element.screenshot(path=str(screenshot_path(f"{name}-{part}{suffix}")))
    page.set_viewport_size({"width": 1366, "height": 900})


def screenshot_path(name: str) -> Any:
    from tests.service.dashboard.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_agent_disputes_coach_dismisses_and_the_trend_drops_it(
    pages_app: LiveApp, browser: Any, reviewed: dict[str, Any]
) -> None:
    report: Report = reviewed["report"]
    raised: int = reviewed["raised"]
    total = len(report.findings)

    coach = sign_in(browser, pages_app, "read")
    coach.page.goto(f"/agents/{AGENT}")
    assert _findings_per_call(coach.page) == f"{total:.1f}"
    coach.page.goto("/team")
    assert _team_count(coach.page, AGENT, "loudness") == 2

    # The agent: their calls only, no coaches' pages, and the review buttons.
    agent = sign_in(browser, pages_app, "agent")
    page = agent.page
    assert page.locator(f'tr[data-call-id="{reviewed["own"]}"]').count() == 1
    assert page.locator(f'tr[data-call-id="{reviewed["other"]}"]').count() == 0
    assert page.locator('header nav a[href="/team"]').count() == 0
    page.goto("/team")
    page.wait_for_url("**/calls")
    page.goto(f"/calls/{reviewed['own']}")
    assert page.locator(".note-form").count() == 0
    assert page.locator('[data-step="dismiss"]').count() == 0
    _finding(page, 0).locator('[data-step="acknowledge"]').click()
    page.wait_for_url(f"**/calls/{reviewed['own']}#finding-0")
    assert _finding(page, 0).get_attribute("data-review") == "acknowledged"
    assert _finding(page, 0).locator(".review-badge").inner_text() == "Acknowledged"

    item = _finding(page, raised)
    item.locator('[data-step="dispute-open"]').click()
    item.get_by_label("Why is this finding wrong?").fill(REASON)
    item.locator('[data-step="dispute"]').click()
    page.wait_for_url(f"**/calls/{reviewed['own']}#finding-{raised}")
    item = _finding(page, raised)
    assert item.get_attribute("data-review") == "disputed"
    assert REASON in item.locator(".review-history").inner_text()
    # Changing their mind is allowed; sending an empty dispute is not (the field says so).
    assert item.locator('[data-step="acknowledge"]').count() == 1
    _shots(page, "review-agent-disputed", raised)

    # The coach sees both answers and dismisses the disputed finding.
    page = coach.page
    page.goto(f"/calls/{reviewed['own']}")
    assert _finding(page, 0).locator(".review-badge").inner_text() == "Acknowledged"
    assert _finding(page, 0).locator('[data-step="dismiss"]').count() == 0
    item = _finding(page, raised)
    assert item.locator(".review-badge").inner_text() == "Disputed"
    assert REASON in item.locator(".review-comment").inner_text()
    assert page.locator('[data-step="dismiss"]').count() == 1
    assert page.locator(f'#summary a[href="#finding-{raised}"]').count() == 1
    _shots(page, "review-coach-disputed", raised)
    item.get_by_label("Your answer").fill(ANSWER)
    item.locator('[data-step="dismiss"]').click()
    page.wait_for_url(f"**/calls/{reviewed['own']}#finding-{raised}")

    item = _finding(page, raised)
    assert item.get_attribute("data-review") == "dismissed"
    assert item.locator(".review-badge").inner_text() == "Dismissed"
    assert ANSWER in item.locator(".review-history").inner_text()
    assert item.locator('[data-step="reopen"]').count() == 1
    assert page.locator("#dismissed-count").inner_text() == "1 dismissed"
    assert page.locator(f'#summary a[href="#finding-{raised}"]').count() == 0
    marker = page.locator(f'a.marker[data-finding="{raised}"]')
    assert "dismissed" in (marker.get_attribute("class") or "")
    _shots(page, "review-coach-dismissed", raised)

    # The agent's trend, the team's table and the API summary no longer count it.
    page.goto(f"/agents/{AGENT}")
    assert _findings_per_call(page) == f"{total - 1:.1f}"
    page.goto("/team")
    assert _team_count(page, AGENT, "loudness") == 1
    assert _team_count(page, OTHER_AGENT, "loudness") == 2
    with pages_app.api("read") as api:
        weeks = api.get(f"/v1/agents/{AGENT}/summary").json()["weeks"]
        assert sum(w["findings"].get("loudness", 0) for w in weeks) == 1
        call = api.get(f"/v1/calls/{reviewed['own']}").json()
        assert call["findings_count"] == total - 1

    # The agent sees the decision, and has no step left on that finding.
    page = agent.page
    page.goto(f"/calls/{reviewed['own']}")
    item = _finding(page, raised)
    assert item.get_attribute("data-review") == "dismissed"
    assert item.locator(".review-actions").count() == 0
    _shots(page, "review-agent-dismissed", raised)
    assert agent.js_errors == [] and coach.js_errors == []


def test_an_empty_dispute_is_refused_with_the_reason(
    pages_app: LiveApp, browser: Any, reviewed: dict[str, Any]
) -> None:
    """The form requires a comment; a request without one (the field bypassed) comes
    back with the reason at the finding."""
    page = sign_in(browser, pages_app, "agent").page
    page.goto(f"/calls/{reviewed['own']}")
    item = _finding(page, 1)
    item.locator('[data-step="dispute-open"]').click()
    textarea = item.get_by_label("Why is this finding wrong?")
    textarea.fill("   ")
    textarea.evaluate("t => t.removeAttribute('required')")
    item.locator('[data-step="dispute"]').click()
    page.wait_for_url("**review_error=*")
    alert = _finding(page, 1).locator(".alert.error")
    assert "say why you dispute" in alert.inner_text()
    assert _finding(page, 1).get_attribute("data-review") == "open"
