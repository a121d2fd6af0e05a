"""Agent page (weekly trends against the team and the ranges, best and worst calls),
team page (agents side by side) and the agent's metrics CSV."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import SessionDep
from service.calls.notes import agent_notes
from service.dashboard import exports
from service.dashboard.auth import PageViewer
from service.dashboard.charts import trend_chart
from service.dashboard.dates import end_of, parse_day, start_of
from service.dashboard.queries import call_metrics, team_agents
from service.dashboard.templating import render
from service.dashboard.trends import (
    agents_side_by_side,
    best_and_worst,
    in_range,
    rough_note,
    sentiment_metrics,
    summarize,
    trend_metrics,
    weekly_means,
)
from service.team_profiles import team_profile_for_pages

router = APIRouter(include_in_schema=False)

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date  # included

    @property
    def start(self) -> datetime:
        return start_of(self.date_from)

    @property
    def end(self) -> datetime:
        return end_of(self.date_to)


def period(
    from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None
) -> Period:
    """The pages' period: the last 12 weeks unless the date pickers say otherwise."""
    end = parse_day(to) or datetime.now(UTC).date()
    start = parse_day(from_) or end - timedelta(weeks=DEFAULT_WEEKS)
    return Period(min(start, end), max(start, end))


PeriodDep = Annotated[Period, Depends(period)]


@router.get("/agents")
def pick_agent(viewer: PageViewer, when: PeriodDep, agent: str = "") -> Response:
    """The agent page form's target (no script needed to switch agents)."""
    if not agent:
        return RedirectResponse("/team", status_code=303)
    query = urlencode({"from": when.date_from, "to": when.date_to})
    return RedirectResponse(f"/agents/{quote(agent, safe='')}?{query}", status_code=303)


@router.get("/agents.csv")
def agent_csv(viewer: PageViewer, session: SessionDep, when: PeriodDep, agent: str) -> Response:
    """One agent's per-call metrics (agent ids may hold any character, so a query)."""
    rows = call_metrics(session, viewer.principal.team_id, agent, when.start, when.end)
    return exports.csv_response(
        exports.agent_metrics_csv(rows), f"agent-{agent}-{when.date_from}-{when.date_to}.csv"
    )


@router.get("/agents/{agent_id:path}", response_class=HTMLResponse)
def agent_page(
    agent_id: str, request: Request, viewer: PageViewer, session: SessionDep, when: PeriodDep
) -> Response:
    team_id = viewer.principal.team_id
    team_rows = call_metrics(session, team_id, None, when.start, when.end)
    rows = [r for r in team_rows if r.agent_id == agent_id]
    if not rows and agent_id not in team_agents(session, team_id):
        return render(
            request, "not_found.html", {"viewer": viewer, "what": "agent"}, status_code=404
        )
    metrics = trend_metrics(team_profile_for_pages(session, team_id)) + sentiment_metrics()
    charts = [
        replace(
            trend_chart(m, weekly_means(rows, m), weekly_means(team_rows, m)),
            note=rough_note(rows, m),
        )
        for m in metrics
    ]
    best, worst = best_and_worst(rows)
    return render(
        request,
        "agent.html",
        {
            "viewer": viewer,
            "nav": "team",
            "agent_id": agent_id,
            "when": when,
            "charts": charts,
            "calls": len(rows),
            "best": best,
            "worst": worst,
            "weeks": {m.key: weekly_means(rows, m) for m in metrics},
            "metrics": metrics,
            "agents": team_agents(session, team_id),
            "notes": agent_notes(session, team_id, agent_id),
        },
    )


@router.get("/team", response_class=HTMLResponse)
def team_page(
    request: Request, viewer: PageViewer, session: SessionDep, when: PeriodDep
) -> Response:
    team_id = viewer.principal.team_id
    rows = call_metrics(session, team_id, None, when.start, when.end)
    metrics = trend_metrics(team_profile_for_pages(session, team_id))
    columns = agents_side_by_side(rows, metrics)
    overall = summarize("Whole team", rows, metrics) if rows else None
    return render(
        request,
        "team.html",
        {
            "viewer": viewer,
            "nav": "team",
            "when": when,
            "metrics": metrics,
            "columns": columns,
            "overall": overall,
            "in_range": in_range,
        },
    )
