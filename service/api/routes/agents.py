"""/v1/agents/{agent_id}/summary: weekly metric means and finding counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import ReadKey, SessionDep
from service.api.schemas import AgentSummary, MetricMean, UTCTime, WeekOut
from service.calls.queries import agent_summary

router = APIRouter(prefix="/v1/agents", tags=["agents"])


@router.get("/{agent_id}/summary", response_model=AgentSummary, response_model_by_alias=True)
def get_agent_summary(
    agent_id: str,
    key: ReadKey,
    session: SessionDep,
    from_: Annotated[
        UTCTime | None, Query(alias="from", description="recorded at or after")
    ] = None,
    to: Annotated[UTCTime | None, Query(description="recorded before")] = None,
) -> AgentSummary:
    """Analysed calls of one agent of the key's team, grouped by ISO week."""
    weeks = agent_summary(session, key.team_id, agent_id, from_, to)
    return AgentSummary(
        agent_id=agent_id,
        from_=from_,
        to=to,
        calls=sum(w.calls for w in weeks),
        weeks=[
            WeekOut(
                week_start=w.week_start,
                calls=w.calls,
                metrics=[
                    MetricMean(
                        rule=rule,
                        label=label,
                        unit=unit,
                        mean=round(mean, 4),
                        calls=w.metric_counts[(rule, label, unit)],
                    )
                    for (rule, label, unit), mean in sorted(w.metric_means().items())
                ],
                findings=dict(sorted(w.findings.items())),
            )
            for w in weeks
        ],
    )
