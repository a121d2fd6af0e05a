"""A team's ranges profile: overrides of the default profile, stored per team.

Saving changes the ranges new analyses are scored against; ``rescore_team`` applies
them to the team's existing reports from their stored measurements (no decoding or
transcribing again).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analyzers.errors import ProfileError
from analyzers.profile import Profile, build_profile
from analyzers.report import Report
from analyzers.rules import apply_rules
from service.calls.results import add_score_rows
from service.calls.reviews import dismissed_indices
from service.db.models import (
    DONE,
    Call,
    CallFinding,
    CallMetric,
    CallReport,
    Team,
    TeamProfile,
)
from service.db.session import Database
from service.db.types import utcnow
from service.search.index import index_call

log = logging.getLogger(__name__)

# Reports re-scored per transaction: bounded memory and short write locks on SQLite.
RESCORE_BATCH = 50


def get_overrides(session: Session, team_id: int) -> dict[str, Any]:
    row = session.get(TeamProfile, team_id)
    return dict(row.overrides) if row is not None else {}


def team_profile(session: Session, team_id: int) -> Profile:
    """The profile the team's calls are scored against (the default when none is saved)."""
    return build_profile(get_overrides(session, team_id))


def team_profile_for_pages(session: Session, team_id: int) -> Profile:
    """The team's profile for drawing the agent and team pages: the defaults where the
    stored one no longer validates (saved before ranges were checked); the ranges page
    shows why, so it can be fixed there."""
    try:
        return team_profile(session, team_id)
    except ProfileError as exc:
        log.warning(
            "team %s has an invalid ranges profile, pages use the defaults: %s", team_id, exc
        )
        return build_profile()


def profile_diff(base: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``wanted`` whose values differ from ``base`` (nested tables kept nested)."""
    diff: dict[str, Any] = {}
    for key, value in wanted.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            nested = profile_diff(base[key], value)
            if nested:
                diff[key] = nested
        elif base.get(key) != value:
            diff[key] = value
    return diff


def save_team_profile(
    session: Session, team: Team, wanted: dict[str, Any], key_id: str | None
) -> Profile:
    """Validate ``wanted`` (any subset of the profile's keys) and store it as the team's
    overrides; raises analyzers.errors.ProfileError on an unknown key or a bad value."""
    wanted = {**wanted, "name": team.name}
    profile = build_profile(wanted)  # validates before anything is stored
    overrides = profile_diff(build_profile().model_dump(), profile.model_dump())
    overrides["name"] = team.name
    row = session.get(TeamProfile, team.id)
    if row is None:
        row = TeamProfile(team_id=team.id)
        session.add(row)
    row.overrides = overrides
    row.updated_at = utcnow()
    row.updated_by = key_id
    session.flush()
    return profile


def replace_scores(session: Session, call_id: uuid.UUID, report: Report) -> None:
    """Rewrite a done call's stored report and the rows derived from its scoring; the
    findings coaches dismissed (matched by their keys) stay dismissed."""
    stored = session.get_one(CallReport, call_id)
    stored.report = report.model_dump(mode="json")
    stored.schema_version = report.schema_version
    session.execute(delete(CallMetric).where(CallMetric.call_id == call_id))
    session.execute(delete(CallFinding).where(CallFinding.call_id == call_id))
    add_score_rows(session, call_id, report, dismissed_indices(session, call_id, report.findings))
    index_call(session, call_id, stored.report)


def _done_call_ids(db: Database, team_id: int) -> Iterator[list[uuid.UUID]]:
    with db.session() as session:
        ids = list(
            session.scalars(
                select(Call.id)
                .where(Call.team_id == team_id, Call.status == DONE)
                .order_by(Call.created_at)
            )
        )
    for start in range(0, len(ids), RESCORE_BATCH):
        yield ids[start : start + RESCORE_BATCH]


def rescore_team(db: Database, team_id: int) -> int:
    """Re-apply the team's current profile to every analysed call; returns how many."""
    with db.session() as session:
        profile = team_profile(session, team_id)
    rescored = 0
    for batch in _done_call_ids(db, team_id):
        with db.session() as session:
            for stored in session.scalars(select(CallReport).where(CallReport.call_id.in_(batch))):
                report = apply_rules(Report.model_validate(stored.report), profile)
                replace_scores(session, stored.call_id, report)
                rescored += 1
    return rescored
