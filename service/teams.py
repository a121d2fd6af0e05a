"""Teams (tenants): every call, key and callback belongs to exactly one."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.db.models import Team

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def validate_team_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"invalid team name {name!r}: letters, digits, '.', '_' or '-', at most 100"
        )
    return name


def get_team(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name == name))


def get_or_create_team(session: Session, name: str) -> Team:
    """The team called ``name``, created if missing (safe under concurrent creation)."""
    validate_team_name(name)
    team = get_team(session, name)
    if team is not None:
        return team
    try:
        with session.begin_nested():
            team = Team(name=name)
            session.add(team)
    except IntegrityError:  # created concurrently by another request
        team = get_team(session, name)
        assert team is not None
    return team
