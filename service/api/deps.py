"""Route dependencies: the shared state, a database session, the caller's API key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.api.state import ServiceState
from service.keys import authenticate, has_scope

_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


def get_state(request: Request) -> ServiceState:
    return request.app.state.callcoach


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key of one team with some scopes (an agent's key: one agent)."""

    key_id: str
    team_id: int
    team: str
    scopes: tuple[str, ...]
    agent_id: str | None = None


AGENT_KEY_REFUSED = "an agent's key sees only the agent's own calls (GET /v1/calls...)"


def require_scope(scope: str, agent_keys: bool = False) -> Callable[..., Principal]:
    """A dependency: the presented key with ``scope``; an agent's key only where
    ``agent_keys`` (the routes that limit what they show to the agent's calls)."""

    def dependency(
        state: StateDep,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header_key: Annotated[str | None, Depends(_api_key_header)],
    ) -> Principal:
        presented = header_key or (bearer.credentials if bearer else None)
        if not presented:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing API key: send Authorization: Bearer <key> or X-API-Key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        with state.db.session() as session:
            row = authenticate(session, presented)
            if row is None:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED,
                    "invalid or revoked API key",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if not has_scope(row, scope):
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, f"this API key lacks the {scope!r} scope"
                )
            if row.agent_id is not None and not agent_keys:
                raise HTTPException(status.HTTP_403_FORBIDDEN, AGENT_KEY_REFUSED)
            return Principal(
                key_id=row.key_id,
                team_id=row.team_id,
                team=row.team.name,
                scopes=tuple(row.scopes.split()),
                agent_id=row.agent_id,
            )

    dependency.__name__ = f"require_{scope}"
    return dependency


IngestKey = Annotated[Principal, Depends(require_scope("ingest"))]
ReadKey = Annotated[Principal, Depends(require_scope("read"))]
# Reading calls: an agent's key too, limited to the agent's calls by the route.
CallReadKey = Annotated[Principal, Depends(require_scope("read", agent_keys=True))]
AdminKey = Annotated[Principal, Depends(require_scope("admin"))]
