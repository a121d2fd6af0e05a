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

from analyzers.report import CoachingPoint, Report
from analyzers.summary import coaching_summary, summary_line
from service.db.models import Call, CallFinding, CallMetric


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
