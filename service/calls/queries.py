"""Listing calls (filters, cursor pagination) and per-agent weekly summaries."""

from __future__ import annotations

import base64
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.db.models import DONE, Call, CallFinding, CallMetric


class BadCursorError(ValueError):
    pass


@dataclass(frozen=True)
class CallFilters:
    agent_id: str | None = None
    status: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    rule: str | None = None  # calls with at least one finding of this rule
    external_id: str | None = None


def visible_call(
    session: Session, call_id: uuid.UUID, team_id: int, agent_id: str | None = None
) -> Call | None:
    """The call if the team has it and, for an agent's key (``agent_id``), it is that
    agent's; else None: another team's or another agent's call does not exist."""
    call = session.get(Call, call_id)
    if call is None or call.team_id != team_id:
        return None
    if agent_id is not None and call.agent_id != agent_id:
        return None
    return call


def encode_cursor(call: Call) -> str:
    raw = json.dumps([call.created_at.isoformat(), call.id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, call_id = json.loads(raw)
        return datetime.fromisoformat(created), uuid.UUID(hex=call_id)
    except (ValueError, TypeError) as exc:
        raise BadCursorError("invalid cursor") from exc


def filtered_calls(team_id: int, filters: CallFilters) -> Select[Call]:
    """The team's calls matching ``filters`` (GET /v1/calls and the dashboard share it)."""
    query = select(Call).where(Call.team_id == team_id)
    if filters.agent_id is not None:
        query = query.where(Call.agent_id == filters.agent_id)
    if filters.status is not None:
        query = query.where(Call.status == filters.status)
    if filters.external_id is not None:
        query = query.where(Call.external_id == filters.external_id)
    if filters.recorded_from is not None:
        query = query.where(Call.recorded_at >= filters.recorded_from)
    if filters.recorded_to is not None:
        query = query.where(Call.recorded_at < filters.recorded_to)
    if filters.rule is not None:
        query = query.where(has_finding(Call.id, filters.rule))
    return query


def has_finding(
    call_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID], rule: str
) -> ColumnElement[bool]:
    """The call has at least one finding of ``rule``."""
    return (
        select(CallFinding.call_id)
        .where(CallFinding.call_id == call_id, CallFinding.rule == rule)
        .exists()
    )


def list_calls(
    session: Session, team_id: int, filters: CallFilters, limit: int, cursor: str | None = None
) -> tuple[list[Call], str | None]:
    """Newest first; returns (page, cursor of the next page or None)."""
    query = filtered_calls(team_id, filters)
    if cursor:
        created, call_id = decode_cursor(cursor)
        query = query.where(
            or_(Call.created_at < created, and_(Call.created_at == created, Call.id < call_id))
        )
    rows = list(
        session.scalars(query.order_by(Call.created_at.desc(), Call.id.desc()).limit(limit + 1))
    )
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1])
    return rows, None


MetricKey = tuple[str, str, str]  # (rule, label, unit)


@dataclass
class WeekSummary:
    week_start: date
    calls: int = 0
    metric_sums: dict[MetricKey, float] = field(default_factory=lambda: defaultdict(float))
    metric_counts: dict[MetricKey, int] = field(default_factory=lambda: defaultdict(int))
    findings: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def metric_means(self) -> dict[MetricKey, float]:
        return {key: self.metric_sums[key] / n for key, n in self.metric_counts.items() if n}


def week_start(moment: datetime) -> date:
    """Monday of the moment's ISO week (UTC)."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def agent_summary(
    session: Session,
    team_id: int,
    agent_id: str,
    recorded_from: datetime | None,
    recorded_to: datetime | None,
) -> list[WeekSummary]:
    """Per ISO week: analysed calls, mean of each numeric metric, findings per rule."""
    filters = CallFilters(
        agent_id=agent_id, status=DONE, recorded_from=recorded_from, recorded_to=recorded_to
    )
    calls = {
        row.id: row.recorded_at
        for row in session.execute(
            filtered_calls(team_id, filters).with_only_columns(Call.id, Call.recorded_at)
        )
    }
    weeks: dict[date, WeekSummary] = {}
    for recorded in calls.values():
        start = week_start(recorded)
        weeks.setdefault(start, WeekSummary(start)).calls += 1
    if not calls:
        return []
    for call_id, rule, label, unit, value, _status in metric_rows(session, list(calls)):
        if value is None:
            continue
        summary = weeks[week_start(calls[call_id])]
        summary.metric_sums[(rule, label, unit)] += value
        summary.metric_counts[(rule, label, unit)] += 1
    for call_id, rule, count in finding_counts(session, list(calls)):
        weeks[week_start(calls[call_id])].findings[rule] += count
    return [weeks[start] for start in sorted(weeks)]


# Ids per IN (...) list: well under every database's bound-parameter limit.
ID_CHUNK = 500


def metric_rows(
    session: Session, call_ids: list[uuid.UUID]
) -> Iterator[tuple[uuid.UUID, str, str, str, float | None, str]]:
    """(call id, rule, label, unit, value, status) of every stored metric of the calls."""
    for start in range(0, len(call_ids), ID_CHUNK):
        chunk = call_ids[start : start + ID_CHUNK]
        query = select(
            CallMetric.call_id,
            CallMetric.rule,
            CallMetric.label,
            CallMetric.unit,
            CallMetric.value,
            CallMetric.status,
        ).where(CallMetric.call_id.in_(chunk))
        for row in session.execute(query):
            yield row.tuple()


def finding_counts(
    session: Session, call_ids: list[uuid.UUID]
) -> Iterator[tuple[uuid.UUID, str, int]]:
    """(call id, rule, findings of that rule) of the calls."""
    for start in range(0, len(call_ids), ID_CHUNK):
        chunk = call_ids[start : start + ID_CHUNK]
        query = select(CallFinding.call_id, CallFinding.rule, CallFinding.count).where(
            CallFinding.call_id.in_(chunk)
        )
        for row in session.execute(query):
            yield row.tuple()
