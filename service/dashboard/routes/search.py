"""Search: the team's transcripts, with the calls table's filters plus the party; each
hit links to the call page playing from the moment it was said."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from analyzers.rule_table import RULE_IDS
from service.api.deps import SessionDep
from service.dashboard.auth import PageViewer
from service.dashboard.dates import end_of, parse_day, start_of
from service.dashboard.queries import team_agents
from service.dashboard.templating import render
from service.search.query import BadSearchCursorError, SearchFilters, search_segments
from service.search.schemas import SearchHit
from service.search.terms import MAX_QUERY_CHARS, QueryError, parse_query

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
PARTIES = {"agent": "Agent", "customer": "Customer"}


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    viewer: PageViewer,
    session: SessionDep,
    q: Annotated[str, Query(max_length=1000)] = "",
    agent: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    rule: str | None = None,
    party: str | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    day_from, day_to = parse_day(from_), parse_day(to)
    agent_id = agent or None
    rule_id = rule if rule in RULE_IDS else None
    party_name = party if party in PARTIES else None
    form = {
        "q": q,
        "agent": agent_id,
        "from": day_from,
        "to": day_to,
        "rule": rule_id,
        "party": party_name,
    }
    hits: list[SearchHit] = []
    next_cursor: str | None = None
    problem: str | None = None
    if q.strip():
        filters = SearchFilters(
            agent_id=agent_id,
            recorded_from=start_of(day_from) if day_from else None,
            recorded_to=end_of(day_to) if day_to else None,
            rule=rule_id,
            party=party_name,
        )
        try:
            terms = parse_query(q[: MAX_QUERY_CHARS + 1])
            found, next_cursor = search_segments(
                session, viewer.principal.team_id, terms, filters, PAGE_SIZE, cursor
            )
            hits = [SearchHit.from_hit(h) for h in found]
        except QueryError as exc:
            problem = str(exc)
        except BadSearchCursorError:
            problem = "That page of results is no longer valid: search again."
    base = {k: str(v) for k, v in form.items() if v not in (None, "")}
    return render(
        request,
        "search.html",
        {
            "viewer": viewer,
            "nav": "search",
            "form": form,
            "hits": hits,
            "problem": problem,
            "searched": bool(q.strip()),
            "paged": cursor is not None,
            "first_url": f"/search?{urlencode(base)}",
            "next_url": f"/search?{urlencode({**base, 'cursor': next_cursor})}"
            if next_cursor
            else None,
            "agents": team_agents(session, viewer.principal.team_id),
            "rules": RULE_IDS,
            "parties": PARTIES,
        },
    )
