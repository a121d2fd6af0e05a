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


MAX_COMPANY_NAMES = 20
MAX_COMPANY_NAME_CHARS = 200


def parse_company_names(text: str) -> list[str]:
    """Names separated by ';' or new lines; ValueError (for a person) past the limits."""
    names = list(dict.fromkeys(p.strip() for p in re.split(r"[;\n]", text) if p.strip()))
    if len(names) > MAX_COMPANY_NAMES:
        raise ValueError(f"at most {MAX_COMPANY_NAMES} company names")
    long = next((n for n in names if len(n) > MAX_COMPANY_NAME_CHARS), None)
    if long is not None:
        raise ValueError(f"a company name is longer than {MAX_COMPANY_NAME_CHARS} characters")
    return names


def team_company_names(session: Session, team_id: int) -> list[str]:
    team = session.get(Team, team_id)
    return list(team.company_names or []) if team is not None else []


def set_team_company_names(session: Session, team_id: int, names: list[str]) -> None:
    team = session.get_one(Team, team_id)
    team.company_names = names
