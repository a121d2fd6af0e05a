"""Issue 13 in headless Chromium: cards that agree with their values, nice axes,
findings that point where to listen, mono silences, calls a coach can tell apart,
the coaching summary and the printable call page.

Calls are stored with ready-made reports (scored by the real rules) and a real
recording, so the page is tested without waiting for an analysis; the dashboard
upload runs the real (transcription-free) pipeline.
"""

from __future__ import annotations

import itertools
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analyzers.options import CallMetadata
from analyzers.report import Report
from tests.analyzers.golden.cases import GOLDEN_DIR
from tests.service.conftest import SAMPLES
from tests.service.dashboard.coach_reports import (
    DURATION_S,
    LAST_AGENT_WORD_END_S,
    QUIET_TURN_S,
    RAISED_TURN_S,
    coaching_report,
    counts_report,
    mono_report,
)
from tests.service.dashboard.conftest import LiveApp, screenshot, sign_in, store_scored_call

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AGENT = "coach-kim"
NOW = datetime.now(UTC).replace(microsecond=0)
SAME_MINUTE = NOW.replace(second=0) - timedelta(days=1)
TABLET = {"width": 820, "height": 1180}


def _at(moment: datetime) -> CallMetadata:
    return CallMetadata(recording_started_at=moment)


def _recording(folder: Path) -> Path:
    """Two committed calls back to back, cut to the reports' DURATION_S (no committed
    sample is that long)."""
    import numpy as np
    import soundfile as sf

    parts = [sf.read(SAMPLES / name, dtype="int16") for name in ("good_call.wav", "dead_air.wav")]
    rate = parts[0][1]
    joined = np.concatenate([samples for samples, _ in parts])[: round(DURATION_S * rate)]
    path = folder / "coaching_call.wav"
    sf.write(path, joined, rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def calls(pages_app: LiveApp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The coaching call, a mono call, two more calls of the same minute and three
    weeks of silence counts for the agent's trend chart."""
    audio = _recording(tmp_path_factory.mktemp("coach-audio"))
    report = coaching_report(customer_name="Robin Park")
    meta = CallMetadata(
        recording_started_at=SAME_MINUTE.replace(second=12), customer_name="Robin Park"
    )
    stored: dict[str, Any] = {
        "coaching": store_scored_call(
            pages_app, report, audio, agent_id=AGENT, metadata=meta, file_name="robin-order.wav"
        ),
        "mono": store_scored_call(
            pages_app,
            mono_report(),
            audio,
            agent_id=AGENT,
            external_id="PBX-4471",
            metadata=_at(SAME_MINUTE.replace(second=41)),
        ),
    }
    for weeks_ago, count in ((3, 0), (2, 1), (1, 0)):
        stored[f"week-{weeks_ago}"] = store_scored_call(
            pages_app,
            counts_report(count),
            audio,
            agent_id=AGENT,
            metadata=_at(NOW - timedelta(weeks=weeks_ago)),
        )
    stored["report"] = report
    return stored


def _audio_near(page: Any, seconds: float) -> None:
    page.wait_for_function(
        "t => { const a = document.getElementById('player');"
        " return a.readyState >= 1 && a.currentTime >= t - 0.05 && a.currentTime <= t + 2.0; }",
        arg=seconds,
        timeout=15_000,
    )


def test_cards_say_which_turns_and_windows_are_out_of_range(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    report: Report = calls["report"]
    signed = sign_in(browser, pages_app, "read")
    page = signed.page
    page.goto(f"/calls/{calls['coaching']}")
    loud = page.locator('.metric-card[data-rule="loudness"]')
    assert loud.get_attribute("data-status") == "ok"
    assert "In range" in loud.locator(".status-text").inner_text()
    assert "Out of range" not in loud.inner_text()
    assert loud.locator(".moments-text").inner_text() == "2 turns out of range"
    links = loud.locator("a.moment")
    assert links.count() == 2
    for i, start in enumerate((QUIET_TURN_S, RAISED_TURN_S)):
        index = int(links.nth(i).get_attribute("data-finding") or -1)
        assert report.findings[index].rule == "loudness"
        assert report.findings[index].start_s == start
    links.nth(1).click()
    _audio_near(page, RAISED_TURN_S)
    index = links.nth(1).get_attribute("data-finding")
    assert "active" in (page.locator(f"#finding-{index}").get_attribute("class") or "")

    rate = page.locator('.metric-card[data-rule="speech_rate"]')
    assert rate.get_attribute("data-status") == "ok"
    assert rate.locator(".moments-text").inner_text() == "2 of 9 windows slow"
    pitch = page.locator('.metric-card[data-rule="pitch_monotony"]')
    assert pitch.locator(".moments-text").inner_text() == "1 of 3 windows flat"
    screenshot(page, "coach-call")
    page.set_viewport_size(TABLET)
    screenshot(page, "coach-call-tablet")
    assert signed.js_errors == []


def test_coaching_summary_heads_the_call_page(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    report: Report = calls["report"]
    assert 2 <= len(report.summary) <= 3
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/calls/{calls['coaching']}")
    items = page.locator("#summary .summary-points li")
    assert items.count() == len(report.summary)
    for i, point in enumerate(report.summary):
        assert items.nth(i).get_attribute("data-rule") == point.rule
        assert point.text in " ".join(items.nth(i).inner_text().split())
    # The summary comes before the metric cards.
    order = page.evaluate(
        "() => document.getElementById('summary').compareDocumentPosition("
        "document.getElementById('cards-title')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert order
    with pages_app.api("read") as api:
        stored = api.get(f"/v1/calls/{calls['coaching']}/report").json()
    assert stored["schema_version"] == 1
    assert [p["rule"] for p in stored["summary"]] == [p.rule for p in report.summary]


def test_opening_and_closing_findings_play_where_to_listen(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/calls/{calls['coaching']}")
    closing = page.locator('li.finding[data-rule="closing"] .seek-button')
    start = float(closing.get_attribute("data-seek") or "nan")
    assert LAST_AGENT_WORD_END_S - 30.0 - 1e-6 <= start < LAST_AGENT_WORD_END_S
    closing.click()
    _audio_near(page, start)
    opening = page.locator('li.finding[data-rule="opening"] .seek-button')
    assert float(opening.get_attribute("data-seek") or "nan") == pytest.approx(2.0)
    report: Report = calls["report"]
    opening_finding = next(f for f in report.findings if f.rule == "opening")
    assert opening_finding.end_s is not None and opening_finding.end_s <= 2.0 + 15.0


def test_mono_silences_are_checked_against_the_transcript(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/calls/{calls['mono']}")
    messages = page.locator('li.finding[data-rule="unexplained_silence"] .finding-message')
    texts = messages.all_inner_texts()
    assert texts and not any("no transcript" in t for t in texts)
    assert any("without telling the customer why" in t for t in texts)


def test_a_diarized_mono_call_shows_both_parties_and_the_splits_confidence(
    pages_app: LiveApp, browser: Any, tmp_path: Path
) -> None:
    """A mono call split by voice reads like a stereo one: both parties' lanes and
    transcript turns, and how sure the split is, in the call's header."""
    report = Report.model_validate_json((GOLDEN_DIR / "good_call_mono.none.json").read_text())
    assert report.separation is not None and report.separation.method == "diarized"
    call_id = store_scored_call(pages_app, report, SAMPLES / "good_call.wav", agent_id=AGENT)
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/calls/{call_id}")
    header = page.locator(".separation").inner_text()
    confidence = round(report.separation.confidence * 100)
    assert header.startswith(f"parties told apart by voice, confidence {confidence} %")
    for party in ("agent", "customer"):
        assert page.locator(f"g.lane-level_{party}").count() == 1, party
    screenshot(page, "coach-call-mono-diarized")


def test_calls_table_tells_calls_apart(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    page = sign_in(browser, pages_app, "read").page
    page.goto("/calls")
    coaching = page.locator(f'tr[data-call-id="{calls["coaching"]}"]')
    mono = page.locator(f'tr[data-call-id="{calls["mono"]}"]')
    assert coaching.locator("td.when").inner_text().endswith(":12")
    assert mono.locator("td.when").inner_text().endswith(":41")
    assert coaching.locator("td.customer").inner_text() == "Robin Park"
    assert mono.locator("td.customer").inner_text() == "PBX-4471"
    assert coaching.locator("td.recording").inner_text() == "robin-order.wav"
    assert mono.locator("td.recording").inner_text() == "upload"
    report: Report = calls["report"]
    line = coaching.locator(".summary-line").inner_text()
    assert line.startswith(report.summary[0].text.split(". ")[0])
    assert coaching.locator("td.num").inner_text() == "1:20"
    screenshot(page, "coach-calls")
    page.set_viewport_size(TABLET)
    screenshot(page, "coach-calls-tablet")


def test_dashboard_upload_takes_the_apis_metadata_and_keeps_the_file_name(
    pages_app: LiveApp, browser: Any, tmp_path: Any
) -> None:
    page = sign_in(browser, pages_app, "uploader").page
    named = tmp_path / "Kim 2026-12-01 billing.wav"
    named.write_bytes((SAMPLES / "early_pickup.wav").read_bytes())
    page.locator("#audio").set_input_files(str(named))
    page.get_by_label("Agent id").fill("kim-upload")
    page.get_by_label("Agent's name").fill("Kim")
    page.get_by_label("External id").fill("CRM-991")
    page.get_by_label("Customer's name").fill("Ada Lovelace")
    page.get_by_label("Company names").fill("Acme Telecom; Acme")
    page.get_by_label("Agent's channel").select_option("1")
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_selector("#upload-open", timeout=120_000)
    href = page.get_attribute("#upload-open", "href") or ""
    call_id = href.rsplit("/", 1)[-1]
    with pages_app.api("read") as api:
        body = api.get(f"/v1/calls/{call_id}").json()
    assert body["file_name"] == "Kim 2026-12-01 billing.wav"
    assert body["external_id"] == "CRM-991" and body["agent_id"] == "kim-upload"
    assert body["options"]["agent_channel"] == 1
    assert body["metadata"]["customer_name"] == "Ada Lovelace"
    assert body["metadata"]["agent_name"] == "Kim"
    assert body["metadata"]["company_names"] == ["Acme Telecom", "Acme"]
    page.goto("/calls")
    row = page.locator(f'tr[data-call-id="{call_id}"]')
    assert row.locator("td.recording").inner_text() == "Kim 2026-12-01 billing.wav"
    assert row.locator("td.customer").inner_text().startswith("Ada Lovelace")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def test_agent_charts_have_nice_ticks_and_hold_every_point(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/agents/{AGENT}")
    charts = page.locator("figure.trend")
    assert charts.count() >= 5
    for i in range(charts.count()):
        chart = charts.nth(i)
        if chart.locator("svg").count() == 0:
            continue
        metric = chart.get_attribute("data-metric")
        labels = chart.locator("text.y-tick").evaluate_all("ts => ts.map(t => t.textContent)")
        assert len(labels) >= 2 and len(set(labels)) == len(labels), (metric, labels)
        assert all(_NUMBER.match(label) for label in labels), (metric, labels)
        values = [float(label) for label in labels]
        steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
        assert len(steps) == 1, (metric, values)
        step = steps.pop()
        assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1.0, 2.0, 5.0), metric
        if metric in ("unexplained_silence", "findings", "pickup_delay"):
            assert all(v == int(v) for v in values), (metric, labels)
        tick_ys = [
            float(y)
            for y in chart.locator("line.grid").evaluate_all(
                "ls => ls.map(l => l.getAttribute('y1'))"
            )
        ]
        top, bottom = min(tick_ys), max(tick_ys)
        for cy in chart.locator("circle.agent-point").evaluate_all(
            "cs => cs.map(c => parseFloat(c.getAttribute('cy')))"
        ):
            assert top - 0.01 <= cy <= bottom + 0.01, (metric, cy, top, bottom)
    screenshot(page, "coach-agent")
    page.set_viewport_size(TABLET)
    screenshot(page, "coach-agent-tablet")


def test_coach_adds_notes_at_a_time_and_on_a_finding(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any]
) -> None:
    report: Report = calls["report"]
    closing = next(i for i, f in enumerate(report.findings) if f.rule == "closing")
    signed = sign_in(browser, pages_app, "read")
    page = signed.page
    page.goto(f"/calls/{calls['coaching']}")
    page.locator('li.finding[data-rule="loudness"] .seek-button').nth(1).click()
    _audio_near(page, RAISED_TURN_S)
    page.locator("#player").evaluate("a => a.pause()")
    page.get_by_role("button", name="Use player time").click()
    assert page.locator("#note-at").input_value().startswith("0:5")
    page.locator("#note-at").fill("0:56")
    page.locator("#note-text").fill("Raised voice here: talk it through")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(re.compile(r".*#notes$"))
    page.locator("#note-text").fill("Ask for the next step every time")
    page.get_by_label("On finding").select_option(str(closing))
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(re.compile(r".*#notes$"))

    notes = page.locator("#notes li.note")
    assert notes.count() == 2
    assert "0:56" in notes.nth(0).inner_text()
    timed = page.locator("a.note-mark")
    assert timed.count() == 1 and float(timed.get_attribute("data-seek") or 0) == 56.0
    row = page.locator(".turns .event-note")
    assert row.count() == 1 and "Raised voice here" in row.inner_text()
    # In the transcript the note sits after the turn it belongs to.
    before = row.evaluate("e => e.previousElementSibling.querySelector('.time').textContent")
    assert before.strip() == "0:56"
    under = page.locator(f"#finding-{closing} .finding-note")
    assert "Ask for the next step" in under.inner_text()
    timed.locator("rect").click()
    _audio_near(page, 56.0)
    screenshot(page, "coach-call-notes")

    # Bad input says why and keeps nothing.
    page.locator("#note-text").fill("too late")
    page.locator("#note-at").fill("9:99")
    page.get_by_role("button", name="Add note").click()
    assert "more than 59 seconds" in page.locator("#notes .alert.error").inner_text()
    page.locator("#note-text").fill("after the end")
    page.locator("#note-at").fill("5:00")
    page.get_by_role("button", name="Add note").click()
    assert "after the end of the call" in page.locator("#notes .alert.error").inner_text()
    assert page.locator("#notes li.note").count() == 2

    page.goto(f"/agents/{AGENT}")
    listed = page.locator("#agent-notes li.note")
    assert listed.count() == 2
    assert "Raised voice here" in page.locator("#agent-notes").inner_text()
    screenshot(page, "coach-agent-notes")
    assert signed.js_errors == []


def test_company_names_are_a_team_setting(pages_app: LiveApp, browser: Any) -> None:
    admin = sign_in(browser, pages_app, "admin").page
    admin.goto("/ranges")
    admin.locator("#company-names").fill("Acme Telecom; Acme ;")
    admin.get_by_role("button", name="Save company names").click()
    admin.wait_for_url("**/ranges?notice=companies")
    assert admin.locator("#company-names").input_value() == "Acme Telecom; Acme"
    screenshot(admin, "coach-ranges-company-names")
    admin.locator("#company-names").fill(";".join(f"c{i}" for i in range(21)))
    admin.get_by_role("button", name="Save company names").click()
    assert "at most 20 company names" in admin.locator("#ranges-error").inner_text()

    reader = sign_in(browser, pages_app, "read").page
    reader.goto("/ranges")
    assert reader.locator("#company-names").is_disabled()
    assert reader.locator("#company-names").input_value() == "Acme Telecom; Acme"
    uploader = sign_in(browser, pages_app, "uploader").page
    placeholder = uploader.locator("#company_names").get_attribute("placeholder")
    assert placeholder == "Acme Telecom; Acme"


def test_call_page_prints_as_a_handout(
    pages_app: LiveApp, browser: Any, calls: dict[str, Any], tmp_path: Any
) -> None:
    page = sign_in(browser, pages_app, "read").page
    page.goto(f"/calls/{calls['coaching']}")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator("#player").is_visible()
    times = page.locator("li.finding .seek-button").first
    assert times.is_visible()  # the times stay, as plain text
    assert times.evaluate("b => getComputedStyle(b).borderTopStyle") == "none"
    assert page.locator("#summary").is_visible()
    assert page.locator(".finding-list li").first.is_visible()
    screenshot(page, "coach-call-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
