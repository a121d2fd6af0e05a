"""The rows derived from a report's scoring: metric values and finding counts per rule
(what listing filters and agent summaries query)."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import update
from sqlalchemy.orm import Session

from analyzers.report import Report, SentimentTrend
from analyzers.summary import summary_line
from service.db.models import Call, CallFinding, CallMetric

SENTIMENT = "sentiment"  # the metric rows' rule: not a scored rule, a measurement
SENTIMENT_UNIT = "score"
SENTIMENT_PARTIES = ("agent", "customer")
SentimentPoint = str  # "start" | "end" | "change"


def sentiment_label(party: str, point: SentimentPoint) -> str:
    """The stored label of one party's sentiment value, e.g. "customer end"."""
    return f"{party} {point}"


def add_sentiment_rows(session: Session, call_id: uuid.UUID, report: Report) -> None:
    """Each party's sentiment at the start and end of the call, and the change, as metric
    rows (for the agent page's trend and the CSV); status "ok", or "rough" for a
    language whose sentiment measured poorly."""
    if report.sentiment is None:
        return
    status = "ok" if report.sentiment.quality == "measured" else "rough"
    for party in SENTIMENT_PARTIES:
        trend = report.sentiment.parties.get(party) or SentimentTrend(turns=0)
        for point, value in (("start", trend.start), ("end", trend.end), ("change", trend.change)):
            session.add(
                CallMetric(
                    call_id=call_id,
                    rule=SENTIMENT,
                    label=sentiment_label(party, point),
                    unit=SENTIMENT_UNIT,
                    value=value,
                    status=status,
                )
            )


def add_score_rows(session: Session, call_id: uuid.UUID, report: Report) -> None:
    """Add a call's metric and finding rows (none may exist for it yet) and set its
    one-line summary."""
    seen: set[tuple[str, str]] = set()
    for metric in report.metrics:
        if (metric.rule, metric.label) in seen:  # (rule, label) identifies a stored metric
            continue
        seen.add((metric.rule, metric.label))
        value = metric.value
        numeric_value = (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )
        session.add(
            CallMetric(
                call_id=call_id,
                rule=metric.rule,
                label=metric.label,
                unit=metric.unit,
                value=numeric_value,
                status=metric.status,
            )
        )
    add_sentiment_rows(session, call_id, report)
    for rule, count in Counter(f.rule for f in report.findings).items():
        session.add(CallFinding(call_id=call_id, rule=rule, count=count))
    # A statement, not an attribute: callers refresh the call row before committing.
    session.execute(
        update(Call).where(Call.id == call_id).values(summary=summary_line(report.summary) or None)
    )
