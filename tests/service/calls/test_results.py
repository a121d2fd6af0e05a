"""A scored call's sentiment rows: each party's start, end and change as metric rows of
rule "sentiment", status "ok" for a measured language and "rough" for a rough one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analyzers.report import CallSentiment, Parties, Pickup, Report, SentimentTrend
from service.db.models import CallMetric
from service.db.session import Database
from service.jobs import claims
from tests.service.conftest import add_call

pytestmark = pytest.mark.services


def _report(quality: str | None) -> Report:
    sentiment = None
    if quality is not None:
        sentiment = CallSentiment(
            language="en" if quality == "measured" else "el",
            quality=quality,  # type: ignore[arg-type]
            method="test",
            parties={
                "customer": SentimentTrend(turns=6, start=-0.5, end=0.25, change=0.75),
                "agent": SentimentTrend(turns=1),
            },
        )
    return Report(
        duration_s=60.0,
        sample_rate=8000,
        channels=2,
        ranges_profile="default",
        pickup=Pickup(),
        parties=Parties(),
        sentiment=sentiment,
    )


def _sentiment_rows(db: Database, quality: str | None) -> dict[str, tuple[float | None, str]]:
    call_id = add_call(db)
    job = claims.claim(db, call_id, "a", lease_s=30, max_attempts=3)
    assert job is not None and claims.complete(db, job, _report(quality), 1.0)
    with db.session() as session:
        return {
            m.label: (m.value, m.status)
            for m in session.scalars(
                select(CallMetric).where(
                    CallMetric.call_id == call_id, CallMetric.rule == "sentiment"
                )
            )
            if m.unit == "score"
        }


def test_measured_sentiment_rows(db: Database) -> None:
    assert _sentiment_rows(db, "measured") == {
        "customer start": (-0.5, "ok"),
        "customer end": (0.25, "ok"),
        "customer change": (0.75, "ok"),
        "agent start": (None, "ok"),  # one scored turn: no trend
        "agent end": (None, "ok"),
        "agent change": (None, "ok"),
    }


def test_rough_sentiment_rows_say_so(db: Database) -> None:
    rows = _sentiment_rows(db, "rough")
    assert rows["customer end"] == (0.25, "rough")
    assert {status for _, status in rows.values()} == {"rough"}


def test_no_sentiment_no_rows(db: Database) -> None:
    assert _sentiment_rows(db, None) == {}
