"""The dashboard's reads: the calls table, per-call metric rows, stored reports.

Built on the service's models; filters are ``GET /v1/calls``'s own
(``service.calls.queries.filtered_calls``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analyzers.report import Report
from service.api.deps import Principal
from service.calls.queries import (
    CallFilters,
    filtered_calls,
    finding_counts,
    metric_rows,
    visible_call,
)
from service.db.models import DONE, Call, CallFinding, CallMetric, CallReport

SortKey = Literal["date", "agent", "duration", "status", "findings"]
SORT_KEYS: tuple[str, ...] = ("date", "agent", "duration", "status", "findings")
_SORT_COLUMNS = {
    "date": Call.recorded_at,
    "agent": Call.agent_id,
    "duration": Call.duration_s,
    "status": Call.status,
    "findings": Call.findings_count,
}
_SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True)
class RuleBadge:
    rule: str
    count: int
    severity: str  # the worst metric status of the rule on the call: info|warning|critical


@dataclass
class CallRow:
    call: Call
    badges: list[RuleBadge] = field(default_factory=list)


def _badges(session: Session, call_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RuleBadge]]:
    if not call_ids:
        return {}
    worst: dict[tuple[uuid.UUID, str], str] = {}
    for call_id, rule, status in session.execute(
        select(CallMetric.call_id, CallMetric.rule, CallMetric.status).where(
            CallMetric.call_id.in_(call_ids)
        )
    ):
        if status in ("warning", "critical"):
            current = worst.get((call_id, rule), "info")
            if _SEVERITY_RANK[status] > _SEVERITY_RANK[current]:
                worst[(call_id, rule)] = status
    badges: dict[uuid.UUID, list[RuleBadge]] = defaultdict(list)
    for call_id, rule, count in session.execute(
        select(CallFinding.call_id, CallFinding.rule, CallFinding.count)
        .where(CallFinding.call_id.in_(call_ids))
        .order_by(CallFinding.rule)
    ):
        badges[call_id].append(RuleBadge(rule, count, worst.get((call_id, rule), "info")))
    return badges


def calls_page(
    session: Session,
    team_id: int,
    filters: CallFilters,
    sort: str = "date",
    descending: bool = True,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[CallRow], int]:
    """One page of the team's calls with their rule badges, and the total count."""
    query = filtered_calls(team_id, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = _SORT_COLUMNS.get(sort, Call.recorded_at)
    order = column.desc() if descending else column.asc()
    query = query.order_by(order.nulls_last(), Call.recorded_at.desc(), Call.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    calls = list(session.scalars(query))
    badges = _badges(session, [c.id for c in calls])
    return [CallRow(call, badges.get(call.id, [])) for call in calls], total


def team_agents(session: Session, team_id: int) -> list[str]:
    return [
        agent
        for agent in session.scalars(
            select(Call.agent_id)
            .where(Call.team_id == team_id, Call.agent_id.is_not(None))
            .distinct()
            .order_by(Call.agent_id)
        )
        if agent
    ]


def own_call(session: Session, key: Principal, call_id: uuid.UUID) -> Call | None:
    """The call if the signed-in key may see it (its team's; an agent's key: its own)."""
    return visible_call(session, call_id, key.team_id, key.agent_id)


def stored_report(session: Session, call_id: uuid.UUID) -> Report | None:
    row = session.get(CallReport, call_id)
    return Report.model_validate(row.report) if row is not None else None


MetricKey = tuple[str, str]  # (rule, label): a rule may have several metrics


@dataclass
class CallMetrics:
    """One analysed call's headline values, for trends, comparisons and exports."""

    call_id: uuid.UUID
    agent_id: str | None
    recorded_at: datetime
    duration_s: float | None
    findings_count: int
    values: dict[MetricKey, float] = field(default_factory=dict)
    statuses: dict[MetricKey, str] = field(default_factory=dict)
    units: dict[MetricKey, str] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)

    def value(self, rule: str, label: str) -> float | None:
        """The value of the rule's metric row ``label`` (rules table), None when unmeasured."""
        return self.values.get((rule, label))


def call_metrics(
    session: Session,
    team_id: int,
    agent_id: str | None = None,
    recorded_from: datetime | None = None,
    recorded_to: datetime | None = None,
) -> list[CallMetrics]:
    """Analysed calls of the team (or one agent), oldest first, with metrics and findings."""
    filters = CallFilters(
        agent_id=agent_id, status=DONE, recorded_from=recorded_from, recorded_to=recorded_to
    )
    rows = {
        call.id: CallMetrics(
            call_id=call.id,
            agent_id=call.agent_id,
            recorded_at=call.recorded_at,
            duration_s=call.duration_s,
            findings_count=call.findings_count or 0,
        )
        for call in session.scalars(filtered_calls(team_id, filters).order_by(Call.recorded_at))
    }
    for call_id, rule, label, unit, value, status in metric_rows(session, list(rows)):
        row = rows[call_id]
        if value is not None:
            row.values[(rule, label)] = value
        row.statuses[(rule, label)] = status
        row.units[(rule, label)] = unit
    for call_id, rule, count in finding_counts(session, list(rows)):
        rows[call_id].findings[rule] = count
    return list(rows.values())
