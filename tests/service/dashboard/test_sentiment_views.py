"""Sentiment on the dashboard: the timeline's lane (a bar per scored turn, "rough" where
the language measured poorly), the stored per-call values and the agent page's trend.

The browser tests store calls with the golden tiny.en report (scored by the real
pipeline) and a real recording, then read the pages in headless Chromium.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from analyzers.options import CallMetadata
from analyzers.report import Report
from service.calls.results import SENTIMENT, sentiment_label
from service.dashboard.queries import CallMetrics
from service.dashboard.timeline import build_timeline
from service.dashboard.trends import rough_note, sentiment_metrics, weekly_means
from tests.analyzers.golden.cases import GOLDEN_DIR
from tests.service.conftest import SAMPLES
from tests.service.dashboard.conftest import LiveApp, screenshot, sign_in, store_scored_call

AGENT = "sentiment-sam"
NOW = datetime.now(UTC).replace(microsecond=0)


def _measured() -> Report:
    return Report.model_validate_json((GOLDEN_DIR / "good_call.tiny_en.json").read_text())


def _rough() -> Report:
    """The same call as if it had been Swedish: its scores are rough."""
    report = _measured()
    assert report.sentiment is not None
    rough = report.sentiment.model_copy(update={"quality": "rough", "language": "sv"})
    return report.model_copy(update={"language": "sv", "sentiment": rough})


def test_the_lane_has_a_bar_per_scored_turn_up_for_positive_down_for_negative() -> None:
    report = _measured()
    timeline = build_timeline(report)
    lane = timeline.lane("sentiment")
    assert lane is not None and lane.subtitle == "per turn, -1..1"
    scored = [t for t in report.turns if t.sentiment is not None]
    assert len(timeline.sentiment) == len(scored) > 0
    zero = timeline.sentiment_zero_y
    assert zero is not None and lane.top < zero < lane.bottom
    for bar, turn in zip(timeline.sentiment, scored, strict=True):
        assert bar.score == turn.sentiment and bar.party == turn.party
        assert lane.top <= bar.y and bar.y + bar.h <= lane.bottom
        if bar.score > 0:
            assert bar.y + bar.h == pytest.approx(zero, abs=0.02)
        elif bar.score < 0:
            assert bar.y == pytest.approx(zero, abs=0.02)
        assert "(rough)" not in bar.label
    assert [t.label for t in lane.y_ticks] == ["+1", "0", "-1"]


def test_a_rough_language_says_so_on_the_lane_and_on_each_bar() -> None:
    timeline = build_timeline(_rough())
    lane = timeline.lane("sentiment")
    assert lane is not None and lane.subtitle == "rough (sv)"
    assert timeline.sentiment and all(b.label.endswith("(rough)") for b in timeline.sentiment)


def test_no_transcript_no_lane() -> None:
    report = Report.model_validate_json((GOLDEN_DIR / "good_call.none.json").read_text())
    timeline = build_timeline(report)
    assert timeline.lane("sentiment") is None and not timeline.sentiment


def _row(day: int, value: float | None, status: str) -> CallMetrics:
    row = CallMetrics(uuid.uuid4(), AGENT, datetime(2026, 11, day, tzinfo=UTC), 60.0, 0)
    key = (SENTIMENT, sentiment_label("customer", "end"))
    if value is not None:
        row.values[key] = value
    row.statuses[key] = status
    return row


def test_agent_trend_means_and_the_rough_note() -> None:
    end = next(m for m in sentiment_metrics() if m.key == "sentiment_customer_end")
    rows = [_row(2, 0.4, "ok"), _row(3, -0.2, "rough"), _row(10, 0.6, "ok"), _row(11, None, "ok")]
    weeks = weekly_means(rows, end)
    assert [p.value for p in weeks] == [pytest.approx(0.1), pytest.approx(0.6)]
    assert rough_note(rows, end) == (
        "rough: 1 of 3 calls in a language whose sentiment measured poorly (see the README)"
    )
    assert rough_note([r for r in rows if r.statuses[next(iter(r.statuses))] == "ok"], end) is None


@pytest.fixture(scope="module")
def calls(pages_app: LiveApp) -> dict[str, uuid.UUID]:
    audio = SAMPLES / "good_call.wav"
    return {
        name: store_scored_call(
            pages_app,
            report,
            audio,
            agent_id=AGENT,
            metadata=CallMetadata(recording_started_at=NOW - timedelta(days=days)),
        )
        for name, report, days in (("measured", _measured(), 8), ("rough", _rough(), 1))
    }


@pytest.mark.browser
@pytest.mark.slow
def test_the_call_page_draws_the_lane(
    pages_app: LiveApp, browser: Any, calls: dict[str, uuid.UUID]
) -> None:
    signed = sign_in(browser, pages_app, "read")
    page = signed.page
    page.goto(f"/calls/{calls['rough']}")
    lane = page.locator("#timeline .lane-sentiment")
    assert lane.is_visible()
    assert "rough (sv)" in (lane.text_content() or "")
    bars = page.locator("#timeline rect.sentiment-bar")
    scored = [t for t in _rough().turns if t.sentiment is not None]
    assert bars.count() == len(scored)
    assert page.locator("#timeline rect.sentiment-bar.neg").count() == sum(
        1 for t in scored if (t.sentiment or 0) < 0
    )
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert "rough" in page.locator("#sentiment-legend").inner_text()
    screenshot(page, "sentiment-lane-rough")
    page.goto(f"/calls/{calls['measured']}")
    assert "per turn" in (page.locator("#timeline .lane-sentiment").text_content() or "")
    assert "rough" not in page.locator("#sentiment-legend").inner_text()
    assert not signed.js_errors


@pytest.mark.browser
@pytest.mark.slow
def test_the_agent_page_shows_the_customer_sentiment_trend(
    pages_app: LiveApp, browser: Any, calls: dict[str, uuid.UUID]
) -> None:
    signed = sign_in(browser, pages_app, "read")
    page = signed.page
    page.goto(f"/agents/{AGENT}")
    end = page.locator('figure.trend[data-metric="sentiment_customer_end"]')
    change = page.locator('figure.trend[data-metric="sentiment_customer_change"]')
    assert end.is_visible() and change.is_visible()
    # two calls in two weeks: one point per week, each the stored customer value
    assert end.locator("circle.agent-point").count() == 2
    titles = [t.text_content() or "" for t in end.locator("circle.agent-point title").all()]
    assert any("-0.71" in t for t in titles), titles
    note = end.locator(".chart-note")
    assert note.inner_text().startswith("rough: 1 of 2 calls")
    screenshot(page, "sentiment-agent-trend")
    assert not signed.js_errors
