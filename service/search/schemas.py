"""What GET /v1/search answers."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from analyzers.report import Speaker
from service.search.query import Hit, call_page_url


class SearchHit(BaseModel):
    """One turn of a call whose text matches the query."""

    call_id: uuid.UUID
    agent_id: str | None
    recorded_at: datetime = Field(description="when the call happened")
    party: Speaker = Field(description="who said it ('unknown' on mono recordings)")
    start_s: float = Field(description="the turn's start, seconds from the recording's start")
    end_s: float
    snippet: str = Field(
        description="HTML: the turn's text around the match, escaped, matches in <mark>"
    )
    url: str = Field(description="the dashboard's call page, playing from start_s")

    @classmethod
    def from_hit(cls, hit: Hit) -> SearchHit:
        return cls(
            call_id=hit.call_id,
            agent_id=hit.agent_id,
            recorded_at=hit.recorded_at,
            party=hit.party,
            start_s=hit.start_s,
            end_s=hit.end_s,
            snippet=hit.snippet_html,
            url=call_page_url(hit.call_id, hit.start_s),
        )


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null at the end")
