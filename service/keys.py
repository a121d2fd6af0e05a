"""API keys: ``cck_<key id>_<secret>``; only the SHA-256 of the whole key is stored.

The key id is a public lookup prefix; the secret has 256 bits of entropy, so a plain
SHA-256 (not a slow password hash) is the right tool: nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import ApiKey
from service.db.types import utcnow
from service.teams import get_or_create_team

Scope = Literal["ingest", "read", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
_PREFIX = "cck_"


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    key_id: str
    team: str
    scopes: tuple[str, ...]
    agent_id: str | None = None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    parsed: list[str] = []
    for scope in scopes:
        for part in scope.replace(",", " ").split():
            if part not in SCOPES:
                raise ValueError(f"unknown scope {part!r}; choose from {', '.join(SCOPES)}")
            if part not in parsed:
                parsed.append(part)
    if not parsed:
        raise ValueError("a key needs at least one scope")
    return tuple(parsed)


def parse_agent_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """An agent's key reads the agent's own calls and nothing else."""
    parsed = parse_scopes(scopes)
    if parsed != ("read",):
        raise ValueError("an agent's key can only read (scope read)")
    return parsed


def create_api_key(
    session: Session,
    team: str,
    scopes: Iterable[str],
    name: str | None = None,
    agent_id: str | None = None,
) -> NewKey:
    """A new key of ``team``; with ``agent_id`` it sees only that agent's calls."""
    if agent_id is not None and not agent_id.strip():
        raise ValueError("an agent's key needs the agent's id")
    parsed = parse_scopes(scopes) if agent_id is None else parse_agent_scopes(scopes)
    team_row = get_or_create_team(session, team)
    key_id = secrets.token_hex(8)
    key = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(
            team_id=team_row.id,
            key_id=key_id,
            key_sha256=_digest(key),
            scopes=" ".join(parsed),
            name=name,
            agent_id=agent_id.strip() if agent_id is not None else None,
        )
    )
    session.flush()
    agent = agent_id.strip() if agent_id is not None else None
    return NewKey(key=key, key_id=key_id, team=team_row.name, scopes=parsed, agent_id=agent)


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The active key row for a presented key, or None (unknown, revoked, malformed)."""
    if not presented.startswith(_PREFIX):
        return None
    key_id, sep, _secret = presented[len(_PREFIX) :].partition("_")
    if not sep or not key_id:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_sha256, _digest(presented)):
        return None
    return row


def has_scope(row: ApiKey, needed: str) -> bool:
    granted = row.scopes.split()
    return needed in granted or "admin" in granted


def revoke_api_key(session: Session, key_id: str) -> bool:
    row = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def list_api_keys(session: Session, team: str | None = None) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    rows = list(session.scalars(query))
    return [r for r in rows if team is None or r.team.name == team]
