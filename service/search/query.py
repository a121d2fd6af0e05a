"""Searching the team's transcripts: the matching turns, newest call first, a page at a
time (keyset cursor), each with an HTML snippet whose matches are marked."""

from __future__ import annotations

import base64
import html
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Session

from service.calls.queries import has_finding
from service.search.index import ALL_TS_CONFIGS, FTS_TABLE, TranscriptSegment
from service.search.terms import SearchTerms, fts5_match

Seg = TranscriptSegment
# Marks around a match in the engine's snippet (never in a transcript: control chars).
_START, _STOP = "\x02", "\x03"
_LT, _GT = "\x04", "\x05"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
SNIPPET_WORDS = 24
# PostgreSQL: the newest index rows searched first (see _pg_newest_rows).
RECENT_ROWS = 20_000
_PG_HEADLINE = (
    f"StartSel={_START}, StopSel={_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8, ShortWord=1"
)
_fts = table(FTS_TABLE, column("rowid", Integer))


class BadSearchCursorError(ValueError):
    pass


@dataclass(frozen=True)
class SearchFilters:
    agent_id: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    rule: str | None = None  # calls with at least one finding of this rule
    party: str | None = None


@dataclass(frozen=True)
class Hit:
    segment_id: int
    call_id: uuid.UUID
    agent_id: str | None
    recorded_at: datetime
    party: str
    start_s: float
    end_s: float
    snippet_html: str


def _tsquery(config: str, terms: SearchTerms) -> ColumnElement[Any]:
    regconfig: ColumnElement[Any] = literal_column(f"'{config}'::regconfig")  # ALL_TS_CONFIGS
    parts: list[ColumnElement[Any]] = []
    if terms.words:
        parts.append(func.plainto_tsquery(regconfig, literal(" ".join(terms.words))))
    parts.extend(func.phraseto_tsquery(regconfig, literal(" ".join(p))) for p in terms.phrases)
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query


def _pg_match(terms: SearchTerms) -> ColumnElement[bool]:
    # One GIN-indexable condition per configuration (the query stemmed like the rows).
    return or_(
        *(
            and_(Seg.ts_config == config, Seg.tsv.op("@@")(_tsquery(config, terms)))
            for config in ALL_TS_CONFIGS
        )
    )


def _matching(dialect: str, terms: SearchTerms, team_id: int) -> Select[*tuple[Any, ...]]:
    columns = (Seg.id, Seg.call_id, Seg.agent_id, Seg.recorded_at, Seg.party, Seg.start_s)
    if dialect == "postgresql":
        return select(*columns, Seg.end_s).where(_pg_match(terms), Seg.team_id == team_id)
    # SQLite: the FTS index drives (newest rowid first, stopping at the page's end);
    # "+ 0" keeps the planner from walking the team's index and probing FTS per row.
    # The snippet is computed for the rows the LIMIT keeps only (no sort step).
    snippet = func.snippet(literal_column(FTS_TABLE), 0, _START, _STOP, "…", SNIPPET_WORDS).label(
        "snippet"
    )
    return (
        select(*columns, Seg.end_s, snippet)
        .select_from(_fts)
        .join(Seg, Seg.id == _fts.c.rowid)
        .where(literal_column(FTS_TABLE).op("MATCH")(fts5_match(terms)))
        .where(Seg.team_id + 0 == team_id)
    )


def _filtered(query: Select[Any], filters: SearchFilters) -> Select[Any]:
    # The call's agent and date are on the index rows: no join with calls.
    if filters.agent_id is not None:
        query = query.where(Seg.agent_id == filters.agent_id)
    if filters.party is not None:
        query = query.where(Seg.party == filters.party)
    if filters.recorded_from is not None:
        query = query.where(Seg.recorded_at >= filters.recorded_from)
    if filters.recorded_to is not None:
        query = query.where(Seg.recorded_at < filters.recorded_to)
    if filters.rule is not None:
        query = query.where(has_finding(Seg.call_id, filters.rule))
    return query


def encode_cursor(segment_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([segment_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        (segment_id,) = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise BadSearchCursorError("invalid cursor") from exc
    if not isinstance(segment_id, int) or isinstance(segment_id, bool):
        raise BadSearchCursorError("invalid cursor")
    return segment_id


def highlight_html(raw: str) -> str:
    """The engine's snippet as HTML: text escaped, matches in <mark>."""
    escaped = html.escape(raw.replace(_LT, "<").replace(_GT, ">"))
    escaped = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return escaped.replace(_START, "").replace(_STOP, "")


def _pg_snippets(session: Session, terms: SearchTerms, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    config = Seg.ts_config.cast(REGCONFIG)
    # ts_headline drops what its parser takes for XML tags: hide the angle brackets.
    shown = func.replace(func.replace(Seg.text, "<", _LT), ">", _GT)
    headline = func.ts_headline(config, shown, _tsquery_by_row(terms), _PG_HEADLINE)
    rows = session.execute(select(Seg.id, headline).where(Seg.id.in_(ids)))
    return {int(row_id): highlight_html(raw or "") for row_id, raw in rows}


def _tsquery_by_row(terms: SearchTerms) -> ColumnElement[Any]:
    return case({config: _tsquery(config, terms) for config in ALL_TS_CONFIGS}, value=Seg.ts_config)


def search_segments(
    session: Session,
    team_id: int,
    terms: SearchTerms,
    filters: SearchFilters,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[Hit], str | None]:
    """The team's turns matching ``terms``, most recently stored first (a call's hits
    on a page in time order); returns (page, cursor of the next page or None).

    Newest first by index row, not by relevance: the engines can then stop at the
    page's end instead of ranking every match of a common word.
    """
    dialect = session.get_bind().dialect.name
    query = _filtered(_matching(dialect, terms, team_id), filters)
    below = decode_cursor(cursor) if cursor else None
    if dialect == "postgresql":
        rows = _pg_newest_rows(session, query, limit + 1, below)
    else:  # the order must name the FTS rowid (the same value) for FTS5 to stream it
        if below is not None:
            query = query.where(Seg.id < below)
        rows = list(session.execute(query.order_by(_fts.c.rowid.desc()).limit(limit + 1)).all())
    page = rows[:limit]
    if dialect == "postgresql":
        snippets = _pg_snippets(session, terms, [row.id for row in page])
    else:
        snippets = {row.id: highlight_html(row.snippet or "") for row in page}
    hits = [
        Hit(
            segment_id=row.id,
            call_id=row.call_id,
            agent_id=row.agent_id,
            recorded_at=row.recorded_at,
            party=row.party,
            start_s=row.start_s,
            end_s=row.end_s,
            snippet_html=snippets.get(row.id, ""),
        )
        for row in page
    ]
    next_cursor = encode_cursor(page[-1].id) if len(rows) > limit else None
    return _calls_in_time_order(hits), next_cursor


def _pg_newest_rows(
    session: Session, query: Select[Any], limit: int, below: int | None
) -> list[Any]:
    """The newest matching rows, in two steps whose cost is bounded either way.

    The newest ``RECENT_ROWS`` index rows first (the planner walks them backwards for a
    common word, or sorts a rare word's few GIN matches): a common word fills the page
    there. Only then the older rows, sorted from the GIN matches ("id + 0" keeps the
    planner from walking every row backwards: it did that for a word its statistics
    missed, 0.5-0.7 s on 600,000 rows).
    """
    top = below if below is not None else (session.scalar(select(func.max(Seg.id))) or 0) + 1
    floor = top - RECENT_ROWS
    rows = list(
        session.execute(
            query.where(Seg.id < top, Seg.id >= floor).order_by(Seg.id.desc()).limit(limit)
        ).all()
    )
    if len(rows) < limit:
        older = query.where(Seg.id < floor).order_by((Seg.id + 0).desc())
        rows += session.execute(older.limit(limit - len(rows))).all()
    return rows


def _calls_in_time_order(hits: list[Hit]) -> list[Hit]:
    """Calls in the order found, each call's turns by time."""
    first_seen = {call_id: i for i, call_id in reversed(list(enumerate(h.call_id for h in hits)))}
    return sorted(hits, key=lambda h: (first_seen[h.call_id], h.start_s))


def call_page_url(call_id: uuid.UUID, start_s: float) -> str:
    """The dashboard's call page, playing from ``start_s``."""
    return f"/calls/{call_id}#t={start_s:.2f}"
