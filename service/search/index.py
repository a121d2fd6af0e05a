"""The search index: one row per transcript turn (call, team, party, times, text, agent,
call date), kept in step with the stored report.

PostgreSQL: the row's ``tsv`` column (a trigger fills it with ``to_tsvector`` in the
call's language, GIN-indexed). SQLite: the FTS5 table ``transcript_fts`` over the rows'
text (triggers keep it in step; ``porter unicode61 remove_diacritics 2``). The turn text
is indexed exactly as the report stores it, so a word the redaction step replaced by a
placeholder such as ``[CARD]`` is never in the index: redaction rewrites the report and
calls :func:`index_call` again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from service.db.models import Call, CallReport, TranscriptSegment

# The report's language -> the text search configuration its turns are indexed with.
# PostgreSQL has snowball stemmers for all four (greek since 13); 'simple' otherwise.
TS_CONFIGS = {"en": "english", "sv": "swedish", "nb": "norwegian", "el": "greek"}
FALLBACK_TS_CONFIG = "simple"
ALL_TS_CONFIGS = (*TS_CONFIGS.values(), FALLBACK_TS_CONFIG)

FTS_TABLE = "transcript_fts"  # SQLite only: a virtual table and its shadow tables


def ts_config_for(language: str | None) -> str:
    return TS_CONFIGS.get(language or "", FALLBACK_TS_CONFIG)


def segment_rows(
    call_id: uuid.UUID,
    team_id: int,
    agent_id: str | None,
    recorded_at: datetime,
    report: dict[str, Any],
) -> list[dict[str, Any]]:
    """The index rows of a stored report (its JSON): one per turn that has text."""
    config = ts_config_for(report.get("language"))
    rows = []
    for turn in report.get("turns") or []:
        text = (turn.get("text") or "").strip()
        if not text:
            continue
        rows.append(
            {
                "call_id": call_id,
                "team_id": team_id,
                "agent_id": agent_id,
                "recorded_at": recorded_at,
                "party": turn["party"],
                "start_s": float(turn["start_s"]),
                "end_s": float(turn["end_s"]),
                "text": text,
                "ts_config": config,
            }
        )
    return rows


def index_call(session: Session, call_id: uuid.UUID, report: dict[str, Any] | None = None) -> int:
    """(Re)index a call from its stored report (or ``report``, its JSON, when given);
    a call without a report is taken out of the index. Returns the rows written."""
    session.execute(delete(TranscriptSegment).where(TranscriptSegment.call_id == call_id))
    call = session.get(Call, call_id)
    if report is None:
        stored = session.get(CallReport, call_id)
        report = stored.report if stored is not None else None
    if call is None or report is None:
        return 0
    rows = segment_rows(call.id, call.team_id, call.agent_id, call.recorded_at, report)
    insert_segments(session, rows)
    return len(rows)


def insert_segments(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        session.execute(insert(TranscriptSegment), rows)


def index_all(session: Session, batch: int = 200) -> int:
    """Index every stored report (the backfill); returns the calls indexed."""
    done = 0
    last: uuid.UUID | None = None
    while True:
        query = select(CallReport.call_id).order_by(CallReport.call_id).limit(batch)
        if last is not None:
            query = query.where(CallReport.call_id > last)
        ids = list(session.scalars(query))
        if not ids:
            return done
        for call_id in ids:
            index_call(session, call_id)
        session.flush()
        session.expunge_all()  # bounded memory over many reports
        done += len(ids)
        last = ids[-1]
