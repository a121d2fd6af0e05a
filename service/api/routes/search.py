"""/v1/search: full-text search over the key's team's transcripts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from service.api.deps import ReadKey, SessionDep
from service.api.errors import api_error
from service.api.schemas import ErrorBody, UTCTime
from service.search.query import BadSearchCursorError, SearchFilters, search_segments
from service.search.schemas import SearchHit, SearchPage
from service.search.terms import MAX_QUERY_CHARS, QueryError, parse_query

router = APIRouter(prefix="/v1/search", tags=["search"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid API key"},
    403: {"model": ErrorBody, "description": "the key lacks the scope"},
    422: {"model": ErrorBody, "description": "no words to search for, or bad filters"},
}
_NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL


@router.get("", response_model=SearchPage, responses=_ERRORS, summary="Search transcripts")
def search(
    key: ReadKey,
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description='words a turn must all contain; "double quotes" for a phrase. '
            "Other characters only separate words (no operators).",
        ),
    ],
    agent_id: Annotated[str | None, Query(max_length=200, pattern=_NO_NUL)] = None,
    from_: Annotated[
        UTCTime | None, Query(alias="from", description="calls recorded at or after")
    ] = None,
    to: Annotated[UTCTime | None, Query(description="calls recorded before")] = None,
    rule: Annotated[
        str | None,
        Query(max_length=50, pattern=_NO_NUL, description="calls with a finding of this rule"),
    ] = None,
    party: Literal["agent", "customer"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> SearchPage:
    """The turns of the team's analysed calls that contain the words: newest call first,
    a call's turns in time order. Each hit has the party, the turn's times, a snippet
    with the match marked and the call page's link at that moment. Words are matched
    with the call's language's stemming on PostgreSQL (English stemming on SQLite)."""
    try:
        terms = parse_query(q)
    except QueryError as exc:
        raise api_error(422, str(exc), "bad_query") from None
    filters = SearchFilters(
        agent_id=agent_id, recorded_from=from_, recorded_to=to, rule=rule, party=party
    )
    try:
        hits, next_cursor = search_segments(session, key.team_id, terms, filters, limit, cursor)
    except BadSearchCursorError:
        raise api_error(422, "invalid cursor", "bad_cursor") from None
    return SearchPage(items=[SearchHit.from_hit(h) for h in hits], next_cursor=next_cursor)
