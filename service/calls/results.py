"""The rows derived from a report's scoring: metric values and finding counts per rule
(what listing filters and agent summaries query)."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import update
from sqlalchemy.orm import Session

from analyzers.report import Report
from analyzers.summary import summary_line
from service.db.models import Call, CallFinding, CallMetric


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
    for rule, count in Counter(f.rule for f in report.findings).items():
        session.add(CallFinding(call_id=call_id, rule=rule, count=count))
    # A statement, not an attribute: callers refresh the call row before committing.
    session.execute(
        update(Call).where(Call.id == call_id).values(summary=summary_line(report.summary) or None)
    )
