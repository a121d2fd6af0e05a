"""The dashboard in headless Chromium against the real app, pipeline and model.

A coach signs in, uploads a committed sample call and watches it go from queued to
done, opens it and finds the report's values on the page, plays the audio from a
finding, a word and a timeline marker, follows the agent's trends, and an admin edits
a range and re-scores without transcribing again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pytest

from analyzers.profile import default_profile
from analyzers.report import Report
from service.dashboard.cards import pretty_range
from service.dashboard.trends import sentiment_metrics, trend_metrics
from tests.service.conftest import SAMPLES
from tests.service.dashboard.conftest import LiveApp, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AGENT = "dana"
UPLOADED_SAMPLE = "dead_air"  # has an unexplained silence: a finding at a moment
API_SAMPLE = "good_call"
ANALYSIS_TIMEOUT_MS = 240_000


@dataclass
class Uploaded:
    call_id: str  # uploaded through the page
    other_call_id: str  # uploaded through the API, same agent
    phases: list[str]


# Records every phase the upload box shows, so the test sees the call move.
_WATCH_PHASES = """
() => {
  window.__phases = [];
  const box = document.getElementById('upload-progress');
  new MutationObserver(() => {
    const phase = box.dataset.phase;
    if (phase && window.__phases[window.__phases.length - 1] !== phase) window.__phases.push(phase);
  }).observe(box, { attributes: true, attributeFilter: ['data-phase'] });
}
"""


@pytest.fixture(scope="module")
def uploaded(live_app: LiveApp, browser: Any) -> Uploaded:
    with live_app.api("uploader") as api:
        response = api.post(
            "/v1/calls",
            files={"audio": ("call.wav", (SAMPLES / f"{API_SAMPLE}.wav").read_bytes())},
            data={"agent_id": AGENT, "language": "en"},
        )
        assert response.status_code == 202, response.text
        other_call_id = response.json()["id"]

    # The API upload's page, opened at once, says it is not analysed yet and refreshes
    # itself when the report is ready.
    waiting = sign_in(browser, live_app, "read")
    waiting.page.goto(f"/calls/{other_call_id}")
    assert "Not analysed yet" in waiting.page.locator("#pending").inner_text()
    screenshot(waiting.page, "call-pending")

    signed = sign_in(browser, live_app, "uploader")
    page = signed.page
    page.evaluate(_WATCH_PHASES)
    page.locator("#audio").set_input_files(str(SAMPLES / f"{UPLOADED_SAMPLE}.wav"))
    page.get_by_label("Agent id").fill(AGENT)
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_selector("#upload-open", timeout=ANALYSIS_TIMEOUT_MS)
    phases = page.evaluate("window.__phases")
    href = page.get_attribute("#upload-open", "href")
    assert href is not None
    call_id = href.rsplit("/", 1)[1]
    # The table refreshes in place: the new call is listed as done, no reload needed.
    assert page.evaluate("window.__phases !== undefined")
    page.wait_for_selector(f'tr[data-call-id="{call_id}"] .st-done')
    screenshot(page, "calls-upload-done")
    assert signed.js_errors == []
    page.context.close()
    live_app.wait_done(other_call_id)
    waiting.page.wait_for_selector(".metric-card", timeout=ANALYSIS_TIMEOUT_MS)
    assert waiting.js_errors == []
    waiting.page.context.close()
    return Uploaded(call_id=call_id, other_call_id=other_call_id, phases=phases)


def report_of(live: LiveApp, call_id: str) -> Report:
    with live.api("read") as api:
        response = api.get(f"/v1/calls/{call_id}/report")
        assert response.status_code == 200, response.text
        return Report.model_validate(response.json())


def audio_time(page: Any) -> float:
    return float(page.evaluate("document.getElementById('player').currentTime"))


def wait_audio_near(page: Any, seconds: float) -> float:
    """Wait until the player sits at ``seconds`` (playing moves it on a little)."""
    page.wait_for_function(
        "t => { const a = document.getElementById('player');"
        " return a.readyState >= 1 && a.currentTime >= t - 0.05 && a.currentTime <= t + 2.0; }",
        arg=seconds,
        timeout=15_000,
    )
    return audio_time(page)


def test_upload_shows_the_call_moving_from_queued_to_done(uploaded: Uploaded) -> None:
    phases = uploaded.phases
    assert phases[0] == "uploading"
    assert phases[-1] == "done"
    # In order, each at most once: queued before processing before done.
    seen = [p for p in ("uploading", "queued", "processing", "done") if p in phases]
    assert phases == seen
    assert "queued" in phases and "processing" in phases


def test_calls_table_lists_both_calls_with_rule_badges(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    signed = sign_in(browser, live_app, "read")
    page = signed.page
    for call_id in (uploaded.call_id, uploaded.other_call_id):
        report = report_of(live_app, call_id)
        row = page.locator(f'tr[data-call-id="{call_id}"]')
        assert row.count() == 1
        assert AGENT in row.inner_text()
        badges = row.locator(".badge").all_inner_texts()
        rules = sorted({f.rule for f in report.findings})
        if rules:
            assert len(badges) == len(rules)
        else:
            assert badges == ["No findings"]
    # Filter by a rule that only the uploaded call has findings of.
    page.get_by_label("With findings of").select_option("unexplained_silence")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**rule=unexplained_silence**")
    ids = page.locator("tbody tr[data-call-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.callId)"
    )
    silence_calls = {
        c
        for c in (uploaded.call_id, uploaded.other_call_id)
        if any(f.rule == "unexplained_silence" for f in report_of(live_app, c).findings)
    }
    assert set(ids) == silence_calls
    # Sorting by duration, ascending then descending.
    page.goto("/calls?sort=duration&dir=asc")
    ascending = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    page.goto("/calls?sort=duration&dir=desc")
    assert page.locator("tbody tr td:nth-child(3)").all_inner_texts() == ascending[::-1]
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Duration")
    screenshot(page, "calls")
    page.set_viewport_size({"width": 820, "height": 1180})
    screenshot(page, "calls-tablet")
    # The CSV export carries the same calls.
    response = page.request.get("/calls.csv")
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert {r["call_id"] for r in rows} == {uploaded.call_id, uploaded.other_call_id}
    assert signed.js_errors == []


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


def test_call_page_shows_the_reports_cards_findings_and_transcript(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    report = report_of(live_app, uploaded.call_id)
    signed = sign_in(browser, live_app, "read")
    page = signed.page
    page.goto(f"/calls/{uploaded.call_id}")

    # Metric cards: value and status of every metric.
    cards = page.locator(".metric-card")
    assert cards.count() == len(report.metrics)
    for i, metric in enumerate(report.metrics):
        card = cards.nth(i)
        assert card.get_attribute("data-rule") == metric.rule
        assert card.get_attribute("data-status") == metric.status
        shown = card.locator(".value").inner_text()
        if isinstance(metric.value, int | float):
            assert _number(shown) == pytest.approx(metric.value, abs=0.51)
        elif metric.value is not None:
            assert shown == str(metric.value)
        assert pretty_range(metric.expected) in card.inner_text()

    # Findings: message, value and the guide's rule id with the advice.
    items = page.locator("li.finding")
    assert items.count() == len(report.findings) > 0
    for i, finding in enumerate(report.findings):
        item = items.nth(i)
        assert item.get_attribute("data-rule") == finding.rule
        assert finding.message in item.inner_text()
        assert item.locator("code.rule-id").inner_text() == finding.rule
        assert finding.advice in item.locator(".advice").inner_text()
        if isinstance(finding.value, int | float):
            value = item.locator(".finding-value").get_attribute("data-value")
            assert value is not None and float(value) == pytest.approx(finding.value)

    # Transcript: every word with its time, by party, findings marked in place.
    words = [
        w for t in sorted(report.turns, key=lambda t: t.start_s) for w in t.words if w.word.strip()
    ]
    shown_words = page.locator(".turns .w")
    assert shown_words.count() == len(words) > 0
    starts = shown_words.evaluate_all("ws => ws.map(w => parseFloat(w.dataset.t))")
    assert starts == pytest.approx([w.start_s for w in words])
    assert shown_words.nth(0).inner_text() == words[0].word.strip()
    parties = page.locator(".turn .party-name").all_inner_texts()
    assert parties == [
        {"agent": "Agent", "customer": "Customer"}.get(t.party, "Speaker")
        for t in sorted(report.turns, key=lambda t: t.start_s)
    ]
    silence = next(f for f in report.findings if f.rule == "unexplained_silence")
    index = report.findings.index(silence)
    pinned = page.locator(f'.event-silence a.chip[href="#finding-{index}"]')
    assert pinned.count() == 1

    # Timeline: one marker per timed finding, the rings, axes with units.
    timed = [f for f in report.findings if f.start_s is not None]
    assert page.locator("svg .marker").count() == len(timed)
    assert page.locator("svg rect.ring").count() == len(report.pickup.ring_times)
    assert page.locator("svg .level.agent").count() == 1
    assert page.locator("svg .level.customer").count() == 1
    assert page.locator("svg polyline.pitch").count() > 0
    svg_text = page.locator("#timeline svg").text_content() or ""
    assert "dBov" in svg_text and "Hz" in svg_text and "time (m:ss)" in svg_text
    screenshot(page, "call")
    assert signed.js_errors == []


def test_clicking_a_finding_a_word_or_a_marker_plays_from_there(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    report = report_of(live_app, uploaded.call_id)
    signed = sign_in(browser, live_app, "read")
    page = signed.page
    audio_statuses: list[int] = []
    page.on(
        "response",
        lambda r: audio_statuses.append(r.status) if r.url.endswith("/audio") else None,
    )
    page.goto(f"/calls/{uploaded.call_id}")
    assert audio_time(page) == 0

    silence = next(f for f in report.findings if f.rule == "unexplained_silence")
    index = report.findings.index(silence)
    assert silence.start_s is not None
    page.locator(f"#finding-{index} .seek-button").click()
    at = wait_audio_near(page, silence.start_s)
    assert at == pytest.approx(silence.start_s, abs=2.0)
    assert page.locator(f"#finding-{index}").get_attribute("class").split().count("active") == 1

    word = [w for t in report.turns if t.party == "customer" for w in t.words][3]
    page.locator(f'.turns .w[data-t="{word.start_s}"]').first.click()
    assert wait_audio_near(page, word.start_s) == pytest.approx(word.start_s, abs=2.0)

    page.locator(f'svg .marker[data-finding="{index}"] .marker-head').click()
    assert wait_audio_near(page, silence.start_s) == pytest.approx(silence.start_s, abs=2.0)

    # Keyboard: tab to a turn's time button and press Enter.
    turn = sorted(report.turns, key=lambda t: t.start_s)[-1]
    button = page.locator(f'.turn .seek-button[data-seek="{turn.start_s}"]')
    button.focus()
    page.keyboard.press("Enter")
    assert wait_audio_near(page, turn.start_s) == pytest.approx(turn.start_s, abs=2.0)

    # The player fetched the recording with range requests through the cookie route.
    assert 206 in audio_statuses
    page.evaluate("document.getElementById('player').pause()")
    page.set_viewport_size({"width": 820, "height": 1180})
    screenshot(page, "call-tablet")
    assert signed.js_errors == []


def test_agent_page_trends_and_team_page(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    reports = {c: report_of(live_app, c) for c in (uploaded.call_id, uploaded.other_call_id)}
    signed = sign_in(browser, live_app, "read")
    page = signed.page
    page.goto(f"/agents/{AGENT}")
    charts = page.locator("figure.trend")
    # One chart per trend metric of the rules table and per sentiment trend; a metric these
    # calls did not measure (e.g. patience on a call without questions) says so instead of
    # drawing an empty chart.
    drawn, empty = charts.locator("svg").count(), charts.locator("p.empty-chart").count()
    expected = len(trend_metrics(default_profile())) + len(sentiment_metrics())
    assert drawn + empty == charts.count() == expected
    assert drawn >= 7
    for metric in (
        "speech_rate",
        "pitch_monotony",
        "loudness",
        "unexplained_silence",
        "pickup_delay",
        "findings",
    ):
        chart = page.locator(f'figure.trend[data-metric="{metric}"]')
        assert chart.locator("circle.agent-point").count() >= 1, metric
        assert chart.locator("text.y-tick").count() >= 2, metric
    assert page.locator('figure.trend[data-metric="speech_rate"] rect.band').count() == 1

    # Both calls are listed, each once, among the calls to review or the best calls.
    listed = page.locator("#worst-calls a, #best-calls a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('/').pop())"
    )
    assert sorted(listed) == sorted(reports)

    # The weekly speech rate is the mean of the two reports' values.
    rates = [
        m.value
        for r in reports.values()
        for m in r.metrics
        if m.rule == "speech_rate" and isinstance(m.value, int | float)
    ]
    page.locator("details summary").click()
    row = page.locator("details tbody tr", has_text="Speech rate")
    cells = [c for c in row.locator("td").all_inner_texts() if c != "–"]
    if rates and len(cells) == 1:  # both calls fall in the same week
        assert float(cells[0]) == pytest.approx(sum(rates) / len(rates), abs=0.51)
    screenshot(page, "agent")

    response = page.request.get(f"/agents.csv?agent={AGENT}")
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert {r["call_id"] for r in rows} == set(reports)
    for row_ in rows:
        metric = next(m for m in reports[row_["call_id"]].metrics if m.rule == "speech_rate")
        if isinstance(metric.value, int | float):
            assert float(row_["speech_rate: Speech rate (wpm)"]) == pytest.approx(metric.value)

    page.goto("/team")
    agent_row = page.locator("#team-table tbody tr", has_text=AGENT)
    assert agent_row.locator("td").first.inner_text() == "2"
    screenshot(page, "team")
    assert signed.js_errors == []


def _speech_rate_finding(report: Report) -> Any:
    return next((f for f in report.findings if f.rule == "speech_rate" and f.start_s is None), None)


def test_ranges_viewable_by_read_keys_editable_by_admins_and_rescoring(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    reader = sign_in(browser, live_app, "read")
    page = reader.page
    page.goto("/ranges")
    assert page.get_by_label("Slowest speech rate").is_disabled()
    assert page.get_by_role("button", name="Save ranges").count() == 0
    screenshot(page, "ranges-read")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    refused = page.request.post(
        "/ranges", form={"csrf": csrf or "", "speech_rate.min_wpm": "10"}, max_redirects=0
    )
    assert refused.status == 403

    before = report_of(live_app, uploaded.call_id)
    wpm = before.parties.agent.wpm if before.parties.agent else None
    # The sample's agent (a real recorded voice) may already be a little fast: a warning.
    before_finding = _speech_rate_finding(before)
    assert wpm is not None and (before_finding is None or before_finding.severity != "critical")

    admin = sign_in(browser, live_app, "admin")
    page = admin.page
    page.goto("/ranges")
    # A minimum above the maximum is refused with the reason.
    page.get_by_label("Slowest speech rate").fill("300")
    page.get_by_label("Fastest speech rate").fill("200")
    page.get_by_role("button", name="Save ranges").click()
    assert "the lowest must not be above the highest" in page.locator("#ranges-error").inner_text()

    page.get_by_label("Slowest speech rate").fill("250")
    page.get_by_label("Fastest speech rate").fill("400")
    page.get_by_role("button", name="Save ranges").click()
    page.wait_for_url("**/ranges?notice=saved")
    # Saving alone changes no existing report.
    assert _speech_rate_finding(report_of(live_app, uploaded.call_id)) == before_finding
    page.get_by_role("button", name="Re-score existing reports").click()
    page.wait_for_url("**/ranges?notice=rescored-*")
    assert "Re-scored 2 reports" in page.locator("#ranges-notice").inner_text()
    screenshot(page, "ranges-admin")

    after = report_of(live_app, uploaded.call_id)
    finding = _speech_rate_finding(after)
    assert finding is not None and finding.severity == "critical"
    assert finding.value == pytest.approx(round(wpm, 2))
    assert after.ranges_profile == "coaches"
    assert after.turns == before.turns  # nothing was transcribed again
    page.goto(f"/calls/{uploaded.call_id}")
    card = page.locator('.metric-card[data-rule="speech_rate"]')
    assert card.get_attribute("data-status") == "critical"
    assert "250–400 wpm" in card.inner_text()
    assert page.locator('li.finding[data-rule="speech_rate"]').count() >= 1
    screenshot(page, "call-rescored")

    # Back to the guide's defaults: the finding goes away again.
    page.goto("/ranges")
    page.get_by_label("Slowest speech rate").fill("120")
    page.get_by_label("Fastest speech rate").fill("160")
    page.get_by_role("button", name="Save ranges").click()
    page.wait_for_url("**/ranges?notice=saved")
    page.get_by_role("button", name="Re-score existing reports").click()
    page.wait_for_url("**/ranges?notice=rescored-*")
    restored = report_of(live_app, uploaded.call_id)
    assert restored.findings == before.findings
    assert restored.metrics == before.metrics
    assert reader.js_errors == [] and admin.js_errors == []


def test_sign_in_scopes_and_team_isolation(
    live_app: LiveApp, browser: Any, uploaded: Uploaded
) -> None:
    context = browser.new_context(
        base_url=live_app.base_url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    # Pages and the audio need a session.
    page.goto(f"/calls/{uploaded.call_id}")
    assert re.search(r"/sign-in\?next=", page.url)
    assert page.request.get(f"/calls/{uploaded.call_id}/audio").status == 401
    # A wrong key and a key without the read scope are refused with the reason.
    page.get_by_label("API key").fill("cck_0000000000000000_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    assert "not valid" in page.locator("#sign-in-error").inner_text()
    screenshot(page, "sign-in-error")
    page.get_by_label("API key").fill(live_app.keys["ingest_only"])
    page.get_by_role("button", name="Sign in").click()
    assert "no read scope" in page.locator("#sign-in-error").inner_text()
    context.close()

    # The session cookie holds the key's id, signed, never the key itself.
    reader = sign_in(browser, live_app, "read")
    cookie = next(c for c in reader.page.context.cookies() if c["name"] == "callcoach_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    secret_part = live_app.keys["read"].rsplit("_", 1)[1]
    assert secret_part not in cookie["value"]
    # A read-only key is told that uploading needs the ingest scope.
    assert "ingest" in reader.page.locator("#no-ingest").inner_text()
    assert reader.page.locator("#upload-form").count() == 0
    screenshot(reader.page, "calls-read-only")
    # Sign out ends the session.
    reader.page.get_by_role("button", name="Sign out").click()
    reader.page.wait_for_url("**/sign-in")
    reader.page.goto("/calls")
    assert "/sign-in" in reader.page.url

    # Another team's coach sees none of these calls, their audio or their reports.
    other = sign_in(browser, live_app, "other")
    page = other.page
    assert page.locator("tbody tr[data-call-id]").count() == 0
    response = page.goto(f"/calls/{uploaded.call_id}")
    assert response is not None and response.status == 404
    assert page.request.get(f"/calls/{uploaded.call_id}/audio").status == 404
    assert page.request.get(f"/calls/{uploaded.call_id}/status").status == 404
    assert page.request.get(f"/agents/{AGENT}").status == 404
    screenshot(page, "other-team-calls")


def test_an_upload_the_service_cannot_use_says_why(
    live_app: LiveApp, browser: Any, tmp_path: Any
) -> None:
    signed = sign_in(browser, live_app, "uploader")
    page = signed.page
    not_audio = tmp_path / "notes.wav"
    not_audio.write_bytes(b"these are meeting notes, not a recording\n" * 50)
    page.locator("#audio").set_input_files(str(not_audio))
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_selector("#upload-progress[data-phase=failed]")
    message = page.locator("#upload-result").inner_text()
    assert message and "422" not in message  # the service's reason, not a status code
    assert page.get_by_role("button", name="Upload and analyse").is_enabled()
    screenshot(page, "calls-upload-refused")
    assert signed.js_errors == []
