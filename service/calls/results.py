"""The rows derived from a report's scoring: metric values and finding counts per rule
(what listing filters, trends, agent summaries and exports query).

A finding a coach dismissed (service/calls/reviews.py) stays in the report but is not
counted: the finding rows, the call's findings_count and its one-line summary leave it
out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from analyzers.report import CoachingPoint, Report, SentimentTrend
from analyzers.summary import coaching_summary, summary_line
from service.db.models import Call, CallFinding, CallMetric

SENTIMENT = "sentiment"  # the metric rows' rule: not a scored rule, a measurement
SENTIMENT_UNIT = "score"
SENTIMENT_PARTIES = ("agent", "customer")
SentimentPoint = str  # one of SENTIMENT_POINTS
SENTIMENT_POINTS: tuple[SentimentPoint, ...] = ("start", "end", "change")


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
        for point in SENTIMENT_POINTS:
            value = getattr(trend, point)
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


def add_score_rows(
    session: Session, call_id: uuid.UUID, report: Report, dismissed: Collection[int] = ()
) -> None:
    """Add a call's metric and finding rows (none may exist for it yet) and set its
    findings count and one-line summary, leaving out the ``dismissed`` findings (indices)."""
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
    _add_finding_rows(session, call_id, report, dismissed)


def counted_summary(report: Report, dismissed: Collection[int]) -> list[CoachingPoint]:
    """The coaching summary without the dismissed findings (indices stay the report's)."""
    if not dismissed:
        return list(report.summary)
    kept = [i for i in range(len(report.findings)) if i not in dismissed]
    points = coaching_summary([report.findings[i] for i in kept], report.duration_s)
    return [p.model_copy(update={"findings": [kept[j] for j in p.findings]}) for p in points]


def _add_finding_rows(
    session: Session, call_id: uuid.UUID, report: Report, dismissed: Collection[int]
) -> None:
    counted = [f for i, f in enumerate(report.findings) if i not in dismissed]
    for rule, count in Counter(f.rule for f in counted).items():
        session.add(CallFinding(call_id=call_id, rule=rule, count=count))
    line = summary_line(counted_summary(report, dismissed)) or None
    # A statement, not an attribute: callers refresh the call row before committing.
    session.execute(
        update(Call).where(Call.id == call_id).values(findings_count=len(counted), summary=line)
    )


def recount_findings(
    session: Session, call_id: uuid.UUID, report: Report, dismissed: Collection[int]
) -> None:
    """Rewrite a done call's finding rows, count and summary line after a dismissal
    (or its undoing); metric rows stay."""
    session.execute(delete(CallFinding).where(CallFinding.call_id == call_id))
    _add_finding_rows(session, call_id, report, dismissed)
